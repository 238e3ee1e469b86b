"""Who does something: every service is told, so the record of a change (the audit log,
a registration's history) can say who made it inside the same commit, without reading
the request."""

import enum
from dataclasses import dataclass


class ActorKind(enum.Enum):
    #: A delegate acting on their own registration (registering, confirming, editing, cancelling).
    DELEGATE = "delegate"
    #: An organiser's account in the back office.
    ORGANISER = "organiser"
    #: The application itself: a scheduled purge, the mail worker, a command-line task.
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    #: The registration's uid for a delegate (None while registering), the account's id for
    #: an organiser; None for the system.
    ref: str | None = None
    #: What the system was doing ("purge", "mail worker"); an organiser's email.
    label: str = ""

    @classmethod
    def delegate(cls, registration=None) -> "Actor":
        return cls(ActorKind.DELEGATE, registration.uid if registration is not None else None)

    @classmethod
    def organiser(cls, account_id: int, email: str = "") -> "Actor":
        """An organiser's account; ``email`` is kept as the account's name when it acted."""
        return cls(ActorKind.ORGANISER, str(account_id), email)

    @classmethod
    def system(cls, label: str) -> "Actor":
        return cls(ActorKind.SYSTEM, None, label)

    def __str__(self) -> str:
        if self.kind is ActorKind.SYSTEM:
            return f"system ({self.label})"
        return f"{self.kind.value} {self.ref}" if self.ref else self.kind.value
