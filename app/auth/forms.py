"""The sign-in and password forms: their shape; the services check the rest."""

from flask import current_app
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

from app.auth.passwords import MAX_LENGTH

_EMAIL = lazy_gettext("Email address")
_REQUIRED_EMAIL = lazy_gettext("Enter your email address.")


class SignInForm(FlaskForm):
    email = EmailField(
        _EMAIL, validators=[DataRequired(_REQUIRED_EMAIL), Length(max=254)], render_kw={"autocomplete": "username"}
    )
    password = PasswordField(
        lazy_gettext("Password"),
        validators=[DataRequired(lazy_gettext("Enter your password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _EMAIL, validators=[DataRequired(_REQUIRED_EMAIL), Length(max=254)], render_kw={"autocomplete": "username"}
    )


class _NewPassword:
    new_password = PasswordField(
        lazy_gettext("New password"),
        validators=[DataRequired(lazy_gettext("Choose a new password."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        lazy_gettext("New password again"),
        validators=[DataRequired(lazy_gettext("Type the new password a second time."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_password.description = gettext(
            "At least %(count)d characters; a few unrelated words make a good one.",
            count=current_app.config["PASSWORD_MIN_LENGTH"],
        )

    def validate_confirm_password(self, field):
        if field.data != self.new_password.data:
            raise ValidationError(gettext("The two passwords are not the same."))


class SetPasswordForm(_NewPassword, FlaskForm):
    pass


class ChangePasswordForm(_NewPassword, FlaskForm):
    current_password = PasswordField(
        lazy_gettext("Current password"),
        validators=[DataRequired(lazy_gettext("Enter your current password.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )

    PAGE_ORDER = ("current_password", "new_password", "confirm_password")

    def in_page_order(self):
        return [self[name] for name in self.PAGE_ORDER]
