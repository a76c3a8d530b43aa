"""Two tenants with distinct branding, for the branding tests (imported as fixtures)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from cms.models import BrandingSettings
from marketplace.models import Tenant, User

ALPHA = {
    "primary_color": "#123456",
    "accent_color": "#abcdef",
    "background_color": "#fafafa",
    "font": "inter",
    "title_suffix": "| Alpha Learning",
    "email_sender_name": "Alpha Front Desk",
    "wording": {"room": "consultation", "rooms": "consultations", "sessions": "appointments"},
}
BETA = {
    "primary_color": "#654321",
    "accent_color": "#fedcba",
    "background_color": "#0a0a0a",
    "font": "atkinson",
    "title_suffix": "| Beta Care",
    "email_sender_name": "Beta Reception",
    "wording": {"rooms": "workshops", "sessions": "classes"},
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and renditions go to a throwaway folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def make_image() -> Callable[..., object]:
    def make(name: str, colour: str = "red", uploaded_by: User | None = None):
        return get_image_model().objects.create(
            title=name,
            file=get_test_image_file(f"{name}.png", colour=colour, size=(300, 100)),
            uploaded_by_user=uploaded_by,
        )

    return make


def brand(tenant: Tenant, **fields) -> BrandingSettings:
    """Save a site's branding the way the back office does: validated first."""
    row = BrandingSettings.for_site(tenant.site)
    for name, value in fields.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


@pytest.fixture
def alpha_branding(tenant, make_image) -> BrandingSettings:
    return brand(tenant, logo=make_image("alpha-logo", "navy"), favicon=make_image("alpha-icon"), **ALPHA)


@pytest.fixture
def beta_branding(other_tenant, make_image) -> BrandingSettings:
    return brand(other_tenant, logo=make_image("beta-logo", "green"), **BETA)


def browser(tenant: Tenant, user: User | None = None) -> Client:
    client = Client(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    return client
