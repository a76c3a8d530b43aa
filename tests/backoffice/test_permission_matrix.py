"""Every back-office screen Wagtail knows of, walked with two sites: nothing of site B is within reach
of site A's admin, whatever the screen and whatever the verb.

The screens are not listed here: they are read from Wagtail's registry of admin viewsets (what the
`register_admin_viewset` hooks return, groups flattened), registered snippets and per-site settings.
A screen whose model belongs to a site (a `tenant` foreign key, a collection, a Site) is walked with
one row of site B: its list (and search, and export), each URL that takes the row's id (inspect,
edit, delete, history, usage, copy, chosen and every custom action, each with GET and, for those
that change something, POST) and its import. A's admin, signed in on A's host, must be refused
(403, 404, or Wagtail's "no permission" redirect to the dashboard), never shown B's row, and nothing
of B may change. The platform owner sees the same row in the same list, which proves the row exists
and would show. A screen over platform rows (tenants, tenant plans, users) is the owner's only.

A new screen over a site's model fails here until `PROBES` knows how to make such a row on B.
Screens left out, and why, are in `EXPLAINED` (they are reported as skipped tests).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import dramatiq
import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.exceptions import FieldDoesNotExist
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse
from django_scopes import scope, scopes_disabled
from djmoney.money import Money
from wagtail.admin.viewsets import viewsets as registry
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.coreutils import resolve_model_string
from wagtail.documents import get_document_model
from wagtail.models import CollectionMember, ModelLogEntry, PageLogEntry
from wagtail.snippets.models import get_snippet_models

from cms.editor_access import ensure_editor_access
from cms.models import BrandingSettings, NavigationSettings
from conferencing.models import Recording, ServerSettings
from marketplace.models import Membership, Plan, PlanSubscription, Tenant, User
from marketplace.roles import Role
from marketplace.services.invitations import invite_member
from marketplace.services.registrations import register
from marketplace.services.rooms import create_room
from marketplace.services.topics import create_topic
from payments import ledger
from payments.models import BillingMode, Payment, PeriodUnit, TenantPlan, WebhookEvent
from payments.services.adjustments import adjust_wallet
from payments.services.payouts import request_payout
from payments.services.tenant_billing import mark_paid_manually, set_billing_mode
from tests.backoffice.conftest import STARTED, make_session, moderator_on_plan, sign_in
from tests.cms import site_content
from tests.factories import TenantFactory, UserFactory, make_member
from tests.factories.money import fund
from tests.jobs import deliver

pytestmark = pytest.mark.django_db

# Read-only views: GET is the whole check. Every other view that takes a row's id is also POSTed to.
READ_ONLY_VIEWS = frozenset({"inspect", "history", "history_results", "usage", "chosen", "select_format"})
LIST_VIEWS = ("index", "index_results", "choose", "choose_results")
DENIED_MESSAGE = "do not have permission"
APPS_WATCHED = ("marketplace", "payments", "conferencing", "cms", "search")
REPLACEMENT = "Hijacked"
SITE_OWNED = ("tenant", "collection", "site")

# Screens not walked by the matrix, and why (each is a skipped test, so the reason shows in reports).
EXPLAINED = {
    "PageViewSet": "Wagtail's pages belong to a site through the page tree, not a tenant field: each "
    "tenant's editors group holds permissions on its own home page subtree only (cms.editor_access); "
    "tests/cms/test_editor_permissions.py checks another site's pages are refused.",
    "wallet-adjustment": "A form without rows of its own: "
    "test_the_wallet_adjustment_cannot_reach_another_sites_wallet below covers it.",
}


# --- Discovering the screens ---------------------------------------------------------------------


def ownership(model: type[Model] | None) -> str:
    """Whose rows the model holds: a site's ("tenant", "collection", "site") or the platform's."""
    if model is None:
        return "none"
    try:
        tenant_field = model._meta.get_field("tenant")
    except FieldDoesNotExist:
        tenant_field = None
    if tenant_field is not None and tenant_field.concrete and tenant_field.related_model is Tenant:
        return "tenant"
    if issubclass(model, CollectionMember):
        return "collection"
    if issubclass(model, BaseSiteSetting):
        return "site"
    return "platform"


@dataclass(frozen=True)
class Screen:
    key: str  # the URL namespace, or "settings:<app>.<model>"
    kind: str  # "viewset", "chooser" or "setting"
    model: type[Model] | None
    url_names: tuple[str, ...] = ()
    row_url_names: tuple[str, ...] = ()  # the URLs that take one row's id
    job_url_names: tuple[str, ...] = ()  # the URLs that take an import job's id
    odd_url_names: tuple[str, ...] = ()  # URLs with arguments this file does not know how to fill
    import_resources: tuple[str, ...] = ()  # what the screen's import accepts
    methods: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the HTTP methods each URL's view answers

    @property
    def owner(self) -> str:
        return ownership(self.model)

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"{self.key}:{name}", args=args)

    def methods_of(self, name: str) -> tuple[str, ...]:
        return dict(self.methods).get(name, ("GET", "POST"))

    def has_url(self, name: str) -> bool:
        """Whether the screen has this URL (export and import may be added to any screen)."""
        if name in self.url_names:
            return True
        try:
            reverse(f"{self.key}:{name}")
        except NoReverseMatch:
            return False
        return True


def _viewset_model(viewset: ViewSet) -> type[Model] | None:
    model = getattr(viewset, "model", None)
    return resolve_model_string(model) if isinstance(model, str) else model


def registered_viewsets() -> list[ViewSet]:
    """Wagtail's admin viewsets (groups flattened) and registered snippets' viewsets."""
    assert get_resolver().url_patterns  # loading the URLconf fills Wagtail's viewset registry
    found: dict[int, ViewSet] = {}
    snippet_viewsets = [getattr(model, "snippet_viewset", None) for model in get_snippet_models()]
    for viewset in [*registry.viewsets, *filter(None, snippet_viewsets)]:
        found.setdefault(id(viewset), viewset)
    return list(found.values())


def viewset_key(viewset: ViewSet) -> str:
    return viewset.name or type(viewset).__name__


def view_methods(callback: Callable) -> tuple[str, ...]:
    """GET and POST, or those of the two the view's class answers (a function view may take both)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return ("GET", "POST")
    answered = [m for m in ("get", "post") if m in view_class.http_method_names and hasattr(view_class, m)]
    return tuple(method.upper() for method in answered)


def screen_of(viewset: ViewSet) -> Screen:
    names, methods, by_argument = [], [], {"row": [], "job": [], "odd": []}
    for pattern in viewset.get_urlpatterns():
        if not pattern.name:
            continue
        names.append(pattern.name)
        methods.append((pattern.name, view_methods(pattern.callback)))
        arguments = list(pattern.pattern.converters)
        if arguments == ["pk"] or (len(arguments) == 1 and arguments[0].endswith("_id")):
            by_argument["row"].append(pattern.name)
        elif arguments == ["job"]:
            by_argument["job"].append(pattern.name)
        elif arguments:
            by_argument["odd"].append(pattern.name)
    resources = getattr(viewset, "resource_classes", ())
    return Screen(
        viewset.url_namespace,
        "chooser" if isinstance(viewset, ChooserViewSet) else "viewset",
        _viewset_model(viewset),
        tuple(names),
        tuple(by_argument["row"]),
        tuple(by_argument["job"]),
        tuple(by_argument["odd"]),
        tuple(resource.name for resource in resources if getattr(resource, "importable", False)),
        tuple(methods),
    )


def setting_screens() -> list[Screen]:
    return [
        Screen(f"settings:{model._meta.app_label}.{model._meta.model_name}", "setting", model)
        for model in settings_registry
    ]


def all_screens() -> list[Screen]:
    """The screens to walk: every registered one but those EXPLAINED (with the reason there)."""
    screens = []
    for viewset in registered_viewsets():
        key = viewset_key(viewset)
        if key in EXPLAINED:
            continue
        if not viewset.name:
            raise AssertionError(f"{key} has no URL namespace: explain it in EXPLAINED")
        screens.append(screen_of(viewset))
    return [*screens, *setting_screens()]


SCREENS = all_screens()


# --- Rows of site B that each model's screen must keep from site A ------------------------------


@dataclass(frozen=True)
class Probe:
    row: Model
    text: str  # what B's row shows in a list, and nothing of site A does


@dataclass
class World:
    """Site A (alpha.localhost) with its admin, site B (beta.localhost), the platform owner."""

    tenant: Tenant
    other_tenant: Tenant
    admin: User
    owner: User
    other_admin: User
    made: dict[str, Any] = field(default_factory=dict)

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self.made:
            self.made[name] = make()
        return self.made[name]

    # Site B's people and rooms, made on first use.
    def beta_member(self) -> User:
        return self.once(
            "member",
            lambda: make_member(
                self.other_tenant, handle="zebedee", email="zebedee@example.com", display_name="Zebedee Z"
            ),
        )

    def beta_host(self) -> User:
        return self.once("host", lambda: moderator_on_plan(self.other_tenant, "Zetaplan", "zoltan"))

    def beta_room(self):
        return self.once("room", lambda: create_room(self.beta_host(), self.other_tenant, name="Zoology"))

    def beta_admin(self) -> User:
        return self.other_admin

    def beta_collection(self):
        return ensure_editor_access(self.other_tenant).collection

    def probe(self, model: type[Model]) -> Probe:
        maker = PROBES.get(model._meta.label)
        if maker is None:
            pytest.fail(
                f"{model._meta.label} belongs to a site but this test cannot make one of its rows: "
                "add a maker to PROBES so its screen is walked"
            )
        return maker(self)


def _membership(w: World) -> Probe:
    member = w.beta_member()
    with scope(tenant=w.other_tenant):
        row = Membership.objects.get(user=member, tenant=w.other_tenant, role=Role.ATTENDEE)
    return Probe(row, "zebedee")


def _plan(w: World) -> Probe:
    w.beta_host()
    with scope(tenant=w.other_tenant):
        return Probe(Plan.objects.get(tenant=w.other_tenant, slug="zetaplan"), "Zetaplan")


def _plan_subscription(w: World) -> Probe:
    with scope(tenant=w.other_tenant):
        return Probe(PlanSubscription.objects.get(user=w.beta_host(), tenant=w.other_tenant), "zoltan")


def _registration(w: World) -> Probe:
    return Probe(register(w.beta_member(), w.beta_room()), "zebedee")


def _topic(w: World) -> Probe:
    return Probe(create_topic(w.other_tenant, actor=w.owner, name="Zymurgy"), "Zymurgy")


def _profile(w: World) -> Probe:
    _, profile = site_content.moderator(w.other_tenant, "zoltan", "Zoltan Zebra")
    return Probe(profile, "@zoltan")


def _account(w: World) -> Probe:
    fund(w.other_tenant, w.beta_member(), "10")
    return Probe(ledger.wallet_of(w.beta_member(), w.other_tenant, "USD"), "zebedee")


def _entry(w: World) -> Probe:
    entry = adjust_wallet(
        tenant=w.other_tenant,
        user=w.beta_member(),
        amount=Money("5", "USD"),
        reason="Zebra goodwill",
        idempotency_key="matrix:zebra-goodwill",
        actor=w.owner,
    )
    return Probe(entry, "Zebra goodwill")


def _payment(w: World) -> Probe:
    with scope(tenant=w.other_tenant):
        payment = Payment.objects.create(
            tenant=w.other_tenant,
            user=w.beta_member(),
            gateway="test",
            amount=Money("25", "USD"),
            status="succeeded",
            provider_reference="pay_zebra",
        )
    return Probe(payment, "zebedee")


def _webhook_event(w: World) -> Probe:
    event = WebhookEvent.objects.create(
        provider="test", event_id="evt_zebra", event_type="payment.ok", payload={}, tenant=w.other_tenant
    )
    return Probe(event, "evt_zebra")


def _payout(w: World) -> Probe:
    fund(w.other_tenant, w.beta_member(), "30")
    payout = request_payout(
        tenant=w.other_tenant,
        user=w.beta_member(),
        amount=Money("10", "USD"),
        idempotency_key="matrix:zebra-payout",
        destination="IBAN ZEBRA",
    )
    return Probe(payout, "IBAN ZEBRA")


def _server(w: World) -> Probe:
    with scope(tenant=w.other_tenant):
        server = ServerSettings.objects.create(
            tenant=w.other_tenant,
            endpoint="https://bbb.zebra.test/bigbluebutton/api/",
            secret="zebra-secret-0123456789",
        )
    return Probe(server, "bbb.zebra.test")


def _recording(w: World) -> Probe:
    with scope(tenant=w.other_tenant):
        recording = Recording.objects.create(
            tenant=w.other_tenant,
            room=w.beta_room(),
            record_id="zebra-recording-1",
            name="Zebra recording",
            state="published",
            started_at=STARTED,
        )
    return Probe(recording, "Zebra recording")


def _session(w: World) -> Probe:
    return Probe(make_session(w.beta_room()), "Zoology")


def _tenant_billing(w: World) -> Probe:
    return Probe(set_billing_mode(w.other_tenant, mode=BillingMode.PAID, actor=w.owner), "Beta Clinic")


def _tenant_subscription(w: World) -> Probe:
    plan = TenantPlan.objects.create(
        name="Zenith", slug="zenith", price=Money("30", "USD"), period_length=30, period_unit=PeriodUnit.DAYS
    )
    return Probe(mark_paid_manually(tenant=w.other_tenant, plan=plan, actor=w.owner), "Zenith")


def _image(w: World) -> Probe:
    # The chooser lists thumbnails: the rendition is made beforehand (see site_content.image_in).
    return Probe(site_content.image_in(w.beta_collection(), "Zebra ward", "max-165x165"), "Zebra ward")


def _document(w: World) -> Probe:
    document = get_document_model().objects.create(
        title="Zebra leaflet",
        file=SimpleUploadedFile("zebra.txt", b"Zebra leaflet"),
        collection=w.beta_collection(),
    )
    return Probe(document, "Zebra leaflet")


def _branding(w: World) -> Probe:
    branding = BrandingSettings.for_site(w.other_tenant.site)
    branding.page_title = "Zebra branding"
    branding.save()
    return Probe(branding, "Zebra branding")


def _navigation(w: World) -> Probe:
    menus = NavigationSettings.for_site(w.other_tenant.site)
    menus.header_links = [("link", {"label": "Zebra link", "page": None, "url": "https://zebra.example/"})]
    menus.save()
    return Probe(menus, "Zebra link")


def _invitation(w: World) -> Probe:
    invitation = invite_member(
        w.other_tenant, person="zinnia@example.com", role=Role.EDITOR, actor=w.beta_admin()
    )
    return Probe(invitation, "zinnia@example.com")


PROBES: dict[str, Callable[[World], Probe]] = {
    "marketplace.MemberInvitation": _invitation,
    "marketplace.Membership": _membership,
    "marketplace.Plan": _plan,
    "marketplace.PlanSubscription": _plan_subscription,
    "marketplace.Room": lambda w: Probe(w.beta_room(), "Zoology"),
    "marketplace.Registration": _registration,
    "marketplace.Topic": _topic,
    "marketplace.ModeratorProfile": _profile,
    "payments.Account": _account,
    "payments.Entry": _entry,
    "payments.Payment": _payment,
    "payments.WebhookEvent": _webhook_event,
    "payments.Payout": _payout,
    "payments.TenantBilling": _tenant_billing,
    "payments.TenantSubscription": _tenant_subscription,
    "conferencing.ServerSettings": _server,
    "conferencing.Recording": _recording,
    "conferencing.Session": _session,
    "wagtailimages.Image": _image,
    "wagtaildocs.Document": _document,
    "cms.BrandingSettings": _branding,
    "cms.NavigationSettings": _navigation,
}


@dataclass(frozen=True)
class Sites:
    tenant: Tenant
    other_tenant: Tenant
    admin: User
    other_admin: User
    owner: User


@pytest.fixture(scope="module")
def sites(django_db_setup, django_db_blocker) -> Iterator[Sites]:
    """The two sites and their people, made once for this module's tests.

    They live in a transaction around the module's tests, each of which runs in a savepoint of its
    own (pytest-django's), so every row a test makes is gone after it and these after the module.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            tenant = TenantFactory(name="Alpha Academy", slug="alpha", hostname="alpha.localhost")
            other_tenant = TenantFactory(name="Beta Clinic", slug="beta", hostname="beta.localhost")
            yield Sites(
                tenant=tenant,
                other_tenant=other_tenant,
                admin=make_member(tenant, Role.ADMIN, handle="boss", email="boss@example.com"),
                # B has staff too, and so its own editors group and collection.
                other_admin=make_member(other_tenant, Role.ADMIN, handle="rival", email="rival@example.com"),
                owner=UserFactory(
                    handle="platform", email="owner@example.com", is_superuser=True, is_staff=True
                ),
            )
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(sites: Sites, db) -> World:
    connection.run_on_commit.clear()  # the module's set-up queued jobs for rows no test asks about
    return World(sites.tenant, sites.other_tenant, sites.admin, sites.owner, sites.other_admin)


# --- What a browser would send -------------------------------------------------------------------


@dataclass
class HtmlForm:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        values: dict[str, list[str]] = {}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)
        return {name: found[0] if len(found) == 1 else found for name, found in values.items()}


class FormReader(HTMLParser):
    """The POST forms of a page, filled as a browser would send them (required blanks get text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = HtmlForm(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
        elif self._form is None or ("name" not in a and tag in ("input", "select", "textarea")):
            return
        elif tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": a["name"], "text": "", "required": "required" in a}

    def _input(self, a: dict[str, str]) -> None:
        kind, name, value = a.get("type", "text").lower(), a["name"], a.get("value", "")
        if kind in ("submit", "button", "image", "reset"):
            return
        if kind == "file":
            self._form.files.append(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in a:
                self._form.fields.append((name, value or "on"))
        else:
            if not value and "required" in a:
                value = {"number": "1", "email": "probe@example.com", "url": "https://probe.test/"}.get(
                    kind, "Probe"
                )
            self._form.fields.append((name, value))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.extend((self._select["name"], value) for value in chosen(self._select))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = self._textarea["text"].lstrip("\n")
            self._form.fields.append(
                (self._textarea["name"], text or ("Probe" if self._textarea["required"] else ""))
            )
            self._textarea = None
        elif tag == "form":
            self._form = None


def chosen(select: dict[str, Any]) -> list[str]:
    """The options a browser sends: the selected ones, else the first; CSV when a format is offered."""
    options = [
        (option["value"] if option["value"] is not None else option["text"].strip(), option)
        for option in select["options"]
    ]
    csv_option = [value for value, option in options if "csv" in f"{value} {option['text']}".lower()]
    if csv_option:
        return csv_option[:1]
    selected = [value for value, option in options if option["selected"]]
    if selected or select["multiple"]:
        return selected
    return [value for value, _ in options[:1] if value]


def post_form(response: HttpResponse, url: str) -> HtmlForm | None:
    """The page's form that posts back to `url` (or the page's only POST form)."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    reader = FormReader()
    reader.feed(response.content.decode())
    forms = [form for form in reader.forms if form.method == "post"]
    path = urlsplit(url).path
    for form in forms:
        if not form.action or urlsplit(form.action).path == path:
            return form
    return forms[0] if len(forms) == 1 else None


def payload(form: HtmlForm | None, text: str) -> dict[str, Any]:
    """The form's data with B's identifying text replaced, as someone taking the row over would."""
    if form is None:
        return {}
    data = form.data()
    for name, value in data.items():
        if isinstance(value, str) and text in value:
            data[name] = value.replace(text, REPLACEMENT)
    return data


# --- Reading the answers -------------------------------------------------------------------------


def body(response: HttpResponse) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK"):  # a spreadsheet: the text of every part
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    return raw.decode(errors="replace")


def refusal(response: HttpResponse) -> str | None:
    """How the request was refused (403, 404, Wagtail's redirect to the dashboard), or None."""
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"):
        said = " ".join(str(message) for message in get_messages(response.wsgi_request))
        if DENIED_MESSAGE in said:
            return "302 to the dashboard: no permission"
    return None


def assert_refused(response: HttpResponse, method: str, url: str, probe: Probe) -> None:
    where = f"{method} {url} by site A's admin"
    assert refusal(response), f"{where} answered {response.status_code} {response.get('Location', '')}"
    assert probe.text not in body(response), f"{where} shows B's row ({probe.text!r})"


def watched_models() -> list[type[Model]]:
    tables = set(connection.introspection.table_names())
    models = [model for model in apps.get_models() if model._meta.app_label in APPS_WATCHED]
    models = [*models, ModelLogEntry, PageLogEntry, User, get_document_model()]
    return [model for model in models if model._meta.db_table in tables]


def state_of_b(world: World) -> dict[str, Any]:
    """Every row of site B, field by field, and how many rows each watched table holds."""
    site_b, state = world.other_tenant, {}
    collection = world.beta_collection()
    with scopes_disabled():
        for model in watched_models():
            label, owner = model._meta.label, ownership(model)
            state[f"{label} rows"] = model._base_manager.count()
            rows = model._base_manager.order_by("pk")
            if owner == "tenant":
                state[f"{label} of B"] = list(rows.filter(tenant=site_b).values())
            elif owner == "collection":
                state[f"{label} of B"] = list(rows.filter(collection=collection).values())
            elif owner == "site":
                state[f"{label} of B"] = list(rows.filter(site=site_b.site).values())
    return state


def only_b(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key.endswith(" of B")}


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(key for key in {*before, *after} if before.get(key) != after.get(key))


# --- The checks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    screen: Screen
    verb: str
    method: str = "GET"

    @property
    def id(self) -> str:
        return f"{self.screen.key}-{self.verb}" + (f"-{self.method}" if self.method != "GET" else "")


def checks_of(screen: Screen) -> Iterator[Check]:
    if screen.kind == "setting":
        if issubclass(screen.model, BaseGenericSetting):
            yield Check(screen, "owner-only")
            return
        yield from (Check(screen, "list"), Check(screen, "owner-sees-row"))
        yield from (Check(screen, "edit"), Check(screen, "edit", "POST"))
        return
    if screen.owner not in SITE_OWNED:
        yield Check(screen, "owner-only")
        return
    yield from (Check(screen, "list"), Check(screen, "owner-sees-row"))
    for name in (*screen.row_url_names, *screen.job_url_names):
        for method in screen.methods_of(name):
            if method == "GET" or name not in READ_ONLY_VIEWS:
                yield Check(screen, name, method)
    if screen.has_url("export"):
        yield Check(screen, "export")
    if screen.has_url("import"):
        yield Check(screen, "import", "POST")


CHECKS = [check for screen in SCREENS for check in checks_of(screen)]


def setting_url(screen: Screen, tenant: Tenant) -> str:
    app_label, model_name = screen.key.split(":")[1].split(".")
    return reverse("wagtailsettings:edit", args=[app_label, model_name, tenant.site.pk])


def list_urls(screen: Screen, probe: Probe) -> list[str]:
    """The screen's lists, also searched for B's row (by a part of its text: pages repeat the query)."""
    urls = [screen.url(name) for name in LIST_VIEWS if name in screen.url_names]
    if "chosen_multiple" in screen.url_names:
        urls.append(f"{screen.url('chosen_multiple')}?id={probe.row.pk}")
    if screen.kind != "viewset":
        return urls
    return [*urls, *(f"{url}?q={search_term(probe)}" for url in urls)]


def search_term(probe: Probe) -> str:
    return probe.text.lstrip("@")[:-1]


def beta_import_job(world: World, screen: Screen) -> Probe:
    """An import started on site B (its file is stored; nothing ran yet)."""
    from marketplace.services.imports import start_import

    assert screen.import_resources, f"{screen.key} has import job URLs but no importable resource"
    job = start_import(
        world.other_tenant,
        actor=world.beta_admin(),
        resource=screen.import_resources[0],
        file_name="zebra-import.csv",
        content=b"email\nzebra@example.com\n",
        file_format="csv",
    )
    return Probe(job, "zebra-import.csv")


@pytest.mark.parametrize("check", CHECKS, ids=[check.id for check in CHECKS])
def test_site_a_admin_cannot_reach_site_b_rows(check: Check, world: World):
    screen, verb, method = check.screen, check.verb, check.method
    client = sign_in(world.tenant, world.admin)
    owner_on_a = sign_in(world.tenant, world.owner)
    if verb == "owner-only":
        check_owner_only(screen, client, owner_on_a)
        return
    probe = beta_import_job(world, screen) if verb in screen.job_url_names else world.probe(screen.model)
    before = state_of_b(world)

    if verb == "owner-sees-row":
        check_owner_sees_row(screen, world, owner_on_a, probe)
    elif verb == "list":
        urls = [setting_url(screen, world.tenant)] if screen.kind == "setting" else list_urls(screen, probe)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200 or refusal(response), (url, response.status_code)
            assert probe.text not in body(response), f"GET {url} shows B's row ({probe.text!r})"
            assert world.other_tenant.hostname not in body(response), f"GET {url} offers B's site"
        # A's own pages may make A's rows (a site's settings are made on first view): B's only count.
        before, after = only_b(before), only_b(state_of_b(world))
        assert after == before, f"{check.id} by A's admin changed {changes(before, after)}"
        return
    elif verb == "export":
        check_export(screen, client, owner_on_a, probe)
    elif verb == "import":
        check_import(screen, client, owner_on_a, probe)
        assert only_b(state_of_b(world)) == only_b(before), "an import by A's admin changed B's rows"
        return
    else:
        if screen.kind == "setting":
            url = setting_url(screen, world.other_tenant)
        elif verb in screen.job_url_names:
            url = screen.url(verb, probe.row.public_id)
        else:
            url = screen.url(verb, probe.row.pk)
        if method == "POST":
            # What the owner's browser would send from the same page, now sent by A's admin.
            form = post_form(owner_on_a.get(url), url) if screen.kind != "chooser" else None
            before = state_of_b(world)
            response = client.post(url, payload(form, probe.text))
        else:
            response = client.get(url)
        assert_refused(response, method, url, probe)
    after = state_of_b(world)
    assert after == before, f"{check.id} by A's admin changed {changes(before, after)}"


def check_owner_only(screen: Screen, client: Client, owner: Client) -> None:
    if screen.kind == "setting":  # a setting of the whole installation
        app_label, model_name = screen.key.split(":")[1].split(".")
        urls = [reverse("wagtailsettings:edit", args=[app_label, model_name, screen.model.load().pk])]
    else:
        urls = [screen.url(name) for name in ("index", "add") if name in screen.url_names]
    assert urls, f"{screen.key} has no page to check"
    for url in urls:
        response = client.get(url)
        assert refusal(response), f"GET {url} by a site's admin answered {response.status_code}"
    assert owner.get(urls[0]).status_code == 200, f"the owner cannot open {urls[0]}"


def check_owner_sees_row(screen: Screen, world: World, owner_on_a: Client, probe: Probe) -> None:
    """The platform owner sees B's row where A's admin must not: the row exists and would show."""
    if screen.kind == "setting":
        url, looker = setting_url(screen, world.other_tenant), owner_on_a
    elif screen.kind == "chooser":
        # Choosers offer the rows of the site the back office is open on, to the owner too.
        url, looker = list_urls(screen, probe)[0], sign_in(world.other_tenant, world.owner)
    else:
        url, looker = list_urls(screen, probe)[0], owner_on_a
    response = looker.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert probe.text in body(response), f"the owner does not see B's row ({probe.text!r}) at {url}"


def check_export(screen: Screen, client: Client, owner: Client, probe: Probe) -> None:
    url = screen.url("export")
    for download in (url, f"{url}?format=csv", f"{url}?format=xlsx", f"{url}?q={search_term(probe)}"):
        response = client.get(download)
        assert response.status_code == 200 or refusal(response), (download, response.status_code)
        assert probe.text not in body(response), (
            f"site A's download {download} holds B's row ({probe.text!r})"
        )
    assert probe.text in body(owner.get(url)), f"the owner's download {url} lacks B's row ({probe.text!r})"


SITE_COLUMNS = frozenset({"site", "tenant", "tenant_id"})


def exported_rows(screen: Screen, owner: Client, probe: Probe) -> tuple[list[str], list[list[str]]]:
    """B's row as the owner's download writes it (or as the row's own fields, without a download)."""
    if screen.has_url("export"):
        lines = list(csv.reader(io.StringIO(body(owner.get(screen.url("export"))).lstrip("\ufeff"))))
        rows = [line for line in lines[1:] if any(probe.text in cell for cell in line)]
        if lines and rows:
            return lines[0], rows
    fields = list(probe.row._meta.concrete_fields)
    return [f.attname for f in fields], [[str(getattr(probe.row, f.attname)) for f in fields]]


def import_file(header: list[str], rows: list[list[str]], probe: Probe, *, with_site: bool) -> bytes:
    """The rows with B's identifying text replaced; without the column naming the site if asked."""
    kept = [i for i, name in enumerate(header) if with_site or name.lower() not in SITE_COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header[i] for i in kept])
    for row in rows:
        writer.writerow([REPLACEMENT if row[i] == probe.text else row[i] for i in kept])
    return out.getvalue().encode()


def check_import(screen: Screen, client: Client, owner: Client, probe: Probe) -> None:
    """A's admin uploads B's row (renamed), as downloaded and without its site, and confirms
    whatever the import asks to confirm; B's row must stay as it was."""
    url = screen.url("import")
    page = client.get(url)
    if refusal(page):
        return
    form = post_form(page, url)
    assert form is not None and form.files, f"GET {url} shows no upload form ({page.status_code})"
    header, rows = exported_rows(screen, owner, probe)
    dramatiq.get_broker().flush_all()  # jobs left by earlier tests whose data is gone
    for with_site in (True, False):
        data = form.data()
        content = import_file(header, rows, probe, with_site=with_site)
        data[form.files[0]] = SimpleUploadedFile("rows.csv", content, "text/csv")
        run_import(client, form.action or url, data, None if probe.text in content.decode() else probe)
    with scopes_disabled():
        found = type(probe.row)._base_manager.filter(pk=probe.row.pk).values().first()
    assert found is not None, f"an import by site A's admin at {url} removed B's row"
    assert REPLACEMENT not in str(found), f"an import by site A's admin at {url} rewrote B's row"


def run_import(client: Client, url: str, data: dict[str, Any], probe: Probe | None) -> None:
    """Upload, then follow the pages (running the background jobs) and send what they ask to confirm.

    With a probe, its text must not show (without one, the file itself holds the text: a page may
    repeat what was uploaded)."""
    response = client.post(url, data)
    for _ in range(4):
        deliver()
        if response.status_code == 302:
            url = response["Location"]
            response = client.get(url)
        assert response.status_code == 200 or refusal(response), (url, response.status_code)
        if probe is not None:
            assert probe.text not in body(response), f"the import's page {url} shows B's row ({probe.text!r})"
        follow = post_form(response, url)
        if follow is None or follow.files:  # nothing to confirm, or back to the upload form
            return
        response = client.post(follow.action or url, follow.data())
    raise AssertionError(f"the import at {url} kept asking for confirmation")


# --- The inventory itself ------------------------------------------------------------------------


def test_the_registry_is_walked_whole():
    keys = {viewset_key(viewset) for viewset in registered_viewsets()}
    assert set(EXPLAINED) <= keys, f"EXPLAINED names screens that are gone: {set(EXPLAINED) - keys}"
    walked = {screen.key for screen in SCREENS}
    assert keys - set(EXPLAINED) <= walked
    # Screens this file was written against: one missing means the discovery broke.
    for expected in ("members", "rooms", "payouts", "sessions", "tenant_billing_owner", "room_chooser"):
        assert expected in walked, expected
    site_models = {screen.model._meta.label for screen in SCREENS if screen.owner in SITE_OWNED}
    assert site_models <= set(PROBES), f"no row maker for {site_models - set(PROBES)}"
    assert {"cms.BrandingSettings", "cms.NavigationSettings"} <= site_models
    for viewset in filter(lambda viewset: viewset.name, registered_viewsets()):
        actions = [action.name for action in getattr(viewset, "object_actions", ())]
        missing = set(actions) - set(screen_of(viewset).row_url_names)
        assert not missing, f"{viewset.name}: actions without a row URL to walk: {missing}"
    odd = {screen.key: screen.odd_url_names for screen in SCREENS if screen.odd_url_names}
    assert not odd, f"URLs whose arguments this test cannot fill (teach screen_of about them): {odd}"


def test_the_wallet_adjustment_cannot_reach_another_sites_wallet(world: World):
    zebedee = world.beta_member()
    client = sign_in(world.tenant, world.admin)
    url = reverse("wallet-adjustment:form")
    form = post_form(client.get(url), url)
    assert form is not None
    before = state_of_b(world)
    data = {
        **form.data(),
        "tenant": str(world.other_tenant.pk),  # not a field for a site's admin: their own site is used
        "person": zebedee.email,
        "amount": "50",
        "currency": "USD",
        "reason": "Matrix probe",
    }
    response = client.post(url, data)
    assert response.status_code == 200, response.status_code  # the form again, with the error
    assert "is a member of Alpha Academy" in body(response)
    after = state_of_b(world)
    assert after == before, changes(before, after)
