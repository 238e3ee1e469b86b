"""``flask mail ...``: send the outbox, run the worker, read what is queued."""

import email
from email import policy

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.actors import Actor
from app.db import utcnow
from app.extensions import db
from app.mail.compose import INVITE_FILENAME, build_message
from app.mail.outage import DatabaseUnavailable
from app.mail.outbox import OutboxMessage, OutboxStatus
from app.mail.requeue import RequeueError, requeue_failed, requeue_message
from app.mail.worker import SendStats, not_sending_reason, send_pending, work
from app.shutdown import stop_on_signals

mail = AppGroup("mail", help="The email outbox and its worker.")


def _summary(stats: SendStats) -> str:
    if stats.not_sent_reason:
        waiting = "1 message waits" if stats.waiting == 1 else f"{stats.waiting} messages wait"
        return f"Not sent: {stats.not_sent_reason}; {waiting} in the outbox."
    text = f"Sent {stats.sent}, retrying {stats.retrying}, failed {stats.failed}"
    if stats.released:
        text += f", handed back {stats.released}"
    if stats.server_down:
        text += " (the SMTP server is unavailable)"
    return text + "."


@mail.command("send-pending")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Messages per SMTP connection.")
def send_pending_command(batch_size):
    """Send the due messages once (one batch) and print the counts."""
    try:
        stats = send_pending(batch_size=batch_size)
    except DatabaseUnavailable as error:
        raise click.ClickException(
            f"Stopped: {error}. The messages this pass claimed return to the queue when their lease expires."
        ) from error
    click.echo(_summary(stats))


@mail.command("work")
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0.01),
    default=2.0,
    show_default=True,
    help="Seconds to wait when the outbox is empty.",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Messages per SMTP connection.")
@click.option(
    "--claim-seconds",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Lease on claimed messages (default MAIL_CLAIM_SECONDS, 300).",
)
def work_command(poll_interval, batch_size, claim_seconds):
    """Send messages as they are queued, until SIGTERM or Ctrl-C (after the current message)."""
    if claim_seconds is not None:
        current_app.config["MAIL_CLAIM_SECONDS"] = claim_seconds
    click.echo("Outbox worker started.")
    with stop_on_signals() as stop:
        work(poll_interval, stop_event=stop, batch_size=batch_size, report=lambda s: click.echo(_summary(s)))
    click.echo("Outbox worker stopped.")


@mail.command("retry")
@click.argument("message_id", type=int, required=False)
@click.option("--all-failed", is_flag=True, help="Every failed message instead of one.")
def retry_command(message_id, all_failed):
    """Send a failed message again (or every failed one), with a fresh series of attempts."""
    if (message_id is None) == (not all_failed):
        raise click.UsageError("Give the id of one failed message, or --all-failed.")
    if all_failed:
        count = requeue_failed(now=utcnow(), actor=Actor.system("flask mail retry"))
        click.echo(
            "No failed messages." if not count else f"Requeued {count} failed message{'' if count == 1 else 's'}."
        )
        return
    try:
        requeue_message(message_id, now=utcnow(), actor=Actor.system("flask mail retry"))
    except RequeueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Requeued 1 failed message ({message_id}).")


@mail.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--status", type=click.Choice([s.value for s in OutboxStatus]), default=None)
def list_command(limit, status):
    """The most recent messages: id, status, attempts, recipient, subject, created."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    messages = db.session.scalars(query).all()
    if not messages:
        click.echo("The outbox is empty.")
    for m in messages:
        created = m.created_at.strftime("%Y-%m-%d %H:%M:%S")
        click.echo(
            f"{m.id:>6}  {m.status.value:<8} {m.attempts:>2}  {m.to_email:<32.32} {m.subject:<50.50}  {created} UTC"
        )
    reason = not_sending_reason(current_app)
    if reason:
        click.echo(f"Pending messages are not sent: {reason}.")


@mail.command("show")
@click.argument("message_id", type=int)
def show_command(message_id):
    """The headers and text of one message, and whether it carries a calendar invite."""
    outbox_message = db.session.get(OutboxMessage, message_id)
    if outbox_message is None:
        raise click.ClickException(f"No outbox message with id {message_id}.")
    parsed = email.message_from_bytes(build_message(outbox_message).as_bytes(), policy=policy.default)
    state = f"{outbox_message.status.value}, {outbox_message.attempts} attempt(s)"
    if outbox_message.sent_at:
        state += f", sent {outbox_message.sent_at:%Y-%m-%d %H:%M:%S} UTC"
    click.echo(f"Message {outbox_message.id}: {state}")
    if outbox_message.last_error:
        click.echo(f"Last error: {outbox_message.last_error}")
    for header in ("From", "To", "Reply-To", "Subject", "Date", "Message-ID"):
        click.echo(f"{header}: {parsed[header]}")
    method = outbox_message.calendar_method
    click.echo(
        f"Calendar: {INVITE_FILENAME} inline and attached, METHOD:{method.value}" if method else "Calendar: none"
    )
    click.echo("")
    click.echo(outbox_message.text)
