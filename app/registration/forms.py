"""Registration forms: they check the shape of what a delegate types; the services check the rules."""

import functools
from datetime import datetime
from types import SimpleNamespace

from flask_babel import format_date, gettext, lazy_gettext
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
from app.locale import INTERFACE_LOCALES, LANGUAGE_NAMES, interface_locale, resolve_locale
from app.meetings.formatting import format_day
from app.meetings.models import Eligibility
from app.registration.data import RegistrationData
from app.registration.models import SALUTATIONS, DelegateRole
from app.registration.rules import check_visa

CHOOSE = lazy_gettext("Choose…")
INVALID_CHOICE = lazy_gettext("Choose one of the options in the list.")


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
    choices = _choices([("", gettext("Choose…"))])
    for group, pairs in groups:
        choices += _choices(pairs, str(GROUP_HEADINGS[group]))
    return tuple(choices)


@functools.lru_cache(maxsize=8)
def _nationality_choices(states, locale: str) -> tuple[SelectChoice, ...]:
    return tuple(_choices([("", gettext("Choose…")), *states]))


class ChoiceField(SelectField):
    """A select whose refusal of an unknown value says what to do."""

    def __init__(self, *args, invalid_message=INVALID_CHOICE, **kwargs):
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


class DayField(DateField):
    """A date whose refusal says what to type: ``what`` is the date's name within a sentence
    ("your date of birth"), translated lazily like every label."""

    def __init__(self, *args, what, example: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.what, self.example = what, example

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                gettext("Enter %(what)s as a date, such as %(example)s.", what=self.what, example=self.example)
            ) from None


def required(message):
    return DataRequired(message=message)


class _AtMost(Length):
    """At most ``count`` characters; the sentence names the field ("First name"), in the
    reader's language when it is shown."""

    def __init__(self, count, what):
        super().__init__(max=count)
        self.what = what

    def __call__(self, form, field):
        if field.data and len(field.data) > self.max:
            raise ValidationError(
                gettext("%(what)s can be at most %(count)d characters long.", what=self.what, count=self.max)
            )


def at_most(count, what):
    return _AtMost(count, what)


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
            raise ValidationError(gettext("Choose days on which the meeting takes place.")) from None


class DelegateDetailsForm(FlaskForm):
    """The details a delegate gives and may later edit."""

    salutation = ChoiceField(
        lazy_gettext("Salutation"),
        choices=_choices([("", CHOOSE), *SALUTATIONS.items()]),
        validators=[required(lazy_gettext("Choose a salutation."))],
        invalid_message=lazy_gettext("Choose a salutation from the list."),
    )
    first_name = StringField(
        lazy_gettext("First name"),
        validators=[
            required(lazy_gettext("Enter your first name.")),
            at_most(100, lazy_gettext("First name")),
            single_line,
        ],
    )
    last_name = StringField(
        lazy_gettext("Last name"),
        validators=[
            required(lazy_gettext("Enter your last name.")),
            at_most(100, lazy_gettext("Last name")),
            single_line,
        ],
    )
    phone = StringField(
        lazy_gettext("Phone (optional)"),
        validators=[
            Optional(),
            at_most(40, lazy_gettext("A phone number")),
            Regexp(
                r"^\+?[0-9 ().\-/]{6,40}$",
                message=lazy_gettext(
                    "Enter a phone number with digits, spaces and an optional leading +, such as +251 11 551 7700."
                ),
            ),
        ],
    )
    delegation = ChoiceField(
        lazy_gettext("Delegation"),
        widget=LongSelect(),
        validators=[required(lazy_gettext("Choose the delegation you represent."))],
        invalid_message=lazy_gettext("Choose a member state or an organisation from the list."),
        description=lazy_gettext("The member state or organisation you represent."),
    )
    position = StringField(
        lazy_gettext("Position / title"),
        validators=[
            required(lazy_gettext("Enter your position or title.")),
            at_most(200, lazy_gettext("Position / title")),
            single_line,
        ],
    )
    function = StringField(
        lazy_gettext("Function / department (optional)"),
        validators=[Optional(), at_most(200, lazy_gettext("Function / department")), single_line],
    )
    role = ChoiceField(
        lazy_gettext("Role in the delegation"),
        choices=_choices([("", CHOOSE)] + [(r.value, r.label) for r in DelegateRole]),
        validators=[required(lazy_gettext("Choose your role in the delegation."))],
        invalid_message=lazy_gettext("Choose a role from the list."),
    )
    days = MultiCheckboxField(lazy_gettext("Days you will attend"))
    dietary_needs = TextAreaField(
        lazy_gettext("Dietary needs (optional)"),
        validators=[Optional(), at_most(1000, lazy_gettext("Dietary needs")), multi_line],
    )
    accessibility_needs = TextAreaField(
        lazy_gettext("Accessibility needs (optional)"),
        validators=[Optional(), at_most(1000, lazy_gettext("Accessibility needs")), multi_line],
    )
    needs_visa_letter = BooleanField(lazy_gettext("I need a visa invitation letter"))
    nationality = ChoiceField(
        lazy_gettext("Nationality"),
        widget=LongSelect(),
        validators=[Optional()],
        invalid_message=lazy_gettext("Choose a nationality from the list."),
    )
    passport_number = StringField(
        lazy_gettext("Passport number"),
        validators=[
            Optional(),
            Regexp(
                r"^[A-Za-z0-9]{5,30}$",
                message=lazy_gettext(
                    "Enter the passport number as printed, without spaces or dashes: 5 to 30 letters and digits."
                ),
            ),
        ],
    )
    date_of_birth = DayField(
        lazy_gettext("Date of birth"),
        what=lazy_gettext("your date of birth"),
        example="1975-04-28",
        validators=[Optional()],
    )
    passport_expiry = DayField(
        lazy_gettext("Passport expiry date"),
        what=lazy_gettext("the passport's expiry date"),
        example="2031-05-01",
        validators=[Optional()],
    )
    list_consent = BooleanField(lazy_gettext("Show my name, title and function in the published List of Participants"))

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
        self.days.choices = _choices(
            (d.isoformat(), f"{format_day(d)} ({format_date(d, 'EEEE')})") for d in meeting.days
        )
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
        "language",
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
        heading = str(GROUP_HEADINGS[group_of(delegation)])
        choices = list(self.delegation.choices)
        in_group = [i for i, choice in enumerate(choices) if choice.optgroup == heading]
        position = in_group[-1] + 1 if in_group else len(choices)
        choices.insert(position, SelectChoice(delegation.key, delegation.display_name(locale), optgroup=heading))
        self.delegation.choices = tuple(choices)
        self.delegation.render_key = (*self.delegation.render_key, delegation.key)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.days is not None and not self.days.data and not self.days.errors:
            self.days.errors.append(gettext("Choose at least one day you will attend."))
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
    data["language"] = registration.language
    return data


class ManageForm(DelegateDetailsForm):
    """The manage page's details: the registration form's, and the language of the emails."""

    language = ChoiceField(
        lazy_gettext("Language of your emails"),
        # Each language named in itself, as the language switch names them.
        choices=_choices((code, LANGUAGE_NAMES[code]) for code in INTERFACE_LOCALES),
        validators=[Optional()],
        invalid_message=lazy_gettext("Choose a language from the list."),
        description=lazy_gettext("Our emails to you, and your calendar invitation, are written in this language."),
    )

    def to_data(self, email: str, invitation_code: str = "") -> RegistrationData:
        data = super().to_data(email, invitation_code)
        data.language = self.language.data or None  # not sent: the registration keeps its own
        return data


class RegistrationForm(DelegateDetailsForm):
    email = EmailField(
        lazy_gettext("Email"),
        filters=[_strip],
        validators=[
            required(lazy_gettext("Enter your email address.")),
            at_most(254, lazy_gettext("An email address")),
            canonical_email,
        ],
    )
    invitation_code = StringField(
        lazy_gettext("Invitation code"),
        validators=[Optional(), at_most(64, lazy_gettext("An invitation code")), single_line],
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
        lazy_gettext("The email address you registered with"),
        filters=[_strip],
        validators=[
            required(lazy_gettext("Enter the email address you registered with.")),
            at_most(254, lazy_gettext("An email address")),
            canonical_email,
        ],
    )
