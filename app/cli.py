"""Flask commands; each only calls services."""

from datetime import UTC, datetime

import click
from flask import Flask

from app.delegations.cli import delegations as delegation_commands
from app.jobs.cli import jobs as jobs_commands
from app.mail.cli import mail as mail_commands
from app.manage.cli import users as users_commands


def register_commands(app: Flask):
    app.cli.add_command(mail_commands)
    app.cli.add_command(jobs_commands)
    app.cli.add_command(delegation_commands)
    app.cli.add_command(users_commands)

    @app.cli.group()
    def demo():
        """Demo data."""

    @demo.command("load")
    def demo_load():
        """Load the demo meetings into an empty database."""
        from app.demo.loader import create_demo_admin, load_demo

        added = load_demo()
        click.echo(f"Loaded {added} demo meetings." if added else "The database has meetings; nothing loaded.")
        admin = create_demo_admin()
        if admin is not None:
            email, password = admin
            click.echo(
                f"\nBack office: sign in at /manage/login as {email} with the password\n\n    {password}\n\n"
                "It is shown only this once; `flask users set-password " + email + "` sets a new one.\n"
            )

    @app.cli.group()
    def registrations():
        """Registrations."""

    @registrations.command("purge")
    def purge():
        """Delete unconfirmed registrations past their link's life and passport details
        of meetings that have ended (run it daily)."""
        from app.actors import Actor
        from app.registration import services

        now, actor = datetime.now(UTC), Actor.system("purge")
        click.echo(f"Deleted {services.purge_unconfirmed(now, actor=actor)} unconfirmed registrations.")
        removed = services.remove_passport_details(now, actor=actor)
        click.echo(f"Removed the passport details of {removed} delegates to meetings that have ended.")
