"""Filters of the wallet history."""

import django_filters

from payments.models import EntryKind, Payout, PayoutStatus, Posting


class TransactionFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(field_name="entry__kind", choices=EntryKind.choices)
    currency = django_filters.CharFilter(field_name="currency", lookup_expr="iexact")
    created_after = django_filters.DateFilter(field_name="entry__created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="entry__created_at", lookup_expr="date__lte")

    class Meta:
        model = Posting
        fields = ["kind", "currency", "created_after", "created_before"]


class PayoutFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PayoutStatus.choices)
    currency = django_filters.CharFilter(field_name="currency", lookup_expr="iexact")

    class Meta:
        model = Payout
        fields = ["status", "currency"]
