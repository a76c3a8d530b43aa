"""Fixtures of the CMS tests."""

from tests.marketplace.registration_fixtures import host, make_room, pro_plan  # noqa: F401
