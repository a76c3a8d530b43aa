"""Creating tenants: their Wagtail Site, pages, menus and editor permissions come with them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.models import Site

from cms.services import create_home_page, prepare_tenant_site
from marketplace.models import Tenant
from marketplace.services.audit import audit
from search.services import ensure_explore_page


@transaction.atomic
def create_tenant(
    *,
    name: str,
    slug: str,
    hostname: str,
    port: int = 80,
    is_default_site: bool = False,
    actor: Any | None = None,
    **options: Any,
) -> Tenant:
    home = create_home_page(title=name, slug=slug)
    if is_default_site:
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
    site = Site.objects.create(
        hostname=hostname,
        port=port,
        root_page=home,
        site_name=name,
        is_default_site=is_default_site,
    )
    tenant = Tenant(name=name, slug=slug, site=site, **options)
    tenant.full_clean()
    tenant.save()
    prepare_tenant_site(tenant)  # standard pages, menus, the editors' group and collection
    ensure_explore_page(tenant)  # /explore/: search over the site's hosts and rooms
    audit(tenant, "wagtail.create", actor=actor)
    return tenant
