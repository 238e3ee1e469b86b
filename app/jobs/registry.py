"""The job functions domains offer, by kind; the worker looks them up here.

A domain registers its functions when its module is imported, and the application
imports it at creation (its blueprint's package imports it), so the web process that
queues a job and the worker that runs it know the same kinds::

    @register("registration.export")
    def export_registrations(context: JobContext) -> JobResult:
        rows = ...
        for done, chunk in enumerate(chunks, 1):
            context.check_cancelled()
            ...
            context.progress(done, len(chunks))
        return JobResult(data, "registrations.csv", "text/csv; charset=utf-8")

A function runs in the worker's application context. What it adds to ``db.session``
is committed with its outcome (success), or rolled back (failure, cancellation); it
may also commit in steps itself. A job can run again after its worker died, so its
work must be safe to repeat. ``progress`` and ``cancelled`` use their own short
transaction and never commit the function's session; on SQLite, where one writer
holds the whole database, report progress before flushing writes, not after.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.actors import Actor


@dataclass(frozen=True)
class JobResult:
    """A job's file: stored in the blob store, offered to its owner for download."""

    data: bytes
    filename: str
    content_type: str


class JobCancelled(Exception):
    """Raised by ``context.check_cancelled()``: the job stops, and nothing it did is kept."""


class JobContext(Protocol):
    """What a job function is given by the worker."""

    job_id: int
    kind: str
    arguments: dict
    owner: Actor

    def progress(self, done: int, total: int | None = None) -> None:
        """Record ``done`` of ``total`` steps, visible at once to a page polling the job."""

    def cancelled(self) -> bool:
        """Whether the job's owner asked it to stop (or another worker took it over)."""

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` when ``cancelled()``."""


JobFunction = Callable[[JobContext], JobResult | None]

_functions: dict[str, JobFunction] = {}


class UnknownJobKind(LookupError):
    """No function is registered for a job's kind."""


def register(kind: str, function: JobFunction | None = None):
    """Offer ``function`` as the job kind ``kind``; usable as ``@register(kind)``."""
    if not kind or len(kind) > 100:
        raise ValueError("a job kind is a name of 1 to 100 characters")

    def add(function: JobFunction) -> JobFunction:
        known = _functions.get(kind)
        if known is not None and known is not function:
            raise ValueError(f"the job kind {kind!r} is already registered to {known.__module__}.{known.__qualname__}")
        _functions[kind] = function
        return function

    return add(function) if function is not None else add


def lookup(kind: str) -> JobFunction:
    try:
        return _functions[kind]
    except KeyError:
        raise UnknownJobKind(
            f"No function is registered for the job kind {kind!r} in this process "
            "(is the module that registers it imported when the application is created?)"
        ) from None


def is_registered(kind: str) -> bool:
    return kind in _functions


def registered_kinds() -> list[str]:
    return sorted(_functions)
