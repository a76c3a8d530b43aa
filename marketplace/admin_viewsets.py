"""Back-office screens of the marketplace app (Wagtail admin at /cms/)."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site
from wagtail.permissions import register_permission_policy

from marketplace.admin_base import ImportExportButtonsMixin, ImportExportViewSetMixin
from marketplace.models import Plan, Tenant
from marketplace.models.plans import LIMIT_FIELDS
from marketplace.permission_policies import TenantRolePermissionPolicy
from marketplace.resources import PlanResource
from marketplace.roles import Role
from marketplace.services.tenants import create_tenant

TENANT_SETTINGS = [
    "name",
    "is_active",
    "default_currency",
    "tenant_commission_rate",
    "platform_commission_rate",
    "guests_allowed",
    "public_content_visible",
    "registration_open",
]


class TenantCreateForm(WagtailAdminModelForm):
    """A new tenant also needs the host name its site answers on."""

    hostname = forms.CharField(
        max_length=255,
        help_text="The site's host name, e.g. clinic.example.com (add it to DJANGO_ALLOWED_HOSTS).",
    )
    port = forms.IntegerField(initial=443, min_value=1, max_value=65535)

    class Meta:
        model = Tenant
        fields = ["slug", *TENANT_SETTINGS]

    def clean(self):
        cleaned = super().clean()
        hostname, port = cleaned.get("hostname"), cleaned.get("port")
        if hostname and port and Site.objects.filter(hostname__iexact=hostname, port=port).exists():
            self.add_error("hostname", "Another site already answers on this host name and port.")
        return cleaned


class TenantCreateView(generic.CreateView):
    def save_instance(self) -> Tenant:
        data = dict(self.form.cleaned_data)
        return create_tenant(
            hostname=data.pop("hostname"),
            port=data.pop("port"),
            actor=self.request.user,
            **data,
        )


class TenantViewSet(ModelViewSet):
    """Tenants, for the platform owner (Django model permissions: superusers only by default)."""

    model = Tenant
    icon = "site"
    menu_label = "Tenants"
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["name", "slug", "hostname", "is_active", "registration_open", "created_at"]
    list_filter = ["is_active", "registration_open", "guests_allowed"]
    search_fields = ["name", "slug", "site__hostname"]
    form_fields = TENANT_SETTINGS
    add_view_class = TenantCreateView
    inspect_view_enabled = True

    def get_form_class(self, for_update: bool = False):
        return super().get_form_class(for_update) if for_update else TenantCreateForm


tenant_viewset = TenantViewSet("tenants")


PLAN_FIELDS = [
    "name",
    "slug",
    "description",
    "price",
    "billing_period",
    "is_active",
    "is_default",
    "sort_order",
    *LIMIT_FIELDS,
]


class PlanCreateView(generic.CreateView):
    """New plans belong to the site the admin is on; the tenant is never a form field."""

    def save_instance(self) -> Plan:
        self.form.instance.tenant = self.request.tenant
        return super().save_instance()

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.instance.tenant = self.request.tenant  # so constraint checks run for this tenant
        return form


class PlanIndexView(ImportExportButtonsMixin, generic.IndexView):
    """The plans list, with its Import button and CSV/XLSX downloads."""


class PlanViewSet(ImportExportViewSetMixin, ModelViewSet):
    """Moderator plans, for this site's admins (and the platform owner, across sites); their CSV/XLSX
    export and import (the site's admins may take every action on plans, these included)."""

    model = Plan
    icon = "tag"
    menu_label = "Moderator plans"
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "price", "billing_period", "max_rooms", "is_active", "is_default"]
    list_filter = ["is_active", "billing_period"]
    search_fields = ["name", "slug"]
    form_fields = PLAN_FIELDS
    add_view_class = PlanCreateView
    index_view_class = PlanIndexView
    inspect_view_enabled = True
    resource_class = PlanResource


register_permission_policy(Plan, TenantRolePermissionPolicy(Plan, roles=frozenset({Role.ADMIN})))
plan_viewset = PlanViewSet("plans")
