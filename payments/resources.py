"""Exports of the site's money: ledger entries (one line per posting) and gateway payments.

Export only: the ledger changes through payments.ledger alone, called by the services, so these
resources refuse every import and their screens offer none. Every amount is two columns, the
amount and its currency.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django_scopes import scopes_disabled

from marketplace.tabular import TenantResource, column, register
from payments.models import Entry, Payment, Posting


@register
class LedgerPostingResource(TenantResource):
    """Ledger entries, one line per posting: what moved from or to which account."""

    name = "ledger-entries"
    label = "ledger entries"

    entry = column("entry__public_id", "entry")
    created_at = column("entry__created_at", "created_at")
    kind = column("entry__kind", "kind")
    memo = column("entry__memo", "memo")
    reference = column("entry__reference", "reference")
    actor = column("entry__actor__handle", "actor")
    account = column("account__public_id", "account")
    account_owner = column(None, "account_owner")
    account_kind = column("account__kind", "account_kind")
    amount = column("amount__amount", "amount")
    currency = column("currency", "currency")

    class Meta(TenantResource.Meta):
        model = Posting
        fields = (
            "site",
            "entry",
            "created_at",
            "kind",
            "memo",
            "reference",
            "actor",
            "account",
            "account_owner",
            "account_kind",
            "amount",
            "currency",
        )

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        """A list of entries gives their postings, on the same sites."""
        if queryset.model is Entry:
            with scopes_disabled():  # the entries are the site's (or, for the owner, every site's)
                queryset = Posting.objects.filter(entry__in=queryset.values("pk"))
        return queryset.select_related(
            "entry", "entry__actor", "account", "account__user", "tenant"
        ).order_by("entry__created_at", "entry_id", "pk")

    def dehydrate_account_owner(self, posting: Posting) -> str:
        account = posting.account
        return account.user.handle if account.user_id else account.owner_type


@register
class PaymentResource(TenantResource):
    """Gateway payments: who paid what, through which gateway, and what was refunded."""

    name = "gateway-payments"
    label = "payments"

    payment = column("public_id", "payment")
    created_at = column("created_at", "created_at")
    updated_at = column("updated_at", "updated_at")
    email = column("user__email", "email")
    handle = column("user__handle", "handle")
    gateway = column("gateway", "gateway")
    purpose = column("purpose", "purpose")
    status = column("status", "status")
    test_mode = column("test_mode", "test_mode")
    amount = column("amount__amount", "amount")
    currency = column("currency", "currency")
    refunded = column("refunded__amount", "refunded")
    refunded_currency = column("refunded__currency", "refunded_currency")
    provider_reference = column("provider_reference", "provider_reference")
    failure_message = column("failure_message", "failure_message")

    class Meta(TenantResource.Meta):
        model = Payment
        fields = (
            "site",
            "payment",
            "created_at",
            "updated_at",
            "email",
            "handle",
            "gateway",
            "purpose",
            "status",
            "test_mode",
            "amount",
            "currency",
            "refunded",
            "refunded_currency",
            "provider_reference",
            "failure_message",
        )

    def rows_for_export(self, queryset: QuerySet) -> QuerySet:
        return queryset.select_related("user", "tenant")
