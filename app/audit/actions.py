"""Every action the log records, and what it is called on the page."""

from flask_babel import lazy_gettext

ACTIONS = {
    "account.signed_in": lazy_gettext("Signed in"),
    "account.sign_in_failed": lazy_gettext("Failed sign-in"),
    "account.signed_out": lazy_gettext("Signed out"),
    "account.created": lazy_gettext("Account created"),
    "account.changed": lazy_gettext("Account changed"),
    "account.deactivated": lazy_gettext("Account deactivated"),
    "account.reactivated": lazy_gettext("Account reactivated"),
    "account.password_changed": lazy_gettext("Password changed"),
    "account.password_reset_requested": lazy_gettext("Password reset link sent"),
    "account.password_reset": lazy_gettext("Password reset"),
    "meeting.created": lazy_gettext("Meeting created"),
    "meeting.changed": lazy_gettext("Meeting changed"),
    "meeting.published": lazy_gettext("Meeting published"),
    "meeting.unpublished": lazy_gettext("Meeting unpublished"),
    "meeting.cancelled": lazy_gettext("Meeting cancelled"),
    "programme.changed": lazy_gettext("Programme changed"),
    "document.added": lazy_gettext("Document added"),
    "document.changed": lazy_gettext("Document changed"),
    "document.removed": lazy_gettext("Document removed"),
    "registration.approved": lazy_gettext("Registration approved"),
    "registration.cancelled": lazy_gettext("Registration cancelled"),
    "delegation.changed": lazy_gettext("Delegation changed"),
}


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action
