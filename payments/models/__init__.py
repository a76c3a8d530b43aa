from payments.models.gateway_payments import (
    GatewayCall,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    WebhookEvent,
)
from payments.models.holds import Hold, HoldStatus
from payments.models.idempotency import IdempotencyRecord
from payments.models.ledger import Account, AccountKind, Entry, EntryKind, OwnerType, Posting
from payments.models.payouts import Payout, PayoutStatus
from payments.models.tenant_billing import (
    BillingMode,
    BillingReminder,
    BillingSettings,
    PeriodUnit,
    ReminderKind,
    SubscriptionSource,
    TenantBilling,
    TenantPlan,
    TenantSubscription,
    TenantSubscriptionStatus,
)

__all__ = [
    "Account",
    "AccountKind",
    "BillingMode",
    "BillingReminder",
    "BillingSettings",
    "Entry",
    "EntryKind",
    "GatewayCall",
    "Hold",
    "HoldStatus",
    "IdempotencyRecord",
    "OwnerType",
    "Payment",
    "PaymentPurpose",
    "PaymentStatus",
    "Payout",
    "PayoutStatus",
    "PeriodUnit",
    "Posting",
    "ReminderKind",
    "SubscriptionSource",
    "TenantBilling",
    "TenantPlan",
    "TenantSubscription",
    "TenantSubscriptionStatus",
    "WebhookEvent",
]
