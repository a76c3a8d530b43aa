"""The platform owner's tenant billing screens (Wagtail admin at /cms/; superusers only).

Tenant plans, each tenant's billing mode with its subscription history and a "mark paid manually"
action, all subscriptions, and the installation's billing settings (a settings-menu page).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django_scopes import scopes_disabled
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from payments.models import BillingSettings, TenantBilling, TenantPlan, TenantSubscription
from payments.services.tenant_billing import (
    SETTINGS_FIELDS,
    mark_paid_manually,
    set_billing_mode,
    update_billing_settings,
)
from payments.tenant_billing_selectors import billing_settings, status_of, subscriptions_of


class SuperuserPermissionPolicy(BasePermissionPolicy):
    """Only the platform owner, and only the listed actions (no deleting billing history)."""

    def __init__(self, model, *, actions: frozenset[str]) -> None:
        super().__init__(model)
        self.actions = actions

    def user_has_permission(self, user, action) -> bool:
        return bool(user.is_active and user.is_superuser and action in self.actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if set(actions) & self.actions else users.none()


register_permission_policy(
    TenantPlan, SuperuserPermissionPolicy(TenantPlan, actions=frozenset({"add", "change", "view"}))
)
register_permission_policy(
    TenantBilling, SuperuserPermissionPolicy(TenantBilling, actions=frozenset({"change", "view"}))
)
register_permission_policy(
    TenantSubscription, SuperuserPermissionPolicy(TenantSubscription, actions=frozenset({"view"}))
)


class TenantPlanViewSet(ModelViewSet):
    model = TenantPlan
    icon = "tag"
    menu_label = "Tenant plans"
    list_display = ["name", "price", "period_label", "max_moderators", "max_rooms", "storage_gb", "is_active"]
    list_filter = ["is_active", "period_unit"]
    form_fields = [
        "name",
        "slug",
        "description",
        "price",
        "period_length",
        "period_unit",
        "max_moderators",
        "max_rooms",
        "storage_gb",
        "is_active",
        "sort_order",
    ]
    copy_view_enabled = False


def _state(billing: TenantBilling) -> str:
    return status_of(billing.tenant, billing=billing).state_label


class TenantBillingIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            MenuItem(
                "Mark paid manually",
                url=reverse("tenant_billing_owner:mark_paid", args=[instance.pk]),
                icon_name="tick",
                priority=40,
            )
        )
        return buttons


class TenantBillingEditView(generic.EditView):
    def save_instance(self) -> TenantBilling:
        return set_billing_mode(
            self.object.tenant, mode=self.form.cleaned_data["mode"], actor=self.request.user
        )


class TenantBillingInspectView(generic.InspectView):
    template_name = "payments/billing/owner_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = status_of(self.object.tenant, billing=self.object)
        context["subscriptions"] = subscriptions_of(self.object.tenant)
        context["mark_paid_url"] = reverse("tenant_billing_owner:mark_paid", args=[self.object.pk])
        return context


class MarkPaidForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=TenantPlan.objects.filter(is_active=True), empty_label=None)
    note = forms.CharField(
        max_length=300, required=False, help_text="E.g. how it was paid (bank transfer reference)."
    )


class TenantBillingViewSet(ModelViewSet):
    model = TenantBilling
    icon = "site"
    menu_label = "Tenants' billing"
    list_display = ["tenant", "mode", "plan", "paid_until", Column("state", label="State", accessor=_state)]
    list_filter = ["mode"]
    form_fields = ["mode"]
    index_view_class = TenantBillingIndexView
    edit_view_class = TenantBillingEditView
    inspect_view_class = TenantBillingInspectView
    inspect_view_enabled = True
    copy_view_enabled = False

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("mark-paid/<int:pk>/", self.mark_paid_view, name="mark_paid"),
        ]

    def mark_paid_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_superuser:
            raise PermissionDenied
        with scopes_disabled():
            billing = get_object_or_404(TenantBilling.objects.select_related("tenant", "plan"), pk=pk)
        form = MarkPaidForm(request.POST or None, initial={"plan": billing.plan})
        if request.method == "POST" and form.is_valid():
            subscription = mark_paid_manually(
                tenant=billing.tenant,
                plan=form.cleaned_data["plan"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
            until = f"{subscription.period_end:%Y-%m-%d %H:%M}"
            messages.success(request, f"{billing.tenant} is paid until {until} ({subscription.plan}).")
            return redirect(self.get_url_name("inspect"), pk=billing.pk)
        return render(
            request,
            "payments/billing/mark_paid.html",
            {"billing": billing, "form": form, "status": status_of(billing.tenant, billing=billing)},
        )


class TenantSubscriptionViewSet(ModelViewSet):
    model = TenantSubscription
    icon = "history"
    menu_label = "Tenant subscriptions"
    list_display = ["tenant", "plan", "period_start", "period_end", "status", "source", "amount", "paid_at"]
    list_filter = ["status", "source", "tenant"]
    form_fields = ["note"]
    inspect_view_enabled = True
    copy_view_enabled = False


class TenantBillingGroup(ViewSetGroup):
    menu_label = "Tenant billing"
    menu_icon = "credit-card"
    menu_order = 910
    items = (
        TenantBillingViewSet("tenant_billing_owner"),
        TenantPlanViewSet("tenant_plans"),
        TenantSubscriptionViewSet("tenant_subscriptions"),
    )


class BillingSettingsForm(forms.ModelForm):
    class Meta:
        model = BillingSettings
        fields = list(SETTINGS_FIELDS)
        widgets = {"reminder_body": forms.Textarea(attrs={"rows": 10})}


def billing_settings_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    form = BillingSettingsForm(request.POST or None, instance=billing_settings())
    if request.method == "POST" and form.is_valid():
        update_billing_settings(
            actor=request.user, **{name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
        )
        messages.success(request, "Tenant billing settings saved.")
        return redirect("tenant_billing_settings")
    return render(request, "payments/billing/settings.html", {"form": form})
