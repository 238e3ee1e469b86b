"""``flask users``: accounts from the command line, as the system (an operator on the server)."""

import sys

import click

from app.actors import Actor
from app.auth import services
from app.auth.models import Role
from app.auth.permissions import assigned_meeting_ids
from app.db import utcnow
from app.manage.queries import get_meetings_by_slug, meeting_titles

OPERATOR = Actor.system("flask users")
ROLE = click.Choice([role.value for role in Role])


def _read_password(email: str) -> str:
    """From a terminal, asked twice and not shown; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt(f"Password for {email}", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line.strip():
        raise click.ClickException("Give the password on standard input (one line).")
    return line.rstrip("\r\n")


def _meeting_ids(slugs) -> list[int]:
    meetings, unknown = get_meetings_by_slug(slugs)
    if unknown:
        raise click.ClickException(f"No meeting with the slug {', '.join(unknown)}.")
    return [meeting.id for meeting in meetings]


def _account(email: str):
    account = services.get_account_by_email(email)
    if account is None:
        raise click.ClickException(f"No account has the address {email}.")
    return account


def _refused(refused: services.AccountRefused):
    return click.ClickException(" ".join(refused.errors.values()))


@click.group()
def users():
    """Organiser accounts."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=ROLE, required=True, help="admin, organiser or viewer.")
@click.option("--meeting", "meetings", multiple=True, metavar="SLUG", help="A meeting the account works on (repeat).")
@click.option("--name", default="", help="The name shown in the back office.")
@click.option("--language", type=click.Choice(["en", "fr"]), default="en", help="The language of its emails.")
def create(email, role, meetings, name, language):
    """Create an account; its password is asked for (or read from standard input)."""
    meeting_ids = _meeting_ids(meetings)
    if services.get_account_by_email(email) is not None:
        raise click.ClickException(f"There is already an account with the address {email}.")
    password = _read_password(email)
    try:
        account = services.create_account(
            email,
            Role(role),
            name=name,
            password=password,
            meeting_ids=meeting_ids,
            language=language,
            now=utcnow(),
            actor=OPERATOR,
        )
    except services.AccountRefused as refused:
        raise _refused(refused) from None
    click.echo(f"Created the {account.role.value} account {account.email}.")


@users.command("list")
def list_users():
    """Every account: address, role, whether it may sign in, its meetings."""
    accounts = services.list_accounts()
    assigned = {account.id: sorted(assigned_meeting_ids(account)) for account in accounts}
    titles = meeting_titles(i for ids in assigned.values() for i in ids)
    for account in accounts:
        state = "active" if account.active else "deactivated"
        meetings = "all meetings" if account.role is Role.ADMIN else "; ".join(titles[i] for i in assigned[account.id])
        click.echo(f"{account.email}\t{account.role.value}\t{state}\t{meetings or 'no meetings'}")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE)
@click.option("--meeting", "meetings", multiple=True, metavar="SLUG", help="Replaces its meetings (repeat).")
def set_role(email, role, meetings):
    """Change an account's role (and, with --meeting, its meetings)."""
    account = _account(email)
    try:
        changed = services.update_account(
            account,
            role=Role(role),
            meeting_ids=_meeting_ids(meetings) if meetings else None,
            now=utcnow(),
            actor=OPERATOR,
        )
    except services.AccountRefused as refused:
        raise _refused(refused) from None
    click.echo(f"{account.email} is now {account.role.value}." if changed else "Nothing changed.")


@users.command("set-password")
@click.argument("email")
def set_password(email):
    """Set an account's password (asked for, or read from standard input); its sessions end."""
    account = _account(email)
    try:
        services.set_password(account, _read_password(email), now=utcnow(), actor=OPERATOR)
    except services.AccountRefused as refused:
        raise _refused(refused) from None
    click.echo(f"The password of {account.email} has been set; its sessions have ended.")


@users.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Stop an account from signing in; its sessions end at once."""
    account = _account(email)
    try:
        services.deactivate_account(account, now=utcnow(), actor=OPERATOR)
    except services.AccountRefused as refused:
        raise _refused(refused) from None
    click.echo(f"{account.email} can no longer sign in.")


@users.command("activate")
@click.argument("email")
def activate(email):
    """Let a deactivated account sign in again."""
    account = _account(email)
    services.reactivate_account(account, now=utcnow(), actor=OPERATOR)
    click.echo(f"{account.email} can sign in again.")
