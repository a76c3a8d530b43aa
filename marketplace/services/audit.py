"""Audit entries for business events, shown in the Wagtail admin's history."""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.log_actions import log


def audit(instance: models.Model, action: str, *, actor: Any | None, **data: Any) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    log(instance=instance, action=action, user=user, data=data or None)
