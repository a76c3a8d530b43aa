from marketplace.models.imports import ImportFormat, ImportJob, ImportStatus
from marketplace.models.invitations import MemberInvitation
from marketplace.models.plans import BillingPeriod, Plan, PlanSubscription, SubscriptionStatus
from marketplace.models.profiles import ModeratorProfile, ProfileVisibility, Topic
from marketplace.models.registrations import (
    AccessRule,
    ListKind,
    Registration,
    RegistrationStatus,
    RoomAccess,
)
from marketplace.models.rooms import Access, FeeModel, Room, RoomStatus, Visibility
from marketplace.models.schedule import ScheduledSession
from marketplace.models.tenants import Membership, Tenant
from marketplace.models.tokens import ApiToken
from marketplace.models.users import User

__all__ = [
    "Access",
    "AccessRule",
    "ApiToken",
    "BillingPeriod",
    "FeeModel",
    "ImportFormat",
    "ImportJob",
    "ImportStatus",
    "ListKind",
    "MemberInvitation",
    "Membership",
    "ModeratorProfile",
    "Plan",
    "PlanSubscription",
    "ProfileVisibility",
    "Registration",
    "RegistrationStatus",
    "Room",
    "RoomAccess",
    "RoomStatus",
    "ScheduledSession",
    "SubscriptionStatus",
    "Tenant",
    "Topic",
    "User",
    "Visibility",
]
