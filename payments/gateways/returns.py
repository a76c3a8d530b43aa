"""Addresses for the payer's trip to a provider and back.

Our pages around a provider (PayPal's return, Authorize.net's form post, cancel) live on the site
the payment started from, and carry `next`: the page the trip ends on, the path of the return URL
the payment started with (the wallet, or the site's billing page).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from payments.exceptions import GatewayError
from payments.models import Payment


def _parts(return_url: str) -> tuple[str, str]:
    parts = urlsplit(return_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise GatewayError("The payment provider needs the site's absolute address to send the payer back.")
    return f"{parts.scheme}://{parts.netloc}", parts.path + (f"?{parts.query}" if parts.query else "")


def page_path(return_url: str, path: str) -> str:
    """`path` on this site, with `next` pointing back to where the payment started."""
    _origin, back = _parts(return_url)
    return f"{path}?{urlencode({'next': back})}"


def page_url(return_url: str, path: str) -> str:
    """The same, absolute: for the provider, which sends the payer there."""
    origin, _back = _parts(return_url)
    return origin + page_path(return_url, path)


def with_payment(url: str, payment: Payment) -> str:
    """`url` telling the page which payment the payer comes back from."""
    return f"{url}{'&' if '?' in url else '?'}payment={payment.public_id}"
