"""Outgoing email: the outbox table, the message builder, the worker and its commands.

Services queue emails with ``app.mail.outbox.enqueue`` in their own transaction;
``flask mail work`` sends them after the commit.
"""
