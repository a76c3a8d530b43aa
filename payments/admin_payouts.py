"""Back office: the payout queue. Admins approve a request, reject it (the money goes back to the
wallet) or mark it paid with the transfer's reference, all through payments.services.payouts,
which moves the money in the ledger and writes the audit trail.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from wagtail.admin.ui.tables import DateColumn
from wagtail.permissions import register_permission_policy

from marketplace.admin_base import (
    ObjectActionView,
    TenantAdminPolicy,
    TenantIndexView,
    TenantModelViewSet,
    tenant_filterset,
)
from payments.models import Payout, PayoutStatus
from payments.services.payouts import approve_payout, mark_payout_paid, reject_payout


class ApprovePayoutView(ObjectActionView):
    model = Payout
    name = "approve"
    label = "Approve"
    submit_label = "Approve"
    confirmation = "Approve the payout, then transfer the money and mark it paid with the reference."

    @classmethod
    def applies(cls, instance: Payout) -> bool:
        return instance.status == PayoutStatus.REQUESTED

    def perform(self, form: forms.Form) -> str:
        approve_payout(self.object, actor=self.request.user)
        return f"The payout of {self.object.amount} to {self.object.user} is approved."


class RejectPayoutForm(forms.Form):
    reason = forms.CharField(
        max_length=300, help_text="Shown to the person; the money goes back to the wallet."
    )


class RejectPayoutView(ObjectActionView):
    model = Payout
    name = "reject"
    label = "Reject"
    icon = "cross"
    form_class = RejectPayoutForm
    submit_label = "Reject"
    serious = True

    @classmethod
    def applies(cls, instance: Payout) -> bool:
        return instance.status in (PayoutStatus.REQUESTED, PayoutStatus.APPROVED)

    def perform(self, form: forms.Form) -> str:
        reject_payout(self.object, actor=self.request.user, reason=form.cleaned_data["reason"])
        return f"The payout of {self.object.amount} is rejected; the money is back in the wallet."


class MarkPaidForm(forms.Form):
    external_reference = forms.CharField(
        label="Transfer reference", max_length=120, help_text="The bank's or provider's reference."
    )


class MarkPayoutPaidView(ObjectActionView):
    model = Payout
    name = "mark_paid"
    label = "Mark paid"
    icon = "tick"
    form_class = MarkPaidForm
    submit_label = "Mark paid"
    confirmation = "Only once the money has left: the payout is closed for good."

    @classmethod
    def applies(cls, instance: Payout) -> bool:
        return instance.status == PayoutStatus.APPROVED

    def perform(self, form: forms.Form) -> str:
        reference = form.cleaned_data["external_reference"]
        mark_payout_paid(self.object, actor=self.request.user, external_reference=reference)
        return f"The payout of {self.object.amount} is paid (reference {reference})."


class PayoutIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("user", "tenant")


class PayoutViewSet(TenantModelViewSet):
    model = Payout
    icon = "upload"
    menu_label = "Payout queue"
    index_view_class = PayoutIndexView
    filterset_class = tenant_filterset(Payout, ["status", "currency"])
    search_fields = ["user__handle", "user__email", "external_reference", "destination"]
    ordering = "-created_at"
    list_display = [
        "user__handle",
        "amount",
        "status",
        "destination",
        DateColumn("created_at", label="Requested", sort_key="created_at"),
        DateColumn("paid_at", label="Paid", sort_key="paid_at"),
        "external_reference",
        "tenant",
    ]
    inspect_view_fields = [
        "user",
        "amount",
        "status",
        "destination",
        "note",
        "external_reference",
        "decided_by",
        "created_at",
        "decided_at",
        "paid_at",
        "public_id",
        "tenant",
    ]
    object_actions = (ApprovePayoutView, RejectPayoutView, MarkPayoutPaidView)


register_permission_policy(
    Payout, TenantAdminPolicy(Payout, actions=frozenset({"view", "approve", "reject", "mark_paid"}))
)
payout_viewset = PayoutViewSet("payouts")
