"""Back office: a screen's CSV/XLSX download and its import in two steps.

The download is the screen's list (with its search and filters) as a file: the screen's index
view computes the rows, its resource (marketplace.resources, payments.resources) writes them.
The import stores the uploaded file and checks every row in the background; the job's page shows
the progress (import-progress.js polls the status URL) and then each row's outcome; once the
check found no error, an admin confirms and the import runs in the background too.

URL names, in each screen's namespace: `export`, `import`, `import-job`, `import-status` and
`import-confirm`. Jobs are the site's own: another site's job answers 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View
from django_scopes import scopes_disabled
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import LogFormatter

from config.errors import DomainError
from marketplace.admin_base import may, tenant_rows
from marketplace.models import ImportFormat, ImportJob, ImportStatus
from marketplace.services.imports import confirm_import, processed_rows, start_import
from marketplace.spreadsheets import (
    CONTENT_TYPES,
    MAX_IMPORT_BYTES,
    FileProblem,
    detect_format,
    read_table,
    write_table,
)
from marketplace.tabular import TenantResource

# --- Export --------------------------------------------------------------------------------------


class ExportMixin:
    """Mixed into a screen's index view: the same rows, written as a file instead of a page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request, self.model, "export"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        file_format = request.GET.get("format", ImportFormat.CSV)
        if file_format not in ImportFormat.values:
            raise Http404("Unknown format.")
        resource_class = _chosen(self.resource_classes, request.GET.get("resource"))
        everyone = request.user.is_superuser
        tenant = None if everyone else getattr(request, "tenant", None)
        if tenant is None and not everyone:
            raise PermissionDenied
        # The list's rows (its search and filters), never beyond what this person may see.
        rows = self.get_queryset()
        rows = rows.filter(pk__in=tenant_rows(self.model, request).values("pk"))
        resource = resource_class(tenant=tenant, actor=request.user)
        if everyone:
            with scopes_disabled():  # the owner's export spans every site
                dataset = resource.export_rows(rows)
        else:
            dataset = resource.export_rows(rows)
        site = tenant.slug if tenant else "all-sites"
        name = f"{resource.name}-{site}-{timezone.localdate():%Y-%m-%d}.{file_format}"
        response = HttpResponse(
            write_table(dataset, file_format, title=resource.label), content_type=CONTENT_TYPES[file_format]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _chosen(resource_classes: tuple[type[TenantResource], ...], name: str | None) -> type[TenantResource]:
    if not name:
        return resource_classes[0]
    for resource_class in resource_classes:
        if resource_class.name == name:
            return resource_class
    raise Http404("Unknown file.")


# --- Import: upload ------------------------------------------------------------------------------


class ImportForm(forms.Form):
    resource = forms.ChoiceField(label="The file holds", choices=[], required=False)
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="At most 5 MB. The first row names the columns; CSV files are UTF-8.",
    )

    def __init__(self, *args: Any, resource_classes: list[type[TenantResource]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resource_classes = {resource.name: resource for resource in resource_classes}
        self.fields["resource"].choices = [
            (resource.name, resource.label.capitalize()) for resource in resource_classes
        ]
        if len(resource_classes) == 1:
            self.fields["resource"].initial = resource_classes[0].name
            self.fields["resource"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = cleaned.get("resource") or next(iter(self.resource_classes))
        upload, resource_class = cleaned.get("file"), self.resource_classes.get(chosen)
        if resource_class is None:
            self.add_error("resource", "Choose what the file holds.")
        if upload is None or resource_class is None:
            return cleaned
        if upload.size > MAX_IMPORT_BYTES:
            self.add_error("file", f"The file is too large: at most {MAX_IMPORT_BYTES // 2**20} MB.")
            return cleaned
        content = upload.read()
        try:
            file_format = detect_format(upload.name or "", content)
            headers = read_table(content, file_format).headers
        except FileProblem as problem:
            self.add_error("file", problem.message)
            return cleaned
        unknown = resource_class.unknown_columns(headers)
        if unknown:
            self.add_error(
                "file",
                f"Unknown columns: {', '.join(unknown)}. The columns of {resource_class.label} are: "
                f"{', '.join(resource_class.columns())}.",
            )
        missing = resource_class.missing_keys(headers)
        if missing:
            self.add_error("file", f"The file needs these columns: {', '.join(missing)}.")
        cleaned.update(content=content, format=file_format, resource_class=resource_class)
        return cleaned


class ImportViewMixin(WagtailAdminTemplateMixin):
    """What every import page shares: the screen's model and URLs, the permission, the site."""

    model = None
    resource_classes: tuple[type[TenantResource], ...] = ()
    transfer_namespace = ""
    index_url_name = ""
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request, self.model, "import"):
            raise PermissionDenied
        if getattr(request, "tenant", None) is None:
            raise Http404("Open the back office on a site's address to import into it.")
        return super().dispatch(request, *args, **kwargs)

    @property
    def importable(self) -> list[type[TenantResource]]:
        return [resource for resource in self.resource_classes if resource.importable]

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"{self.transfer_namespace}:{name}", args=args)

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        label = str(self.model._meta.verbose_name_plural).capitalize()
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": label},
            {"url": self.url("import"), "label": "Import"},
        ]

    def jobs(self) -> QuerySet[ImportJob]:
        names = [resource.name for resource in self.importable]
        return ImportJob.objects.filter(tenant=self.request.tenant, resource__in=names)


class ImportUploadView(ImportViewMixin, FormView):
    form_class = ImportForm
    template_name = "marketplace/admin/imports/upload.html"
    page_title = "Import"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "resource_classes": self.importable}

    def get_page_subtitle(self) -> str:
        return self.request.tenant.name

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["file_kinds"] = [
            {"label": resource.label, "columns": ", ".join(resource.columns()), "notes": resource.notes}
            for resource in self.importable
        ]
        context["recent_jobs"] = [(job, self.url("import-job", job.public_id)) for job in self.jobs()[:10]]
        context["max_mb"] = MAX_IMPORT_BYTES // 2**20
        return context

    def form_valid(self, form: ImportForm) -> HttpResponse:
        data = form.cleaned_data
        job = start_import(
            self.request.tenant,
            actor=self.request.user,
            resource=data["resource_class"].name,
            file_name=data["file"].name or "upload",
            content=data["content"],
            file_format=data["format"],
        )
        return redirect(self.url("import-job", job.public_id))


# --- Import: the job -----------------------------------------------------------------------------


class JobMixin(ImportViewMixin):
    @cached_property
    def job(self) -> ImportJob:
        return get_object_or_404(self.jobs(), public_id=self.kwargs["job"])


class ImportJobView(JobMixin, TemplateView):
    template_name = "marketplace/admin/imports/job.html"

    def get_page_title(self) -> str:
        return f"Import: {self.job.file_name}"

    def get_page_subtitle(self) -> str:
        return self.job.get_status_display()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        job = self.job
        problems: dict[Any, list[dict]] = {}
        for error in job.errors:
            problems.setdefault(error.get("row"), []).append(error)
        rows = [{**row, "problems": problems.get(row["row"], [])} for row in job.rows]
        processed = processed_rows(job)
        running = job.is_running and job.total_rows
        context.update(
            job=job,
            percent=min(100, 100 * processed // job.total_rows) if running else job.percent,
            resource_label=next((r.label for r in self.importable if r.name == job.resource), job.resource),
            processed=processed,
            rows=rows,
            file_problems=problems.get(None, []),
            status_url=self.url("import-status", job.public_id),
            confirm_url=self.url("import-confirm", job.public_id),
            upload_url=self.url("import"),
            index_url=reverse(self.index_url_name),
            can_confirm=job.status == ImportStatus.PREVIEWED and not job.error_rows,
            done=job.status == ImportStatus.DONE,
        )
        return context


class ImportStatusView(JobMixin, View):
    """The job's progress as JSON, for the page's progress bar."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        job = self.job
        done = processed_rows(job)
        total = job.total_rows
        percent = 100 if not job.is_running else (min(100, 100 * done // total) if total else 0)
        return JsonResponse(
            {
                "status": job.status,
                "status_label": job.get_status_display(),
                "running": job.is_running,
                "total_rows": total,
                "processed_rows": done,
                "percent": percent,
                "new_rows": job.new_rows,
                "updated_rows": job.updated_rows,
                "skipped_rows": job.skipped_rows,
                "error_rows": job.error_rows,
                "failure": job.failure,
            }
        )


class ImportConfirmView(JobMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            confirm_import(self.job, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        return redirect(self.url("import-job", self.job.public_id))


# --- URLs ----------------------------------------------------------------------------------------


def transfer_urlpatterns(viewset: Any) -> list:
    """The export URL of a screen, and its import URLs when one of its resources is importable."""
    index_class = viewset.index_view_class
    export_class = type(f"{index_class.__name__}Export", (ExportMixin, index_class), {})
    export_view = viewset.construct_view(export_class, **viewset.get_index_view_kwargs())
    patterns = [path("export/", export_view, name="export")]
    if not viewset.importable:
        return patterns
    shared = {
        "model": viewset.model,
        "resource_classes": viewset.resource_classes,
        "transfer_namespace": viewset.url_namespace,
        "index_url_name": viewset.get_url_name("index"),
    }
    views = [
        ("import/", ImportUploadView, "import"),
        ("import/<uuid:job>/", ImportJobView, "import-job"),
        ("import/<uuid:job>/status/", ImportStatusView, "import-status"),
        ("import/<uuid:job>/confirm/", ImportConfirmView, "import-confirm"),
    ]
    return [*patterns, *(path(route, view.as_view(**shared), name=name) for route, view, name in views)]


class ImportRowFormatter(LogFormatter):
    label = "Import a row"

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        return f"Imported from {data.get('file') or 'a file'}, row {data.get('row', '?')}"


def register_import_log_actions(actions) -> None:
    actions.register_action("lyceum.import.row")(ImportRowFormatter)
    actions.register_action("lyceum.import.upload", "Upload a file to import", "File uploaded for import")
    actions.register_action("lyceum.import.confirm", "Confirm an import", "Import confirmed")
    actions.register_action("lyceum.import.finish", "Finish an import", "Import finished")
