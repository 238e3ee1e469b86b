"""The meeting's row lock: every change that counts seats or notifies a meeting's delegates
takes it first, so such changes to one meeting run one at a time."""

from sqlalchemy import select, update

from app.extensions import db
from app.meetings.models import Meeting


def lock_meeting(meeting_id: int) -> Meeting:
    """Take the meeting's row lock for the rest of the transaction and return it freshly read.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks: a no-op UPDATE as the
    transaction's first write takes the database's write lock, which serialises the same way.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(seats_taken=Meeting.seats_taken, updated_at=Meeting.updated_at)
            .execution_options(synchronize_session=False)
        )
    query = select(Meeting).where(Meeting.id == meeting_id).with_for_update()
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one()
