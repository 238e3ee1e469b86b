"""The registration form as a delegate fills it in, and the links the emails carry."""

import re
from html.parser import HTMLParser

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


class _SelectReader(HTMLParser):
    """The options of one <select>, by optgroup label, as the page sends them."""

    def __init__(self, name):
        super().__init__()
        self.name, self.inside, self.group, self.option = name, False, None, None
        self.groups: dict[str | None, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.inside = attrs.get("name") == self.name
        elif self.inside and tag == "optgroup":
            self.group = attrs.get("label")
        elif self.inside and tag == "option" and attrs.get("value"):
            self.option = ""

    def handle_data(self, data):
        if self.option is not None:
            self.option += data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None:
            self.groups.setdefault(self.group, []).append(self.option.strip())
            self.option = None
        elif tag == "optgroup":
            self.group = None
        elif tag == "select":
            self.inside = False


def select_options(html: str, name: str) -> dict[str | None, list[str]]:
    reader = _SelectReader(name)
    reader.feed(html)
    return reader.groups


def delegation_options(client, meeting, language: str) -> dict[str | None, list[str]]:
    """The delegations the registration page offers a reader of ``language``, by heading."""
    response = client.get(f"/meetings/{meeting.slug}/register?lang={language}")
    assert response.status_code == 200
    return select_options(response.get_data(as_text=True), "delegation")
