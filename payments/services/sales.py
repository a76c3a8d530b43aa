"""Paying for something from the wallet, split between payee, tenant and platform; refunds."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django_scopes import scope
from djmoney.money import Money

from marketplace.models import Tenant, User
from payments import ledger
from payments.commission import split_sale
from payments.exceptions import InvalidAmount
from payments.ledger import Line
from payments.models import AccountKind, Entry, EntryKind, Posting
from payments.money import round_down


def pay(
    *,
    tenant: Tenant,
    payer: User,
    payee: User,
    price: Money,
    idempotency_key: str,
    actor: User | None,
    memo: str = "",
    reference: str = "",
    kind: str = EntryKind.SALE,
) -> Entry:
    """Take `price` from the payer's wallet; the payee, tenant and platform get their shares."""
    if payer.pk == payee.pk:
        raise InvalidAmount("You cannot pay yourself.")
    currency = str(price.currency)
    split = split_sale(
        price, tenant_rate=tenant.tenant_commission_rate, platform_rate=tenant.platform_commission_rate
    )
    return ledger.post(
        tenant=tenant,
        kind=kind,
        idempotency_key=idempotency_key,
        lines=[
            Line(ledger.wallet_of(payer, tenant, currency), -price),
            Line(ledger.wallet_of(payee, tenant, currency), split.payee),
            Line(ledger.tenant_account(tenant, AccountKind.COMMISSION, currency), split.tenant),
            Line(ledger.platform_account(tenant, AccountKind.COMMISSION, currency), split.platform),
        ],
        actor=actor,
        memo=memo,
        reference=reference,
    )


def refunded_so_far(sale: Entry, payer_wallet_id: int) -> Decimal:
    with scope(tenant=sale.tenant):
        total = Posting.objects.filter(
            entry__kind=EntryKind.REFUND,
            entry__reference=f"sale:{sale.public_id}",
            account_id=payer_wallet_id,
        ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


def refund_sale(
    sale: Entry, *, amount: Money | None = None, idempotency_key: str, actor: User | None, memo: str = ""
) -> Entry:
    """Give back all or part of a sale: each party returns its share of the refunded amount.

    Fails with InsufficientFunds when the payee has already withdrawn their share.
    """
    if sale.kind not in (EntryKind.SALE, EntryKind.ROOM_SUBSCRIPTION, EntryKind.HOLD_SETTLE):
        raise InvalidAmount("Only sales can be refunded.")
    tenant = sale.tenant
    with scope(tenant=tenant):
        postings = list(sale.postings.select_related("account"))
    payer_line = next(p for p in postings if p.amount.amount < 0)
    price = -payer_line.amount
    currency = str(price.currency)
    # A settled hold was paid from the held account: its refund goes back to the payer's wallet.
    refund_to = payer_line.account
    if refund_to.kind == AccountKind.HELD:
        refund_to = ledger.wallet_of(refund_to.user, tenant, currency)

    with transaction.atomic(), scope(tenant=tenant):
        # The payer's wallet lock serialises refunds of this sale.
        ledger.lock_accounts([refund_to.pk])
        if Entry.objects.filter(idempotency_key=idempotency_key).exists():
            return Entry.objects.get(idempotency_key=idempotency_key)
        before = refunded_so_far(sale, refund_to.pk)
        remaining = price.amount - before
        refund = amount if amount is not None else Money(remaining, currency)
        if str(refund.currency) != currency:
            raise InvalidAmount(f"This sale was in {currency}.", field="currency")
        if refund.amount <= 0 or refund.amount > remaining:
            raise InvalidAmount(f"At most {Money(remaining, currency)} of this sale can still be refunded.")
        # Each commission account returns the growth of its cumulative share (in the sale's
        # own proportions, whatever the rates are today); the payee returns the rest. Partial
        # refunds therefore add up to exactly what each party received.
        lines = [Line(refund_to, refund)]
        payee_line = None
        for posting in postings:
            if posting.pk == payer_line.pk:
                continue
            if posting.account.kind != AccountKind.COMMISSION:
                payee_line = posting
                continue
            share = posting.amount.amount
            cumulative_after = round_down(Money(share * (before + refund.amount) / price.amount, currency))
            cumulative_before = round_down(Money(share * before / price.amount, currency))
            lines.append(Line(posting.account, -(cumulative_after - cumulative_before)))
        commissions_back = sum((-line.amount for line in lines[1:]), Money(0, currency))
        if payee_line is not None:
            lines.append(Line(payee_line.account, -(refund - commissions_back)))
        return ledger.post(
            tenant=tenant,
            kind=EntryKind.REFUND,
            idempotency_key=idempotency_key,
            lines=lines,
            actor=actor,
            memo=memo or "Refund",
            reference=f"sale:{sale.public_id}",
        )


def pay_tenant(
    *,
    tenant: Tenant,
    payer: User,
    price: Money,
    kind: str,
    idempotency_key: str,
    actor: User | None,
    memo: str = "",
    reference: str = "",
) -> Entry:
    """A purchase from the tenant itself (a plan): the tenant's revenue, less the platform's commission."""
    currency = str(price.currency)
    platform_share = split_sale(
        price, tenant_rate=Decimal(0), platform_rate=tenant.platform_commission_rate
    ).platform
    return ledger.post(
        tenant=tenant,
        kind=kind,
        idempotency_key=idempotency_key,
        lines=[
            Line(ledger.wallet_of(payer, tenant, currency), -price),
            Line(ledger.tenant_account(tenant, AccountKind.REVENUE, currency), price - platform_share),
            Line(ledger.platform_account(tenant, AccountKind.COMMISSION, currency), platform_share),
        ],
        actor=actor,
        memo=memo,
        reference=reference,
    )
