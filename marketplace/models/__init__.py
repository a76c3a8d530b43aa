from marketplace.models.plans import BillingPeriod, Plan, PlanSubscription, SubscriptionStatus
from marketplace.models.rooms import Access, FeeModel, Room, RoomStatus, Visibility
from marketplace.models.tenants import Membership, Tenant
from marketplace.models.tokens import ApiToken
from marketplace.models.users import User

__all__ = [
    "Access",
    "ApiToken",
    "BillingPeriod",
    "FeeModel",
    "Membership",
    "Plan",
    "PlanSubscription",
    "Room",
    "RoomStatus",
    "SubscriptionStatus",
    "Tenant",
    "User",
    "Visibility",
]
