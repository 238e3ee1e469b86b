"""The registration form as a delegate fills it in, and the links the emails carry."""

import re

#: Every field the registration and manage forms read (and the CSRF token).
FIELDS = [
    "salutation",
    "first_name",
    "last_name",
    "email",
    "phone",
    "delegation",
    "position",
    "function",
    "role",
    "days",
    "dietary_needs",
    "accessibility_needs",
    "needs_visa_letter",
    "nationality",
    "passport_number",
    "date_of_birth",
    "passport_expiry",
    "list_consent",
    "invitation_code",
    "csrf_token",
]


def form_data(meeting, **fields):
    """A valid registration form for ``meeting`` (every day ticked, as the form starts)."""
    data = {
        "days": [day.isoformat() for day in meeting.days],
        "salutation": "Dr",
        "first_name": "Dawit",
        "last_name": "Bekele",
        "email": "dawit.bekele@mfa.example",
        "delegation": "state:ET",
        "position": "Director for Consular Affairs",
        "role": "head-of-delegation",
        "function": "Ministry of Foreign Affairs",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def link_in(text, kind):
    match = re.search(rf"http://meetings\.test(/meetings/[^/\s]+/{kind}/[^\s]+)", text)
    assert match, text
    return match.group(1)
