"""`manage.py create_explore_pages`: give every site that has none its Explore page (idempotent).

New sites get theirs when they are created; this is for sites made before Explore existed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from marketplace.models import Tenant
from search.selectors import explore_path
from search.services import ensure_explore_page


class Command(BaseCommand):
    help = "Create the Explore page under each site's home page where it is missing."

    def handle(self, *args: Any, **options: Any) -> None:
        for tenant in Tenant.objects.select_related("site").order_by("pk"):
            page = ensure_explore_page(tenant)
            if page is None:
                where = "none: the slug explore is taken by another page"
            else:
                where = explore_path(tenant) or "unpublished"
            self.stdout.write(f"{tenant.slug}: {where}")
