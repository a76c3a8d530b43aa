"""Fixtures of the marketplace tests: a host on a plan with paid rooms, and their rooms."""

from tests.marketplace.registration_fixtures import host, make_room, pro_plan  # noqa: F401
