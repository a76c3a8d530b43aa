"""Dashboard pages: server-rendered shells whose data and actions go through the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marketplace import selectors
from marketplace.roles import Role


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and a member of this site (or the platform owner)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_superuser or selectors.is_member(request.user, request.tenant)):
            return render(request, "dashboard/not_member.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@member_required
def home(request: HttpRequest) -> HttpResponse:
    roles = selectors.roles_of(request.user, request.tenant)
    context = {
        "roles": sorted(roles),
        "other_tenants": selectors.tenants_of(request.user).exclude(pk=request.tenant.pk),
        "is_staff_here": selectors.is_tenant_staff(request.user, request.tenant),
    }
    return render(request, "dashboard/home.html", context)


@member_required
def profile(request: HttpRequest) -> HttpResponse:
    context = {
        "languages": settings.LANGUAGES,
        "avatar_max_mb": settings.AVATAR_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "dashboard/profile.html", context)


@member_required
def tokens(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/tokens.html")


@member_required
def wallet(request: HttpRequest) -> HttpResponse:
    from payments.models import EntryKind

    context = {"entry_kinds": EntryKind.choices, "stripe_js_url": settings.STRIPE_JS_URL}
    return render(request, "dashboard/wallet.html", context)


@member_required
def rooms(request: HttpRequest) -> HttpResponse:
    plan = selectors.active_plan(request.user, request.tenant)
    return render(request, "dashboard/rooms.html", {"plan": plan})


@member_required
def plans(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/plans.html", {"grace_days": settings.PLAN_GRACE_DAYS})


@member_required
def payouts(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/payouts.html")


@member_required
def payout_queue(request: HttpRequest) -> HttpResponse:
    if not selectors.is_tenant_admin(request.user, request.tenant):
        return render(request, "dashboard/not_member.html", {"admins_only": True}, status=403)
    from payments.models import PayoutStatus

    return render(request, "dashboard/payout_queue.html", {"statuses": PayoutStatus.choices})


@member_required
def members(request: HttpRequest) -> HttpResponse:
    if not selectors.is_tenant_admin(request.user, request.tenant):
        return render(request, "dashboard/not_member.html", {"admins_only": True}, status=403)
    return render(request, "dashboard/members.html", {"roles": Role.choices})
