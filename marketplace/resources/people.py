"""Members with their roles on the site, and moderator profiles."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from marketplace.handles import normalize_handle
from marketplace.models import MemberInvitation, Membership, ModeratorProfile, ProfileVisibility, User
from marketplace.richtext import sanitize_html
from marketplace.roles import Role
from marketplace.selectors import roles_of
from marketplace.services.invitations import invite_member
from marketplace.services.member_roles import set_roles
from marketplace.services.memberships import ensure_role
from marketplace.services.moderator_profiles import get_or_create_profile, update_profile
from marketplace.tabular import (
    LIST_SEPARATOR,
    Row,
    TenantResource,
    account_by_email,
    column,
    differing,
    member_by_email,
    member_by_handle,
    register,
)

ROLE_ORDER = [role.value for role in Role]


# --- Members -------------------------------------------------------------------------------------


def may_receive_roles(user: User) -> bool:
    """Roles go straight to an account whose owner has confirmed the address; any other address
    gets invitations, claimed when it is confirmed (marketplace/services/invitations.py)."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def open_invitation_roles(tenant, email: str) -> set[str]:
    with scope(tenant=tenant):
        return set(
            MemberInvitation.objects.filter(
                tenant=tenant,
                email=email.lower(),
                accepted_at=None,
                canceled_at=None,
                expires_at__gt=timezone.now(),
            ).values_list("role", flat=True)
        )


@register
class MemberResource(TenantResource):
    """One row per member: the account's details and their roles on the site.

    An account with that address confirmed (matched by email, any case) gets exactly the listed
    roles: its name, handle and language belong to the person and stay as they are. Any other
    address is invited to each role it does not hold yet, as the Invite form does: the roles are the
    person's once they sign up (or sign in) and confirm the address, so nobody gets a role by
    signing up with someone else's address, and the outcome does not tell whether an account has
    the address. Roles the file takes away go at once.
    """

    name = "members"
    label = "members"
    importable = True
    key_columns = (("email",),)
    notes = (
        "Rows are matched on the email address (any case). An account that has confirmed the address "
        "keeps its name, handle and language, and holds exactly the listed roles on this site "
        "afterwards (everyone is also an attendee). Any other address gets an invitation email for "
        "each listed role it does not hold: the roles are the person's once they confirm the "
        "address (handle, name and language are then theirs to choose). Roles are separated by ;."
    )

    email = column("user__email", "email")
    handle = column("user__handle", "handle")
    display_name = column("user__display_name", "display_name")
    language = column("user__language", "language")
    roles = column(None, "roles")

    class Meta(TenantResource.Meta):
        model = Membership
        fields = ("site", "email", "handle", "display_name", "language", "roles")

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(role=Role.ATTENDEE).select_related("user", "tenant")

    def before_export(self, queryset: QuerySet, **kwargs: Any) -> None:
        with scopes_disabled():  # limited to the exported rows' sites and people just below
            held = Membership.objects.filter(
                tenant_id__in=queryset.values("tenant_id"), user_id__in=queryset.values("user_id")
            ).values_list("tenant_id", "user_id", "role")
            self.held: dict[tuple[int, int], set[str]] = {}
            for tenant_id, user_id, role in held:
                self.held.setdefault((tenant_id, user_id), set()).add(role)

    def dehydrate_roles(self, membership: Membership) -> str:
        held = self.held.get((membership.tenant_id, membership.user_id), set())
        return LIST_SEPARATOR.join(role for role in ROLE_ORDER if role in held)

    def find(self, row: Row) -> tuple[Membership, bool]:
        _, user = account_by_email(row)
        if user is not None:
            with scope(tenant=self.tenant):
                anchor = Membership.objects.filter(tenant=self.tenant, user=user, role=Role.ATTENDEE).first()
            if anchor is not None:
                return anchor, False
            if not may_receive_roles(user):
                user = None  # not this site's member, address unproven: treated as any unknown address
        return Membership(tenant=self.tenant, user=user, role=Role.ATTENDEE), True

    def _wanted_roles(self, row: Row, held: set[str]) -> set[str]:
        if not row.has("roles"):
            return held | {Role.ATTENDEE.value}  # a file without the column changes no roles
        wanted = {Role.ATTENDEE.value}
        for item in row.items("roles"):
            value = item.lower()
            if value not in ROLE_ORDER:
                row.fail("roles", f'"{item}" is not a role: use {", ".join(ROLE_ORDER)}.')
            wanted.add(value)
        return wanted

    def changes(self, instance: Membership, row: Row, *, new: bool) -> dict[str, Any]:
        user = instance.user if instance.user_id else None
        held = set(roles_of(user, self.tenant)) if user is not None else set()
        wanted = self._wanted_roles(row, held)
        if row.errors or held == wanted:
            return {}
        if user is not None and not user.is_active:
            row.fail("email", f"The account of {user.email} is deactivated.")
            return {}
        if user is not None and may_receive_roles(user):
            return {"user": user, "roles": wanted}
        # Nobody has proven the address: roles taken away go at once, new ones wait for the proof.
        changes: dict[str, Any] = {}
        if user is not None and held - wanted:
            changes.update(user=user, roles=held & wanted)
        to_invite = (wanted - held - {Role.ATTENDEE.value}) or (set() if held else {Role.ATTENDEE.value})
        missing = to_invite - open_invitation_roles(self.tenant, row.email("email"))
        if missing:
            changes.update(invite=row.email("email"), invite_roles=missing)
        return changes

    def write(
        self, instance: Membership, changes: dict[str, Any], *, new: bool
    ) -> Membership | MemberInvitation:
        saved: Membership | MemberInvitation | None = None
        if "user" in changes:
            user = changes["user"]
            saved = ensure_role(user, self.tenant, Role.ATTENDEE, actor=self.actor)
            set_roles(user, self.tenant, changes["roles"] - {Role.ATTENDEE.value}, actor=self.actor)
        for role in sorted(changes.get("invite_roles", ()), key=ROLE_ORDER.index):
            invitation = invite_member(self.tenant, person=changes["invite"], role=role, actor=self.actor)
            saved = saved or invitation
        if saved is None:
            raise RuntimeError("A member row with changes wrote nothing.")  # changes() returns {} then
        return saved


# --- Moderator profiles --------------------------------------------------------------------------


@register
class ModeratorProfileResource(TenantResource):
    """A moderator's public profile on the site, matched by their email or handle."""

    name = "moderator-profiles"
    label = "moderator profiles"
    importable = True
    key_columns = (("email", "handle"),)
    export_only_columns = ("display_name",)
    notes = (
        "Rows are matched on the moderator's email address or handle; only the site's moderators have "
        "a profile. Topics are the site's topic slugs and languages two-letter codes (en, fr), each "
        "separated by ;. A column left out of the file leaves that part of the profile as it is."
    )

    email = column("user__email", "email")
    handle = column("user__handle", "handle")
    display_name = column("user__display_name", "display_name")
    headline = column("headline", "headline")
    bio = column("bio", "bio")
    topics = column(None, "topics")
    languages = column(None, "languages")
    location = column("location", "location")
    visibility = column("visibility", "visibility")

    class Meta(TenantResource.Meta):
        model = ModeratorProfile
        fields = (
            "site",
            "email",
            "handle",
            "display_name",
            "headline",
            "bio",
            "topics",
            "languages",
            "location",
            "visibility",
        )

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        """A members' list gives their profiles on the same sites."""
        if queryset.model is Membership:
            rows = queryset.filter(role=Role.ATTENDEE)
            with scopes_disabled():  # limited to the members' sites and people
                queryset = ModeratorProfile.objects.filter(
                    tenant_id__in=rows.values("tenant_id"), user_id__in=rows.values("user_id")
                )
        return queryset.select_related("user", "tenant").prefetch_related("topics").order_by("tenant", "pk")

    def dehydrate_topics(self, profile: ModeratorProfile) -> str:
        return LIST_SEPARATOR.join(sorted(topic.slug for topic in profile.topics.all()))

    def dehydrate_languages(self, profile: ModeratorProfile) -> str:
        return LIST_SEPARATOR.join(profile.languages or [])

    def find(self, row: Row) -> tuple[ModeratorProfile, bool]:
        email, handle = row.text("email"), normalize_handle(row.text("handle"))
        user = None
        site = self.tenant.name
        if email:
            with scopes_disabled():  # members of this site only (member_by_email), whoever asks
                _, user = member_by_email(row, self.tenant)
            if user is None and not row.errors:
                row.fail("email", f"No member of {site} has the address {email}.")
            elif user is not None and handle and user.handle.lower() != handle:
                row.fail("handle", f"{email} belongs to @{user.handle}, not @{handle}.")
        elif handle:
            with scopes_disabled():
                user = member_by_handle(handle, self.tenant)
            if user is None:
                row.fail("handle", f"No member of {site} has the handle @{handle}.")
        else:
            row.fail("email", "Give the moderator's email address or handle.")
        if user is not None:
            with scope(tenant=self.tenant):
                profile = ModeratorProfile.objects.filter(tenant=self.tenant, user=user).first()
            if profile is not None:
                return profile, False
        return ModeratorProfile(tenant=self.tenant, user=user), True

    def changes(self, instance: ModeratorProfile, row: Row, *, new: bool) -> dict[str, Any]:
        current: dict[str, Any] = {
            "headline": instance.headline,
            "bio": instance.bio,
            "location": instance.location,
            "visibility": instance.visibility,
            "languages": list(instance.languages or []),
        }
        wanted: dict[str, Any] = {}
        for name in ("headline", "location"):
            if row.has(name):
                wanted[name] = row.text(name)
        if row.has("bio"):
            wanted["bio"] = sanitize_html(row.text("bio"))
        if row.has("visibility"):
            wanted["visibility"] = row.choice(
                "visibility", ProfileVisibility.choices, default=instance.visibility
            )
        if row.has("languages"):
            wanted["languages"] = [code.lower() for code in row.items("languages")]
        changes = differing(current, wanted)
        if row.has("topics"):
            slugs = [slug.lower() for slug in row.items("topics")]
            held = set() if new else {topic.slug for topic in instance.topics.all()}
            if set(slugs) != held:
                changes["topics"] = slugs
        return changes

    def write(self, instance: ModeratorProfile, changes: dict[str, Any], *, new: bool) -> ModeratorProfile:
        profile = get_or_create_profile(instance.user, self.tenant) if new else instance
        return update_profile(profile, actor=self.actor, **changes)
