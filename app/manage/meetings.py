"""The meeting editor's pages: create, change, publish, unpublish and duplicate a meeting."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select

from app.auth.access import current_account, requires
from app.auth.permissions import NotPermitted, Permission
from app.auth.services import actor_for
from app.db import utcnow
from app.extensions import db
from app.manage.forms import show_refusal
from app.manage.meeting_forms import CONTENT_LANGUAGE_NAMES, DuplicateForm, MeetingForm
from app.manage.queries import current_meeting, meeting_from_slug
from app.manage.views import bp
from app.meetings import editing
from app.meetings.markdown import render_markdown
from app.meetings.models import CONTENT_LANGUAGES, MeetingStatus
from app.registration import allocation, history, notifications
from app.registration.meeting_changes import change_meeting, preview_change
from app.registration.models import Registration, RegistrationStatus


class RegisteredDelegates:
    """What app.meetings.editing asks of the registration side, inside its transaction."""

    def __init__(self, *, move_sessions: bool = False):
        self.move_sessions = move_sessions

    def registered(self, meeting) -> bool:
        query = select(func.count(Registration.id)).where(
            Registration.meeting_id == meeting.id, Registration.status != RegistrationStatus.CANCELLED
        )
        return db.session.scalar(query) > 0

    def change_calendar(self, meeting, edit, now, actor) -> None:
        change_meeting(meeting, edit, now, actor=actor, move_sessions=self.move_sessions)

    def seats_freed(self, meeting, now, actor) -> int:
        history.acting(now, actor, "capacity raised")
        promoted = allocation.promote_waitlisted(meeting)
        db.session.flush()
        for registration in promoted:
            notifications.status_changed(registration)
        return len(promoted)


def _previews(form) -> dict:
    return {language: render_markdown(form[f"description_{language}"].data) for language in CONTENT_LANGUAGES}


def _form_page(form, meeting, general, previews=None, change_preview=None):
    return render_template(
        "manage/meeting_form.html",
        change_preview=change_preview,
        form=form,
        meeting=meeting,
        general=general,
        previews=previews,
        languages=CONTENT_LANGUAGES,
        language_names=CONTENT_LANGUAGE_NAMES,
        fields=editing.TEXT_FIELDS,
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@requires(Permission.CREATE_MEETING)
def new_meeting():
    now = utcnow()
    form = MeetingForm(now=now)
    general, previews = [], None
    if form.validate_on_submit():
        if "preview" in request.form:
            previews = _previews(form)
        else:
            account = current_account()
            try:
                meeting = editing.create_meeting(
                    form.data_for_service(with_slug=False), now=now, actor=actor_for(account), creator=account
                )
            except editing.MeetingRefused as refused:
                general = show_refusal(form, refused.errors)
            else:
                flash(gettext("The meeting has been created as a draft."), "success")
                return redirect(url_for("manage.meeting", slug=meeting.slug))
    return _form_page(form, None, general, previews)


@bp.route("/meetings/<slug>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def edit_meeting(slug):
    meeting, now = current_meeting(), utcnow()
    form = MeetingForm(now=now)
    if request.method == "GET":
        form.fill(editing.MeetingData.of(meeting))
    general, previews = [], None
    if form.validate_on_submit():
        if "preview" in request.form:
            previews = _previews(form)
        else:
            data = form.data_for_service(with_slug=meeting.status is MeetingStatus.DRAFT)
            delegates = RegisteredDelegates(move_sessions=form.move_sessions.data)
            # What calendars show of a meeting with delegates changes only once the organiser
            # has seen what changes and whom it tells, and confirmed.
            if (
                request.form.get("step") != "confirm"
                and delegates.registered(meeting)
                and not editing.check(data, meeting)
            ):
                preview = preview_change(meeting, editing.calendar_edit(data))
                if preview.changes:
                    if "previewed" not in request.form:  # offered ticked; then as the organiser left it
                        form.move_sessions.data = True
                    return _form_page(form, meeting, general, change_preview=preview)
            try:
                changed = editing.update_meeting(
                    meeting, data, now=now, actor=actor_for(current_account()), delegates=delegates
                )
            except editing.MeetingRefused as refused:
                general = show_refusal(form, refused.errors)
            else:
                flash(_saved(changed, told=request.form.get("step") == "confirm"), "success")
                return redirect(url_for("manage.meeting", slug=meeting.slug))
    return _form_page(form, meeting, general, previews)


def _saved(changed: dict, *, told: bool) -> str:
    if not changed:
        return gettext("Nothing was changed.")
    if told:
        return gettext("The meeting has been changed, and its delegates have been emailed what changed.")
    return gettext("The meeting has been changed. Nothing a calendar shows changed, so no one was emailed.")


def _set_status(service, done: str):
    meeting = current_meeting()
    try:
        service(meeting, now=utcnow(), actor=actor_for(current_account()))
    except editing.MeetingRefused as refused:
        flash(" ".join(refused.errors.values()), "error")
    else:
        flash(done, "success")
    return redirect(url_for("manage.meeting", slug=meeting.slug))


@bp.route("/meetings/<slug>/publish", methods=["POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def publish_meeting(slug):
    return _set_status(editing.publish_meeting, gettext("The meeting is published: it is on the public pages."))


@bp.route("/meetings/<slug>/unpublish", methods=["POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def unpublish_meeting(slug):
    return _set_status(
        editing.unpublish_meeting,
        gettext("The meeting is a draft again: it is off the public pages; its delegates' own links still work."),
    )


@bp.route("/meetings/<slug>/duplicate", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def duplicate_meeting(slug):
    meeting = current_meeting()
    form = DuplicateForm()
    general = []
    if form.validate_on_submit():
        account = current_account()
        try:
            copy = editing.duplicate_meeting(
                meeting, form.start_date.value, now=utcnow(), actor=actor_for(account), creator=account
            )
        except editing.MeetingRefused as refused:
            general = show_refusal(form, refused.errors)
        except NotPermitted:
            general = [gettext("This account may not create meetings.")]
        else:
            flash(gettext("The copy has been made as a draft: check it, then publish it."), "success")
            return redirect(url_for("manage.meeting", slug=copy.slug))
    return render_template("manage/meeting_duplicate.html", form=form, meeting=meeting, general=general)
