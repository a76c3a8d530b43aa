"""Imports of spreadsheets into a site's rows, run in two steps: a preview, then the confirmed import."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django_scopes import ScopedManager


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded: waiting to be checked"
    PREVIEWING = "previewing", "Checking the rows"
    PREVIEWED = "previewed", "Checked: waiting for confirmation"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


# Statuses a background job is working on (the page keeps polling while the job is in one).
RUNNING_STATUSES = (ImportStatus.UPLOADED, ImportStatus.PREVIEWING, ImportStatus.IMPORTING)


class ImportJob(models.Model):
    """One uploaded file and what became of its rows.

    `rows` holds each row's outcome of the latest run (preview or import): its number, `outcome`
    (new, update, skip, error) and a label; `errors` lists every problem as row number, column and
    message. The file stays in the row so the import reads exactly what was previewed.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tenant = models.ForeignKey("marketplace.Tenant", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resource = models.CharField(max_length=40, help_text="What the file holds (members, rooms, ...).")
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    format = models.CharField(max_length=4, choices=ImportFormat.choices)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    new_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    skipped_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=500, blank=True, help_text="Why the whole job stopped, if it did.")
    created_at = models.DateTimeField(auto_now_add=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    step_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the running check or import began (a stalled one is failed)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="tenant")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "resource", "-created_at"], name="import_job_listing_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display().lower()})"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.PREVIEWED, ImportStatus.DONE):
            return 100
        return min(100, (100 * self.processed_rows) // self.total_rows) if self.total_rows else 0
