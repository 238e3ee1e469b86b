"""Imports every model so that metadata (and Alembic) sees every table."""

from app.audit.models import AuditEntry  # noqa: F401
from app.auth.models import Account  # noqa: F401
from app.delegations.models import Delegation  # noqa: F401
from app.files.storage import StoredFile  # noqa: F401
from app.jobs.models import Job  # noqa: F401
from app.mail.attachments import OutboxAttachment  # noqa: F401
from app.mail.outbox import OutboxAttempt, OutboxMessage  # noqa: F401
from app.meetings.catalogue import CatalogueState  # noqa: F401
from app.meetings.models import Document, Meeting, ProgrammeSession  # noqa: F401
from app.registration.history import RegistrationEvent  # noqa: F401
from app.registration.models import Registration, RegistrationDay  # noqa: F401
