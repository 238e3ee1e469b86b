"""Every public page a delegate can reach, on the demo data: what the phone, accessibility
and HTML-checker tests walk through."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.demo.loader import load_demo
from app.meetings.services import get_public_meeting
from app.registration.tokens import make_confirm_token, make_manage_token
from tests.helpers.factories import make_registration

#: The demo meeting that takes registrations (open from 60 days before it starts).
OPEN_MEETING = "thematic-meeting-trafficking-nairobi"


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str
    #: The page is the answer to this form sent empty (the form is at ``path``).
    submit_empty: bool = False
    status: int = 200


def make_public_pages() -> list[PublicPage]:
    """Load the demo and register two delegates with the longest names the lists hold;
    return the pages, each with the address that shows it."""
    load_demo()
    open_meeting = get_public_meeting(OPEN_MEETING)
    # The longest delegation and nationality offered (the selects grow to them), and an
    # address longer than a phone's line, in one word.
    confirmed = make_registration(
        open_meeting,
        email="permanentmissiontotheofficeofthehighcommissionerforrefugees@unhcr.example",
        delegation="org:UNHCR",
        needs_visa_letter=True,
        nationality="GS",
        passport_number="X1234567",
        date_of_birth=date(1980, 5, 17),
        passport_expiry=date.today() + timedelta(days=3650),
    )
    unconfirmed = make_registration(open_meeting, confirm=False)
    meeting = f"/meetings/{OPEN_MEETING}"
    manage = f"{meeting}/registration/{make_manage_token(confirmed)}"
    return [
        PublicPage("upcoming meetings", "/"),
        PublicPage("archive", "/meetings/archive"),
        PublicPage("meeting page", meeting),
        PublicPage("registration form", f"{meeting}/register"),
        PublicPage("registration form with errors", f"{meeting}/register", submit_empty=True, status=400),
        PublicPage("check your email", f"{meeting}/register/check-your-email"),
        PublicPage("confirm page", f"{meeting}/confirm/{make_confirm_token(unconfirmed)}"),
        PublicPage("manage page", manage),
        PublicPage("cancel confirmation", f"{manage}/cancel"),
        PublicPage("new link", f"{meeting}/new-link"),
        PublicPage("privacy notice", "/privacy"),
        PublicPage("link problem", f"{meeting}/registration/not-a-token", status=400),
        PublicPage("not found", "/no-such-page", status=404),
    ]
