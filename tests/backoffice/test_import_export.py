"""Import and export in the back office: downloads of a screen's rows, and imports in two steps
(a check that changes nothing, then the confirmed import), bound to the admin's own site."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from djmoney.money import Money
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.models import ModelLogEntry

from marketplace import tabular
from marketplace.models import (
    FeeModel,
    ImportJob,
    ImportStatus,
    MemberInvitation,
    Membership,
    Plan,
    Registration,
    RegistrationStatus,
    Room,
    User,
)
from marketplace.resources import MemberResource
from marketplace.roles import Role
from marketplace.selectors import roles_of
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from marketplace.services.topics import create_topic
from marketplace.spreadsheets import read_table
from marketplace.tabular import NotImportable, TenantResource
from marketplace.tasks import purge_import_jobs
from payments.resources import LedgerPostingResource, PaymentResource
from tests.backoffice.conftest import _adjustment, _payment, moderator_on_plan, sign_in
from tests.factories import UserFactory, make_member
from tests.jobs import deliver

pytestmark = pytest.mark.django_db


def csv_file(*lines: str, name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def form_errors(response) -> str:
    return response.content.decode()[-3000:]


def upload(client, screen: str, upload_file, **data) -> ImportJob:
    """Upload a file and run the check (the background job) as a worker would."""
    response = client.post(f"/cms/{screen}/import/", {"file": upload_file, **data})
    assert response.status_code == 302, form_errors(response)
    public_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    deliver()
    with scopes_disabled():
        return ImportJob.objects.get(public_id=public_id)


def confirm(client, screen: str, job: ImportJob) -> ImportJob:
    response = client.post(f"/cms/{screen}/import/{job.public_id}/confirm/")
    assert response.status_code == 302
    deliver()
    with scopes_disabled():
        job.refresh_from_db()
    return job


def outcomes(job: ImportJob) -> list[str]:
    return [row["outcome"] for row in job.rows]


def messages_of(job: ImportJob, row: int) -> list[str]:
    return [error["message"] for error in job.errors if error["row"] == row]


def download(client, screen: str, query: str = "format=csv") -> bytes:
    response = client.get(f"/cms/{screen}/export/?{query}")
    assert response.status_code == 200, response.status_code
    assert "attachment" in response["Content-Disposition"]
    return response.content


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def confirmed(user: User) -> User:
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def rooms_of(tenant) -> list[Room]:
    with scope(tenant=tenant):
        return list(Room.objects.filter(tenant=tenant).order_by("slug"))


# --- The check, then the import ------------------------------------------------------------------


def test_a_file_with_good_and_bad_rows_shows_each_rows_errors_and_changes_nothing(tenant, admin_user, amy):
    client = sign_in(tenant, admin_user)
    users_before = User.objects.count()
    job = upload(
        client,
        "members",
        csv_file(
            "email,handle,display_name,language,roles",
            "new.person@example.com,newperson,New Person,fr,moderator",
            "not-an-address,,,,",
            "amy@example.com,,,,attendee;wizard",
            "other@example.com,boss,Other,en,",
        ),
        resource="members",
    )
    assert job.status == ImportStatus.PREVIEWED
    assert outcomes(job) == ["new", "error", "error", "new"]
    assert messages_of(job, 3) == ['"not-an-address" is not an email address.']
    assert messages_of(job, 4) == [
        '"wizard" is not a role: use admin, editor, moderator, representative, attendee.'
    ]
    assert [row["label"] for row in job.rows][1:] == [
        "not-an-address",
        "amy@example.com",
        "other@example.com",
    ]
    # The check wrote nothing: no account, no invitation, no role.
    assert User.objects.count() == users_before
    with scopes_disabled():
        assert not MemberInvitation.objects.exists()
    assert roles_of(amy, tenant) == {Role.ATTENDEE}

    page = client.get(f"/cms/members/import/{job.public_id}/").content.decode()
    assert "is not a role" in page and "Confirm import" not in page
    assert "upload the file again" in page
    refused = client.post(f"/cms/members/import/{job.public_id}/confirm/", follow=True)
    assert "Only a file checked without errors can be imported" in refused.content.decode()
    deliver()
    with scopes_disabled():
        job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED and User.objects.count() == users_before


def test_rows_are_imported_only_once_confirmed_and_a_second_import_changes_nothing(
    tenant, admin_user, amy, outbox
):
    client = sign_in(tenant, admin_user)
    confirmed(amy)
    lines = (
        "email,handle,display_name,language,roles",
        "Nina.New@Example.com,nina-new,Nina New,fr,moderator;attendee",
        "AMY@example.com,ignored-handle,Ignored Name,de,editor",
    )
    job = upload(client, "members", csv_file(*lines), resource="members")
    assert outcomes(job) == ["new", "update"] and not job.errors
    with scopes_disabled():
        assert not MemberInvitation.objects.exists()  # a check only

    job = confirm(client, "members", job)
    assert job.status == ImportStatus.DONE
    assert (job.new_rows, job.updated_rows, job.error_rows) == (1, 1, 0)
    # No account is made for an address: its owner is invited, and the role waits for the proof.
    assert not User.objects.filter(email__iexact="nina.new@example.com").exists()
    with scope(tenant=tenant):
        (invitation,) = MemberInvitation.objects.filter(tenant=tenant)
    assert (invitation.email, invitation.role, invitation.state) == (
        "nina.new@example.com",
        "moderator",
        "open",
    )
    assert [m["Subject"] for m in outbox() if m["To"] == "nina.new@example.com"] == [
        "[Alpha Academy] You are invited to join Alpha Academy as moderator"
    ]
    amy.refresh_from_db()
    assert (amy.handle, amy.display_name, amy.language) == ("amy", "Amy Attendee", "en")  # hers to change
    assert roles_of(amy, tenant) == {Role.ATTENDEE, Role.EDITOR}

    with scope(tenant=tenant):
        anchor = Membership.objects.get(tenant=tenant, user=amy, role=Role.ATTENDEE)
    history = client.get(f"/cms/members/history/{anchor.pk}/").content.decode()
    assert "Imported from rows.csv, row 3" in history and "Roles changed" in history

    again = upload(client, "members", csv_file(*lines), resource="members")
    assert outcomes(again) == ["skip", "skip"]
    again = confirm(client, "members", again)
    assert (again.status, again.new_rows, again.updated_rows, again.skipped_rows) == ("done", 0, 0, 2)
    with scope(tenant=tenant):
        assert MemberInvitation.objects.filter(tenant=tenant).count() == 1
    assert len([m for m in outbox() if m["To"] == "nina.new@example.com"]) == 1  # not invited twice


def test_a_column_left_out_changes_nothing(tenant, admin_user, amy, host, make_room):
    room = make_room(name="Algebra", approval_required=True)
    register(amy, room)
    client = sign_in(tenant, admin_user)
    members = upload(client, "members", csv_file("email", "boss@example.com", "amy@example.com"))
    assert outcomes(members) == ["skip", "skip"]  # no roles column: everyone keeps their roles
    registrations = upload(
        client,
        "registrations",
        csv_file("room_owner,room,email", "host,algebra,amy@example.com", "host,algebra,boss@example.com"),
    )
    assert outcomes(registrations) == ["skip", "new"]  # amy stays pending; boss waits like anyone
    confirm(client, "registrations", registrations)
    with scope(tenant=tenant):
        statuses = dict(Registration.objects.filter(room=room).values_list("user__handle", "status"))
    assert statuses == {"amy": RegistrationStatus.PENDING, "boss": RegistrationStatus.PENDING}


def test_an_unconfirmed_account_is_invited_like_an_unknown_address(tenant, admin_user, outbox):
    squatter = UserFactory(
        handle="squatter", email="ceo@example.com"
    )  # signed up with someone else's address
    client = sign_in(tenant, admin_user)
    lines = ("email,roles", "ceo@example.com,admin", "nobody-yet@example.com,admin")
    job = confirm(client, "members", upload(client, "members", csv_file(*lines), resource="members"))
    # Both rows read the same: the file tells nothing about who has an account.
    assert outcomes(job) == ["new", "new"] and not job.errors
    assert [row["label"] for row in job.rows] == ["ceo@example.com", "nobody-yet@example.com"]
    assert roles_of(squatter, tenant) == set()
    with scope(tenant=tenant):
        invited = set(MemberInvitation.objects.filter(tenant=tenant).values_list("email", "role"))
    assert invited == {("ceo@example.com", "admin"), ("nobody-yet@example.com", "admin")}


def test_the_upload_form_explains_files_it_cannot_read(tenant, admin_user):
    client = sign_in(tenant, admin_user)
    page = client.get("/cms/rooms/import/").content.decode()
    assert "owner, slug, name" in page and "plan applies" in page

    def refused(upload_file) -> str:
        response = client.post("/cms/rooms/import/", {"file": upload_file})
        assert response.status_code == 200
        return response.content.decode()

    assert "Upload a .csv or .xlsx file" in refused(SimpleUploadedFile("rooms.pdf", b"%PDF-1.4"))
    assert "is empty" in refused(SimpleUploadedFile("rooms.csv", b""))
    assert "not UTF-8 text" in refused(
        SimpleUploadedFile("rooms.csv", "owner,slug,name\nhost,é,Café\n".encode("latin-1"))
    )
    assert "not a valid XLSX file" in refused(SimpleUploadedFile("rooms.xlsx", b"PK\x03\x04 broken"))
    assert "Unknown columns: colour" in refused(csv_file("owner,slug,name,colour", "host,a,A,red"))
    assert "needs these columns: owner" in refused(csv_file("slug,name", "a,A"))
    assert "no rows to import" in refused(csv_file("owner,slug,name"))
    too_large = b"owner,slug,name\n" + b"host,a,A\n" * (5 * 2**20 // 9 + 1)
    assert "too large: at most 5 MB" in refused(SimpleUploadedFile("rooms.csv", too_large))
    with scopes_disabled():
        assert not ImportJob.objects.exists()


# --- Exports -------------------------------------------------------------------------------------


def test_an_xlsx_export_imports_back_without_changes(tenant, admin_user, host, make_room):
    make_room(name="Algebra", fee_model=FeeModel.ONE_TIME, price=Money("12.50", "USD"))
    make_room(name='=HYPERLINK("http://evil.example")', description="<p>Sums</p>")
    client = sign_in(tenant, admin_user)
    content = download(client, "rooms", "format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][:4] == ["owner", "slug", "name", "description"]
    assert "site" not in cells[0]  # a site's admin exports their own site only
    names = {row[2] for row in cells[1:]}
    assert names == {"Algebra", '\'=HYPERLINK("http://evil.example")'}  # never run as a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    rooms_before = [(room.pk, room.name, room.price, room.updated_at) for room in rooms_of(tenant)]
    job = upload(client, "rooms", SimpleUploadedFile("rooms.xlsx", content))
    assert outcomes(job) == ["skip", "skip"] and not job.errors
    job = confirm(client, "rooms", job)
    assert (job.status, job.new_rows, job.updated_rows) == ("done", 0, 0)
    assert [(room.pk, room.name, room.price, room.updated_at) for room in rooms_of(tenant)] == rooms_before


def test_members_and_plans_round_trip_through_csv(tenant, admin_user, amy, pro_plan):
    client = sign_in(tenant, admin_user)
    members = download(client, "members")
    assert {row["email"]: row["roles"] for row in csv_rows(members)} == {
        "boss@example.com": "admin;attendee",
        "amy@example.com": "attendee",
    }
    job = upload(client, "members", SimpleUploadedFile("members.csv", members), resource="members")
    assert set(outcomes(job)) == {"skip"}

    plans = download(client, "plans")
    (row,) = csv_rows(plans)
    assert (row["slug"], row["price"], row["price_currency"], row["allows_paid_rooms"]) == (
        "pro",
        "0.00",
        "USD",
        "True",
    )
    job = upload(client, "plans", SimpleUploadedFile("plans.csv", plans))
    assert outcomes(job) == ["skip"]


def test_money_columns_carry_the_amount_and_the_currency(tenant, admin_user, amy, host, make_room):
    make_room(name="Algebra", fee_model=FeeModel.ONE_TIME, price=Money("12.5", "USD"))
    _payment(tenant, amy, "pay_alpha")
    _adjustment(tenant, amy, admin_user, "Alpha goodwill")
    client = sign_in(tenant, admin_user)

    (room,) = csv_rows(download(client, "rooms"))
    assert (room["price"], room["price_currency"]) == ("12.50", "USD")
    (payment,) = csv_rows(download(client, "gateway-payments"))
    assert (payment["amount"], payment["currency"]) == ("25.00", "USD")
    assert (payment["refunded"], payment["refunded_currency"]) == ("0.00", "USD")
    postings = csv_rows(download(client, "ledger-entries"))
    goodwill = [line for line in postings if line["memo"] == "Alpha goodwill"]
    assert sorted(Decimal(line["amount"]) for line in goodwill) == [Decimal("-5"), Decimal("5")]
    assert {line["currency"] for line in goodwill} == {"USD"}
    assert {line["account_owner"] for line in goodwill} == {"amy", "platform"}


def test_an_export_follows_the_lists_filters_and_search(tenant, admin_user, host, make_room):
    make_room(name="Algebra")
    make_room(name="Biology", fee_model=FeeModel.MONTHLY, price=Money("9", "USD"))
    client = sign_in(tenant, admin_user)
    listing = client.get("/cms/rooms/?fee_model=monthly").content.decode()
    assert "/cms/rooms/export/?fee_model=monthly&amp;format=csv" in listing
    assert [row["name"] for row in csv_rows(download(client, "rooms", "fee_model=monthly&format=csv"))] == [
        "Biology"
    ]
    assert [row["name"] for row in csv_rows(download(client, "rooms", "q=alg&format=csv"))] == ["Algebra"]


def test_the_owner_exports_every_site_with_a_site_column(tenant, other_tenant, owner, amy, bert):
    rows = csv_rows(download(sign_in(tenant, owner), "members"))
    assert {(row["site"], row["email"]) for row in rows} >= {
        ("alpha", "amy@example.com"),
        ("beta", "bert@example.com"),
    }


# --- Sites stay apart ----------------------------------------------------------------------------


def test_another_sites_admin_neither_exports_nor_imports_this_sites_rows(
    tenant, other_tenant, admin_user, other_admin, amy, bert, host, make_room, other_room
):
    make_room(name="Algebra")
    client_a = sign_in(tenant, admin_user)
    job = upload(client_a, "rooms", csv_file("owner,slug,name", "host,algebra,Algebra"))

    # Beta's admin on Alpha's address: not a member there, so no back office at all.
    stranger = sign_in(tenant, other_admin)
    for url in ("/cms/rooms/export/", "/cms/rooms/import/", f"/cms/rooms/import/{job.public_id}/"):
        assert stranger.get(url).status_code in (302, 403), url
    # On their own site: their rows only, and Alpha's job does not exist there.
    client_b = sign_in(other_tenant, other_admin)
    names = [row["name"] for row in csv_rows(download(client_b, "rooms"))]
    assert names == ["Zoology"]
    emails = {row["email"] for row in csv_rows(download(client_b, "members"))}
    assert "bert@example.com" in emails and "amy@example.com" not in emails
    for view in ("", "status/"):
        assert client_b.get(f"/cms/rooms/import/{job.public_id}/{view}").status_code == 404
    assert client_b.post(f"/cms/rooms/import/{job.public_id}/confirm/").status_code == 404


def test_an_import_never_writes_to_another_site(tenant, other_tenant, admin_user, other_room, bert):
    client = sign_in(tenant, admin_user)
    other_before = rooms_of(other_tenant)
    job = upload(
        client,
        "rooms",
        csv_file(
            "site,owner,slug,name",
            "beta,zoltan,zoology,Renamed by Alpha",  # Beta's row: refused
            ",zoltan,zoology,Zoology on Alpha",  # Beta's host is no moderator on Alpha
        ),
    )
    assert outcomes(job) == ["error", "error"]
    assert 'This row is for the site "beta"' in messages_of(job, 2)[0]
    assert "Only moderators can host rooms here" in messages_of(job, 3)[0]
    registrations = upload(
        client,
        "registrations",
        csv_file("room_owner,room,email,status", "zoltan,zoology,bert@example.com,approved"),
    )
    assert messages_of(registrations, 2) == [
        "Alpha Academy has no room @zoltan/zoology.",
        "bert@example.com is not a member of Alpha Academy: import them as a member first.",
    ]
    assert [(room.pk, room.name) for room in rooms_of(other_tenant)] == [(r.pk, r.name) for r in other_before]
    assert rooms_of(tenant) == []

    # Another site's member reads exactly like an address nobody has: nothing about them leaks.
    profiles = upload(
        client,
        "members",
        csv_file("email,handle,headline", "bert@example.com,guess,Hi", "ghost@example.com,,Hi"),
        resource="moderator-profiles",
    )
    assert messages_of(profiles, 2) == ["No member of Alpha Academy has the address bert@example.com."]
    assert messages_of(profiles, 3) == ["No member of Alpha Academy has the address ghost@example.com."]
    by_handle = upload(
        client, "members", csv_file("handle,headline", "bert,Hi"), resource="moderator-profiles"
    )
    assert messages_of(by_handle, 2) == ["No member of Alpha Academy has the handle @bert."]


# --- What is never imported ----------------------------------------------------------------------


def test_ledger_entries_and_payments_are_exported_only(tenant, admin_user, editor):
    client = sign_in(tenant, admin_user)
    for screen in ("ledger-entries", "gateway-payments"):
        with pytest.raises(NoReverseMatch):
            reverse(f"{screen}:import")
        assert client.get(f"/cms/{screen}/import/").status_code == 404
        listing = client.get(f"/cms/{screen}/").content.decode()
        assert f"/cms/{screen}/export/?format=csv" in listing and f"/cms/{screen}/import/" not in listing
        assert sign_in(tenant, editor).get(f"/cms/{screen}/export/").status_code in (302, 403)
    for resource in (LedgerPostingResource, PaymentResource):
        dataset = read_table(b"amount,currency\n5,USD\n", "csv")
        with pytest.raises(NotImportable):
            resource(tenant=tenant, actor=admin_user).import_data(dataset)


def test_a_registration_for_a_paid_room_is_refused_and_one_for_a_free_room_goes_through(
    tenant, admin_user, amy, host, make_room
):
    make_room(name="Algebra")
    make_room(name="Paid", fee_model=FeeModel.ONE_TIME, price=Money("10", "USD"))
    client = sign_in(tenant, admin_user)
    job = upload(
        client,
        "registrations",
        csv_file(
            "room_owner,room,email,status",
            "host,algebra,amy@example.com,approved",
            "@host,paid,amy@example.com,approved",
        ),
    )
    assert outcomes(job) == ["new", "error"]
    assert messages_of(job, 3) == [
        "Paid rooms take registrations through payment: only registrations for free rooms can be imported."
    ]
    page = client.get(f"/cms/registrations/import/{job.public_id}/").content.decode()
    assert "Paid rooms take registrations through payment" in page

    free_only = upload(
        client,
        "registrations",
        csv_file("room_owner,room,email,status", "host,algebra,amy@example.com,approved"),
    )
    assert confirm(client, "registrations", free_only).status == ImportStatus.DONE
    with scope(tenant=tenant):
        (registration,) = Registration.objects.filter(tenant=tenant)
    assert (registration.room.slug, registration.status) == ("algebra", RegistrationStatus.APPROVED)
    assert registration.paid.amount == 0


def test_registrations_already_held_are_skipped_even_in_paid_rooms(tenant, admin_user, amy, host, make_room):
    room = make_room(name="Paid", fee_model=FeeModel.ONE_TIME, price=Money("10", "USD"))
    from tests.factories.money import fund

    fund(tenant, amy, "10")
    register(amy, room)
    client = sign_in(tenant, admin_user)
    exported = download(client, "registrations")
    (row,) = csv_rows(exported)
    assert (row["price"], row["price_currency"], row["paid"], row["paid_currency"]) == (
        "10.00",
        "USD",
        "10.00",
        "USD",
    )
    job = upload(client, "registrations", SimpleUploadedFile("registrations.csv", exported))
    assert outcomes(job) == ["skip"]


def test_plan_limits_are_the_rows_errors_on_room_import(tenant, admin_user, host, pro_plan):
    client = sign_in(tenant, admin_user)
    job = upload(
        client,
        "rooms",
        csv_file(
            "owner,slug,name,fee_model,price,max_participants",
            "host,big,Big room,free,,500",
            "host,by-the-minute,By the minute,per_minute,1.50,10",
            "host,fine,Fine room,one_time,20,10",
        ),
    )
    assert outcomes(job) == ["error", "error", "new"]
    assert messages_of(job, 2) == ["Your Pro plan allows up to 100 participants."]
    assert messages_of(job, 3) == ["Your Pro plan does not include per-minute rooms."]
    assert [error["field"] for error in job.errors] == ["max_participants", "fee_model"]
    assert rooms_of(tenant) == []

    only_fine = upload(
        client, "rooms", csv_file("owner,slug,name,fee_model,price", "host,fine,Fine room,one_time,20")
    )
    assert confirm(client, "rooms", only_fine).status == ImportStatus.DONE
    (room,) = rooms_of(tenant)
    assert (room.slug, room.fee_model, room.price) == ("fine", FeeModel.ONE_TIME, Money("20", "USD"))
    # The room's history names the admin who imported it, not the host.
    with scopes_disabled():
        created = ModelLogEntry.objects.get(
            content_type__model="room", object_id=str(room.pk), action="wagtail.create"
        )
    assert created.user == admin_user


def test_the_import_is_all_or_nothing_when_the_site_changed_since_the_check(tenant, admin_user, host):
    with scope(tenant=tenant):
        Plan.objects.filter(tenant=tenant, slug="pro").update(max_rooms=2)
    client = sign_in(tenant, admin_user)
    job = upload(client, "rooms", csv_file("owner,slug,name", "host,one,One", "host,two,Two"))
    assert outcomes(job) == ["new", "new"]
    create_room(host, tenant, name="Meanwhile")  # the host fills a slot before the import runs
    job = confirm(client, "rooms", job)
    assert job.status == ImportStatus.FAILED and "nothing was changed" in job.failure
    assert "Your Pro plan allows 2 active rooms." in messages_of(job, 3)
    assert [room.name for room in rooms_of(tenant)] == ["Meanwhile"]


def test_moderator_profiles_import_with_topics_of_the_site_only(
    tenant, other_tenant, admin_user, host, owner
):
    create_topic(tenant, actor=owner, name="Mathematics", slug="maths")
    create_topic(other_tenant, actor=owner, name="Cardiology", slug="cardio")
    client = sign_in(tenant, admin_user)
    job = upload(
        client,
        "members",
        csv_file(
            "handle,headline,topics,languages,visibility",
            "host,Numbers made easy,maths,en;FR,public",
            "boss,Not a moderator,,,",
            "host,Again,cardio,,",
        ),
        resource="moderator-profiles",
    )
    assert outcomes(job) == ["new", "error", "error"]  # row 4 finds the profile row 2 made
    assert "Only moderators of Alpha Academy have a public profile" in messages_of(job, 3)[0]
    assert messages_of(job, 4) == ['Unknown topic on Alpha Academy: "cardio".']

    job = upload(
        client,
        "members",
        csv_file("handle,headline,topics,languages", "host,Numbers made easy,maths,en;FR"),
        resource="moderator-profiles",
    )
    confirm(client, "members", job)
    exported = csv_rows(download(client, "members", "format=csv&resource=moderator-profiles"))
    assert [(row["handle"], row["headline"], row["topics"], row["languages"]) for row in exported] == [
        ("host", "Numbers made easy", "maths", "en;fr")
    ]


# --- Progress and permissions --------------------------------------------------------------------


def test_the_status_endpoint_answers_json_and_the_page_loads_its_script(tenant, admin_user, host):
    client = sign_in(tenant, admin_user)
    response = client.post("/cms/rooms/import/", {"file": csv_file("owner,slug,name", "host,one,One")})
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "marketplace/js/import-progress.js" in page and 'data-import-running="true"' in page
    status = client.get(f"{job_url}status/")
    assert status["Content-Type"] == "application/json"
    waiting = status.json()
    assert (waiting["status"], waiting["running"], waiting["total_rows"], waiting["processed_rows"]) == (
        "uploaded",
        True,
        1,
        0,
    )

    deliver()
    checked = client.get(f"{job_url}status/").json()
    assert (checked["status"], checked["running"], checked["percent"], checked["new_rows"]) == (
        "previewed",
        False,
        100,
        1,
    )
    assert "Confirm import" in client.get(job_url).content.decode()


def test_every_export_and_import_is_refused_to_editors_and_offered_to_admins(tenant, admin_user, editor):
    reverse("wagtailadmin_home")  # loads the admin's URLs, and with them its viewsets
    screens = [viewset for viewset in admin_viewsets.viewsets if getattr(viewset, "resource_classes", None)]
    assert {viewset.url_namespace for viewset in screens} >= {
        "members",
        "plans",
        "rooms",
        "registrations",
        "ledger-entries",
        "gateway-payments",
    }
    admin, stranger = sign_in(tenant, admin_user), sign_in(tenant, editor)
    for viewset in screens:
        export_url = reverse(f"{viewset.url_namespace}:export")
        assert admin.get(f"{export_url}?format=xlsx").status_code == 200, export_url
        assert stranger.get(export_url).status_code in (302, 403), export_url
        if viewset.importable:
            import_url = reverse(f"{viewset.url_namespace}:import")
            assert admin.get(import_url).status_code == 200, import_url
            assert stranger.get(import_url).status_code in (302, 403), import_url
    assert MemberResource.importable


def test_a_moderator_on_another_plan_is_matched_by_handle(tenant, admin_user):
    moderator_on_plan(tenant, "Starter", "sam")
    make_member(tenant, handle="zed", email="zed@example.com")
    client = sign_in(tenant, admin_user)
    job = upload(client, "rooms", csv_file("owner,slug,name", "@Sam,intro,Intro", "zed,intro,Intro"))
    assert outcomes(job) == ["new", "error"]
    assert "Only moderators can host rooms here" in messages_of(job, 3)[0]


def test_old_import_jobs_and_their_files_are_deleted_after_the_keeping_period(tenant, admin_user, amy):
    client = sign_in(tenant, admin_user)
    old = upload(client, "members", csv_file("email,roles", "amy@example.com,attendee"), resource="members")
    recent = upload(client, "members", csv_file("email", "amy@example.com"), resource="members")
    with scopes_disabled():
        ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
        ImportJob.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=29))
    purge_import_jobs.fn()
    with scopes_disabled():
        assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert client.get(f"/cms/members/import/{old.public_id}/").status_code == 404


def _xlsx(rows: list[list[str]], *, dimension: str = "") -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    plain = io.BytesIO()
    book.save(plain)
    if not dimension:
        return plain.getvalue()
    rewritten = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>'.encode(), data)
            target.writestr(item, data)
    return rewritten.getvalue()


def test_a_spreadsheet_that_claims_a_huge_size_is_read_by_its_cells():
    content = _xlsx([["owner", "slug", "name"], ["host", "a", "A"]], dimension="A1:XFD1048576")
    table = read_table(content, "xlsx")
    assert table.headers == ["owner", "slug", "name"] and table.height == 1


def test_a_spreadsheet_that_unpacks_to_too_much_is_refused(tenant, admin_user):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (65 * 2**20))
    client = sign_in(tenant, admin_user)
    response = client.post("/cms/rooms/import/", {"file": SimpleUploadedFile("rooms.xlsx", bomb.getvalue())})
    assert response.status_code == 200 and "unpacks to more than 64 MB" in response.content.decode()
    with scopes_disabled():
        assert not ImportJob.objects.exists()


def test_a_job_its_worker_gave_up_on_is_marked_failed(tenant, admin_user, amy):
    client = sign_in(tenant, admin_user)
    stalled = upload(client, "members", csv_file("email", "amy@example.com"), resource="members")
    running = upload(client, "members", csv_file("email", "amy@example.com"), resource="members")
    with scopes_disabled():
        ImportJob.objects.filter(pk=stalled.pk).update(
            status=ImportStatus.IMPORTING, step_started_at=timezone.now() - timedelta(minutes=80)
        )
        ImportJob.objects.filter(pk=running.pk).update(
            status=ImportStatus.IMPORTING, step_started_at=timezone.now() - timedelta(minutes=10)
        )
    purge_import_jobs.fn()
    status = client.get(f"/cms/members/import/{stalled.public_id}/status/").json()
    assert status["status"] == "failed" and not status["running"]
    assert "stopped before it finished" in status["failure"]
    assert client.get(f"/cms/members/import/{running.public_id}/status/").json()["status"] == "importing"


def test_an_importable_file_must_state_how_rows_are_matched_and_written():
    class Careless(MemberResource):
        name = "careless"
        importable = True
        # The base's own hooks: no rules of its own.
        find, changes, write = TenantResource.find, TenantResource.changes, TenantResource.write

    with pytest.raises(TypeError, match="does not define find, changes, write"):
        tabular.register(Careless)
    assert "careless" not in tabular.RESOURCES
