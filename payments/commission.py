"""How a sale is split between the payee, the tenant and the platform.

Rounding rule: each commission is the exact share rounded DOWN to the currency's minor
unit; the payee receives the remainder. So commissions never exceed their rate, the payee
never gets less than their exact share, and the three parts always add up to the price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from djmoney.money import Money

from payments.money import round_down


@dataclass(frozen=True)
class Split:
    payee: Money
    tenant: Money
    platform: Money


def split_sale(price: Money, *, tenant_rate: Decimal, platform_rate: Decimal) -> Split:
    if tenant_rate < 0 or platform_rate < 0 or tenant_rate + platform_rate > 1:
        raise ValueError("Commission rates must be between 0 and 1 and add up to at most 1.")
    tenant_share = round_down(price * tenant_rate)
    platform_share = round_down(price * platform_rate)
    return Split(payee=price - tenant_share - platform_share, tenant=tenant_share, platform=platform_share)
