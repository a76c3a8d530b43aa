"""The sale split: never a lost cent, commissions never above their rate."""

from __future__ import annotations

from decimal import Decimal

from djmoney.money import Money
from hypothesis import given, settings
from hypothesis import strategies as st

from payments.commission import split_sale
from payments.money import minor_exponent

rates = st.decimals(min_value=0, max_value=Decimal("0.5"), places=4)


@settings(max_examples=200, deadline=None)
@given(
    minor_units=st.integers(min_value=1, max_value=10**9),
    currency=st.sampled_from(["USD", "JPY", "KWD", "EUR"]),
    tenant_rate=rates,
    platform_rate=rates,
)
def test_split_adds_up_and_rounds_commissions_down(minor_units, currency, tenant_rate, platform_rate):
    price = Money(Decimal(minor_units).scaleb(-minor_exponent(currency)), currency)
    split = split_sale(price, tenant_rate=tenant_rate, platform_rate=platform_rate)
    unit = Decimal(1).scaleb(-minor_exponent(currency))

    assert split.payee + split.tenant + split.platform == price
    for share, rate in ((split.tenant, tenant_rate), (split.platform, platform_rate)):
        exact = price.amount * rate
        assert share.amount <= exact < share.amount + unit
        assert share.amount == share.amount.quantize(unit)
    assert split.payee.amount >= price.amount * (1 - tenant_rate - platform_rate)


def test_documented_example():
    split = split_sale(Money("9.99", "USD"), tenant_rate=Decimal("0.10"), platform_rate=Decimal("0.05"))
    assert (split.payee, split.tenant, split.platform) == (
        Money("8.51", "USD"),
        Money("0.99", "USD"),
        Money("0.49", "USD"),
    )
