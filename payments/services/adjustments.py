"""Manual wallet corrections by tenant admins or the platform owner (reason required)."""

from __future__ import annotations

from djmoney.money import Money

from marketplace.models import Tenant, User
from marketplace.services.audit import audit
from payments import ledger
from payments.exceptions import InvalidAmount
from payments.models import AccountKind, Entry, EntryKind


def adjust_wallet(
    *, tenant: Tenant, user: User, amount: Money, reason: str, idempotency_key: str, actor: User
) -> Entry:
    """Credit (positive amount) or debit (negative) a wallet against the adjustments account."""
    if not reason.strip():
        raise InvalidAmount("An adjustment needs a reason.", field="reason")
    if amount.amount == 0:
        raise InvalidAmount("The adjustment must not be zero.", field="amount")
    currency = str(amount.currency)
    entry = ledger.transfer(
        tenant=tenant,
        kind=EntryKind.ADJUSTMENT,
        idempotency_key=idempotency_key,
        source=ledger.platform_account(tenant, AccountKind.ADJUSTMENTS, currency),
        destination=ledger.wallet_of(user, tenant, currency),
        amount=amount,
        actor=actor,
        memo=reason.strip(),
        reference=f"user:{user.handle}",
    )
    audit(entry, "lyceum.wallet.adjust", actor=actor, user=user.handle, amount=str(amount), reason=reason)
    return entry
