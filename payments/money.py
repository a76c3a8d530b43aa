"""Money rules shared by the ledger and its callers: currencies, minor units, validation."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.conf import settings
from djmoney.money import Money
from moneyed import CurrencyDoesNotExist, get_currency

from payments.exceptions import InvalidAmount


def minor_exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit (USD 2, JPY 0, KWD 3)."""
    sub_unit = get_currency(currency).sub_unit or 1
    return len(str(sub_unit)) - 1


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-minor_exponent(currency))


def round_down(amount: Money) -> Money:
    """Truncate towards zero to the currency's minor unit."""
    currency = str(amount.currency)
    return Money(amount.amount.quantize(quantum(currency), rounding=ROUND_DOWN), currency)


def zero(currency: str) -> Money:
    return Money(0, currency)


def parse_money(amount: object, currency: object, *, maximum: Decimal | None = None) -> Money:
    """A positive amount in a known currency, exact to its minor unit, not above the limit.

    Raises InvalidAmount with a message fit to show the user.
    """
    code = str(currency or "").upper()
    try:
        get_currency(code)
    except CurrencyDoesNotExist:
        raise InvalidAmount(f"Unknown currency: {currency!r}.", field="currency") from None
    if code not in settings.LYCEUM_CURRENCIES:
        raise InvalidAmount(f"{code} is not accepted here.", field="currency")
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise InvalidAmount("The amount must be a number.", field="amount") from None
    if not value.is_finite() or value <= 0:
        raise InvalidAmount("The amount must be greater than zero.", field="amount")
    places = minor_exponent(code)
    if value != value.quantize(quantum(code), rounding=ROUND_DOWN):
        raise InvalidAmount(f"{code} amounts have at most {places} decimal places.", field="amount")
    limit = maximum if maximum is not None else Decimal(settings.LYCEUM_MAX_AMOUNT)
    if value > limit:
        raise InvalidAmount(f"The amount is above the maximum of {limit} {code}.", field="amount")
    return Money(value, code)
