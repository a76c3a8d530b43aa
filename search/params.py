"""What a visitor asks Explore for: the query string checked and typed, one error per field.

The page and the API read the same parameters; the page shows the errors next to the form and
drops the bad values, the API answers 400 naming the fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from djmoney.money import Money

from marketplace.models import FeeModel, Tenant
from payments.money import minor_exponent, quantum

KINDS = ("all", "moderators", "rooms")
SORTS = ("relevance", "price", "soonest", "newest")
MAX_QUERY_LENGTH = 200
MAX_PAGE = 10_000
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 50
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class InvalidExploreQuery(ValueError):
    """Values explore() cannot use; `errors` maps each parameter to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ExploreParams:
    q: str = ""
    kind: str = "all"
    topic: str = ""
    language: str = ""
    price_min: Money | None = None
    price_max: Money | None = None
    free: bool | None = None  # True: free rooms only; False: paid rooms only
    fee_model: str = ""
    has_upcoming: bool = False
    sort: str = ""  # empty: relevance when there is a query, else newest
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def effective_sort(self) -> str:
        if self.sort and not (self.sort == "relevance" and not self.q):
            return self.sort
        return "relevance" if self.q else "newest"

    @property
    def depends_on_clock(self) -> bool:
        """Whether the answer changes as time passes alone (upcoming sessions), not only with data."""
        return self.has_upcoming or self.effective_sort == "soonest"

    @property
    def room_filters(self) -> bool:
        """Whether a filter applies to rooms themselves (a host then needs a room that passes it)."""
        return bool(
            self.price_min is not None
            or self.price_max is not None
            or self.free is not None
            or self.fee_model
            or self.has_upcoming
        )

    def check(self, tenant: Tenant) -> None:
        """Raise InvalidExploreQuery for values no query string could have produced."""
        errors: dict[str, str] = {}
        if self.kind not in KINDS:
            errors["kind"] = f"Use one of: {', '.join(KINDS)}."
        if self.sort and self.sort not in SORTS:
            errors["sort"] = f"Use one of: {', '.join(SORTS)}."
        if self.fee_model and self.fee_model not in FeeModel.values:
            errors["fee_model"] = f"Use one of: {', '.join(FeeModel.values)}."
        currency = str(tenant.default_currency)
        for name in ("price_min", "price_max"):
            value = getattr(self, name)
            if value is not None and str(value.currency) != currency:
                errors[name] = f"Prices on {tenant.name} are in {currency}."
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            errors["page"] = f"Pages start at 1 and hold at most {MAX_PER_PAGE} results."
        if errors:
            raise InvalidExploreQuery(errors)

    def query_string_values(self) -> dict[str, str]:
        """The parameters as a query string holds them (defaults left out), without the page."""
        values = {
            "q": self.q,
            "kind": "" if self.kind == "all" else self.kind,
            "topic": self.topic,
            "language": self.language,
            "price_min": _amount(self.price_min),
            "price_max": _amount(self.price_max),
            "free": "" if self.free is None else str(self.free).lower(),
            "fee_model": self.fee_model,
            "has_upcoming": "true" if self.has_upcoming else "",
            "sort": self.sort,
        }
        return {name: value for name, value in values.items() if value}


def _amount(value: Money | None) -> str:
    return "" if value is None else str(value.amount.normalize().quantize(quantum(str(value.currency))))


def _text(data: Mapping[str, str], name: str) -> str:
    return (data.get(name) or "").strip()


def _boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError


def _price(value: str, currency: str) -> Money:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError("Enter an amount such as 10 or 12.50.") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("Enter an amount of zero or more.")
    if amount != amount.quantize(quantum(currency), rounding=ROUND_DOWN):
        raise ValueError(f"{currency} amounts have at most {minor_exponent(currency)} decimal places.")
    return Money(amount, currency)


def _positive(value: str, name: str, maximum: int) -> int:
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ValueError(f"The {name} is a whole number from 1 to {maximum}.")
    return int(value)


def parse_params(
    tenant: Tenant, data: Mapping[str, str], *, per_page: int = DEFAULT_PER_PAGE
) -> tuple[ExploreParams, dict[str, str]]:
    """Typed parameters from a query string, leaving out bad values, and what was wrong with them."""
    from marketplace.profile_selectors import topics_of

    errors: dict[str, str] = {}
    fields: dict[str, object] = {"per_page": per_page}
    q = " ".join(_text(data, "q").split())
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = f"Search for at most {MAX_QUERY_LENGTH} characters."
    else:
        fields["q"] = q
    choices = {"kind": KINDS, "sort": SORTS, "fee_model": tuple(FeeModel.values)}
    for name, allowed in choices.items():
        value = _text(data, name)
        if value and value not in allowed:
            errors[name] = f"Use one of: {', '.join(allowed)}."
        elif value:
            fields[name] = value
    topic = _text(data, "topic")
    if topic and not topics_of(tenant).filter(slug=topic).exists():
        errors["topic"] = "No such topic on this site."
    elif topic:
        fields["topic"] = topic
    language = _text(data, "language").lower()
    if language and not LANGUAGE_CODE.match(language):
        errors["language"] = "Use a language code such as en or fr."
    elif language:
        fields["language"] = language
    currency = str(tenant.default_currency)
    for name in ("price_min", "price_max"):
        value = _text(data, name)
        try:
            fields[name] = _price(value, currency) if value else None
        except ValueError as error:
            errors[name] = str(error)
    low, high = fields.get("price_min"), fields.get("price_max")
    if isinstance(low, Money) and isinstance(high, Money) and low > high:
        errors["price_max"] = "The highest price is below the lowest."
        fields["price_max"] = None
    for name in ("free", "has_upcoming"):
        value = _text(data, name)
        try:
            parsed = _boolean(value) if value else None
        except ValueError:
            errors[name] = "Use true or false."
            continue
        if parsed is not None:
            fields[name] = parsed
    for name, maximum in (("page", MAX_PAGE), ("page_size", MAX_PER_PAGE)):
        value = _text(data, name)
        try:
            if value:
                fields["page" if name == "page" else "per_page"] = _positive(
                    value, name.replace("_", " "), maximum
                )
        except ValueError as error:
            errors[name] = str(error)
    return ExploreParams(**fields), errors  # type: ignore[arg-type]
