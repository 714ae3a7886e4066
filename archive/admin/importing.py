"""The importer's admin page: upload dumps, preview a dry run, then confirm to save."""

import uuid
from collections import Counter

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import publishing
from ..importing.decode import max_dump_bytes
from ..importing.errors import Document, DumpError
from ..importing.report import report_rows
from ..importing.service import import_dumps
from ..importing.staging import StagedDump, StagedImport
from ..importing.vocabulary import missing_vocabulary_note
from ..models import ArticleType, Series


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files, each refused by its size before a byte of it is read."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        files = [single(item, initial) for item in files] if files else [single(None, initial)]
        limit = settings.ARCHIVE_IMPORT_MAX_FILES
        if len(files) > limit:
            raise ValidationError(f"{len(files)} files: upload at most {limit} at a time.")
        problems = [
            f"{file.name}: larger than {max_dump_bytes():,} bytes"
            for file in files
            if file.size > max_dump_bytes()
        ]
        if problems:
            raise ValidationError(problems)
        return files


class ImportUploadForm(forms.Form):
    """The admin's upload form: the files and the command's options."""

    files = MultipleFileField(label="Text dumps", help_text="One or more UTF-8 .txt files.")

    def read_documents(self):
        """The uploads' bytes, read in chunks: Django keeps a large upload on disk until here."""
        return [Document(f.name, b"".join(f.chunks())) for f in self.cleaned_data["files"]]

    article_type = forms.ModelChoiceField(
        ArticleType.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="Infer from each dump",
        label="Type",
    )
    series = forms.ModelChoiceField(
        Series.objects.all(), required=False, to_field_name="slug", empty_label="From each dump"
    )
    publish = forms.BooleanField(
        required=False, help_text="Publish on the dump's date. Otherwise articles are drafts."
    )

    def __init__(self, *args, can_publish=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            del self.fields["publish"]

    def import_options(self):
        data = self.cleaned_data
        return {
            "publish": bool(data.get("publish")),
            "series_slug": data["series"].slug if data.get("series") else "",
            "type_slug": data["article_type"].slug if data.get("article_type") else "",
        }


def import_view(model_admin, request):
    """Upload dumps, see what the importer found (a dry run), then confirm to save.

    The preview keeps the files on the server (`StagedImport`) and the confirmation names
    them, so what is saved is exactly what was previewed.
    """
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    if request.method == "POST" and "staged" in request.POST:
        return _confirm(model_admin, request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import articles from text dumps",
    }
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        can_publish=publishing.can_publish(request.user),
    )
    if form.is_valid():
        context.update(_preview(form, request.user))
        if note := missing_vocabulary_note():
            messages.warning(request, note)
    context["form"] = form
    return TemplateResponse(request, "admin/archive/article/import.html", context)


def _preview(form, user):
    """A dry run of the uploaded files: the report rows, and the staged files to confirm."""
    documents = form.read_documents()
    options = form.import_options()
    try:
        results = import_dumps(documents=documents, dry_run=True, user=user, **options)
    except DumpError as error:
        for problem in error.problems:
            form.add_error("files", str(problem))
        return {}
    with transaction.atomic():
        StagedImport.objects.expired().delete()
        staged = StagedImport.objects.create(user=user, options=options)
        StagedDump.objects.bulk_create(
            StagedDump(staged_import=staged, position=position, name=d.source, data=d.data)
            for position, d in enumerate(documents)
        )
    previews = [
        (result, [row for row in report_rows(result) if row[0] != "affiliations"], choices)
        for position, result in enumerate(results)
        for choices in [_affiliation_choices(position, result)]
    ]
    return {"results": previews, "staged": staged}


def _affiliation_choices(position, result):
    """(key, author, description) for each affiliation found, for the editor to untick."""
    return [
        (
            f"{position}:{index}",
            affiliation.author.display_name,
            f"{affiliation.role}, {affiliation.institution}, {affiliation.years or 'current'} "
            f"[{status}; {institution_note} institution]",
        )
        for index, (affiliation, status, institution_note) in enumerate(result.affiliations)
    ]


def _left_out(request, documents):
    """{source: {positions}} of the affiliations shown in the preview but unticked."""
    kept = set(request.POST.getlist("affiliation"))
    left_out = {}
    for key in request.POST.getlist("affiliation_shown"):
        position, _, index = key.partition(":")
        if key in kept or not (position.isascii() and position.isdigit() and index.isdigit()):
            continue
        if int(position) < len(documents):
            left_out.setdefault(documents[int(position)].source, set()).add(int(index))
    return left_out


def _confirm(model_admin, request):
    """Save exactly what was previewed, or say why nothing was saved."""
    staged = _staged_import(request)
    if staged is None:
        model_admin.message_user(
            request, "The preview has expired; please upload the files again.", messages.ERROR
        )
        return HttpResponseRedirect(request.path)
    documents = [Document(dump.name, bytes(dump.data)) for dump in staged.dumps.all()]
    try:
        results = import_dumps(
            documents=documents,
            user=request.user,
            left_out_affiliations=_left_out(request, documents),
            **staged.options,
        )
    except DumpError as error:
        for problem in error.problems:
            model_admin.message_user(request, str(problem), messages.ERROR)
        return HttpResponseRedirect(request.path)
    staged.delete()
    counts = Counter(result.action for result in results)
    model_admin.message_user(
        request,
        f"Imported {len(results)} file(s): {counts['created']} article(s) created, "
        f"{counts['updated']} updated.",
        messages.SUCCESS,
    )
    return HttpResponseRedirect(reverse("admin:archive_article_changelist"))


def _staged_import(request):
    """The uploader's own unexpired preview named by the confirmation, or None."""
    try:
        key = uuid.UUID(request.POST["staged"])
    except ValueError:
        return None
    return StagedImport.objects.usable_by(request.user).filter(key=key).first()
