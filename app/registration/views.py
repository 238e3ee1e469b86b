"""Delegates' pages: register, confirm the address, see, edit or cancel a registration."""
from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from app.extensions import csrf
from app.meetings.services import RegistrationState, get_public_meeting, get_registration_state
from app.registration import allocation, services
from app.registration.exceptions import RegistrationRefused
from app.registration.forms import ConfirmForm, DelegateDetailsForm, RegistrationForm, details_of
from app.registration.tokens import TokenError, make_manage_token, read_confirm_token, read_manage_token

bp = Blueprint("registration", __name__, url_prefix="/meetings/<slug>")
# Every POST here validates its FlaskForm, CSRF token included; exempt from the global
# check so that an expired token re-renders the form with what was typed, not a bare 400.
csrf.exempt(bp)


def _now():
    return datetime.now(timezone.utc)


def _meeting(slug):
    meeting = get_public_meeting(slug)
    if meeting is None:
        abort(404, description="There is no published meeting at this address.")
    return meeting


def _link_problem(meeting, reason, status=400):
    return render_template("registration/link_problem.html", meeting=meeting, reason=reason), status


#: Shown instead of a bare 400 when a form's CSRF token has expired: what was typed is kept.
FORM_EXPIRED = "This form was open for a long time, so for your security it must be sent again: " \
               "check what you entered and submit it once more."


CANCEL_EXPIRED = "This page was open for a long time, so for your security the registration was not cancelled: " \
                 "press “Cancel my registration” again if you wish to cancel."


def _expired_form_errors(form) -> list[str]:
    return [FORM_EXPIRED] if form.is_submitted() and form.meta.csrf and form.csrf_token.errors else []


@bp.route("/register", methods=["GET", "POST"])
def register(slug):
    meeting, now = _meeting(slug), _now()
    state = get_registration_state(meeting, now)
    form = RegistrationForm(meeting)
    general = []
    if state in (RegistrationState.OPEN, RegistrationState.FULL) and form.validate_on_submit():
        try:
            result = services.register_delegate(meeting, form.registration_data(), now)
        except RegistrationRefused as refused:
            general = form.show_errors(refused.errors)
        else:
            return redirect(url_for(".check_email", slug=slug, existing=int(not result.created)))
    general = _expired_form_errors(form) + general
    status = 400 if form.is_submitted() else 200
    return render_template("registration/register.html", meeting=meeting, form=form, state=state,
                           general_errors=general, closed_reason=services.registration_closed_reason(meeting, now)), status


@bp.get("/register/check-your-email")
def check_email(slug):
    return render_template("registration/check_email.html", meeting=_meeting(slug),
                           existing=request.args.get("existing") == "1")


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(slug, token):
    meeting = _meeting(slug)
    try:
        uid = read_confirm_token(token, meeting, services.CONFIRMATION_HOURS * 3600)
    except TokenError as error:
        return _link_problem(meeting, error.reason)
    registration = services.get_registration(meeting, uid)
    if registration is None:
        return _link_problem(meeting, "gone", 404)
    form = ConfirmForm()
    general = []
    if form.validate_on_submit():
        # Made before the service commits: afterwards the registration would be reloaded,
        # and a connection lost just after a successful commit must not look like a failure.
        manage_token = make_manage_token(registration)
        try:
            services.confirm_registration(registration, _now())
        except RegistrationRefused as refused:
            general = list(refused.errors.values())
        else:
            return redirect(url_for(".manage", slug=slug, token=manage_token))
    general = _expired_form_errors(form) + general
    status = 400 if form.is_submitted() else 200
    return render_template("registration/confirm.html", meeting=meeting, registration=registration, form=form,
                           general_errors=general), status


def _registration_from_manage_token(meeting, token):
    try:
        uid = read_manage_token(token, meeting)
    except TokenError as error:
        return None, _link_problem(meeting, error.reason)
    registration = services.get_registration(meeting, uid)
    if registration is None:
        return None, _link_problem(meeting, "gone", 404)
    return registration, None


@bp.route("/registration/<token>", methods=["GET", "POST"])
def manage(slug, token):
    meeting = _meeting(slug)
    registration, problem = _registration_from_manage_token(meeting, token)
    if problem:
        return problem
    form = DelegateDetailsForm(meeting, data=details_of(registration))
    general = []
    if registration.is_active and form.validate_on_submit():
        try:
            services.update_registration(registration, form.to_data(registration.email), _now())
        except RegistrationRefused as refused:
            general = form.show_errors(refused.errors)
        else:
            flash("Your details have been saved.", "success")
            return redirect(url_for(".manage", slug=slug, token=token))
    general = _expired_form_errors(form) + general
    status = 400 if form.is_submitted() else 200
    return render_template("registration/manage.html", meeting=meeting, registration=registration, form=form,
                           token=token, general_errors=general, cancel_form=ConfirmForm(),
                           position=allocation.waitlist_position(registration)), status


@bp.post("/registration/<token>/cancel")
def cancel(slug, token):
    meeting = _meeting(slug)
    registration, problem = _registration_from_manage_token(meeting, token)
    if problem:
        return problem
    if not ConfirmForm().validate_on_submit():
        flash(CANCEL_EXPIRED, "error")
        return redirect(url_for(".manage", slug=slug, token=token))
    services.cancel_registration(registration, _now())
    flash("Your registration has been cancelled. A confirmation is on its way by email.", "success")
    return redirect(url_for(".manage", slug=slug, token=token))
