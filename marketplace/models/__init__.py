from marketplace.models.plans import BillingPeriod, Plan, PlanSubscription, SubscriptionStatus
from marketplace.models.tenants import Membership, Tenant
from marketplace.models.tokens import ApiToken
from marketplace.models.users import User

__all__ = [
    "ApiToken",
    "BillingPeriod",
    "Membership",
    "Plan",
    "PlanSubscription",
    "SubscriptionStatus",
    "Tenant",
    "User",
]
