"""Back office: the site's money, read-only: ledger accounts, entries with their postings, gateway
payments and webhook events; the "Money" menu also holds the payout queue (payments.admin_payouts)
and the manual wallet adjustment (payments.admin_adjustments).

Nothing here changes the ledger: balances move only through payments.ledger, called by services.
Webhook events arrive before they are matched to a tenant, so they have no scoped manager: the
lists filter them by the request's tenant explicitly (unmatched events are the owner's only).
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from wagtail.admin.filters import DateRangePickerWidget
from wagtail.admin.ui.tables import Column, DateColumn, Table
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from marketplace.admin_base import (
    TenantAdminPolicy,
    TenantIndexView,
    TenantInspectView,
    TenantModelViewSet,
    tenant_filterset,
)
from payments.admin_adjustments import adjustment_viewset
from payments.admin_payouts import payout_viewset
from payments.models import Account, Entry, Payment, Posting, WebhookEvent
from payments.resources import LedgerPostingResource, PaymentResource

# --- Accounts ------------------------------------------------------------------------------------


class AccountIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("user", "tenant")


class AccountViewSet(TenantModelViewSet):
    model = Account
    icon = "folder-inverse"
    menu_label = "Accounts"
    index_view_class = AccountIndexView
    filterset_class = tenant_filterset(Account, ["kind", "owner_type", "currency"])
    search_fields = ["user__handle", "user__email", "user__display_name"]
    list_display = [
        "__str__",
        "owner_type",
        "kind",
        "currency",
        "balance",
        "allow_negative",
        "tenant",
    ]
    inspect_view_fields = [
        "owner_type",
        "user",
        "kind",
        "currency",
        "balance",
        "allow_negative",
        "public_id",
        "created_at",
        "tenant",
    ]


# --- Ledger entries ------------------------------------------------------------------------------

POSTING_COLUMNS = [
    Column("account", label="Account", accessor=lambda posting: str(posting.account)),
    Column("kind", label="Kind", accessor=lambda posting: posting.account.get_kind_display()),
    Column("amount", label="Amount"),
]


class EntryIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("actor", "tenant")


class EntryInspectView(TenantInspectView):
    extra_labels = {"postings": "Postings"}

    def get_postings_display_value(self) -> Table:
        entry = self.object
        postings = Posting.objects.filter(entry=entry, tenant_id=entry.tenant_id)
        return Table(POSTING_COLUMNS, list(postings.select_related("account", "account__user")))


class EntryViewSet(TenantModelViewSet):
    model = Entry
    icon = "list-ul"
    menu_label = "Ledger entries"
    index_view_class = EntryIndexView
    inspect_view_class = EntryInspectView
    filterset_class = tenant_filterset(
        Entry,
        ["kind"],
        created_at=django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget),
    )
    search_fields = ["memo", "reference", "actor__handle"]
    ordering = "-created_at"
    list_display = [
        "kind",
        "memo",
        "reference",
        Column("actor", label="By", accessor=lambda entry: entry.actor.handle if entry.actor_id else ""),
        DateColumn("created_at", label="When", sort_key="created_at"),
        "tenant",
    ]
    inspect_view_fields = [
        "kind",
        "memo",
        "reference",
        "actor",
        "created_at",
        "public_id",
        "tenant",
        "postings",
    ]
    resource_class = LedgerPostingResource  # export only: the ledger is never imported


# --- Payments and webhook events -----------------------------------------------------------------


class PaymentIndexView(TenantIndexView):
    def narrow(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("user", "tenant")


class PaymentViewSet(TenantModelViewSet):
    model = Payment
    icon = "credit-card"
    menu_label = "Payments"
    index_view_class = PaymentIndexView
    filterset_class = tenant_filterset(Payment, ["status", "gateway", "test_mode"])
    search_fields = ["user__handle", "user__email", "provider_reference"]
    ordering = "-created_at"
    list_display = [
        "user__handle",
        "gateway",
        "amount",
        "refunded",
        "status",
        "test_mode",
        DateColumn("created_at", label="Created", sort_key="created_at"),
        "tenant",
    ]
    inspect_view_fields = [
        "user",
        "gateway",
        "test_mode",
        "amount",
        "refunded",
        "status",
        "provider_reference",
        "failure_message",
        "created_at",
        "updated_at",
        "public_id",
        "tenant",
    ]
    resource_class = PaymentResource  # export only


class WebhookEventViewSet(TenantModelViewSet):
    model = WebhookEvent
    icon = "resubmit"
    menu_label = "Webhook events"
    filterset_class = tenant_filterset(WebhookEvent, ["provider", "event_type"])
    search_fields = ["event_id", "event_type", "outcome"]
    ordering = "-received_at"
    list_display = [
        "event_type",
        "provider",
        "event_id",
        "outcome",
        DateColumn("received_at", label="Received", sort_key="received_at"),
        DateColumn("processed_at", label="Processed", sort_key="processed_at"),
        Column("tenant", label="Site", accessor=lambda event: event.tenant or "not matched yet"),
    ]
    inspect_view_fields = [
        "provider",
        "event_type",
        "event_id",
        "payment",
        "outcome",
        "received_at",
        "processed_at",
        "tenant",
        "payload",
    ]


register_permission_policy(Account, TenantAdminPolicy(Account))
register_permission_policy(Entry, TenantAdminPolicy(Entry, actions=frozenset({"view", "export"})))
register_permission_policy(Payment, TenantAdminPolicy(Payment, actions=frozenset({"view", "export"})))
register_permission_policy(WebhookEvent, TenantAdminPolicy(WebhookEvent))
account_viewset = AccountViewSet("ledger-accounts")
entry_viewset = EntryViewSet("ledger-entries")
payment_viewset = PaymentViewSet("gateway-payments")
webhook_event_viewset = WebhookEventViewSet("webhook-events")


class MoneyGroup(ViewSetGroup):
    """The back office's "Money" menu; other screens can join it through its hook."""

    menu_label = "Money"
    menu_icon = "credit-card"
    menu_order = 250
    submenu_hook = "register_money_menu_item"
    items = (
        account_viewset,
        entry_viewset,
        payment_viewset,
        webhook_event_viewset,
        payout_viewset,
        adjustment_viewset,
    )
