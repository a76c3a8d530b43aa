"""Business errors of the marketplace; the API maps each to a 4xx with its code."""

from config.errors import DomainError


class MarketplaceError(DomainError):
    code = "marketplace_error"


class HandleTaken(MarketplaceError):
    code = "handle_taken"
    status = 409
    field = "handle"


class LastAdminRole(MarketplaceError):
    code = "last_admin"
    status = 409


class RoleAlreadyHeld(MarketplaceError):
    code = "role_already_held"
    status = 409


class RegistrationClosed(MarketplaceError):
    code = "registration_closed"
    status = 403
