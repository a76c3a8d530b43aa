"""API shapes of wallets, transactions, recharges and payouts."""

from __future__ import annotations

from rest_framework import serializers

from payments.api.fields import MoneyOutField
from payments.models import EntryKind, Payment, Payout, Posting
from payments.money import parse_money


class AmountInSerializer(serializers.Serializer):
    """A positive amount; the currency defaults to the site's."""

    amount = serializers.CharField(max_length=32, help_text='A decimal string, e.g. "25.00".')
    currency = serializers.CharField(max_length=3, required=False)

    def validate(self, data):
        currency = data.get("currency") or str(self.context["request"].tenant.default_currency)
        data["money"] = parse_money(data["amount"], currency)
        return data


class BalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    available = MoneyOutField()
    held = MoneyOutField()


class TransactionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="entry.public_id")
    kind = serializers.ChoiceField(source="entry.kind", choices=EntryKind.choices)
    kind_label = serializers.CharField(source="entry.get_kind_display")
    memo = serializers.CharField(source="entry.memo")
    amount = MoneyOutField()
    created_at = serializers.DateTimeField(source="entry.created_at")

    class Meta:
        model = Posting
        fields = ["id", "kind", "kind_label", "memo", "amount", "created_at"]


class RechargeInSerializer(AmountInSerializer):
    gateway = serializers.CharField(max_length=30, required=False, help_text="Default: the site's gateway.")


class CheckoutSerializer(serializers.Serializer):
    redirect_url = serializers.CharField(allow_null=True)
    client_secret = serializers.CharField(allow_null=True)
    publishable_key = serializers.CharField(allow_null=True)


class PaymentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    amount = MoneyOutField()
    refunded = MoneyOutField()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Payment
        fields = [
            "id",
            "gateway",
            "test_mode",
            "amount",
            "refunded",
            "status",
            "status_label",
            "failure_message",
            "created_at",
            "updated_at",
        ]


class PayoutSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    amount = MoneyOutField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    user = serializers.CharField(source="user.handle", read_only=True)

    class Meta:
        model = Payout
        fields = [
            "id",
            "user",
            "amount",
            "status",
            "status_label",
            "destination",
            "note",
            "external_reference",
            "created_at",
            "decided_at",
            "paid_at",
        ]


class PayoutRequestSerializer(AmountInSerializer):
    destination = serializers.CharField(max_length=200, help_text="Where to send the money, e.g. an IBAN.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MarkPaidSerializer(serializers.Serializer):
    external_reference = serializers.CharField(max_length=120)


class AdjustmentSerializer(serializers.Serializer):
    user = serializers.CharField(help_text="Email or @handle of a member of this site.")
    amount = serializers.CharField(max_length=32, help_text='Signed: "-5.00" debits, "5.00" credits.')
    currency = serializers.CharField(max_length=3, required=False)
    reason = serializers.CharField(max_length=500)

    def validate(self, data):
        currency = data.get("currency") or str(self.context["request"].tenant.default_currency)
        raw = data["amount"].strip()
        negative = raw.startswith("-")
        data["money"] = parse_money(raw.lstrip("-+"), currency) * (-1 if negative else 1)
        return data


class WalletSettingsSerializer(serializers.Serializer):
    currencies = serializers.ListField(child=serializers.CharField())
    default_currency = serializers.CharField()
    presets = serializers.ListField(child=serializers.CharField())
    maximum = serializers.CharField()
    gateway = serializers.CharField()
    gateway_label = serializers.CharField()
    test_mode = serializers.BooleanField()
