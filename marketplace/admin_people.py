"""Back office: the site's users and their roles, for its admins (and the platform owner, across sites).

One row per member: the attendee membership every member holds stands for them (so its history
shows their invitation and role changes). Invitations, role changes and removals go through the
membership services, which keep the last admin of a site in place.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permissions import register_permission_policy

from marketplace.admin_base import (
    ObjectActionView,
    TenantAdminPolicy,
    TenantCreateView,
    TenantEditView,
    TenantFilterSet,
    TenantIndexView,
    TenantInspectView,
    TenantModelViewSet,
)
from marketplace.exceptions import MarketplaceError
from marketplace.models import MemberInvitation, Membership
from marketplace.resources import MemberResource, ModeratorProfileResource
from marketplace.roles import Role
from marketplace.selectors import roles_of
from marketplace.services.invitations import invite_member
from marketplace.services.member_roles import deactivate_account, remove_member, set_roles

# Every member is an attendee; the other roles are what an admin hands out.
GRANTABLE_ROLES = [(role.value, role.label) for role in Role if role != Role.ATTENDEE]


def role_labels(membership: Membership) -> str:
    held = roles_of(membership.user, membership.tenant)
    return ", ".join(str(role.label) for role in Role if role in held)


def member_title(membership: Membership) -> str:
    return f"{membership.user} ({membership.tenant})"


class MemberFilterSet(TenantFilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, method="holding", label="Role")
    active = django_filters.BooleanFilter(field_name="user__is_active", label="Account active")

    class Meta:
        model = Membership
        fields: list[str] = []

    def holding(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        held = Membership.objects.filter(tenant=OuterRef("tenant"), user=OuterRef("user"), role=value)
        return queryset.filter(Exists(held))


class MemberIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(role=Role.ATTENDEE).select_related("user", "tenant")

    @cached_property
    def add_item_label(self) -> str:
        return "Invite a member"

    def get_list_more_buttons(self, instance: Membership) -> list:
        buttons = super().get_list_more_buttons(instance)
        edit_url = self.get_edit_url(instance)
        for button in buttons:
            if edit_url and button.url == edit_url:
                button.label = "Change roles"  # the member's "edit" form holds their roles only
        return buttons


class InviteForm(WagtailAdminModelForm):
    person = forms.CharField(
        label="Email address or @handle",
        max_length=254,
        help_text="An address without a confirmed account gets an invitation to sign up; the role is "
        "theirs once they confirm it.",
    )

    class Meta:
        model = Membership
        fields = ["person", "role"]


class InviteView(TenantCreateView):
    page_title = "Invite a member"

    def save_instance(self) -> Membership:
        tenant = getattr(self.request, "tenant", None)
        if tenant is None:
            raise MarketplaceError("Open the back office on a site's address to invite people to it.")
        data = self.form.cleaned_data
        return invite_member(tenant, person=data["person"], role=data["role"], actor=self.request.user)

    def get_success_message(self, instance: Membership | MemberInvitation) -> str:
        role = instance.get_role_display().lower()
        if isinstance(instance, MemberInvitation):
            return (
                f"{instance.email} is invited as {role}: the role is theirs once they sign up and "
                f"confirm the address (until {instance.expires_at:%Y-%m-%d})."
            )
        return f"{instance.user} is now {role} on {instance.tenant}."

    def get_success_url(self) -> str:
        if isinstance(self.object, MemberInvitation):
            return reverse("member-invitations:index")
        return super().get_success_url()

    def get_success_buttons(self) -> list:
        if isinstance(self.object, MemberInvitation):
            return []  # nothing to edit: the invitation waits for its address to be confirmed
        return super().get_success_buttons()


class RolesForm(WagtailAdminModelForm):
    roles = forms.MultipleChoiceField(
        choices=GRANTABLE_ROLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every member is also an attendee. The site keeps at least one admin.",
    )

    class Meta:
        model = Membership
        fields = ["roles"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(roles_of(self.instance.user, self.instance.tenant))


class RolesView(TenantEditView):
    page_title = "Roles"

    def get_page_subtitle(self) -> str:
        return member_title(self.object)

    def save_instance(self) -> Membership:
        member = Membership.objects.select_related("user", "tenant").get(pk=self.object.pk)
        set_roles(member.user, member.tenant, set(self.form.cleaned_data["roles"]), actor=self.request.user)
        return member

    def get_success_message(self) -> str:
        return f"{self.object.user}'s roles on {self.object.tenant} are saved."


class MemberInspectView(TenantInspectView):
    extra_labels = {"roles": "Roles", "email": "Email", "active": "Account active"}

    def get_page_subtitle(self) -> str:
        return member_title(self.object)

    def get_roles_display_value(self) -> str:
        return role_labels(self.object)

    def get_email_display_value(self) -> str:
        return self.object.user.email

    def get_active_display_value(self) -> str:
        return "Yes" if self.object.user.is_active else "No (deactivated on every site)"


class DeactivateForm(forms.Form):
    scope = forms.ChoiceField(
        label="Deactivate",
        choices=[
            ("site", "Remove every role on this site"),
            ("everywhere", "Block the account on every site (memberships are kept)"),
        ],
        initial="site",
        widget=forms.RadioSelect,
    )


class DeactivateView(ObjectActionView):
    model = Membership
    name = "deactivate"
    label = "Deactivate"
    icon = "cross"
    serious = True
    submit_label = "Deactivate"

    @property
    def confirmation(self) -> str:
        return (
            f"{self.object.user} loses every role on {self.object.tenant} (the site's last admin "
            "cannot be removed). Their wallet, registrations and history stay."
        )

    def get_form_class(self) -> type[forms.Form]:
        # Only the platform owner may block an account everywhere.
        return DeactivateForm if self.request.user.is_superuser else forms.Form

    def get_page_subtitle(self) -> str:
        return member_title(self.object)

    def perform(self, form: forms.Form) -> str:
        user, tenant = self.object.user, self.object.tenant
        if form.cleaned_data.get("scope") == "everywhere":
            deactivate_account(user, actor=self.request.user)
            return f"{user}'s account is deactivated on every site."
        remove_member(user, tenant, actor=self.request.user)
        return f"{user} is no longer a member of {tenant}."

    def get_success_url(self) -> str:
        return reverse(self.index_url_name)  # the member's row may be gone


class MemberViewSet(TenantModelViewSet):
    model = Membership
    icon = "group"
    menu_label = "Users and memberships"
    index_view_class = MemberIndexView
    add_view_class = InviteView
    edit_view_class = RolesView
    inspect_view_class = MemberInspectView
    filterset_class = MemberFilterSet
    search_fields = ["user__handle", "user__email", "user__display_name"]
    ordering = "user__handle"
    list_display = [
        "user__handle",
        Column("name", label="Name", accessor="user.display_name"),
        Column("email", label="Email", accessor="user.email", sort_key="user__email"),
        Column("roles", label="Roles", accessor=role_labels),
        "tenant",
        Column("active", label="Active", accessor=lambda m: "yes" if m.user.is_active else "deactivated"),
        DateColumn("created_at", label="Member since", sort_key="created_at"),
    ]
    inspect_view_fields = ["user", "email", "tenant", "roles", "active", "created_at"]
    object_actions = (DeactivateView,)
    resource_class = MemberResource
    more_resource_classes = (ModeratorProfileResource,)  # profiles have no screen of their own

    def get_form_class(self, for_update: bool = False):
        return RolesForm if for_update else InviteForm


register_permission_policy(
    Membership,
    TenantAdminPolicy(
        Membership, actions=frozenset({"view", "add", "change", "deactivate", "export", "import"})
    ),
)
member_viewset = MemberViewSet("members")
