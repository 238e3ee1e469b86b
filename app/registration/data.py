"""What a delegate tells us, and what registering returns: plain values between the forms
(or any other caller) and the services."""

from dataclasses import dataclass, field
from datetime import date

from app.registration.models import DelegateRole, Registration


@dataclass
class RegistrationData:
    """What a delegate tells us, already checked for shape by the form."""

    salutation: str
    first_name: str
    last_name: str
    email: str
    position: str
    delegation: str  # a delegation's key: "state:ET", "org:IOM"
    role: DelegateRole
    #: ISO dates of the days attended; empty means every day.
    days: list[str] = field(default_factory=list)
    phone: str = ""
    function: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    needs_visa_letter: bool = False
    nationality: str | None = None
    passport_number: str | None = None
    date_of_birth: date | None = None
    passport_expiry: date | None = None
    list_consent: bool = False
    invitation_code: str = ""
    #: The language the delegate registers in; None keeps the registration's.
    language: str | None = None
    #: The version of the privacy notice the form linked; None keeps the registration's.
    privacy_notice_version: str | None = None


@dataclass
class RegistrationResult:
    registration: Registration
    #: False when the address already had a registration: its manage link was emailed again.
    created: bool
