"""Business errors of payments; the API answers each with its status and code."""

from config.errors import DomainError


class PaymentsError(DomainError):
    code = "payments_error"


class InvalidAmount(PaymentsError):
    code = "invalid_amount"


class CurrencyMismatch(PaymentsError):
    code = "currency_mismatch"


class InsufficientFunds(PaymentsError):
    code = "insufficient_funds"
    status = 402


class UnbalancedEntry(PaymentsError):
    code = "unbalanced_entry"
    status = 500


class IdempotencyConflict(PaymentsError):
    code = "idempotency_conflict"
    status = 409


class InvalidTransition(PaymentsError):
    code = "invalid_state"
    status = 409


class GatewayError(PaymentsError):
    code = "gateway_error"
    status = 502


class PaymentDeclined(PaymentsError):
    code = "payment_declined"
    status = 402
