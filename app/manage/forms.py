"""The accounts forms: their shape; app.auth.services checks the rules."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app import text
from app.auth.models import Role
from app.locale import INTERFACE_LOCALES, LANGUAGE_NAMES
from app.meetings.formatting import format_dates


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def single_line(form, field):
    if problem := text.single_line_problem(field.data):
        raise ValidationError(problem)


def multi_line(form, field):
    if problem := text.multi_line_problem(field.data):
        raise ValidationError(problem)


def show_refusal(form, errors: dict[str, str]) -> list[str]:
    """Put a service's errors on the form's fields; return those of the form as a whole."""
    general = []
    for name, message in errors.items():
        if name and name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            general.append(message)
    return general


class AccountForm(FlaskForm):
    name = StringField(
        lazy_gettext("Name"),
        default="",
        filters=[lambda value: (value or "").strip()],
        validators=[Length(max=200), single_line],
    )
    role = SelectField(
        lazy_gettext("Role in the back office"),
        # One of the roles, which SelectField checks itself (a required select would need an empty first option).
        description=lazy_gettext(
            "Administrators see and change everything, the accounts included. Organisers run the meetings "
            "assigned to them and those they create. Viewers read the lists and exports of their meetings."
        ),
    )
    meetings = MultiCheckboxField(
        lazy_gettext("Meetings"),
        coerce=int,
        validate_choice=True,
        description=lazy_gettext("The meetings an organiser or a viewer works on. Administrators work on all."),
    )

    def __init__(self, meetings, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [SelectChoice(role.value, role.label) for role in Role]
        # Dated, since several meetings of a series share one title.
        self.meetings.choices = [
            SelectChoice(meeting.id, f"{meeting.title} ({format_dates(meeting)})") for meeting in meetings
        ]


class NewAccountForm(AccountForm):
    email = EmailField(
        lazy_gettext("Email address"),
        validators=[DataRequired(lazy_gettext("Enter the email address the account signs in with.")), Length(max=254)],
    )
    language = SelectField(
        lazy_gettext("Language of the account's emails"),
        choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in INTERFACE_LOCALES],
    )

    PAGE_ORDER = ("email", "name", "role", "meetings", "language")

    def in_page_order(self):
        return [self[name] for name in self.PAGE_ORDER]
