"""The meeting editor's pages: programme (list, add, change, move, remove sessions).

Times are typed in the meeting's own zone, on one of its days; app.meetings.programme
checks every rule and turns them into UTC instants.
"""

from datetime import date, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import TimeInput

from app.auth.access import current_account, requires
from app.auth.permissions import Permission, permissions_of
from app.auth.services import actor_for
from app.db import MAX_ID, utcnow
from app.manage.forms import show_refusal
from app.manage.queries import current_meeting, meeting_from_slug
from app.manage.views import bp
from app.meetings import programme
from app.meetings.formatting import format_day, language_name
from app.meetings.models import CONTENT_LANGUAGES
from app.meetings.translations import original_language

SESSION = f"/meetings/<slug>/programme/<int(max={MAX_ID}):session_id>"


def _day(raw) -> date | None:
    raw = raw or ""
    try:
        return date.fromisoformat(raw) if len(raw) == 10 and raw.isascii() else None
    except ValueError:
        return None


def _strip(value):
    return (value or "").strip()


class ClockField(StringField):
    """A time of day typed as HH:MM (an ``<input type="time">``); ``data`` a ``time`` or None."""

    widget = TimeInput()

    def process_formdata(self, valuelist):
        self.raw = _strip(valuelist[0]) if valuelist else ""
        self.data = None
        if not self.raw:
            return
        hours, _, minutes = self.raw[:5].partition(":")
        valid = (
            self.raw.isascii()
            and (len(self.raw) == 5 or (len(self.raw) == 8 and self.raw[5] == ":" and self.raw[6:].isdigit()))
            and hours.isdigit()
            and minutes.isdigit()
            and len(hours) == len(minutes) == 2
            and int(hours) < 24
            and int(minutes) < 60
        )
        if not valid:
            raise ValueError(gettext("Enter a time as hours and minutes, such as 09:30."))
        self.data = time(int(hours), int(minutes))

    def _value(self):
        if self.raw_data:
            return "".join(char for char in self.raw_data[0][:10] if char.isprintable())
        return self.data.strftime("%H:%M") if self.data else ""


class SessionForm(FlaskForm):
    # Any value comes through: the service says which days the meeting runs on.
    day = SelectField(lazy_gettext("Day"), validate_choice=False)
    start = ClockField(lazy_gettext("Starts at"))
    end = ClockField(lazy_gettext("Ends at"))
    speakers = StringField(lazy_gettext("Speakers"), filters=[_strip])
    moderators = StringField(lazy_gettext("Moderators"), filters=[_strip])
    room = StringField(lazy_gettext("Room"), filters=[_strip])

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.day.choices = [SelectChoice(day.isoformat(), format_day(day)) for day in meeting.days]
        tz = meeting.timezone.replace("_", " ")
        self.start.description = self.end.description = gettext("In the meeting's time zone, %(zone)s.", zone=tz)

    def data_for(self, meeting) -> programme.SessionData:
        return programme.SessionData(
            day=_day(self.day.data),
            start=self.start.data,
            end=self.end.data,
            titles={code: self[f"title_{code}"].data for code in CONTENT_LANGUAGES},
            descriptions={code: self[f"description_{code}"].data for code in CONTENT_LANGUAGES},
            speakers=self.speakers.data,
            moderators=self.moderators.data,
            room=self.room.data,
        )


for _code in CONTENT_LANGUAGES:
    setattr(SessionForm, f"title_{_code}", StringField(filters=[_strip]))
    setattr(SessionForm, f"description_{_code}", TextAreaField(filters=[_strip]))


def _form(meeting, session=None):
    data = {}
    if session is not None:
        original = original_language(meeting)
        data = {
            "day": session.local_day.isoformat(),
            "start": session.local_start.time(),
            "end": session.local_end.time(),
            "speakers": session.speakers,
            "moderators": session.moderators,
            "room": session.room,
        }
        for code in CONTENT_LANGUAGES:
            row = session if code == original else session.translations.get(code)
            data[f"title_{code}"] = getattr(row, "title", "")
            data[f"description_{code}"] = getattr(row, "description", "")
    form = SessionForm(meeting, data=data)
    original = original_language(meeting)
    for code in CONTENT_LANGUAGES:
        name = language_name(code)
        for kind in ("title", "description"):
            form[f"{kind}_{code}"].render_kw = {"lang": code, "dir": "rtl" if code == "ar" else "ltr"}
        if code == original:
            form[f"title_{code}"].label.text = gettext("Title in %(language)s (the original)", language=name)
            form[f"description_{code}"].label.text = gettext(
                "Description in %(language)s (the original)", language=name
            )
        else:
            form[f"title_{code}"].label.text = gettext("Title in %(language)s", language=name)
            form[f"description_{code}"].label.text = gettext("Description in %(language)s", language=name)
    return form


def _session_or_404(meeting, session_id):
    session = next((s for s in meeting.sessions if s.id == session_id), None)
    if session is None:
        abort(404)
    return session


def _actor():
    return actor_for(current_account())


def _announced(meeting):
    if programme.raises_version(meeting):
        return gettext("Delegates are told the programme has changed.")
    return ""


@bp.route("/meetings/<slug>/programme")
@requires(Permission.VIEW_MEETING, meeting=meeting_from_slug)
def programme_list(slug):
    meeting = current_meeting()
    days = {}
    for session in sorted(meeting.sessions, key=lambda s: (s.starts_at, s.position, s.id)):
        days.setdefault(session.local_day, []).append(session)
    editable = Permission.EDIT_MEETING in permissions_of(current_account(), meeting.id)
    return render_template("manage/programme.html", meeting=meeting, days=days, editable=editable)


def _session_page(meeting, session):
    form = _form(meeting, session)
    general = [] if meeting.dates_confirmed else [programme.dates_problem()]
    if meeting.dates_confirmed and form.validate_on_submit():
        try:
            if session is None:
                programme.add_session(meeting, form.data_for(meeting), now=utcnow(), actor=_actor())
                message = gettext("The session has been added.")
            elif programme.update_session(session, form.data_for(meeting), now=utcnow(), actor=_actor()):
                message = gettext("The session has been changed.")
            else:
                message = gettext("Nothing was changed.")
        except programme.ProgrammeRefused as refused:
            general = show_refusal(form, refused.errors)
        else:
            flash(" ".join(part for part in (message, _announced(meeting)) if part), "success")
            return redirect(url_for("manage.programme_list", slug=meeting.slug))
    languages = [(code, language_name(code)) for code in CONTENT_LANGUAGES]
    return render_template(
        "manage/session_form.html", meeting=meeting, session=session, form=form, general=general, languages=languages
    )


@bp.route("/meetings/<slug>/programme/new", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def add_session(slug):
    return _session_page(current_meeting(), None)


@bp.route(SESSION, methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def edit_session(slug, session_id):
    meeting = current_meeting()
    return _session_page(meeting, _session_or_404(meeting, session_id))


@bp.route(f"{SESSION}/move", methods=["POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def move_session(slug, session_id):
    meeting = current_meeting()
    session = _session_or_404(meeting, session_id)
    try:
        moved = programme.move_session(session, request.form.get("direction", ""), now=utcnow(), actor=_actor())
    except programme.ProgrammeRefused as refused:
        flash(" ".join(refused.errors.values()), "error")
    else:
        if not moved:
            flash(gettext("The session is already at that end of its day."), "error")
    return redirect(url_for("manage.programme_list", slug=meeting.slug, _anchor=f"session-{session_id}"))


@bp.route(f"{SESSION}/delete", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def delete_session(slug, session_id):
    meeting = current_meeting()
    session = _session_or_404(meeting, session_id)
    if request.method == "POST":  # CSRFProtect has checked the token
        title = session.title
        programme.delete_session(session, now=utcnow(), actor=_actor())
        message = gettext("The session “%(title)s” has been removed.", title=title)
        flash(" ".join(part for part in (message, _announced(meeting)) if part), "success")
        return redirect(url_for("manage.programme_list", slug=meeting.slug))
    return render_template("manage/session_delete.html", meeting=meeting, session=session)
