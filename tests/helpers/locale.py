"""Text that differs by the reader's language, whatever the catalogues say.

The caches must never serve text written for one language to a reader of another; English
and Arabic readers share the English interface, so these stand-ins name the reader's
language in the text itself ("Thematic Meeting [fr]"), over the English label.
"""

from flask import has_request_context, session

from app.calendar import invites
from app.locale import resolve_locale
from app.meetings import models


class _LabelsNamingTheReader(dict):
    """The labels, each followed by the reader's language and, when signed in, their id."""

    def __getitem__(self, key):
        user = session.get("_user_id") if has_request_context() else None
        return f"{super().__getitem__(key)} [{resolve_locale()}]" + (f" (signed in as {user})" if user else "")


def label_meeting_types_by_reader(monkeypatch):
    """Meeting-type labels that say whose they are (pages, feeds, the API show them).

    The event cache is a fresh one for the test, so no event written with these labels
    outlives it.
    """
    english = {member: str(label) for member, label in models.MEETING_TYPE_LABELS.items()}
    monkeypatch.setattr(models, "MEETING_TYPE_LABELS", _LabelsNamingTheReader(english))
    monkeypatch.setattr(invites, "_event_cache", {})
