"""Back office: a manual wallet correction, with a reason, by a site's admin or the platform owner.

The correction goes through payments.services.adjustments (a ledger entry against the site's
adjustments account, audited). The form carries an idempotency key made when it is shown, so
sending it twice records one entry.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView
from djmoney.money import Money
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from config.errors import DomainError
from marketplace.admin_base import tenant_rows
from marketplace.models import Tenant, User
from marketplace.selectors import find_user, is_member, is_tenant_admin
from payments.models import Entry
from payments.services.adjustments import adjust_wallet


def may_adjust(request: HttpRequest) -> bool:
    user, tenant = request.user, getattr(request, "tenant", None)
    return user.is_authenticated and user.is_active and is_tenant_admin(user, tenant)


class AdjustmentForm(forms.Form):
    tenant = forms.ModelChoiceField(queryset=Tenant.objects.all(), label="Site")
    person = forms.CharField(label="Email address or @handle", max_length=254)
    amount = forms.DecimalField(
        max_digits=19,
        decimal_places=4,
        help_text="A positive amount credits the wallet, a negative one debits it.",
    )
    currency = forms.ChoiceField(choices=[])
    reason = forms.CharField(
        max_length=400, widget=forms.Textarea, help_text="Required; the person sees it in their transactions."
    )
    key = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["currency"].choices = [(code, code) for code in settings.LYCEUM_CURRENCIES]
        if not request.user.is_superuser:
            del self.fields["tenant"]  # a site's admins adjust their own site's wallets only

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        tenant = cleaned.get("tenant") or getattr(self.request, "tenant", None)
        if tenant is None or not is_tenant_admin(self.request.user, tenant):
            raise forms.ValidationError("Only the site's admins and the platform owner adjust its wallets.")
        cleaned["tenant"] = tenant
        person = cleaned.get("person")
        if person:
            user = find_user(person)
            if user is None or not is_member(user, tenant):
                self.add_error("person", f"Nobody with this email or handle is a member of {tenant.name}.")
            else:
                cleaned["user"] = user
        return cleaned


class AdjustWalletView(WagtailAdminTemplateMixin, FormView):
    form_class = AdjustmentForm
    template_name = "payments/admin/adjust_wallet.html"
    page_title = "Adjust a wallet"
    header_icon = "plus-inverse"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_adjust(request):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def get_initial(self) -> dict[str, Any]:
        tenant = getattr(self.request, "tenant", None)
        currency = str(tenant.default_currency) if tenant else settings.LYCEUM_CURRENCIES[0]
        return {"key": uuid.uuid4().hex, "currency": currency, "tenant": tenant}

    def form_valid(self, form: AdjustmentForm) -> HttpResponse:
        data = form.cleaned_data
        key = f"admin-adjustment:{data['key']}"
        existing = tenant_rows(Entry, self.request).filter(idempotency_key=key).first()
        if existing is not None:  # the same form sent again: it is already recorded
            return redirect(reverse("ledger-entries:inspect", args=[existing.pk]))
        user: User = data["user"]
        amount = Money(Decimal(data["amount"]), data["currency"])
        try:
            entry = adjust_wallet(
                tenant=data["tenant"],
                user=user,
                amount=amount,
                reason=data["reason"],
                idempotency_key=key,
                actor=self.request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, f"{user}'s wallet is adjusted by {amount}.")
        return redirect(reverse("ledger-entries:inspect", args=[entry.pk]))


class AdjustmentViewSet(ViewSet):
    """Only a menu entry and its form: the entries it makes are listed under "Ledger entries"."""

    icon = "plus-inverse"
    menu_label = "Adjust a wallet"

    def get_urlpatterns(self) -> list:
        return [path("", AdjustWalletView.as_view(), name="form")]

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        class AdjustmentMenuItem(MenuItem):
            def is_shown(self, request: HttpRequest) -> bool:
                return may_adjust(request)

        return AdjustmentMenuItem


adjustment_viewset = AdjustmentViewSet("wallet-adjustment")
