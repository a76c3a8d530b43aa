from payments.models.gateway_payments import GatewayCall, Payment, PaymentStatus, WebhookEvent
from payments.models.holds import Hold, HoldStatus
from payments.models.idempotency import IdempotencyRecord
from payments.models.ledger import Account, AccountKind, Entry, EntryKind, OwnerType, Posting
from payments.models.payouts import Payout, PayoutStatus

__all__ = [
    "Account",
    "AccountKind",
    "Entry",
    "EntryKind",
    "GatewayCall",
    "Hold",
    "HoldStatus",
    "IdempotencyRecord",
    "OwnerType",
    "Payment",
    "PaymentStatus",
    "Payout",
    "PayoutStatus",
    "Posting",
    "WebhookEvent",
]
