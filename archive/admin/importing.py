"""The importer's admin page: upload dumps, preview a dry run, then confirm to save."""

import base64
from collections import Counter

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .. import publishing
from ..importing.errors import Document, DumpError
from ..importing.report import report_rows
from ..importing.service import import_dumps
from ..models import ArticleType, Series


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] if data else [single(None, initial)]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    """The admin's upload form: the files and the command's options."""

    files = MultipleFileField(label="Text dumps", help_text="One or more UTF-8 .txt files.")
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


PAYLOAD_SALT = "archive.importers.preview"
PAYLOAD_MAX_AGE = 60 * 60


def import_view(model_admin, request):
    """Upload dumps, see what the importer found (a dry run), then confirm to save.

    The confirmation carries the previewed files in a signed field, so what is saved is
    exactly what was previewed, without keeping uploads on the server.
    """
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    can_publish = publishing.can_publish(request.user)
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(model_admin, request, can_publish)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import articles from text dumps",
    }
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        can_publish=can_publish,
    )
    if form.is_valid():
        context.update(_preview(form, request.user))
    context["form"] = form
    return TemplateResponse(request, "admin/archive/article/import.html", context)


def _preview(form, user):
    """A dry run of the uploaded files: the report rows and the signed payload to confirm."""
    documents = [Document(f.name, f.read()) for f in form.cleaned_data["files"]]
    options = form.import_options()
    try:
        results = import_dumps(documents=documents, dry_run=True, user=user, **options)
    except DumpError as error:
        for problem in error.problems:
            form.add_error("files", str(problem))
        return {}
    payload = signing.dumps(
        {
            "files": [[d.source, base64.b64encode(d.data).decode()] for d in documents],
            "options": options,
        },
        salt=PAYLOAD_SALT,
        compress=True,
    )
    return {"results": [(result, report_rows(result)) for result in results], "payload": payload}


def _confirm(model_admin, request, can_publish):
    """Save exactly what was previewed, or say why nothing was saved."""
    try:
        payload = signing.loads(request.POST["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
    except signing.BadSignature:
        model_admin.message_user(
            request, "The preview has expired; please upload the files again.", messages.ERROR
        )
        return HttpResponseRedirect(request.path)
    if payload["options"]["publish"] and not can_publish:
        raise PermissionDenied
    documents = [Document(name, base64.b64decode(data)) for name, data in payload["files"]]
    try:
        results = import_dumps(documents=documents, user=request.user, **payload["options"])
    except DumpError as error:
        for problem in error.problems:
            model_admin.message_user(request, str(problem), messages.ERROR)
        return HttpResponseRedirect(request.path)
    counts = Counter(result.action for result in results)
    model_admin.message_user(
        request,
        f"Imported {len(results)} file(s): {counts['created']} article(s) created, "
        f"{counts['updated']} updated.",
        messages.SUCCESS,
    )
    return HttpResponseRedirect(reverse("admin:archive_article_changelist"))
