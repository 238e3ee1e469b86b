"""Signing in and out, and the password pages: the door of the back office (``/manage/``)."""

import hashlib

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_limiter.util import get_remote_address

from app.auth import services
from app.auth.access import current_account, public, requires, safe_next
from app.auth.forms import ChangePasswordForm, ResetRequestForm, SetPasswordForm, SignInForm
from app.auth.permissions import Permission, assigned_meeting_ids, may
from app.auth.sessions import EXPIRED, end_session, start_session
from app.auth.tokens import PasswordLinkError
from app.db import utcnow
from app.locale import interface_locale
from app.security import allow
from app.text import address_key

bp = Blueprint("auth", __name__, url_prefix="/manage")

#: Where a signed-in organiser starts (app.manage's home page).
HOME = "manage.home"
WRONG = lazy_gettext("The email address or the password is not right. Check both and try again.")
TOO_MANY_SIGN_INS = lazy_gettext(
    "There have been too many attempts to sign in from here. Wait a few minutes, then try again, "
    "or reset your password."
)
TOO_MANY_RESETS = lazy_gettext("You have asked for several links in a short while. Wait a few minutes, then try again.")
LINK_PROBLEMS = {
    "expired": lazy_gettext("This link has expired."),
    "used": lazy_gettext("This link has already been used, or a newer one has replaced it."),
    "invalid": lazy_gettext("This link is not complete or not right."),
}


@bp.app_template_global()
def manage_may(permission: str, meeting_id: int | None = None) -> bool:
    """In a template: whether the signed-in account holds the permission named (app.auth.permissions)."""
    return may(current_account(), Permission(permission), meeting_id)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_account() is not None:
        return redirect(safe_next(request.args.get("next")) or url_for(HOME))
    form = SignInForm()
    general = []
    if session.pop(EXPIRED, False):
        general.append(gettext("You were signed out after a long time without activity. Please sign in again."))
    if form.validate_on_submit():
        account = services.sign_in(form.email.data, form.password.data, now=utcnow())
        if account is not None:
            start_session(account)
            return redirect(safe_next(form.next.data) or url_for(HOME))
        g.sign_in_failed = True
        general.append(str(WRONG))
    elif request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    return render_template("manage/login.html", form=form, general=general)


@bp.route("/logout", methods=["POST"])
@requires(None)
def logout():
    services.sign_out(current_account(), now=utcnow())
    end_session()
    flash(gettext("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
@public
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, now=utcnow(), language=interface_locale())
        return render_template("manage/reset_sent.html", email=form.email.data)
    return render_template("manage/reset_request.html", form=form)


# Any text after /reset/ is this page's (a link mangled in an email: a slash, a double one),
# which says the link is not right, rather than a redirect or another page's 404.
@bp.route("/reset/<path:token>", methods=["GET", "POST"], merge_slashes=False)
@public
@allow("password-link")
def set_password(token):
    try:
        account = services.account_for_password_link(token)
    except PasswordLinkError as error:
        return render_template("manage/link_problem.html", problem=LINK_PROBLEMS[error.reason]), 400
    form = SetPasswordForm()
    general = []
    if form.validate_on_submit():
        try:
            account = services.reset_password(token, form.new_password.data, now=utcnow())
        except services.AccountRefused as refused:
            form.new_password.errors = [*form.new_password.errors, refused.errors["password"]]
        except PasswordLinkError as error:
            general.append(str(LINK_PROBLEMS[error.reason]))
        else:
            start_session(account)
            flash(gettext("Your password has been set. You are signed in."), "success")
            return redirect(url_for(HOME))
    return render_template("manage/set_password.html", form=form, account=account, general=general)


@bp.route("/account", methods=["GET", "POST"])
@requires(None)
def account():
    me = current_account()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(me, form.current_password.data, form.new_password.data, now=utcnow())
        except services.AccountRefused as refused:
            for name, message in refused.errors.items():
                field = form.current_password if name == "current_password" else form.new_password
                field.errors = [*field.errors, message]
        else:
            start_session(me)  # this session carries the new token; the others end
            flash(gettext("Your password has been changed. Your other sessions have been signed out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("manage/account.html", form=form, account=me, meeting_ids=assigned_meeting_ids(me))


def _typed_account() -> str:
    """The account a sign-in names, as a hash: the limits' store never holds addresses."""
    email = address_key(request.form.get("email", "")[:254])
    return hashlib.sha256(f"{current_app.config['SECRET_KEY']}\x00{email}".encode()).hexdigest()[:32]


def _failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def limit_sign_in(limiter, app) -> None:
    """Rate limits of the sign-in and reset forms, checked before the view runs.

    Per client address, every attempt counts; per account and address, and per account from
    anywhere, only failed ones. The per-account ceiling is far above what one address may
    try, so no one address can keep an account (the admin's) shut: it bites only when many
    addresses try one account. Nothing waits on the server, and nothing locks an account.
    """

    def limit(setting, message, **options):
        return limiter.limit(
            lambda: current_app.config[setting],
            methods=["POST"],
            error_message=lambda: str(message),  # in the language of whoever is refused
            **options,
        )

    _wrap(
        app,
        "auth.login",
        limit("RATE_LIMIT_LOGIN_ADDRESS", TOO_MANY_SIGN_INS, scope="sign-in-address"),
        limit(
            "RATE_LIMIT_LOGIN_ACCOUNT_ADDRESS",
            TOO_MANY_SIGN_INS,
            key_func=lambda: f"{_typed_account()}|{get_remote_address()}",
            deduct_when=_failed,
            scope="sign-in-account-address",
        ),
        limit(
            "RATE_LIMIT_LOGIN_ACCOUNT",
            TOO_MANY_SIGN_INS,
            key_func=_typed_account,
            deduct_when=_failed,
            scope="sign-in-account",
        ),
    )
    _wrap(app, "auth.request_reset", limit("RATE_LIMIT_RESET_ADDRESS", TOO_MANY_RESETS, scope="reset-address"))
    _wrap(app, "auth.set_password", limit("RATE_LIMIT_RESET_ADDRESS", TOO_MANY_RESETS, scope="reset-address"))


def _wrap(app, endpoint, *limits):
    view = app.view_functions[endpoint]
    for route_limit in limits:
        view = route_limit(view)
    app.view_functions[endpoint] = view
