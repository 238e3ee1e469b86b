"""Registration forms: they check the shape of what a delegate types; the services check the rules."""

import functools
from datetime import datetime
from types import SimpleNamespace

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select

from app import text
from app.delegations.services import GROUP_HEADINGS, form_groups, group_of, state_names
from app.locale import interface_locale, resolve_locale
from app.meetings.formatting import format_day
from app.meetings.models import Eligibility
from app.registration.data import RegistrationData
from app.registration.models import DelegateRole
from app.registration.rules import check_visa

SALUTATIONS = ["Mr", "Ms", "Mx", "Dr", "Prof.", "H.E."]


def single_line(form, field):
    problem = text.single_line_problem(field.data)
    if problem:
        raise ValidationError(problem)


def multi_line(form, field):
    problem = text.multi_line_problem(field.data)
    if problem:
        raise ValidationError(problem)


def canonical_email(form, field):
    """Check the address and keep it in its one stored form (lower case, IDNA domain)."""
    try:
        field.data = text.canonical_email(field.data)
    except text.InvalidEmail as error:
        raise ValidationError(str(error)) from None


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _choices(pairs, optgroup=None) -> list[SelectChoice]:
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


# The choice lists and the rendered selects hold words of the reader's language: each
# cache keys on it.
@functools.lru_cache(maxsize=32)
def _delegation_choices(groups, locale: str) -> tuple[SelectChoice, ...]:
    choices = _choices([("", "Choose…")])
    for group, pairs in groups:
        choices += _choices(pairs, GROUP_HEADINGS[group])
    return tuple(choices)


@functools.lru_cache(maxsize=8)
def _nationality_choices(states, locale: str) -> tuple[SelectChoice, ...]:
    return tuple(_choices([("", "Choose…"), *states]))


class ChoiceField(SelectField):
    """A select whose refusal of an unknown value says what to do."""

    def __init__(self, *args, invalid_message="Choose one of the options in the list.", **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


class DayField(DateField):
    """A date whose refusal says what to type."""

    def __init__(self, *args, what: str, example: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.what, self.example = what, example

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"Enter {self.what} as a date, such as {self.example}.") from None


def required(message):
    return DataRequired(message=message)


def at_most(count, what):
    return Length(max=count, message=f"{what} can be at most {count} characters long.")


class LongSelect(Select):
    """A select with hundreds of options, rendered once per process for each choice list,
    selected value and set of attributes: rendering them costs more than the rest of the page."""

    _rendered: dict = {}
    _limit = 2048

    def __call__(self, field, **kwargs):
        key = (resolve_locale(), field.render_key, str(field.data), tuple(sorted(kwargs.items())))
        html = self._rendered.get(key)
        if html is None:
            html = super().__call__(field, **kwargs)
            if len(self._rendered) >= self._limit:
                self._rendered.clear()
            self._rendered[key] = html
        return html


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError("Choose days on which the meeting takes place.") from None


class DelegateDetailsForm(FlaskForm):
    """The details a delegate gives and may later edit."""

    salutation = ChoiceField(
        "Salutation",
        choices=_choices([("", "Choose…")] + [(s, s) for s in SALUTATIONS]),
        validators=[required("Choose a salutation.")],
        invalid_message="Choose a salutation from the list.",
    )
    first_name = StringField(
        "First name", validators=[required("Enter your first name."), at_most(100, "First name"), single_line]
    )
    last_name = StringField(
        "Last name", validators=[required("Enter your last name."), at_most(100, "Last name"), single_line]
    )
    phone = StringField(
        "Phone (optional)",
        validators=[
            Optional(),
            at_most(40, "A phone number"),
            Regexp(
                r"^\+?[0-9 ().\-/]{6,40}$",
                message="Enter a phone number with digits, spaces and an optional leading +, such as +251 11 551 7700.",
            ),
        ],
    )
    delegation = ChoiceField(
        "Delegation",
        widget=LongSelect(),
        validators=[required("Choose the delegation you represent.")],
        invalid_message="Choose a member state or an organisation from the list.",
        description="The member state or organisation you represent.",
    )
    position = StringField(
        "Position / title",
        validators=[required("Enter your position or title."), at_most(200, "Position / title"), single_line],
    )
    function = StringField(
        "Function / department (optional)",
        validators=[Optional(), at_most(200, "Function / department"), single_line],
    )
    role = ChoiceField(
        "Role in the delegation",
        choices=_choices([("", "Choose…")] + [(r.value, r.label) for r in DelegateRole]),
        validators=[required("Choose your role in the delegation.")],
        invalid_message="Choose a role from the list.",
    )
    days = MultiCheckboxField("Days you will attend")
    dietary_needs = TextAreaField(
        "Dietary needs (optional)", validators=[Optional(), at_most(1000, "Dietary needs"), multi_line]
    )
    accessibility_needs = TextAreaField(
        "Accessibility needs (optional)", validators=[Optional(), at_most(1000, "Accessibility needs"), multi_line]
    )
    needs_visa_letter = BooleanField("I need a visa invitation letter")
    nationality = ChoiceField(
        "Nationality",
        widget=LongSelect(),
        validators=[Optional()],
        invalid_message="Choose a nationality from the list.",
    )
    passport_number = StringField(
        "Passport number",
        validators=[
            Optional(),
            Regexp(
                r"^[A-Za-z0-9]{5,30}$",
                message="Enter the passport number as printed, without spaces or dashes: 5 to 30 letters and digits.",
            ),
        ],
    )
    date_of_birth = DayField("Date of birth", what="your date of birth", example="1975-04-28", validators=[Optional()])
    passport_expiry = DayField(
        "Passport expiry date", what="the passport's expiry date", example="2031-05-01", validators=[Optional()]
    )
    list_consent = BooleanField("Show my name, title and function in the published List of Participants")

    def __init__(
        self, meeting, *args, now: datetime, passport_on_file: str | None = None, current_delegation=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.meeting, self.now = meeting, now
        #: The passport number already stored (the manage page): shown masked, kept when left empty.
        self.passport_on_file = masked_passport(passport_on_file)
        self._passport_number_on_file = passport_on_file
        locale = interface_locale()
        groups = form_groups(meeting.eligibility or Eligibility.EVERYONE, locale)
        self.delegation.choices = _delegation_choices(groups, locale)
        self.delegation.render_key = ("delegation", groups)
        if current_delegation is not None and all(c.value != current_delegation.key for c in self.delegation.choices):
            self._keep_choice(current_delegation, locale)
        states = state_names(locale)
        self.nationality.choices = _nationality_choices(states, locale)
        self.nationality.render_key = ("nationality", states)
        self.days.choices = _choices((d.isoformat(), f"{format_day(d)} ({d:%A})") for d in meeting.days)
        if len(meeting.days) <= 1:
            del self.days
        elif not self.is_submitted() and not self.days.data:
            self.days.data = [day.isoformat() for day in meeting.days]

    #: The fields in the order the page shows them (the error summary lists them so).
    PAGE_ORDER = (
        "invitation_code",
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
    )

    def in_page_order(self):
        """The form's fields in the order the page shows them."""
        ordered = [self[name] for name in self.PAGE_ORDER if name in self]
        return ordered + [field for field in self if field.name not in self.PAGE_ORDER]

    def _keep_choice(self, delegation, locale):
        """Offer the delegation a delegate registered with, even if it is no longer offered to others."""
        heading = GROUP_HEADINGS[group_of(delegation)]
        choices = list(self.delegation.choices)
        in_group = [i for i, choice in enumerate(choices) if choice.optgroup == heading]
        position = in_group[-1] + 1 if in_group else len(choices)
        choices.insert(position, SelectChoice(delegation.key, delegation.display_name(locale), optgroup=heading))
        self.delegation.choices = tuple(choices)
        self.delegation.render_key = (*self.delegation.render_key, delegation.key)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.days is not None and not self.days.data and not self.days.errors:
            self.days.errors.append("Choose at least one day you will attend.")
            valid = False
        # The visa rules are the service's (rules.check_visa), shown here beside the shape errors.
        visa = SimpleNamespace(
            needs_visa_letter=bool(self.needs_visa_letter.data),
            nationality=self.nationality.data or None,
            passport_number=self.passport_number.data or self._passport_number_on_file,
            date_of_birth=self.date_of_birth.data,
            passport_expiry=self.passport_expiry.data,
        )
        for name, message in check_visa(self.meeting, visa, self.now).items():
            field = getattr(self, name)
            if not field.errors:
                field.errors.append(message)
                valid = False
        return valid

    def to_data(self, email: str, invitation_code: str = "") -> RegistrationData:
        visa = self.needs_visa_letter.data
        return RegistrationData(
            salutation=self.salutation.data,
            first_name=self.first_name.data.strip(),
            last_name=self.last_name.data.strip(),
            email=email,
            phone=(self.phone.data or "").strip(),
            delegation=self.delegation.data,
            position=self.position.data.strip(),
            function=(self.function.data or "").strip(),
            role=DelegateRole(self.role.data),
            days=list(self.days.data or []) if self.days is not None else [],
            dietary_needs=(self.dietary_needs.data or "").strip(),
            accessibility_needs=(self.accessibility_needs.data or "").strip(),
            needs_visa_letter=bool(visa),
            nationality=self.nationality.data or None if visa else None,
            passport_number=(self.passport_number.data or "").upper() or None if visa else None,
            date_of_birth=self.date_of_birth.data if visa else None,
            passport_expiry=self.passport_expiry.data if visa else None,
            list_consent=bool(self.list_consent.data),
            invitation_code=invitation_code,
        )

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Put a service's errors beside their fields; return those that belong to no field."""
        general = []
        for name, message in errors.items():
            field = getattr(self, name, None) if name else None
            if field is None:
                general.append(message)
            else:
                field.errors = [*field.errors, message]
        return general


def masked_passport(number: str | None) -> str | None:
    """The last three characters of a passport number, the rest hidden."""
    if not number:
        return None
    return "•" * max(len(number) - 3, 3) + number[-3:]


def details_of(registration) -> dict:
    """A registration's details as the form's initial data."""
    # Not the passport number: the page shows it masked, and an empty field keeps it.
    names = (
        "salutation",
        "first_name",
        "last_name",
        "phone",
        "delegation",
        "position",
        "function",
        "days",
        "dietary_needs",
        "accessibility_needs",
        "needs_visa_letter",
        "nationality",
        "date_of_birth",
        "passport_expiry",
        "list_consent",
    )
    data = {name: getattr(registration, name) for name in names}
    data["delegation"] = registration.delegation.key
    data["days"] = [day.isoformat() for day in registration.days]
    data["role"] = registration.role.value
    return data


class RegistrationForm(DelegateDetailsForm):
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[required("Enter your email address."), at_most(254, "An email address"), canonical_email],
    )
    invitation_code = StringField(
        "Invitation code", validators=[Optional(), at_most(64, "An invitation code"), single_line]
    )

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(meeting, *args, **kwargs)
        if not meeting.invitation_code:
            del self.invitation_code

    def registration_data(self) -> RegistrationData:
        code = (self.invitation_code.data or "") if self.invitation_code is not None else ""
        data = self.to_data(self.email.data, code)
        data.language = interface_locale()  # the language the form was shown in
        return data


class ConfirmForm(FlaskForm):
    """An empty form: a POST with a CSRF token."""


class LinkRequestForm(FlaskForm):
    """The address to which a fresh link to one's registration is sent."""

    email = EmailField(
        "The email address you registered with",
        filters=[_strip],
        validators=[
            required("Enter the email address you registered with."),
            at_most(254, "An email address"),
            canonical_email,
        ],
    )
