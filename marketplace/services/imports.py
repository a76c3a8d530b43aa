"""Importing a spreadsheet into a site in two steps: check every row (a dry run), then, once an admin
confirms a check without errors, import for real.

Both steps run as background jobs (marketplace.tasks). The check runs the whole import inside a
transaction that is rolled back, so it sees each row as the import would (a room created in row 2
counts towards the host's plan in row 3) and changes nothing. The import is all or nothing: one
transaction, rolled back in full if any row fails (the site may have changed since the check), and
the job then lists the errors. Progress is counted in the cache while a job runs (its transaction
is not visible to the status page until it ends) and in the job's row once it has.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.exceptions import MarketplaceError
from marketplace.models import ImportJob, ImportStatus, Tenant, User
from marketplace.models.imports import RUNNING_STATUSES
from marketplace.selectors import is_tenant_admin
from marketplace.services.audit import audit
from marketplace.spreadsheets import FileProblem, read_table
from marketplace.tabular import TenantResource, error_messages, resource_named

logger = logging.getLogger(__name__)

PROGRESS_TTL_SECONDS = 6 * 3600
MAX_LISTED_ROWS = 2000  # per-row outcomes kept for the page; the counts cover every row
OUTCOMES = {"new": "new", "update": "update", "skip": "skip", "invalid": "error", "error": "error"}
UNEXPECTED = "This row could not be imported because of an unexpected error; it has been logged."


class ImportRefused(MarketplaceError):
    code = "import_refused"
    status = 409


def _progress_key(job_id: int) -> str:
    return f"lyceum:import-progress:{job_id}"


def processed_rows(job: ImportJob) -> int:
    """How many rows the job has done: counted live in the cache while it runs."""
    if job.is_running:
        return max(job.processed_rows, cache.get(_progress_key(job.pk), 0))
    return job.processed_rows


def start_import(
    tenant: Tenant, *, actor: User, resource: str, file_name: str, content: bytes, file_format: str
) -> ImportJob:
    """Store the file and queue its check. The caller has read the file (read_table) already."""
    total = read_table(content, file_format).height
    with scope(tenant=tenant):
        job = ImportJob.objects.create(
            tenant=tenant,
            created_by=actor,
            resource=resource,
            file_name=file_name[:255],
            content=content,
            format=file_format,
            total_rows=total,
        )
    audit(job, "lyceum.import.upload", actor=actor, resource=resource, file=job.file_name, rows=total)
    from marketplace.tasks import preview_import

    transaction.on_commit(lambda: preview_import.send(tenant.pk, job.pk))
    return job


def confirm_import(job: ImportJob, *, actor: User) -> ImportJob:
    """Queue the import of a checked file without errors; confirming twice queues it once."""
    if job.status != ImportStatus.PREVIEWED or job.error_rows:
        raise ImportRefused("Only a file checked without errors can be imported: fix it and upload it again.")
    with scope(tenant=job.tenant):
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED, error_rows=0).update(
            status=ImportStatus.IMPORTING,
            confirmed_by=actor,
            processed_rows=0,
            step_started_at=timezone.now(),
        )
    if claimed:
        cache.delete(_progress_key(job.pk))
        audit(job, "lyceum.import.confirm", actor=actor, resource=job.resource, file=job.file_name)
        from marketplace.tasks import run_import

        transaction.on_commit(lambda: run_import.send(job.tenant_id, job.pk))
    job.refresh_from_db()
    return job


def _label(row_result: Any, resource: TenantResource) -> str:
    """The row's object, or for a row that made none, its key cells ("host / big-room")."""
    if row_result.object_repr:
        return row_result.object_repr
    keys = [column for group in resource.key_columns for column in group]
    values = [str(row_result.row_values.get(column) or "").strip() for column in keys]
    return " / ".join(value for value in values if value)


def _results(result: Any, resource: TenantResource) -> tuple[dict[str, int], list[dict], list[dict]]:
    """Counts, per-row outcomes and per-row errors of the library's result (rows in file order;
    the header is row 1)."""
    counts = {"new": 0, "update": 0, "skip": 0, "error": 0}
    rows: list[dict] = []
    errors: list[dict] = []
    for number, row_result in enumerate(result.rows, start=2):
        outcome = OUTCOMES.get(row_result.import_type, "error")
        counts[outcome] += 1
        if row_result.validation_error is not None:
            for field, messages in error_messages(row_result.validation_error).items():
                errors.extend({"row": number, "field": field, "message": str(m)} for m in messages)
        for error in row_result.errors:
            logger.error("Import row %s failed: %s", number, error.traceback)
            errors.append({"row": number, "field": "", "message": UNEXPECTED})
        if len(rows) < MAX_LISTED_ROWS or outcome == "error":
            rows.append({"row": number, "outcome": outcome, "label": _label(row_result, resource)})
    for error in result.base_errors:
        logger.error("Import failed: %s", error.traceback)
        errors.append({"row": None, "field": "", "message": "The file could not be imported."})
    return counts, rows, errors


def _resource(job: ImportJob, actor: User | None) -> TenantResource:
    if actor is None or not actor.is_active or not is_tenant_admin(actor, job.tenant):
        raise FileProblem("The person who started this import is no longer an admin of the site.")
    resource = resource_named(job.resource)(tenant=job.tenant, actor=actor)
    resource.job_label = job.file_name

    def count(row_number: int) -> None:
        step = max(1, job.total_rows // 100)
        if row_number % step == 0 or row_number == job.total_rows:
            cache.set(_progress_key(job.pk), row_number, PROGRESS_TTL_SECONDS)

    resource.on_row = count
    return resource


def _record(job: ImportJob, resource: TenantResource, result: Any, status: str) -> None:
    counts, rows, errors = _results(result, resource)
    job.new_rows, job.updated_rows = counts["new"], counts["update"]
    job.skipped_rows, job.error_rows = counts["skip"], counts["error"] + len(result.base_errors)
    job.rows, job.errors = rows, errors
    job.processed_rows = job.total_rows
    job.status = status


def _fail(job: ImportJob, message: str) -> None:
    job.status, job.failure, job.finished_at = ImportStatus.FAILED, message[:500], timezone.now()
    job.save()


def _locked(job_id: int, tenant: Tenant, status: str) -> ImportJob | None:
    job = (
        ImportJob.objects.select_for_update(of=("self",))  # the job only, never its site's row
        .select_related("tenant")
        .filter(pk=job_id, tenant=tenant)
        .first()
    )
    return job if job is not None and job.status == status else None


def run_preview(tenant_id: int, job_id: int) -> None:
    """Check every row in a transaction that is rolled back, and keep each row's outcome."""
    with scopes_disabled():
        tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant):
        claimed = ImportJob.objects.filter(
            pk=job_id, tenant=tenant, status__in=[ImportStatus.UPLOADED, ImportStatus.PREVIEWING]
        ).update(status=ImportStatus.PREVIEWING, processed_rows=0, step_started_at=timezone.now())
        if not claimed:
            return  # already checked (a second delivery of the same job)
        with transaction.atomic():
            job = _locked(job_id, tenant, ImportStatus.PREVIEWING)
            if job is None:
                return
            try:
                dataset = read_table(bytes(job.content), job.format)
                resource = _resource(job, job.created_by)
                result = resource.import_data(dataset, dry_run=True, use_transactions=True)
            except FileProblem as problem:
                _fail(job, problem.message)
                return
            except Exception:
                logger.exception("The check of import %s stopped.", job.pk)
                _fail(job, "The check stopped because of an unexpected error; it has been logged.")
                return
            _record(job, resource, result, ImportStatus.PREVIEWED)
            job.previewed_at = timezone.now()
            job.save()


def run_import(tenant_id: int, job_id: int) -> None:
    """Import every row in one transaction; if any row fails now, nothing is kept."""
    with scopes_disabled():
        tenant = Tenant.objects.get(pk=tenant_id)
    with scope(tenant=tenant), transaction.atomic():
        job = _locked(job_id, tenant, ImportStatus.IMPORTING)
        if job is None:
            return  # done already (a second delivery of the same job)
        try:
            dataset = read_table(bytes(job.content), job.format)
            resource = _resource(job, job.confirmed_by)
            result = resource.import_data(
                dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
            )
        except FileProblem as problem:
            _fail(job, problem.message)
            return
        except Exception:
            logger.exception("Import %s stopped.", job.pk)
            _fail(job, "The import stopped because of an unexpected error; nothing was changed.")
            return
        failed = result.has_errors() or result.has_validation_errors()
        _record(job, resource, result, ImportStatus.FAILED if failed else ImportStatus.DONE)
        if failed:
            job.failure = (
                "Some rows failed when importing (the site changed since the check): nothing was changed."
            )
        job.finished_at = timezone.now()
        job.save()
        counts = {"new": job.new_rows, "updated": job.updated_rows, "skipped": job.skipped_rows}
        audit(job, "lyceum.import.finish", actor=job.confirmed_by, status=job.status, **counts)


STALLED = (
    "The job stopped before it finished (it ran out of time, or its worker stopped): nothing was "
    "imported. Upload the file again, or split it into smaller files."
)


def fail_stalled_jobs(*, now: datetime | None = None) -> int:
    """Mark as failed the jobs still shown as running long after a worker would have given up on
    them (the job's time limit ends it without a word). Returns how many."""
    now = now or timezone.now()
    deadline = now - timedelta(milliseconds=settings.IMPORT_TIME_LIMIT_MS) - timedelta(minutes=15)
    with scopes_disabled():
        stalled = ImportJob.objects.filter(status__in=RUNNING_STATUSES).filter(
            Q(step_started_at__lt=deadline) | Q(step_started_at=None, created_at__lt=deadline)
        )
        return stalled.update(status=ImportStatus.FAILED, failure=STALLED, finished_at=now)


def purge_old_jobs(*, now: datetime | None = None) -> int:
    """Delete the jobs (and the files they keep) older than IMPORT_JOB_KEEP_DAYS, stalled ones
    included; the rows they imported keep their history. Returns how many went."""
    now = now or timezone.now()
    fail_stalled_jobs(now=now)
    cutoff = now - timedelta(days=settings.IMPORT_JOB_KEEP_DAYS)
    with scopes_disabled():
        deleted, _ = (
            ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=RUNNING_STATUSES).delete()
        )
    return deleted
