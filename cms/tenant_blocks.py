"""Blocks that show the site's own marketplace: featured moderators and rooms, topics, plans.

Their content is read when the page is rendered, always for the tenant the page belongs to
(cms.listings), so a home page stays current without editing and never shows another site's rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from cms import listings
from cms.choosers import ModeratorProfileChooserBlock, RoomChooserBlock, TopicChooserBlock

RULES = [
    (listings.NEWEST, "The newest"),
    (listings.BY_TOPIC, "By topic"),
    (listings.CHOSEN, "Chosen below"),
]


class FeaturedBlock(blocks.StructBlock):
    """Shared rule fields: the chosen rows (in order), the newest, or those of one topic."""

    heading = blocks.CharBlock(required=False, max_length=120)
    rule = blocks.ChoiceBlock(choices=RULES, default=listings.NEWEST)
    topic = TopicChooserBlock(required=False, help_text="For the rule “By topic”.")
    count = blocks.IntegerBlock(min_value=1, max_value=12, default=6, help_text="How many to show at most.")

    chosen_field = ""  # the name of the list of chosen rows
    read: Callable[..., list]  # the cms.listings function reading the rows of a tenant

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value["rule"] == listings.CHOSEN and not [row for row in value[self.chosen_field] if row]:
            raise StructBlockValidationError({self.chosen_field: ValidationError("Choose at least one.")})
        if value["rule"] == listings.BY_TOPIC and value["topic"] is None:
            raise StructBlockValidationError({"topic": ValidationError("Choose the topic.")})
        return value

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        tenant = listings.tenant_for_context(parent_context)
        shown = tenant is not None and listings.public_content_shown(tenant, parent_context)
        context["items"] = (
            type(self).read(
                tenant,
                rule=value["rule"],
                chosen=value[self.chosen_field],
                topic=value["topic"],
                count=value["count"],
            )
            if shown
            else []
        )
        return context


class FeaturedModeratorsBlock(FeaturedBlock):
    moderators = blocks.ListBlock(ModeratorProfileChooserBlock(), default=[], help_text="For “Chosen below”.")

    chosen_field = "moderators"
    read = staticmethod(listings.featured_profiles)

    class Meta:
        icon = "user"
        template = "cms/blocks/featured_moderators.html"


class FeaturedRoomsBlock(FeaturedBlock):
    rooms = blocks.ListBlock(RoomChooserBlock(), default=[], help_text="For “Chosen below”.")

    chosen_field = "rooms"
    read = staticmethod(listings.featured_rooms)

    class Meta:
        icon = "group"
        template = "cms/blocks/featured_rooms.html"


class TopicsGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Explore by topic")
    count = blocks.IntegerBlock(min_value=1, max_value=48, default=12)

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        tenant = listings.tenant_for_context(parent_context)
        context["topics"] = listings.tenant_topics(tenant, count=value["count"]) if tenant else []
        return context

    class Meta:
        icon = "tag"
        template = "cms/blocks/topics_grid.html"


class PricingTableBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Plans for hosts")
    text = blocks.TextBlock(required=False, max_length=400)
    include_free = blocks.BooleanBlock(required=False, default=True, help_text="Show the free plan too.")

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        tenant = listings.tenant_for_context(parent_context)
        context["plans"] = (
            listings.pricing_plans(tenant, include_free=bool(value["include_free"])) if tenant else []
        )
        return context

    class Meta:
        icon = "table"
        template = "cms/blocks/pricing_table.html"
