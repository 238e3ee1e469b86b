"""Public pages of the meetings catalogue."""

import io

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext

from app.db import MAX_ID
from app.extensions import db
from app.files.storage import load_bytes
from app.meetings import content, formatting, services
from app.meetings.cache import cached_response, do_not_cache, request_now, valid_until
from app.meetings.markdown import render_markdown
from app.meetings.models import Document, DocumentVisibility, Domain, MeetingType, country_name
from app.meetings.pages import public_meeting_or_404

bp = Blueprint("meetings", __name__)
# The meeting page and the upcoming list's cards say when registration opens or closes.
bp.add_app_template_global(formatting.registration_sentence, "registration_sentence")
# A meeting's own content in the reader's language, or its original saying so (app.meetings.content).
bp.add_app_template_global(content.shown, "shown")
bp.add_app_template_global(content.grouped_documents, "grouped_documents")
bp.add_app_template_global(content.location, "meeting_location")
bp.add_app_template_global(formatting.format_weekday, "format_weekday")
bp.add_app_template_global(formatting.language_name, "language_name")


@bp.get("/")
@bp.get("/meetings/")
@cached_response
def upcoming():
    now = request_now()
    meetings = services.list_upcoming(now)
    valid_until(services.get_next_change(meetings, now))
    return render_template("meetings/upcoming.html", meetings=meetings, now=now)


@bp.get("/meetings/archive")
@cached_response
def archive():
    now = request_now()
    parsed = services.parse_filters(request.args)
    page = services.parse_page(request.args.get("page"))
    if page is None:
        parsed.problems.append(gettext("That page number is not valid; showing the first page."))
        page = 1
    pagination = services.list_past(now, parsed.filters, page)
    if page > max(pagination.pages, 1):
        last = max(pagination.pages, 1)
        abort(404, description=gettext("There is no page %(page)s; the list has %(last)s.", page=page, last=last))
    if parsed.problems:
        do_not_cache()
    return render_template(
        "meetings/archive.html",
        pagination=pagination,
        filters=parsed.filters,
        problems=parsed.problems,
        meeting_types=list(MeetingType),
        domains=list(Domain),
        years=services.list_archive_years(now),
        countries=sorted(services.list_archive_countries(now), key=country_name),
        now=now,
    )


@bp.get("/meetings/<slug>")
@cached_response
def meeting(slug):
    found, now = public_meeting_or_404(slug), request_now()
    valid_until(services.get_next_change([found], now))
    description = content.shown(found, "description")
    return render_template(
        "meetings/meeting.html",
        meeting=found,
        now=now,
        description=render_markdown(description.text),
        description_shown=description,
        registration=services.get_registration_state(found, now),
    )


@bp.get(f"/meetings/<slug>/documents/<int(max={MAX_ID}):document_id>/<path:filename>")
def document(slug, document_id, filename):
    found = public_meeting_or_404(slug)
    doc = db.session.get(Document, document_id)
    if doc is None or doc.meeting_id != found.id or doc.visibility is not DocumentVisibility.PUBLIC:
        # A delegates-only document is served only through a delegate's own page.
        abort(404, description=gettext("There is no such document."))
    if filename != doc.filename:
        return Response(
            status=301, headers={"Location": url_for(".document", slug=slug, document_id=doc.id, filename=doc.filename)}
        )
    data = load_bytes(doc.storage_key)
    if data is None:
        abort(404, description=gettext("The file of this document is missing."))
    response = send_file(
        io.BytesIO(data),
        mimetype=doc.content_type,
        as_attachment=True,
        download_name=doc.filename,
        etag=doc.storage_key,
        conditional=True,
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
