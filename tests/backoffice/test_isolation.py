"""Every back-office screen: a site's admin sees only their site's rows, an editor none, the
platform owner every site's (with a site filter)."""

from __future__ import annotations

import pytest

from tests.backoffice.conftest import Rows, sign_in

pytestmark = pytest.mark.django_db

SCREENS = [
    "members",
    "plan-subscriptions",
    "rooms",
    "registrations",
    "sessions",
    "ledger-accounts",
    "ledger-entries",
    "gateway-payments",
    "webhook-events",
    "payouts",
]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("screen_rows", SCREENS, indirect=True)
def test_a_sites_admin_sees_only_their_sites_rows(screen_rows: Rows, tenant, admin_user):
    rows, client = screen_rows, sign_in(tenant, admin_user)
    listing = page(client, f"/cms/{rows.prefix}/")
    assert rows.mine_label in listing and rows.theirs_label not in listing
    assert rows.mine_label in page(client, f"/cms/{rows.prefix}/?q={rows.mine_label}")
    assert page(client, f"/cms/{rows.prefix}/inspect/{rows.mine.pk}/")
    assert page(client, f"/cms/{rows.prefix}/history/{rows.mine.pk}/")
    for view in ("inspect", "history"):
        assert client.get(f"/cms/{rows.prefix}/{view}/{rows.theirs.pk}/").status_code == 404, view
    # Read-only screens refuse editing outright (302 to the dashboard); the others answer 404.
    assert client.get(f"/cms/{rows.prefix}/edit/{rows.theirs.pk}/").status_code in (302, 404)


@pytest.mark.parametrize("screen_rows", SCREENS, indirect=True)
def test_editors_are_refused(screen_rows: Rows, tenant, editor):
    client = sign_in(tenant, editor)
    for url in (f"/cms/{screen_rows.prefix}/", f"/cms/{screen_rows.prefix}/inspect/{screen_rows.mine.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert screen_rows.mine_label not in response.content.decode()


@pytest.mark.parametrize("screen_rows", SCREENS, indirect=True)
def test_the_owner_sees_every_site_and_filters_by_site(screen_rows: Rows, tenant, other_tenant, owner):
    rows, client = screen_rows, sign_in(tenant, owner)
    listing = page(client, f"/cms/{rows.prefix}/")
    assert rows.mine_label in listing and rows.theirs_label in listing
    filtered = page(client, f"/cms/{rows.prefix}/?tenant={other_tenant.pk}")
    assert rows.theirs_label in filtered and rows.mine_label not in filtered
    assert page(client, f"/cms/{rows.prefix}/inspect/{rows.theirs.pk}/")


def test_the_menu_groups_follow_the_role(tenant, admin_user, editor):
    admin_home = page(sign_in(tenant, admin_user), "/cms/")
    for group in ("Marketplace", "Money", "Conferencing"):
        assert group in admin_home
    for screen in ("Users and memberships", "Payout queue", "Adjust a wallet", "Sessions"):
        assert screen in admin_home
    editor_home = page(sign_in(tenant, editor), "/cms/")
    assert "Payout queue" not in editor_home and "Users and memberships" not in editor_home
    assert "Adjust a wallet" not in editor_home
