"""The meeting editor's pages: documents (list, upload, change or replace, remove, download)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from app.auth.access import current_account, requires
from app.auth.permissions import Permission, permissions_of
from app.auth.services import actor_for
from app.db import MAX_ID, utcnow
from app.manage.forms import show_refusal
from app.manage.queries import current_meeting, meeting_from_slug
from app.manage.views import bp
from app.meetings import documents as services
from app.meetings.formatting import language_name
from app.meetings.models import CONTENT_LANGUAGES, DocumentKind, DocumentVisibility

VISIBILITY_LABELS = {
    DocumentVisibility.PUBLIC: lazy_gettext("Public: on the meeting's page and in the API"),
    DocumentVisibility.DELEGATES: lazy_gettext("Delegates only: on each registered delegate's own page"),
}
_DOCUMENT = f"/meetings/<slug>/documents/<int(max={MAX_ID}):document_id>"


class DocumentForm(FlaskForm):
    file = FileField(
        lazy_gettext("File"),
        description=lazy_gettext("PDF, Word, Excel, PowerPoint, PNG or JPEG."),
        validators=[FileRequired(lazy_gettext("Choose a file to upload."))],
    )
    title = StringField(lazy_gettext("Title"), default="", filters=[lambda value: (value or "").strip()])
    kind = SelectField(lazy_gettext("Kind"))
    language = SelectField(lazy_gettext("Language"))
    visibility = RadioField(lazy_gettext("Who sees it"))
    version_of = SelectField(
        lazy_gettext("Version of"),
        default="",
        description=lazy_gettext("If this is another language's version of a document already here, choose it."),
    )

    def __init__(self, others, *args, replacing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            self.file.validators = []
            self.file.flags.required = False
            self.file.description = lazy_gettext("Leave empty to keep the current file.")
        self.kind.choices = [SelectChoice(kind.value, kind.label) for kind in DocumentKind]
        self.language.choices = [SelectChoice(code, language_name(code)) for code in CONTENT_LANGUAGES]
        self.visibility.choices = [SelectChoice(v.value, str(label)) for v, label in VISIBILITY_LABELS.items()]
        self.version_of.choices = [SelectChoice("", gettext("None: a document of its own"))] + [
            SelectChoice(str(other.id), f"{other.title} ({other.language.upper()})") for other in others
        ]

    def details(self) -> services.DocumentDetails:
        return services.DocumentDetails(
            title=self.title.data,
            kind=DocumentKind(self.kind.data),
            language=self.language.data,
            visibility=DocumentVisibility(self.visibility.data),
            version_of_id=int(self.version_of.data) if self.version_of.data else None,
        )

    def upload(self) -> services.Upload | None:
        file = self.file.data
        if not file or not getattr(file, "filename", None):
            return None
        # One byte past the limit is enough to refuse: a large upload is never all in memory twice.
        return services.Upload(file.filename, file.stream.read(services.max_bytes() + 1))


def _document_or_404(meeting, document_id):
    document = services.get_document(meeting, document_id)
    if document is None:
        abort(404, description=gettext("There is no such document."))
    return document


def _first_versions(meeting, document=None):
    return [d for d in services.list_documents(meeting) if d.version_of_id is None and d is not document]


@bp.route("/meetings/<slug>/documents/")
@requires(Permission.VIEW_MEETING, meeting=meeting_from_slug)
def documents(slug):
    meeting = current_meeting()
    may_edit = Permission.EDIT_MEETING in permissions_of(current_account(), meeting.id)
    return render_template(
        "manage/documents.html",
        meeting=meeting,
        documents=services.list_documents(meeting),
        may_edit=may_edit,
        visibility_labels=VISIBILITY_LABELS,
    )


@bp.route("/meetings/<slug>/documents/new", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def new_document(slug):
    meeting = current_meeting()
    form = DocumentForm(_first_versions(meeting), data={"kind": "other", "language": "en", "visibility": "public"})
    general = []
    if form.validate_on_submit():
        try:
            services.add_document(
                meeting, form.details(), form.upload(), now=utcnow(), actor=actor_for(current_account())
            )
        except services.DocumentRefused as refused:
            general = show_refusal(form, refused.errors)
        else:
            flash(gettext("The document has been added."), "success")
            return redirect(url_for("manage.documents", slug=slug))
    return render_template("manage/document_form.html", meeting=meeting, form=form, general=general, document=None)


@bp.route(f"{_DOCUMENT}/", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def edit_document(slug, document_id):
    meeting = current_meeting()
    document = _document_or_404(meeting, document_id)
    data = {
        "title": document.title,
        "kind": document.kind.value,
        "language": document.language,
        "visibility": document.visibility.value,
        "version_of": str(document.version_of_id or ""),
    }
    form = DocumentForm(_first_versions(meeting, document), data=data, replacing=True)
    general = []
    if form.validate_on_submit():
        try:
            changed = services.change_document(
                document, form.details(), form.upload(), now=utcnow(), actor=actor_for(current_account())
            )
        except services.DocumentRefused as refused:
            general = show_refusal(form, refused.errors)
        else:
            flash(gettext("The document has been changed.") if changed else gettext("Nothing was changed."), "success")
            return redirect(url_for("manage.documents", slug=slug))
    return render_template("manage/document_form.html", meeting=meeting, form=form, general=general, document=document)


@bp.route(f"{_DOCUMENT}/remove", methods=["GET", "POST"])
@requires(Permission.EDIT_MEETING, meeting=meeting_from_slug)
def remove_document(slug, document_id):
    meeting = current_meeting()
    document = _document_or_404(meeting, document_id)
    form = FlaskForm()
    if form.validate_on_submit():
        services.remove_document(document, now=utcnow(), actor=actor_for(current_account()))
        flash(gettext("The document has been removed."), "success")
        return redirect(url_for("manage.documents", slug=slug))
    return render_template("manage/document_remove.html", meeting=meeting, document=document, form=form)


@bp.get(f"{_DOCUMENT}/file")
@requires(Permission.VIEW_MEETING, meeting=meeting_from_slug)
def document_file(slug, document_id):
    """The file, whoever may see it: organisers check delegates-only ones here."""
    response = services.document_file(_document_or_404(current_meeting(), document_id))
    if response is None:
        abort(404, description=gettext("The file of this document is missing."))
    return response
