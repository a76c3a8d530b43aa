"""The dashboard menu: each entry names the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from marketplace.roles import Role

EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str]
    icon: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


MENU: tuple[MenuItem, ...] = (
    MenuItem("Overview", "dashboard:home", EVERYONE, "home"),
    MenuItem("Wallet", "dashboard:wallet", EVERYONE, "wallet"),
    MenuItem("Shared rooms", "dashboard:shared-rooms", EVERYONE, "room"),
    MenuItem("My rooms", "dashboard:rooms", frozenset({Role.MODERATOR}), "room"),
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


def menu_for(user, roles: frozenset[str]) -> list[MenuItem]:
    if getattr(user, "is_superuser", False):
        roles = EVERYONE
    return [item for item in MENU if item.roles & roles]
