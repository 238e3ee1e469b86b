"""The emails an account receives; each only queues it in the outbox, in the caller's commit."""

from flask import render_template
from flask_babel import gettext, ngettext

from app.auth.models import Account
from app.auth.tokens import link_lifetime, make_password_token
from app.locale import setting_in_language, writing_in
from app.mail.outbox import enqueue
from app.urls import absolute_url


def _queue(account: Account, template: str, subject: str, **context):
    context.update(
        account=account,
        secretariat=setting_in_language("SECRETARIAT_NAME"),
        sign_in_url=absolute_url("auth.login"),
    )
    return enqueue(
        to_email=account.email,
        to_name=account.name,
        subject=subject,
        text=render_template(f"manage/mail/{template}.txt", **context),
        html=render_template(f"manage/mail/{template}.html", **context),
    )


def _duration(seconds: int) -> str:
    """A link's life exactly ("7 days", "1 hour", "30 minutes"), in the language being written."""
    if seconds >= 86400 and seconds % 86400 == 0:
        return ngettext("%(num)d day", "%(num)d days", seconds // 86400)
    if seconds >= 3600 and seconds % 3600 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", seconds // 3600)
    minutes = max(1, seconds // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def _link(account: Account) -> dict:
    setup = account.password_hash is None
    return {
        "password_url": absolute_url("auth.set_password", token=make_password_token(account)),
        "lifetime": _duration(link_lifetime(setup)),
    }


def account_created(account: Account):
    """A new account's link to choose its first password."""
    with writing_in(account.language):
        subject = gettext("Your account for %(secretariat)s", secretariat=setting_in_language("SECRETARIAT_NAME"))
        return _queue(account, "account_created", subject, **_link(account))


def password_reset(account: Account, *, language: str):
    """The link to choose a new password, in the language of the page that asked for it."""
    with writing_in(language):
        return _queue(account, "password_reset", gettext("Reset your password"), **_link(account))
