"""Building blocks of the back-office screens: tenant-bound lists and lookups, one permission policy
per screen, action views that call the services, and history pages open to the screen's viewers.

Tenant admins work inside the scope the tenant middleware entered for their host; every list and
lookup here also filters by the request's tenant explicitly, so a model without a scoped manager
(webhook events) cannot show another tenant's rows. The platform owner (superuser) sees every
tenant's rows, with a site filter on each list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.views.generic import FormView
from django_scopes import scopes_disabled
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import policy_registry

from config.errors import DomainError
from marketplace.models import Tenant
from marketplace.permission_policies import TenantRolePermissionPolicy
from marketplace.roles import Role

VIEW = frozenset({"view"})


class TenantAdminPolicy(TenantRolePermissionPolicy):
    """The site's admins and the platform owner may take the listed actions; nobody anything else.

    Actions are the screen's own verbs ("view", "change", "approve", ...), so a read-only screen
    grants "view" only and Wagtail's add/edit/delete views answer 403 for everyone.
    """

    def __init__(self, model: type[Model], *, actions: frozenset[str] = VIEW) -> None:
        super().__init__(model, roles=frozenset({Role.ADMIN}))
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action) -> bool:
        return action in self.actions and super().user_has_permission(user, action)


def may(request: HttpRequest, model: type[Model], action: str) -> bool:
    return policy_registry.get_by_type(model).user_has_permission(request.user, action)


def tenant_rows(model: type[Model], request: HttpRequest) -> QuerySet:
    """The rows this request may see: the host's tenant's, or every tenant's for the platform owner."""
    manager = model._default_manager
    if request.user.is_superuser:
        with scopes_disabled():  # the owner's back office spans every tenant
            return manager.all()
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        return manager.none()
    return manager.filter(tenant=tenant)


class TenantFilterSet(WagtailFilterSet):
    """Adds a site filter for the platform owner; tenant admins only ever see their own site."""

    tenant = django_filters.ModelChoiceFilter(
        queryset=Tenant.objects.all(), label="Site", empty_label="All sites"
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        super().__init__(data, queryset, request=request, prefix=prefix)
        if request is None or not request.user.is_superuser:
            del self.filters["tenant"]


def tenant_filterset(model: type[Model], fields: list[str], **declared: Any) -> type[TenantFilterSet]:
    """A list's filters over model fields, plus the owner's site filter.

    django-filter builds a query on the model's default manager when the class is made (at import,
    outside any request): scoped managers refuse that, so the class is made with scopes disabled.
    No row is read.
    """
    meta = type("Meta", (), {"model": model, "fields": fields})
    with scopes_disabled():
        return type(f"{model.__name__}FilterSet", (TenantFilterSet,), {"Meta": meta, **declared})


class ObjectActionView(WagtailAdminTemplateMixin, FormView):
    """Confirm one action on one row (GET), then run it through its service (POST).

    Subclasses set `name` (the URL and the policy's action), `label`, `confirmation` and implement
    `perform`, which returns the success message; a DomainError from the service becomes a form
    error, so the service's rules speak to the admin in its own words.
    """

    model: type[Model] | None = None
    name = ""
    label = ""
    icon = "check"
    confirmation = ""
    submit_label = "Confirm"
    serious = False
    form_class = forms.Form
    template_name = "marketplace/admin/object_action.html"
    index_url_name: str | None = None
    inspect_url_name: str | None = None
    header_icon = ""

    @classmethod
    def applies(cls, instance: Any) -> bool:
        """Whether the action makes sense for this row (shown as a button only then)."""
        return True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may(request, self.model, self.name):
            raise PermissionDenied
        self.object = get_object_or_404(tenant_rows(self.model, request), pk=unquote(str(kwargs["pk"])))
        return super().dispatch(request, *args, **kwargs)

    # Each action defines `perform(self, form) -> str`: it calls the service and returns the
    # message to show; a DomainError becomes a form error. Checked when the action is declared.
    perform: Callable[[forms.Form], str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "perform", None)):
            raise TypeError(f"{cls.__name__} must define perform(self, form) -> str.")

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            message = self.perform(form)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.cancel_url

    def get_page_title(self) -> str:
        return self.label

    def get_page_subtitle(self) -> str:
        return str(self.object)

    @cached_property
    def cancel_url(self) -> str:
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=[quote(self.object.pk)])
        return reverse(self.index_url_name) if self.index_url_name else reverse("wagtailadmin_home")

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        items = list(self.breadcrumbs_items)
        if self.index_url_name:
            label = capfirst(self.model._meta.verbose_name_plural)
            items.append({"url": reverse(self.index_url_name), "label": label})
        items.append({"url": self.cancel_url, "label": str(self.object)})
        items.append({"url": "", "label": self.label})
        return items


def action_menu_items(request: HttpRequest, instance: Model, actions, namespace: str) -> list[MenuItem]:
    """The row's action buttons this user may use and that apply to the row's state."""
    return [
        MenuItem(
            action.label,
            reverse(f"{namespace}:{action.name}", args=[quote(instance.pk)]),
            icon_name=action.icon,
            priority=40 + position,
        )
        for position, action in enumerate(actions)
        if action.applies(instance) and may(request, type(instance), action.name)
    ]


# --- Import and export --------------------------------------------------------------------------


class ImportExportButtonsMixin:
    """A list's "Import" button and its CSV/XLSX downloads (which keep the list's filters)."""

    resource_classes: tuple[type, ...] = ()
    transfer_namespace = ""

    def _may(self, action: str) -> bool:
        return may(self.request, self.model, action)

    @cached_property
    def header_buttons(self) -> list:
        buttons = list(super().header_buttons)
        if any(resource.importable for resource in self.resource_classes) and self._may("import"):
            url = reverse(f"{self.transfer_namespace}:import")
            buttons.append(HeaderButton("Import", url=url, icon_name="upload", priority=20))
        return buttons

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = list(super().header_more_buttons)
        if not (self.resource_classes and self._may("export")):
            return buttons
        url = reverse(f"{self.transfer_namespace}:export")
        query = self.request.GET.copy()
        for name in ("p", "export", "format", "resource"):
            query.pop(name, None)
        for position, resource in enumerate(self.resource_classes):
            what = "" if position == 0 else f" {resource.label}"
            for offset, file_format in enumerate(("csv", "xlsx")):
                query["format"] = file_format
                if position:
                    query["resource"] = resource.name
                buttons.append(
                    Button(
                        f"Download{what} as {file_format.upper()}",
                        url=f"{url}?{query.urlencode()}",
                        icon_name="download",
                        priority=80 + 10 * position + offset,
                    )
                )
        return buttons


class ImportExportViewSetMixin:
    """Adds `export` (and, when a resource is importable, `import`) URLs to a ModelViewSet.

    `resource_class` is the screen's own rows; `more_resource_classes` are further files the screen
    offers (the members screen also exports and imports moderator profiles). The screen's
    permission policy decides with the "export" and "import" actions. The index view must mix in
    ImportExportButtonsMixin.
    """

    resource_class: type | None = None
    more_resource_classes: tuple[type, ...] = ()

    @property
    def resource_classes(self) -> tuple[type, ...]:
        return tuple(filter(None, (self.resource_class, *self.more_resource_classes)))

    @property
    def importable(self) -> bool:
        return any(resource.importable for resource in self.resource_classes)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            resource_classes=self.resource_classes, transfer_namespace=self.url_namespace, **kwargs
        )

    def get_urlpatterns(self) -> list:
        patterns = super().get_urlpatterns()
        if not self.resource_classes:
            return patterns
        from marketplace.admin_imports import transfer_urlpatterns  # its views build on this module

        return [*patterns, *transfer_urlpatterns(self)]


class TenantIndexView(ImportExportButtonsMixin, generic.IndexView):
    object_actions: tuple[type[ObjectActionView], ...] = ()
    actions_namespace = ""

    def get_base_queryset(self) -> QuerySet:
        return self.narrow(tenant_rows(self.model, self.request))

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """Screen-specific narrowing and joins."""
        return queryset

    @cached_property
    def columns(self) -> list:
        columns = super().columns
        if self.request.user.is_superuser:
            return columns
        return [column for column in columns if column.name != "tenant"]  # always their own site

    def get_list_more_buttons(self, instance: Model) -> list:
        actions = action_menu_items(self.request, instance, self.object_actions, self.actions_namespace)
        return super().get_list_more_buttons(instance) + actions


class TenantInspectView(generic.InspectView):
    """Details of a row; `extra_labels` names computed entries that `get_<name>_display_value` fills."""

    object_actions: tuple[type[ObjectActionView], ...] = ()
    actions_namespace = ""
    history_url_name: str | None = None
    extra_labels: dict[str, str] = {}

    def get_object(self, queryset=None) -> Model:
        return get_object_or_404(tenant_rows(self.model, self.request), pk=unquote(str(self.pk)))

    def get_field_label(self, field_name: str, field) -> str:
        if field_name in self.extra_labels:
            return self.extra_labels[field_name]
        return super().get_field_label(field_name, field)

    @cached_property
    def header_more_buttons(self) -> list:
        buttons = list(super().header_more_buttons)
        for item in action_menu_items(self.request, self.object, self.object_actions, self.actions_namespace):
            buttons.append(Button(item.label, url=item.url, icon_name=item.icon_name, priority=item.priority))
        if self.history_url_name:
            url = reverse(self.history_url_name, args=[quote(self.object.pk)])
            buttons.append(Button("History", url=url, icon_name="history", priority=90))
        return buttons


class ServiceErrorsMixin:
    """Saves go through a service: its business errors come back as form errors."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            self.produced_error_code = "validation_error"
            self.produced_error_message = error.message
            return self.form_invalid(form)


class TenantEditView(ServiceErrorsMixin, generic.EditView):
    def get_queryset(self) -> QuerySet:
        return tenant_rows(self.model, self.request)


class TenantCreateView(ServiceErrorsMixin, generic.CreateView):
    pass


class TenantDeleteView(generic.DeleteView):
    def get_queryset(self) -> QuerySet:
        return tenant_rows(self.model, self.request)


class TenantUsageView(usage.UsageView):
    def get_object(self) -> Model:
        return get_object_or_404(tenant_rows(self.model, self.request), pk=unquote(str(self.pk)))


class AuditHistoryView(history.HistoryView):
    """The audit trail of a row, readable by everyone who may see the row (read-only screens too)."""

    any_permission_required = ["add", "change", "delete", "view"]

    def get_base_object_queryset(self) -> QuerySet:
        return tenant_rows(self.model, self.request)


class TenantModelViewSet(ImportExportViewSetMixin, ModelViewSet):
    """A screen over tenant-owned rows: list, inspect, history, the screen's own actions, and its
    import and export when it names a `resource_class`."""

    index_view_class = TenantIndexView
    inspect_view_class = TenantInspectView
    edit_view_class = TenantEditView
    add_view_class = TenantCreateView
    history_view_class = AuditHistoryView
    # Every view that loads a row by its id reads it from the request's tenant's rows, not only
    # through the scoped manager (some models, webhook events, have none).
    delete_view_class = TenantDeleteView
    usage_view_class = TenantUsageView
    inspect_view_enabled = True
    copy_view_enabled = False
    # The reference index would re-index every saved row (ledger accounts change on every posting).
    add_to_reference_index = False
    search_backend_name = None  # plain database lookups over `search_fields`
    form_fields: list[str] = []  # read-only unless a screen defines its form
    object_actions: tuple[type[ObjectActionView], ...] = ()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            object_actions=self.object_actions, actions_namespace=self.url_namespace, **kwargs
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            object_actions=self.object_actions,
            actions_namespace=self.url_namespace,
            history_url_name=self.get_url_name("history"),
            **kwargs,
        )

    def get_urlpatterns(self) -> list:
        actions = [
            path(f"{action.name}/<int:pk>/", self.construct_view(action), name=action.name)
            for action in self.object_actions
        ]
        return [*super().get_urlpatterns(), *actions]
