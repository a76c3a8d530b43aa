"""Choosers of the site's own moderators, rooms and topics, for the page blocks.

The chooser modals list the rows of the tenant whose back office is open (the request's host), and
the blocks refuse a row of another tenant when a page is saved. Loading a stored value never
depends on a tenant scope (publishing, revisions and the reference index load blocks outside any
request), so the blocks read through the unscoped base manager and rendering filters by the page's
tenant (cms.listings).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django_scopes import get_scope
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.blocks import ChooserBlock

from cms.listings import listed_rooms
from marketplace.models import ModeratorProfile, Room, Tenant, Topic
from marketplace.profile_selectors import listed_profiles, topics_of


class TenantRowChooserBlock(ChooserBlock):
    """A chooser block for a tenant-owned row (a `tenant` foreign key and a scoped default manager)."""

    @property
    def _rows(self) -> QuerySet:
        return self.model_class._base_manager.all()

    @cached_property
    def field(self) -> forms.ModelChoiceField:
        # The scoped default manager would bake the first request's tenant into this cached field.
        return forms.ModelChoiceField(
            queryset=self._rows,
            widget=self.widget,
            required=self._required,
            validators=self._validators,
            help_text=self._help_text,
        )

    def to_python(self, value: Any) -> Model | None:
        if value is None:
            return None
        return self._rows.filter(pk=value).first()

    def bulk_to_python(self, values: list[Any]) -> list[Model | None]:
        found = self._rows.in_bulk([value for value in values if value is not None])
        return [found.get(value) for value in values]

    def value_from_form(self, value: Any) -> Model | None:
        if value is None or isinstance(value, self.model_class):
            return value
        return self.to_python(value)

    def clean(self, value: Any) -> Model | None:
        value = super().clean(value)
        tenant = get_scope().get("tenant")
        # Editors work inside their tenant's scope; the platform owner (no scope) may pick any row.
        if value is not None and getattr(tenant, "pk", None) and value.tenant_id != tenant.pk:
            raise ValidationError("Choose one of this site's own.")
        return value


class RowSearchForm(BaseFilterForm):
    """The chooser's search box, matched by the database over the chooser's `search_fields`.

    The search index filters only on its own fields, and the listing rules (active hosts, public
    rooms) are joins it cannot apply; a chooser lists a few rows of one site, so the database
    answers directly.
    """

    q = forms.CharField(
        label="Search term", widget=forms.TextInput(attrs={"placeholder": "Search"}), required=False
    )
    search_fields: tuple[str, ...] = ()

    def filter(self, objects: QuerySet) -> QuerySet:
        objects = super().filter(objects)
        words = (self.cleaned_data.get("q") or "").strip().lstrip("@").split()[:8]
        for word in words:
            matches = Q()
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word[:100]})
            objects = objects.filter(matches)
        if words:
            self.is_searching = True
            self.search_query = self.cleaned_data["q"]
        return objects


class TenantRowsMixin:
    """Chooser views listing only the rows of the tenant whose back office this is."""

    request: Any
    model_class: type[Model]
    listing: Callable[[Tenant], QuerySet] | None = None  # the rows a page may show, for a tenant
    search_fields: tuple[str, ...] = ()

    def get_filter_form_class(self) -> type[forms.Form]:
        return type("RowSearchForm", (RowSearchForm,), {"search_fields": self.search_fields})

    def tenant_rows(self) -> QuerySet:
        tenant = getattr(self.request, "tenant", None)
        if tenant is None:
            return self.model_class._base_manager.none()
        if self.listing is None:
            return self.model_class._base_manager.filter(tenant=tenant)
        return self.listing(tenant)

    def get_object_list(self) -> QuerySet:
        return self.tenant_rows()


class ChooseView(TenantRowsMixin, chooser_views.ChooseView):
    pass


class ChooseResultsView(TenantRowsMixin, chooser_views.ChooseResultsView):
    pass


class ChosenView(TenantRowsMixin, chooser_views.ChosenView):
    def get_object(self, pk: str) -> Model:
        return self.tenant_rows().get(pk=pk)


class ChosenMultipleView(TenantRowsMixin, chooser_views.ChosenMultipleView):
    def get_objects(self, pks: list[str]) -> QuerySet:
        return self.tenant_rows().filter(pk__in=pks)


class TenantRowChooserViewSet(ChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    base_block_class = TenantRowChooserBlock
    # Other admin forms with a foreign key to these models keep their own widgets.
    register_widget = False
    listing: Callable[[Tenant], QuerySet] | None = None
    search_fields: tuple[str, ...] = ()

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_common_view_kwargs(
            listing=self.listing, search_fields=self.search_fields, **kwargs
        )


class ProfileChooserWidget(BaseChooser):
    def get_display_title(self, instance: ModeratorProfile) -> str:
        return f"{instance.user.get_short_name()} (@{instance.user.handle})"


class RoomChooserWidget(BaseChooser):
    def get_display_title(self, instance: Room) -> str:
        return f"{instance.name} (@{instance.owner.handle})"


profile_chooser_viewset = TenantRowChooserViewSet(
    "moderator_profile_chooser",
    model=ModeratorProfile,
    listing=listed_profiles,
    search_fields=("user__display_name", "user__handle", "headline"),
    icon="user",
    base_widget_class=ProfileChooserWidget,
    choose_one_text="Choose a moderator",
    choose_another_text="Choose another moderator",
    url_prefix="choosers/moderators",
)
room_chooser_viewset = TenantRowChooserViewSet(
    "room_chooser",
    model=Room,
    listing=listed_rooms,
    search_fields=("name", "slug", "owner__display_name", "owner__handle"),
    icon="group",
    base_widget_class=RoomChooserWidget,
    choose_one_text="Choose a room",
    choose_another_text="Choose another room",
    url_prefix="choosers/rooms",
)
topic_chooser_viewset = TenantRowChooserViewSet(
    "topic_chooser",
    model=Topic,
    listing=topics_of,
    search_fields=("name", "slug"),
    icon="tag",
    choose_one_text="Choose a topic",
    choose_another_text="Choose another topic",
    url_prefix="choosers/topics",
)

ModeratorProfileChooserBlock = profile_chooser_viewset.get_block_class(
    name="ModeratorProfileChooserBlock", module_path="cms.choosers"
)
RoomChooserBlock = room_chooser_viewset.get_block_class(name="RoomChooserBlock", module_path="cms.choosers")
TopicChooserBlock = topic_chooser_viewset.get_block_class(
    name="TopicChooserBlock", module_path="cms.choosers"
)


# Registered here, next to the blocks that need them (imported with the page models at start-up),
# so the chooser URLs exist whenever the blocks do.
@hooks.register("register_admin_viewset")
def register_tenant_row_choosers() -> list[ChooserViewSet]:
    return [profile_chooser_viewset, room_chooser_viewset, topic_chooser_viewset]
