"""Give every tenant's site what new tenants get: standard pages, menus, editors' group and collection.

Safe to run again (each step checks what exists); run it once after upgrading so tenants created
before these features gain them, then whenever a site looks incomplete.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from cms.services import prepare_tenant_site
from marketplace.models import Tenant


class Command(BaseCommand):
    help = "Create any missing standard pages, menus and editor permissions of every tenant (idempotent)."

    def handle(self, *args, **options) -> None:
        tenants = list(Tenant.objects.select_related("site", "site__root_page").order_by("slug"))
        for tenant in tenants:
            prepare_tenant_site(tenant)
            self.stdout.write(f"  {tenant.slug}: ready")
        self.stdout.write(self.style.SUCCESS(f"{len(tenants)} tenant site(s) checked."))
