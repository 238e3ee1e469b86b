"""Flask commands; each only calls services."""
from datetime import datetime, timezone

import click
from flask import Flask

from app.mail.cli import mail as mail_commands


def register_commands(app: Flask):
    app.cli.add_command(mail_commands)

    @app.cli.group()
    def demo():
        """Demo data."""

    @demo.command("load")
    def demo_load():
        """Load the demo meetings into an empty database."""
        from app.demo.loader import load_demo

        added = load_demo()
        click.echo(f"Loaded {added} demo meetings." if added else "The database has meetings; nothing loaded.")

    @app.cli.group()
    def registrations():
        """Registrations."""

    @registrations.command("purge-unconfirmed")
    def purge_unconfirmed():
        """Delete registrations whose address was not confirmed in time (run it daily)."""
        from app.registration.services import purge_unconfirmed as purge

        click.echo(f"Deleted {purge(datetime.now(timezone.utc))} unconfirmed registrations.")
