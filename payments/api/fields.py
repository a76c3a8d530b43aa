"""Money in API bodies: {"amount": "25.00", "currency": "USD"}, exact to the minor unit."""

from __future__ import annotations

from djmoney.money import Money
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments.money import quantum


def money_data(value: Money) -> dict:
    currency = str(value.currency)
    return {"amount": str(value.amount.quantize(quantum(currency))), "currency": currency}


@extend_schema_field(
    {
        "type": "object",
        "properties": {"amount": {"type": "string", "example": "25.00"}, "currency": {"type": "string"}},
        "required": ["amount", "currency"],
    }
)
class MoneyOutField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Money) -> dict:
        return money_data(value)
