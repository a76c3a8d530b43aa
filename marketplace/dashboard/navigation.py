"""The dashboard menu: each entry names the roles that see it, in the site's own words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.text import capfirst
from django_scopes import get_scope

from cms.branding.context import wording_for_tenant
from marketplace.roles import Role

EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class MenuItem:
    label: str  # may name a renameable word in braces, e.g. "My {rooms}" (cms/branding/wording.py)
    url_name: str
    roles: frozenset[str]
    icon: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def worded(self, wording: Mapping[str, str]) -> MenuItem:
        return replace(self, label=capfirst(self.label.format_map(wording)))


MENU: tuple[MenuItem, ...] = (
    MenuItem("Overview", "dashboard:home", EVERYONE, "home"),
    MenuItem("Wallet", "dashboard:wallet", EVERYONE, "wallet"),
    MenuItem("Shared {rooms}", "dashboard:shared-rooms", EVERYONE, "room"),
    MenuItem("My {rooms}", "dashboard:rooms", frozenset({Role.MODERATOR}), "room"),
    MenuItem("Public profile", "dashboard:public-profile", frozenset({Role.MODERATOR}), "user"),
    MenuItem("White and black lists", "dashboard:lists", frozenset({Role.MODERATOR}), "list"),
    MenuItem("Plans", "dashboard:plans", EVERYONE, "plan"),
    MenuItem("Payouts", "dashboard:payouts", frozenset({Role.MODERATOR, Role.REPRESENTATIVE, Role.ADMIN})),
    MenuItem("Payout queue", "dashboard:payout-queue", frozenset({Role.ADMIN})),
    MenuItem("Profile", "dashboard:profile", EVERYONE, "user"),
    MenuItem("API tokens", "dashboard:tokens", EVERYONE, "key"),
    MenuItem("Members", "dashboard:members", frozenset({Role.ADMIN})),
)

BACK_OFFICE_ROLES = frozenset({Role.ADMIN, Role.EDITOR})


def menu_for(user, roles: frozenset[str], wording: Mapping[str, str] | None = None) -> list[MenuItem]:
    """The entries the user's roles see; without `wording`, in the words of the tenant whose scope
    the request runs in (the tenant middleware enters it)."""
    if getattr(user, "is_superuser", False):
        roles = EVERYONE
    if wording is None:
        tenant = get_scope().get("tenant")
        wording = wording_for_tenant(tenant if getattr(tenant, "pk", None) else None)
    return [item.worded(wording) for item in MENU if item.roles & roles]
