"""schema.org structured data (JSON-LD): a Person on profile pages, an Event per session on room pages.

The JSON sits in a `<script type="application/ld+json">` data block. Browsers never execute data
blocks, so the CSP's `script-src 'self'` neither blocks nor reports them and no nonce is needed.
`<`, `>` and `&` are escaped so text written by hosts can never close the element.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from cms.seo.metadata import host_profile, plain_text, profile_image, profile_url, room_url
from marketplace.models import FeeModel, ModeratorProfile, Room, ScheduledSession, Tenant, Topic, User

SCHEMA = "https://schema.org"
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
# UN/CEFACT unit codes of the recurring fees.
FEE_UNITS = {FeeModel.MONTHLY: "MON", FeeModel.PER_MINUTE: "MIN"}


def json_ld_script(data: dict[str, Any]) -> SafeString:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # escaped above


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def person(tenant: Tenant, host: User, profile: ModeratorProfile | None) -> dict[str, Any]:
    return _without_empty(
        {
            "@type": "Person",
            "name": host.get_short_name(),
            "url": profile_url(tenant, host),
            "image": profile_image(tenant, profile, host),
        }
    )


def profile_person(
    tenant: Tenant, profile: ModeratorProfile, topics: Iterable[Topic], languages: Iterable[str]
) -> dict[str, Any]:
    links = [link.get("url", "") for link in profile.links or [] if isinstance(link, dict)]
    return {
        "@context": SCHEMA,
        **person(tenant, profile.user, profile),
        **_without_empty(
            {
                "description": plain_text(profile.headline or profile.bio, 300),
                "knowsAbout": [topic.name for topic in topics],
                "knowsLanguage": list(languages),
                "homeLocation": profile.location,
                "sameAs": [url for url in links if url.startswith(("https://", "http://"))],
            }
        ),
    }


def offer(room: Room, url: str, seats: int | None) -> dict[str, Any]:
    amount = room.price.amount if room.fee_model != FeeModel.FREE else 0
    data: dict[str, Any] = {
        "@type": "Offer",
        "price": f"{amount:.2f}",
        "priceCurrency": str(room.price.currency),
        "url": url,
        "availability": f"{SCHEMA}/{'SoldOut' if seats == 0 else 'InStock'}",
    }
    if room.fee_model in FEE_UNITS:
        data["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "price": data["price"],
            "priceCurrency": data["priceCurrency"],
            "unitCode": FEE_UNITS[room.fee_model],
        }
    return data


def room_events(
    tenant: Tenant, room: Room, sessions: Iterable[ScheduledSession], seats: int | None
) -> dict[str, Any]:
    url = room_url(tenant, room)
    organizer = person(tenant, room.owner, host_profile(room, tenant))
    description = plain_text(room.description, 300)
    events = [
        _without_empty(
            {
                "@type": "Event",
                "name": session.title or room.name,
                "description": description,
                "startDate": session.starts_at.isoformat(),
                "endDate": session.ends_at.isoformat(),
                "eventAttendanceMode": f"{SCHEMA}/OnlineEventAttendanceMode",
                "eventStatus": f"{SCHEMA}/{'EventCancelled' if session.canceled else 'EventScheduled'}",
                "location": {"@type": "VirtualLocation", "url": url},
                "organizer": organizer,
                "image": organizer.get("image"),
                "url": url,
                "offers": offer(room, url, seats),
            }
        )
        for session in sessions
    ]
    return {"@context": SCHEMA, "@graph": events}
