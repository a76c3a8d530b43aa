"""Shared fixtures: tenants, members, API clients, a real SMTP server for mail."""

from __future__ import annotations

import os
import socket
from email import message_from_bytes, policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from rest_framework.test import APIClient

from marketplace.roles import Role
from tests.factories import TenantFactory, make_member

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailCollector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        )
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server():
    controller = Controller(MailCollector(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(autouse=True)
def _mail_goes_to_test_smtp(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    smtp_server.handler.messages.clear()


@pytest.fixture
def mailbox(smtp_server) -> list[Message]:
    return smtp_server.handler.messages


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and rate limits count in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tenant(db):
    return TenantFactory(name="Alpha Academy", slug="alpha", hostname="alpha.localhost")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(name="Beta Clinic", slug="beta", hostname="beta.localhost")


@pytest.fixture
def attendee(tenant):
    return make_member(tenant, handle="attendee", email="attendee@example.com")


@pytest.fixture
def admin_user(tenant):
    return make_member(tenant, Role.ADMIN, handle="boss", email="boss@example.com")


def client_for(tenant, user=None) -> APIClient:
    client = APIClient(HTTP_HOST=tenant.hostname)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def api_for():
    return client_for


@pytest.fixture
def verified():
    """Assert after the test that the ledger is sound."""
    from payments.verification import verify_ledger

    yield
    assert verify_ledger() == []


@pytest.fixture
def outbox(mailbox):
    """Call it to deliver what the test queued (emails through dramatiq); returns the mailbox."""
    import dramatiq

    from tests.jobs import deliver

    dramatiq.get_broker().flush_all()  # jobs left by earlier tests whose data is gone

    def run() -> list[Message]:
        deliver()
        return mailbox

    return run
