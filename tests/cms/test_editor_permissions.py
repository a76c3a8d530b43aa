"""Editors and admins of one tenant edit only their tenant's pages, images, documents and menus."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_scopes import scope
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupCollectionPermission, GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cms.editor_access import editors_group_name, ensure_editor_access, tenant_collection
from marketplace.models import Membership
from marketplace.roles import Role
from marketplace.services.back_office import sync_back_office_access
from marketplace.services.memberships import grant_role, revoke_membership
from tests.cms import site_content as content
from tests.factories import make_member

pytestmark = pytest.mark.django_db

DENIED = (302, 403, 404)  # Wagtail redirects a refused admin page to the dashboard with a message


@pytest.fixture
def editor(tenant):
    return make_member(tenant, Role.EDITOR, handle="ed", email="ed@example.com")


def home_edit_data(title: str, heading: str) -> dict:
    data = nested_form_data(
        {
            "title": title,
            "slug": "home-alpha",
            "intro": "",
            "seo_title": "",
            "search_description": "",
            "body": streamfield([("heading", heading)]),
            "comments": inline_formset([]),
        }
    )
    return {**data, "action-publish": "action-publish"}


def test_each_tenant_has_its_own_editors_group_collection_and_permissions(tenant, other_tenant):
    ours, theirs = ensure_editor_access(tenant), ensure_editor_access(other_tenant)
    assert ours.group.name == "Editors of alpha" and ours.collection.name == "Alpha Academy"
    assert ours.collection != theirs.collection
    codenames = set(
        GroupPagePermission.objects.filter(group=ours.group, page=tenant.site.root_page).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page", "publish_page"}
    assert not GroupPagePermission.objects.filter(group=ours.group, page=other_tenant.site.root_page).exists()
    before = GroupCollectionPermission.objects.filter(group=ours.group).count()
    ensure_editor_access(tenant)  # idempotent
    assert GroupCollectionPermission.objects.filter(group=ours.group).count() == before == 6


def test_staff_join_their_tenants_group_and_leave_it_with_the_role(tenant, other_tenant, editor, admin_user):
    assert editor.groups.filter(name=editors_group_name(tenant)).exists()
    assert admin_user.groups.filter(name=editors_group_name(tenant)).exists()
    assert not editor.groups.filter(name=editors_group_name(other_tenant)).exists()

    grant_role(editor, other_tenant, Role.EDITOR, actor=None)
    assert set(editor.groups.values_list("name", flat=True)) >= {"Editors of alpha", "Editors of beta"}

    with scope(tenant=tenant):
        role = Membership.objects.get(tenant=tenant, user=editor, role=Role.EDITOR)
    revoke_membership(role, actor=admin_user)
    names = set(editor.groups.values_list("name", flat=True))
    assert "Editors of alpha" not in names and "Editors of beta" in names


def test_editor_edits_and_publishes_their_own_home_page(tenant, editor):
    home = content.home_of(tenant)
    client = content.visitor(tenant, editor)
    url = reverse("wagtailadmin_pages:edit", args=[home.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, home_edit_data("Alpha Academy", "Edited by our editor"))

    assert response.status_code == 302
    home.refresh_from_db()
    assert home.body[0].value == "Edited by our editor" and home.live
    assert "Edited by our editor" in content.visitor(tenant).get("/").content.decode()


def test_editor_adds_a_standard_page_under_their_home(tenant, editor):
    home = content.home_of(tenant)
    url = reverse("wagtailadmin_pages:add", args=["cms", "standardpage", home.pk])
    data = nested_form_data(
        {
            "title": "Our team",
            "slug": "team",
            "intro": "Who teaches here.",
            "body": streamfield([]),
            "comments": inline_formset([]),
        }
    )
    response = content.visitor(tenant, editor).post(url, {**data, "action-publish": "action-publish"})
    assert response.status_code == 302
    assert content.visitor(tenant).get("/team/").status_code == 200


def test_editor_cannot_edit_another_tenants_pages(tenant, other_tenant, editor):
    their_home = content.home_of(other_tenant)
    client = content.visitor(tenant, editor)
    url = reverse("wagtailadmin_pages:edit", args=[their_home.pk])

    assert client.get(url).status_code in DENIED
    assert client.post(url, home_edit_data("Hijacked", "Hijacked")).status_code in DENIED
    assert (
        client.get(reverse("wagtailadmin_pages:add", args=["cms", "standardpage", their_home.pk])).status_code
        in DENIED
    )
    their_home.refresh_from_db()
    assert their_home.title == "Beta Clinic"
    # Their own back office is closed to them as well.
    assert content.visitor(other_tenant, editor).get("/cms/").status_code == 403


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, get_test_image_file().file.getvalue(), content_type="image/png")


def test_editor_uploads_to_their_collection_only(tenant, other_tenant, editor):
    client = content.visitor(tenant, editor)
    ours, theirs = tenant_collection(tenant), tenant_collection(other_tenant)

    response = client.post(
        reverse("wagtailimages:add"), {"title": "Banner", "file": png("banner.png"), "collection": ours.pk}
    )
    assert response.status_code == 302
    assert get_image_model().objects.get(title="Banner").collection == ours

    client.post(
        reverse("wagtailimages:add"), {"title": "Intruder", "file": png("x.png"), "collection": theirs.pk}
    )
    # Their collection is not even offered: whatever the form says, uploads land in ours.
    assert get_image_model().objects.get(title="Intruder").collection == ours
    assert not get_image_model().objects.filter(collection=theirs).exists()

    document = SimpleUploadedFile("rules.txt", b"House rules", content_type="text/plain")
    response = client.post(
        reverse("wagtaildocs:add"), {"title": "Rules", "file": document, "collection": ours.pk}
    )
    assert response.status_code == 302
    assert get_document_model().objects.get(title="Rules").collection == ours


def test_choosers_offer_only_this_tenants_images_and_documents(tenant, other_tenant, editor):
    content.image_in(tenant_collection(tenant), "Our classroom", "max-165x165")
    theirs = content.image_in(tenant_collection(other_tenant), "Their ward", "max-165x165")
    documents = get_document_model()
    documents.objects.create(
        title="Our timetable", file=SimpleUploadedFile("t.txt", b"t"), collection=tenant_collection(tenant)
    )
    documents.objects.create(
        title="Their leaflet",
        file=SimpleUploadedFile("l.txt", b"l"),
        collection=tenant_collection(other_tenant),
    )
    client = content.visitor(tenant, editor)

    images = client.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert "Our classroom" in images and "Their ward" not in images
    docs = client.get(reverse("wagtaildocs_chooser:choose")).content.decode()
    assert "Our timetable" in docs and "Their leaflet" not in docs
    assert client.get(reverse("wagtailimages:edit", args=[theirs.pk])).status_code in DENIED


def test_row_choosers_offer_only_this_tenants_listed_rows(tenant, other_tenant, editor):
    content.moderator(tenant, "ours", "Our Host")
    content.moderator(tenant, "hidden", "Hidden Host", visibility="unlisted")
    _, their_profile = content.moderator(other_tenant, "theirs", "Their Host")
    client = content.visitor(tenant, editor)

    listing = client.get(reverse("moderator_profile_chooser:choose")).content.decode()
    assert "@ours" in listing and "@theirs" not in listing and "@hidden" not in listing
    chosen = client.get(reverse("moderator_profile_chooser:chosen", args=[their_profile.pk]))
    assert chosen.status_code == 404


def test_row_choosers_search_their_sites_listed_rows_by_name(tenant, other_tenant, editor):
    ada, _ = content.moderator(tenant, "ada", "Ada Lovelace")
    alan, _ = content.moderator(tenant, "alan", "Alan Turing")
    content.moderator(other_tenant, "adabeta", "Ada Beta")
    content.room(ada, tenant, "Poetry circle")
    content.room(alan, tenant, "Algebra for beginners")
    client = content.visitor(tenant, editor)

    def results(chooser: str, q: str) -> str:
        response = client.get(reverse(f"{chooser}:choose_results"), {"q": q})
        assert response.status_code == 200
        return response.content.decode()

    def handles(q: str) -> set[str]:
        return set(re.findall(r"@[a-z0-9-]+\b", results("moderator_profile_chooser", q)))

    assert handles("ada love") == {"@ada"}
    assert handles("@ALAN") == {"@alan"}
    rooms = results("room_chooser", "algebra")
    assert "Algebra for beginners" in rooms and "Poetry circle" not in rooms
    by_host = results("room_chooser", "lovelace")  # the host's name finds their rooms
    assert "Poetry circle" in by_host and "Algebra for beginners" not in by_host


def test_editor_edits_their_sites_menus_only(tenant, other_tenant, editor):
    client = content.visitor(tenant, editor)
    ours = reverse("wagtailsettings:edit", args=["cms", "navigationsettings", tenant.site.pk])
    theirs = reverse("wagtailsettings:edit", args=["cms", "navigationsettings", other_tenant.site.pk])
    assert client.get(ours).status_code == 200
    assert client.get(theirs).status_code in DENIED


def test_tenants_created_before_get_their_group_and_collection(tenant, editor):
    collection = tenant_collection(tenant)
    Group.objects.filter(name=editors_group_name(tenant)).delete()
    assert tenant_collection(tenant) is None

    output = io.StringIO()
    call_command("prepare_tenant_sites", stdout=output)

    assert "tenant site(s) checked" in output.getvalue()
    assert tenant_collection(tenant) == collection  # the images already uploaded stay theirs
    # Membership changes (and seed_demo) put staff back in the group: here, the editor's next sync.
    sync_back_office_access(editor)
    assert editor.groups.filter(name=editors_group_name(tenant)).exists()
