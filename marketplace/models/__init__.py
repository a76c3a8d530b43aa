from marketplace.models.tenants import Membership, Tenant
from marketplace.models.tokens import ApiToken
from marketplace.models.users import User

__all__ = ["ApiToken", "Membership", "Tenant", "User"]
