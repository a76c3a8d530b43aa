"""Template context: the current tenant, the viewer's roles there, the dashboard menu."""

from __future__ import annotations

from django.http import HttpRequest

from marketplace.dashboard.navigation import menu_for
from marketplace.selectors import roles_of


def tenant(request: HttpRequest) -> dict:
    current = getattr(request, "tenant", None)
    user = getattr(request, "user", None)
    roles = roles_of(user, current) if user is not None and user.is_authenticated else frozenset()
    return {
        "tenant": current,
        "tenant_roles": roles,
        "dashboard_menu": menu_for(user, roles) if roles or getattr(user, "is_superuser", False) else [],
    }
