"""``flask delegations ...``: read, add and edit the delegations until the back office has a page."""

import click
from flask.cli import AppGroup

from app.actors import Actor
from app.db import utcnow
from app.delegations.models import Standing
from app.delegations.services import (
    DelegationRefused,
    create_organisation,
    get_delegation,
    list_delegations,
    seed_missing,
    update_delegation,
)

delegations = AppGroup("delegations", help="The states and organisations that send delegates.")

_ADMIN = Actor.system("flask delegations")
_STANDING = click.Choice([s.value for s in Standing])


def _refused(refused: DelegationRefused) -> click.ClickException:
    return click.ClickException(" ".join(refused.errors.values()))


def _given(**values) -> dict[str, str]:
    return {locale: value for locale, value in values.items() if value is not None}


@delegations.command("list")
@click.option("--standing", type=_STANDING, help="Only delegations of this standing.")
@click.option("--steering-committee", is_flag=True, help="Only members of the Steering Committee.")
@click.option("--retired", is_flag=True, help="Also those no longer offered in the form.")
def list_command(standing, steering_committee, retired):
    """Key, standing, Steering Committee, and the English and French names."""
    for delegation in list_delegations():
        if standing and delegation.standing.value != standing:
            continue
        if (steering_committee and not delegation.steering_committee) or (not retired and not delegation.active):
            continue
        flags = ("SC" if delegation.steering_committee else "") + ("" if delegation.active else " retired")
        click.echo(
            f"{delegation.key:<14} {delegation.standing.value:<12} {flags:<11} "
            f"{delegation.display_name('en')} / {delegation.display_name('fr')}"
        )


@delegations.command("add")
@click.argument("key")
@click.option("--name-en", required=True, help="The English name, as the secretariat writes it.")
@click.option("--name-fr", help="The French name (the English one if not given).")
@click.option("--acronym-en", default="")
@click.option("--acronym-fr", default="", help="The French acronym (the English one if not given).")
@click.option("--standing", type=_STANDING, default=Standing.OTHER.value, show_default=True)
@click.option("--steering-committee", is_flag=True, help="It sits on the Steering Committee.")
def add_command(key, name_en, name_fr, acronym_en, acronym_fr, standing, steering_committee):
    """Add an organisation, KEY being org: and its acronym (org:IGAD)."""
    try:
        delegation = create_organisation(
            key,
            _given(en=name_en, fr=name_fr),
            utcnow(),
            actor=_ADMIN,
            acronyms=_given(en=acronym_en, fr=acronym_fr or None),
            standing=Standing(standing),
            steering_committee=steering_committee,
        )
    except DelegationRefused as refused:
        raise _refused(refused) from None
    click.echo(f"Added {delegation.key}: {delegation.display_name('en')}.")


@delegations.command("edit")
@click.argument("key")
@click.option("--name-en")
@click.option("--name-fr")
@click.option("--acronym-en")
@click.option("--acronym-fr")
@click.option("--standing", type=_STANDING)
@click.option("--steering-committee/--not-steering-committee", default=None)
@click.option("--retire/--restore", default=None, help="Stop (or start again) offering it in the form.")
def edit_command(key, name_en, name_fr, acronym_en, acronym_fr, standing, steering_committee, retire):
    """Change a delegation's names, standing, Steering Committee seat, or whether the form offers it."""
    delegation = get_delegation(key)
    if delegation is None:
        raise click.ClickException(f"No delegation {key}: `flask delegations list` shows the keys.")
    try:
        update_delegation(
            delegation,
            utcnow(),
            actor=_ADMIN,
            names=_given(en=name_en, fr=name_fr),
            acronyms=_given(en=acronym_en, fr=acronym_fr),
            standing=Standing(standing) if standing else None,
            steering_committee=steering_committee,
            active=None if retire is None else not retire,
        )
    except DelegationRefused as refused:
        raise _refused(refused) from None
    click.echo(f"Saved {delegation.key}: {delegation.display_name('en')} / {delegation.display_name('fr')}.")


@delegations.command("seed")
def seed_command():
    """Add any seeded state or organisation the table lacks; edited ones are left as they are."""
    click.echo(f"Added {seed_missing(utcnow(), actor=_ADMIN)} delegation(s).")
