"""Authorize.net Accept Hosted: its hosted card form per recharge, results by signed webhooks.

start_payment asks getHostedPaymentPageRequest for a form token (an authCaptureTransaction for
the payment's amount, our invoice number derived from the payment) and sends the payer to a page
of ours that POSTs the token to the hosted form, as Authorize.net requires. The outcome arrives as
a webhook signed with X-ANET-Signature; its transaction is read back with
getTransactionDetailsRequest before anything moves. Refunds: settled transactions are refunded
(refundTransaction, any amount), unsettled ones are voided (the whole amount only).
Settings: AUTHORIZENET_API_LOGIN_ID, AUTHORIZENET_TRANSACTION_KEY, AUTHORIZENET_SIGNATURE_KEY,
AUTHORIZENET_API_URL, AUTHORIZENET_HOSTED_URL and AUTHORIZENET_CURRENCY.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django_scopes import scopes_disabled
from djmoney.money import Money

from payments.exceptions import GatewayError
from payments.gateways import authorizenet_events
from payments.gateways.authorizenet_api import (
    LIVE_HOSTS,
    SANDBOX_API_URL,
    SANDBOX_HOSTED_URL,
    AuthorizeNetAPI,
    AuthorizeNetError,
    AuthorizeNetUnreachable,
)
from payments.gateways.base import (
    Checkout,
    Gateway,
    GatewayEvent,
    GatewaySettingsView,
    InvalidWebhook,
    Refund,
    mask,
)
from payments.gateways.headers import header
from payments.gateways.returns import page_path, page_url, with_payment
from payments.models import Payment
from payments.money import minor_exponent, quantum
from payments.services.gateway_payments import log_call

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ANET-Signature"
# A form token lives 15 minutes at Authorize.net; ours expires first so a stale one is never posted.
TOKEN_SECONDS = 14 * 60
# Authorize.net rejects a repeat of a transaction (same amount, card, invoice, PO number) sent
# within this many seconds, and answers with the first one: a retried refund is never paid twice.
DUPLICATE_WINDOW = "28800"  # 8 hours, Authorize.net's maximum
CREDENTIAL_CODES = frozenset({"E00007", "E00008", "E00124"})
UNSETTLED = frozenset({"capturedPendingSettlement", "authorizedPendingCapture"})


def invoice_number(payment: Payment) -> str:
    """Authorize.net allows 20 characters: the first 80 bits of the payment's UUID, unique enough."""
    return payment.public_id.hex[:20]


def token_cache_key(payment: Payment) -> str:
    return f"payments:authorizenet:form-token:{payment.public_id}"


class AuthorizeNetGateway(Gateway):
    name = "authorizenet"
    label = "Authorize.net"

    def __init__(self) -> None:
        self._login_id: str = settings.AUTHORIZENET_API_LOGIN_ID or ""
        self._transaction_key: str = settings.AUTHORIZENET_TRANSACTION_KEY or ""
        self._signature_key: str = settings.AUTHORIZENET_SIGNATURE_KEY or ""
        self._api_url: str = settings.AUTHORIZENET_API_URL or SANDBOX_API_URL
        self.hosted_url: str = settings.AUTHORIZENET_HOSTED_URL or SANDBOX_HOSTED_URL
        # The request carries no currency: the merchant account has one, and only it is accepted.
        self.currency: str = (settings.AUTHORIZENET_CURRENCY or "USD").upper()
        self._api: AuthorizeNetAPI | None = None

    # --- settings -----------------------------------------------------------------------------

    @property
    def test_mode(self) -> bool:
        return (urlsplit(self._api_url).hostname or "").lower() not in LIVE_HOSTS

    @property
    def configured(self) -> bool:
        return bool(self._login_id and self._transaction_key and self._signature_key)

    def settings_view(self) -> GatewaySettingsView:
        return GatewaySettingsView(
            name=self.name,
            label=self.label,
            test_mode=self.test_mode,
            configured=self.configured,
            values={
                "api_login_id": self._login_id,
                "transaction_key": mask(self._transaction_key),
                "signature_key": mask(self._signature_key),
                "api_url": self._api_url,
                "hosted_url": self.hosted_url,
                "currency": self.currency,
            },
        )

    @property
    def api(self) -> AuthorizeNetAPI:
        if not self.configured:
            raise GatewayError("Card payments with Authorize.net are not set up on this platform.")
        if self._api is None:
            self._api = AuthorizeNetAPI(self._api_url, self._login_id, self._transaction_key)
        return self._api

    def amount_text(self, amount: Money) -> str:
        currency = str(amount.currency)
        if currency != self.currency:
            raise GatewayError(f"Authorize.net takes payments in {self.currency} here, not {currency}.")
        return f"{amount.amount.quantize(quantum(currency)):f}"

    # --- payments -----------------------------------------------------------------------------

    def hosted_page_body(self, payment: Payment, *, return_url: str) -> dict[str, Any]:
        invoice = invoice_number(payment)
        cancel_path = reverse("payments:redirect-cancel", args=[self.name, payment.public_id])
        settings_json = {
            "hostedPaymentReturnOptions": {
                "showReceipt": True,
                # Authorize.net's result comes by webhook; the page only shows where it stands.
                "url": with_payment(return_url, payment),
                "urlText": "Continue",
                "cancelUrl": page_url(return_url, cancel_path),
                "cancelUrlText": "Cancel",
            },
            "hostedPaymentButtonOptions": {"text": "Pay"},
            "hostedPaymentOrderOptions": {"show": True, "merchantName": payment.tenant.name[:40]},
            # Cards only: a bank debit can come back days after the wallet was credited.
            "hostedPaymentPaymentOptions": {
                "cardCodeRequired": True,
                "showCreditCard": True,
                "showBankAccount": False,
            },
        }
        return {
            "refId": invoice,
            # Element order follows Authorize.net's schema, which its JSON reader enforces.
            "transactionRequest": {
                "transactionType": "authCaptureTransaction",
                "amount": self.amount_text(payment.amount),
                "order": {
                    "invoiceNumber": invoice,
                    "description": f"Wallet recharge on {payment.tenant.name}"[:255],
                },
                "transactionSettings": {
                    "setting": [{"settingName": "duplicateWindow", "settingValue": DUPLICATE_WINDOW}]
                },
                "userFields": {"userField": [{"name": "lyceum_payment", "value": str(payment.public_id)}]},
            },
            "hostedPaymentSettings": {
                "setting": [
                    {"settingName": name, "settingValue": json.dumps(value)}
                    for name, value in settings_json.items()
                ]
            },
        }

    def hosted_token(self, payment: Payment, *, return_url: str) -> str:
        """A fresh form token, kept in the cache for the page that posts it."""
        body = self.hosted_page_body(payment, return_url=return_url)
        try:
            answer = self.api.call("getHostedPaymentPageRequest", body, retry=True)
        except (AuthorizeNetError, AuthorizeNetUnreachable) as error:
            raise self._error(error, "start the payment") from error
        token = str(answer.get("token") or "")
        if not token:
            raise GatewayError("Authorize.net did not answer with a payment form.")
        cache.set(token_cache_key(payment), token, TOKEN_SECONDS)
        return token

    def start_payment(self, payment: Payment, *, return_url: str) -> Checkout:
        self.hosted_token(payment, return_url=return_url)
        return Checkout(
            provider_reference=invoice_number(payment),
            redirect_url=page_path(
                return_url, reverse("payments:authorizenet-pay", args=[payment.public_id])
            ),
        )

    def transaction_details(self, trans_id: str, *, payment: Payment | None = None) -> dict[str, Any]:
        try:
            answer = self.api.call("getTransactionDetailsRequest", {"transId": trans_id}, retry=True)
        except (AuthorizeNetError, AuthorizeNetUnreachable) as error:
            raise self._error(error, "look up the payment") from error
        details = answer.get("transaction") or {}
        log_call(
            self.name,
            "transaction_details",
            payment=payment,
            ok=True,
            reference=trans_id,
            detail=str(details.get("transactionStatus", "")),
        )
        return details

    def refund(self, payment: Payment, amount: Money) -> Refund:
        trans_id = authorizenet_events.approved_transaction_of(payment)
        if not trans_id:
            raise GatewayError("No approved Authorize.net transaction is known for this payment.")
        details = self.transaction_details(trans_id, payment=payment)
        status = str(details.get("transactionStatus", ""))
        remaining = payment.amount - payment.refunded
        if status == "settledSuccessfully":
            return self._refund_settled(payment, amount, trans_id, details)
        # The rule: money that has not settled cannot be refunded, only the whole charge voided.
        if status in UNSETTLED | {"voided"} and amount != remaining:
            raise GatewayError(
                "This card payment has not settled yet (usually within a day): it can only be refunded "
                "in full now, or in part once it has settled."
            )
        if status == "voided":  # voided already (a lost answer, or the merchant interface)
            return Refund(refund_id=trans_id, amount=remaining)
        if status in UNSETTLED:
            return self._void(payment, trans_id, remaining)
        raise GatewayError(
            f"Authorize.net cannot refund a transaction whose status is {status or 'unknown'}."
        )

    def _refund_settled(self, payment: Payment, amount: Money, trans_id: str, details: Mapping) -> Refund:
        card = str(((details.get("payment") or {}).get("creditCard") or {}).get("cardNumber", ""))
        last_four = card[-4:]
        if not last_four.isdigit():
            raise GatewayError("Authorize.net holds no card for this payment to refund to.")
        already = int(payment.refunded.amount.scaleb(minor_exponent(str(amount.currency))))
        step = int(amount.amount.scaleb(minor_exponent(str(amount.currency))))
        body = {
            "refId": invoice_number(payment),
            "transactionRequest": {
                "transactionType": "refundTransaction",
                "amount": self.amount_text(amount),
                "payment": {"creditCard": {"cardNumber": last_four, "expirationDate": "XXXX"}},
                "refTransId": trans_id,
                "order": {"invoiceNumber": invoice_number(payment), "description": "Wallet recharge refund"},
                # Tells this refund from the next one of the same amount inside the duplicate window.
                "poNumber": f"R{already}-{step}"[:25],
                "transactionSettings": {
                    "setting": [{"settingName": "duplicateWindow", "settingValue": DUPLICATE_WINDOW}]
                },
            },
        }
        try:
            answer = self.api.call("createTransactionRequest", body, retry=True)
        except AuthorizeNetError as error:
            if error.error_code == "11" and error.trans_id and self._approved_refund(error.trans_id, payment):
                return Refund(refund_id=error.trans_id, amount=amount)  # sent before; its answer was lost
            raise self._error(error, "refund the payment") from error
        except AuthorizeNetUnreachable as error:
            raise self._error(error, "refund the payment") from error
        return Refund(refund_id=self._approved_id(answer, "refund the payment"), amount=amount)

    def _approved_refund(self, trans_id: str, payment: Payment) -> bool:
        details = self.transaction_details(trans_id, payment=payment)
        return (
            details.get("transactionType") == "refundTransaction" and str(details.get("responseCode")) == "1"
        )

    def _void(self, payment: Payment, trans_id: str, remaining: Money) -> Refund:
        body = {
            "refId": invoice_number(payment),
            "transactionRequest": {"transactionType": "voidTransaction", "refTransId": trans_id},
        }
        try:
            # Not retried here: a void whose answer is lost is seen as "voided" on the next try,
            # and its net.authorize.payment.void.created webhook records it meanwhile.
            answer = self.api.call("createTransactionRequest", body, retry=False)
        except (AuthorizeNetError, AuthorizeNetUnreachable) as error:
            raise self._error(error, "void the payment") from error
        return Refund(refund_id=self._approved_id(answer, "void the payment") or trans_id, amount=remaining)

    def _approved_id(self, answer: Mapping[str, Any], action: str) -> str:
        response = answer.get("transactionResponse") or {}
        if str(response.get("responseCode")) != "1":
            raise self._error(AuthorizeNetError("", "", dict(response)), action)
        return str(response.get("transId", ""))

    # --- webhooks -----------------------------------------------------------------------------

    def signature_matches(self, body: bytes, value: str) -> bool:
        scheme, _, given = value.strip().partition("=")
        if scheme.strip().lower() != "sha512" or not given:
            return False
        given_bytes = given.strip().lower().encode("ascii", "replace")
        return any(
            hmac.compare_digest(hmac.new(key, body, hashlib.sha512).hexdigest().encode(), given_bytes)
            for key in self._signing_keys()
        )

    def _signing_keys(self) -> list[bytes]:
        """The Signature Key as HMAC key: its hex-decoded bytes, and the text itself.

        Authorize.net's webhook documentation names the Signature Key without saying which form;
        working integrations are split between the two. Both come from the same secret, so
        accepting either lets no one without it forge a signature.
        """
        keys = [self._signature_key.encode()]
        with contextlib.suppress(ValueError):  # a key that is not hex has only its text form
            keys.insert(0, bytes.fromhex(self._signature_key))
        return keys

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> GatewayEvent:
        if not self._signature_key:
            raise InvalidWebhook("No Authorize.net signature key is configured.")
        signature = header(headers, SIGNATURE_HEADER)
        if not signature:
            raise InvalidWebhook("Missing X-ANET-Signature header.")
        if not self.signature_matches(body, signature):
            raise InvalidWebhook("The Authorize.net signature does not verify.")
        try:
            notification = json.loads(body.decode("utf-8-sig"), parse_float=Decimal)
        except ValueError:
            raise InvalidWebhook("The body is not JSON.") from None
        if not isinstance(notification, dict) or not notification.get("notificationId"):
            raise InvalidWebhook("The body is not an Authorize.net notification.")
        try:
            return authorizenet_events.translate(self, notification)
        except GatewayError as error:
            # Not applied: answering an error makes Authorize.net send the notification again.
            raise InvalidWebhook(f"{error.message} Authorize.net will send it again.") from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidWebhook("The body is not an Authorize.net notification.") from None

    def payment_for_invoice(self, invoice: str) -> Payment | None:
        if not invoice:
            return None
        with scopes_disabled():
            return (
                Payment.objects.filter(gateway=self.name, provider_reference=invoice)
                .select_related("tenant", "user")
                .first()
            )

    # --- errors -------------------------------------------------------------------------------

    def _error(self, error: AuthorizeNetError | AuthorizeNetUnreachable, action: str) -> GatewayError:
        logger.warning("Authorize.net could not %s: %s", action, error)
        if isinstance(error, AuthorizeNetUnreachable):
            return GatewayError("Authorize.net could not be reached. Please try again in a few minutes.")
        if error.code in CREDENTIAL_CODES:
            return GatewayError(
                "Card payments are unavailable: Authorize.net refused the platform's credentials. "
                "The platform owner has to check the Authorize.net settings."
            )
        reason = (error.error_text or error.text or "the request was refused").rstrip(".")
        return GatewayError(f"Authorize.net refused to {action}: {reason}.")
