"""Import and export of the marketplace's rows: members and their roles, moderator profiles, plans,
rooms and registrations (the rules every resource shares: marketplace.tabular).

Each import compares a row with what the site holds (a row that changes nothing is skipped) and
writes through the services, so the same rules, plan limits and audit trail apply as in the
back office's forms. Nothing here moves money: registrations are imported into free rooms only.
"""

from marketplace.resources.catalogue import PlanResource, RoomResource
from marketplace.resources.people import MemberResource, ModeratorProfileResource
from marketplace.resources.registrations import RegistrationResource

__all__ = [
    "MemberResource",
    "ModeratorProfileResource",
    "PlanResource",
    "RegistrationResource",
    "RoomResource",
]
