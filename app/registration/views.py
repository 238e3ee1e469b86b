"""Delegates' pages: register, confirm the address, see, edit or cancel a registration."""

from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext

from app.actors import Actor
from app.db import MAX_ID
from app.extensions import csrf
from app.meetings import documents
from app.meetings.pages import meeting_or_404, public_meeting_or_404
from app.meetings.services import get_registration_state
from app.registration import allocation, links, notifications, services
from app.registration.exceptions import RegistrationRefused
from app.registration.forms import (
    ConfirmForm,
    LinkRequestForm,
    ManageForm,
    RegistrationForm,
    details_of,
)
from app.registration.models import RegistrationStatus
from app.registration.privacy import notice_version
from app.registration.rules import registration_closed_reason
from app.registration.tokens import (
    TokenError,
    make_manage_token,
    read_confirm_token,
    read_manage_token,
)
from app.security import allow

bp = Blueprint("registration", __name__, url_prefix="/meetings/<slug>")
# Every POST here validates its FlaskForm, CSRF token included; exempt from the global
# check so that an expired token re-renders the form with what was typed, not a bare 400.
csrf.exempt(bp)


def limit_form_posts(limiter):
    """Every form post here counts against one limit per client address (RATE_LIMIT_FORM_POSTS),
    checked before the view runs, so a refused post changes nothing."""
    limiter.shared_limit(
        lambda: current_app.config["RATE_LIMIT_FORM_POSTS"],
        scope="delegate-form-posts",
        methods=["POST"],
        error_message=lambda: str(TOO_MANY_POSTS),  # in the language of whoever is refused
    )(bp)


#: The session key of the address the last registration's email went to.
SENT_TO = "registration_sent_to"
TOO_MANY_POSTS = lazy_gettext(
    "You have sent this form too many times in a short while. Please wait a few minutes, then try again."
)

#: Shown instead of a bare 400 when a form's CSRF token has expired: what was typed is kept.
FORM_EXPIRED = lazy_gettext(
    "This form was open for a long time, so for your security it must be sent again: "
    "check what you entered and submit it once more."
)
CANCEL_EXPIRED = lazy_gettext(
    "This page was open for a long time, so for your security the registration was not cancelled: "
    "press “Cancel my registration” again if you wish to cancel."
)


def _now():
    return datetime.now(UTC)


def _link_problem(meeting, reason, status=400):
    return render_template("registration/link_problem.html", meeting=meeting, reason=reason), status


def _expired_form_errors(form) -> list[str]:
    return [str(FORM_EXPIRED)] if form.is_submitted() and form.meta.csrf and form.csrf_token.errors else []


@bp.route("/register", methods=["GET", "POST"])
@allow("delegate-details")
def register(slug):
    meeting, now = public_meeting_or_404(slug), _now()
    state = get_registration_state(meeting, now)
    form = RegistrationForm(meeting, now=now)
    general = []
    if state.takes_registrations and form.validate_on_submit():
        data = form.registration_data()
        data.privacy_notice_version = notice_version()  # the notice the form links
        try:
            services.register_delegate(meeting, data, now, actor=Actor.delegate())
        except RegistrationRefused as refused:
            general = form.show_errors(refused.errors)
        else:
            # The same answer whether the address was new or already registered: only the email tells.
            # The address is shown on the next page from the session, never from its URL.
            session[SENT_TO] = {"meeting": meeting.id, "email": data.email}
            return redirect(url_for(".check_email", slug=slug))
    general = _expired_form_errors(form) + general
    status = 400 if form.is_submitted() else 200
    closed_reason = registration_closed_reason(meeting, now)
    return render_template(
        "registration/register.html",
        meeting=meeting,
        form=form,
        state=state,
        general_errors=general,
        closed_reason=closed_reason,
    ), status


@bp.get("/register/check-your-email")
@allow("delegate-details")
def check_email(slug):
    meeting = public_meeting_or_404(slug)
    sent = session.get(SENT_TO) or {}
    return render_template(
        "registration/check_email.html",
        meeting=meeting,
        email=sent.get("email") if sent.get("meeting") == meeting.id else None,
        hours=services.CONFIRMATION_HOURS,
        mail_server=bool(current_app.config.get("MAIL_SERVER")),
        outbox_viewer="outbox_viewer" in current_app.blueprints,
    )


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@allow("delegate-details")
def confirm(slug, token):
    meeting = meeting_or_404(slug)
    try:
        uid = read_confirm_token(token, meeting, services.CONFIRMATION_HOURS * 3600)
    except TokenError as error:
        return _link_problem(meeting, error.reason)
    registration = services.get_registration(meeting, uid)
    if registration is None:
        return _link_problem(meeting, "gone", 404)
    form = ConfirmForm()
    general, manage_url = [], None
    if form.validate_on_submit():
        # Made before the service commits: afterwards the registration would be reloaded,
        # and a connection lost just after a successful commit must not look like a failure.
        manage_token = make_manage_token(registration)
        try:
            services.confirm_registration(registration, _now(), actor=Actor.delegate(registration))
        except RegistrationRefused as refused:
            general = list(refused.errors.values())
            if "role" in refused.errors:  # another head confirmed first: the role is changed there
                manage_url = url_for(".manage", slug=slug, token=manage_token)
        else:
            flash(gettext("Your address is confirmed."), "success")
            return redirect(url_for(".manage", slug=slug, token=manage_token))
    general = _expired_form_errors(form) + general
    status = 400 if form.is_submitted() else 200
    return render_template(
        "registration/confirm.html",
        meeting=meeting,
        registration=registration,
        form=form,
        general_errors=general,
        manage_url=manage_url,
    ), status


def _registration_from_manage_token(meeting, token):
    try:
        uid, generation = read_manage_token(token, meeting)
    except TokenError as error:
        return None, _link_problem(meeting, error.reason)
    registration = services.get_registration(meeting, uid)
    if registration is None:
        return None, _link_problem(meeting, "gone", 404)
    problem = links.manage_link_problem(registration, generation, _now())
    if problem:
        return None, _link_problem(meeting, problem, 410 if problem == "ended" else 400)
    return registration, None


@bp.route("/registration/<token>", methods=["GET", "POST"])
@allow("delegate-details")
def manage(slug, token):
    meeting, now = meeting_or_404(slug), _now()
    registration, problem = _registration_from_manage_token(meeting, token)
    if problem:
        return problem
    form = ManageForm(
        meeting,
        data=details_of(registration),
        now=now,
        passport_on_file=registration.passport_number,
        current_delegation=registration.delegation,
    )
    general = []
    if registration.is_active and form.validate_on_submit():
        try:
            services.update_registration(
                registration, form.to_data(registration.email), now, actor=Actor.delegate(registration)
            )
        except RegistrationRefused as refused:
            general = form.show_errors(refused.errors)
        else:
            flash(gettext("Your details have been saved."), "success")
            return redirect(url_for(".manage", slug=slug, token=token))
    general = _expired_form_errors(form) + general
    status = 400 if form.is_submitted() else 200
    return render_template(
        "registration/manage.html",
        meeting=meeting,
        registration=registration,
        form=form,
        token=token,
        general_errors=general,
        position=allocation.waitlist_position(registration),
        waiting=allocation.waitlist_size(meeting),
        delegate_documents=documents.list_delegate_documents(meeting) if sees_delegate_documents(registration) else [],
    ), status


@bp.get("/registration/<token>/invite.ics")
@allow("delegate-details")
def invite(slug, token):
    """The delegate's calendar invitation, as last emailed: for a confirmed seat only."""
    meeting = meeting_or_404(slug)
    registration, problem = _registration_from_manage_token(meeting, token)
    if problem:
        return problem
    if registration.status is not RegistrationStatus.CONFIRMED:
        abort(404, description=gettext("A calendar invitation comes with a confirmed seat."))
    return Response(
        notifications.personal_invite_file(registration),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{meeting.slug}.ics"'},
    )


@bp.route("/registration/<token>/cancel", methods=["GET", "POST"])
@allow("delegate-details")
def cancel(slug, token):
    """Ask once what cancelling means for the seat, then cancel."""
    meeting = meeting_or_404(slug)
    registration, problem = _registration_from_manage_token(meeting, token)
    if problem:
        return problem
    manage_url = url_for(".manage", slug=slug, token=token)
    if not registration.is_active:
        return redirect(manage_url)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.cancel_registration(registration, _now(), actor=Actor.delegate(registration))
        flash(gettext("Your registration has been cancelled. A confirmation is on its way by email."), "success")
        return redirect(manage_url)
    return render_template(
        "registration/cancel.html",
        meeting=meeting,
        registration=registration,
        form=form,
        general_errors=[str(CANCEL_EXPIRED)] if form.is_submitted() else [],
        manage_url=manage_url,
        waiting=allocation.waitlist_size(meeting),
    ), 400 if form.is_submitted() else 200


def sees_delegate_documents(registration) -> bool:
    """Delegates-only documents are for a registration whose address is confirmed and which
    is not cancelled."""
    return registration.is_active and registration.status is not RegistrationStatus.UNCONFIRMED


@bp.get(f"/registration/<token>/documents/<int(max={MAX_ID}):document_id>/<path:filename>")
@allow("delegate-details")
def delegate_document(slug, token, document_id, filename):
    """A delegates-only document, downloaded through the delegate's own link."""
    meeting = meeting_or_404(slug)
    registration, problem = _registration_from_manage_token(meeting, token)
    if problem:
        return problem
    document = documents.get_document(meeting, document_id)
    if document is None or not sees_delegate_documents(registration):
        abort(404, description=gettext("There is no such document."))
    if filename != document.filename:
        return redirect(
            url_for(".delegate_document", slug=slug, token=token, document_id=document.id, filename=document.filename),
            301,
        )
    response = documents.document_file(document)
    if response is None:
        abort(404, description=gettext("The file of this document is missing."))
    return response


@bp.route("/new-link", methods=["GET", "POST"])
@allow("delegate-details")
def new_link(slug):
    """Ask for a fresh link to one's registration; the answer is the same for any address."""
    meeting, now = meeting_or_404(slug), _now()
    ended = links.links_have_ended(meeting, now)
    form = LinkRequestForm()
    if not ended and form.validate_on_submit():
        links.send_fresh_link(meeting, form.email.data, now, actor=Actor.delegate())
        return render_template("registration/new_link.html", meeting=meeting, form=form, sent=True)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "registration/new_link.html", meeting=meeting, form=form, ended=ended, general_errors=_expired_form_errors(form)
    ), status
