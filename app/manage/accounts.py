"""The administrators' pages of accounts: list, create, change, deactivate, send a link."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext

from app.auth import services
from app.auth.access import current_account, requires
from app.auth.models import Role
from app.auth.permissions import Permission, assigned_meeting_ids
from app.db import MAX_ID, utcnow
from app.manage.forms import AccountForm, NewAccountForm, show_refusal
from app.manage.queries import list_all_meetings, meeting_titles
from app.manage.views import bp


def _account_or_404(account_id: int):
    account = services.get_account(account_id)
    if account is None:
        abort(404)
    return account


@bp.route("/accounts/")
@requires(Permission.MANAGE_ACCOUNTS)
def accounts():
    listed = services.list_accounts()
    assigned = {account.id: sorted(assigned_meeting_ids(account)) for account in listed}
    titles = meeting_titles(meeting_id for ids in assigned.values() for meeting_id in ids)
    return render_template("manage/accounts.html", accounts=listed, assigned=assigned, titles=titles)


@bp.route("/accounts/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def new_account():
    form = NewAccountForm(list_all_meetings())
    general = []
    if form.validate_on_submit():
        try:
            account = services.create_account(
                form.email.data,
                Role(form.role.data),
                name=form.name.data,
                meeting_ids=form.meetings.data,
                language=form.language.data,
                now=utcnow(),
                actor=services.actor_for(current_account()),
            )
        except services.AccountRefused as refused:
            general = show_refusal(form, refused.errors)
        else:
            flash(
                gettext(
                    "The account %(email)s has been made; it has been sent a link to choose its password.",
                    email=account.email,
                ),
                "success",
            )
            return redirect(url_for("manage.accounts"))
    return render_template("manage/account_form.html", form=form, general=general, account=None)


@bp.route(f"/accounts/<int(max={MAX_ID}):account_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def edit_account(account_id):
    account = _account_or_404(account_id)
    form = AccountForm(
        list_all_meetings(),
        data={"name": account.name, "role": account.role.value, "meetings": sorted(assigned_meeting_ids(account))},
    )
    general = []
    if form.validate_on_submit():
        try:
            changed = services.update_account(
                account,
                role=Role(form.role.data),
                name=form.name.data,
                meeting_ids=form.meetings.data,
                now=utcnow(),
                actor=services.actor_for(current_account()),
            )
        except services.AccountRefused as refused:
            general = show_refusal(form, refused.errors)
        else:
            flash(gettext("The account has been changed.") if changed else gettext("Nothing was changed."), "success")
            return redirect(url_for("manage.accounts"))
    return render_template("manage/account_form.html", form=form, general=general, account=account)


@bp.route(f"/accounts/<int(max={MAX_ID}):account_id>/deactivate", methods=["POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def deactivate_account(account_id):
    account = _account_or_404(account_id)
    try:
        services.deactivate_account(account, now=utcnow(), actor=services.actor_for(current_account()))
    except services.AccountRefused as refused:
        flash(" ".join(refused.errors.values()), "error")
    else:
        flash(gettext("%(email)s can no longer sign in; its sessions have ended.", email=account.email), "success")
    return redirect(url_for("manage.accounts"))


@bp.route(f"/accounts/<int(max={MAX_ID}):account_id>/reactivate", methods=["POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def reactivate_account(account_id):
    account = _account_or_404(account_id)
    services.reactivate_account(account, now=utcnow(), actor=services.actor_for(current_account()))
    flash(gettext("%(email)s can sign in again.", email=account.email), "success")
    return redirect(url_for("manage.accounts"))


@bp.route(f"/accounts/<int(max={MAX_ID}):account_id>/send-link", methods=["POST"])
@requires(Permission.MANAGE_ACCOUNTS)
def send_password_link(account_id):
    account = _account_or_404(account_id)
    services.send_setup_link(account, now=utcnow(), actor=services.actor_for(current_account()))
    flash(gettext("A link to choose a password has been sent to %(email)s.", email=account.email), "success")
    return redirect(url_for("manage.accounts"))
