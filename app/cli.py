"""Flask commands; each only calls services."""
import click
from flask import Flask


def register_commands(app: Flask):
    @app.cli.group()
    def demo():
        """Demo data."""

    @demo.command("load")
    def demo_load():
        """Load the demo meetings into an empty database."""
        from app.demo.loader import load_demo

        added = load_demo()
        click.echo(f"Loaded {added} demo meetings." if added else "The database has meetings; nothing loaded.")
