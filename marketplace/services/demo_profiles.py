"""Demo topics and host profiles for `make run` (idempotent, like the rest of the seed).

Everything goes through the topic and profile services, so the demo data passes the same checks
(sanitised bio, known topics, ISO language codes, http(s) links) as a host's own edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django_scopes import scope

from marketplace.models import Membership, Tenant, User
from marketplace.profile_selectors import profile_of
from marketplace.roles import Role
from marketplace.services.moderator_profiles import get_or_create_profile, update_profile
from marketplace.services.topics import create_topic, topic_slug_taken


class Report(Protocol):
    created: list[str]


@dataclass(frozen=True)
class DemoProfile:
    host: str
    headline: str
    bio: str
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    location: str
    link: tuple[str, str]  # (label, url)


DEMO_TOPICS = {
    "marketplace": ("Mathematics", "Writing", "Careers"),
    "clinic": ("Nutrition", "Cardiology"),
}

DEMO_PROFILES = {
    "marketplace": (
        DemoProfile(
            "ada-tutor",
            "Algebra and exam preparation for secondary school",
            "<p>Ten years of teaching maths in small groups. I explain each step until it clicks, "
            "then we practise on <strong>real exam questions</strong>.</p>",
            ("mathematics",),
            ("en", "fr"),
            "Lyon, France",
            ("Worksheets", "https://example.com/ada-tutor/worksheets"),
        ),
        DemoProfile(
            "grace-coach",
            "Writing coach for novels, essays and everything between",
            "<p>I help writers finish what they start.</p>"
            "<ul><li>Weekly writing circles</li><li>Feedback you can act on</li></ul>",
            ("writing", "careers"),
            ("en", "es"),
            "Madrid, Spain",
            ("Reading list", "https://example.com/grace-coach/reading"),
        ),
        DemoProfile(
            "alan-consultant",
            "Career advice for engineers and data people",
            "<p>From your first job to leading a team: CVs, interviews and salary talks, "
            "with a former hiring manager.</p>",
            ("careers", "mathematics"),
            ("en", "de"),
            "Berlin, Germany",
            ("Blog", "https://example.com/alan-consultant/blog"),
        ),
    ),
    "clinic": (
        DemoProfile(
            "dr-morgan",
            "Dietitian: everyday nutrition, without the fads",
            "<p>Practical advice on eating well with a busy life, for adults and families.</p>",
            ("nutrition",),
            ("en",),
            "Seattle, USA",
            ("Clinic page", "https://example.org/clinic/dr-morgan"),
        ),
        DemoProfile(
            "dr-okafor",
            "Cardiologist: blood pressure, heart rhythm and prevention",
            "<p>Consultations on heart health, test results and <em>what to ask your doctor</em>.</p>",
            ("cardiology",),
            ("en", "yo"),
            "Lagos, Nigeria",
            ("Clinic page", "https://example.org/clinic/dr-okafor"),
        ),
        DemoProfile(
            "dr-silva",
            "Heart-healthy nutrition after a cardiac event",
            "<p>Where cardiology meets the kitchen: diets that protect your heart.</p>",
            ("nutrition", "cardiology"),
            ("pt", "en"),
            "Lisbon, Portugal",
            ("Clinic page", "https://example.org/clinic/dr-silva"),
        ),
    ),
}


def _site_admin(tenant: Tenant) -> User:
    """Topics are kept by the site's admins, so the demo's admin creates them."""
    with scope(tenant=tenant):
        membership = (
            Membership.objects.filter(tenant=tenant, role=Role.ADMIN)
            .select_related("user")
            .order_by("pk")
            .first()
        )
    if membership is None:
        raise LookupError(f"The demo site {tenant.slug} has no admin to create its topics.")
    return membership.user


def _seed_topics(tenant: Tenant, report: Report) -> None:
    names = DEMO_TOPICS.get(tenant.slug, ())
    if not names:
        return
    admin = _site_admin(tenant)
    for order, name in enumerate(names):
        slug = name.lower()
        if topic_slug_taken(tenant, slug):
            continue
        create_topic(tenant, actor=admin, name=name, slug=slug, sort_order=order)
        report.created.append(f"topic {slug}@{tenant.slug}")


def seed_profiles(tenant: Tenant, report: Report) -> None:
    _seed_topics(tenant, report)
    for spec in DEMO_PROFILES.get(tenant.slug, ()):
        host = User.objects.get(handle=spec.host)
        existing = profile_of(host, tenant)
        # A headline means the profile was filled in already (by this seed or by hand): leave it alone.
        if existing is not None and existing.headline:
            continue
        profile = get_or_create_profile(host, tenant)
        label, url = spec.link
        update_profile(
            profile,
            actor=host,
            headline=spec.headline,
            bio=spec.bio,
            topics=list(spec.topics),
            languages=list(spec.languages),
            location=spec.location,
            links=[{"label": label, "url": url}],
        )
        report.created.append(f"profile {spec.host}@{tenant.slug}")
