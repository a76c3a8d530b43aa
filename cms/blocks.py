"""StreamField blocks shared by tenant pages, and the bodies built from them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock

from cms import listings
from cms.editor_access import image_belongs_to
from cms.embed_block import VideoEmbedBlock
from cms.links import validate_link
from cms.tenant_blocks import FeaturedModeratorsBlock, FeaturedRoomsBlock, PricingTableBlock, TopicsGridBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3"]
ANSWER_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    link = blocks.CharBlock(
        max_length=200, help_text="A path on this site, e.g. /accounts/signup/", validators=[validate_link]
    )

    class Meta:
        icon = "link"
        template = "cms/blocks/call_to_action.html"


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False, max_length=400)
    actions = blocks.ListBlock(CallToActionBlock(), max_num=2, default=[])

    class Meta:
        icon = "pick"
        template = "cms/blocks/hero.html"


class ImageTextBlock(blocks.StructBlock):
    """An image from the site's own collection (with its alt text) beside rich text."""

    image = ImageBlock()
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    image_position = blocks.ChoiceBlock(choices=[("left", "Left"), ("right", "Right")], default="left")

    def get_context(self, value: Any, parent_context: dict | None = None) -> dict:
        context = super().get_context(value, parent_context)
        image = value.get("image")
        tenant = listings.tenant_for_context(parent_context)
        # An image of another tenant's collection (a crafted id) is left out, the text still shows.
        context["image"] = image if image and tenant and image_belongs_to(image, tenant) else None
        return context

    class Meta:
        icon = "image"
        template = "cms/blocks/image_text.html"


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock(max_length=600)
    name = blocks.CharBlock(max_length=80)
    role = blocks.CharBlock(required=False, max_length=120, help_text="e.g. “Parent of a year 9 student”")


class TestimonialsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    testimonials = blocks.ListBlock(TestimonialBlock(), min_num=1)

    class Meta:
        icon = "openquote"
        template = "cms/blocks/testimonials.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = blocks.RichTextBlock(features=ANSWER_FEATURES)


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="Questions and answers")
    questions = blocks.ListBlock(QuestionBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "cms/blocks/faq.html"


class LinkBlock(blocks.StructBlock):
    """A menu link: a page of this site, or an address (a path here or a full URL)."""

    label = blocks.CharBlock(max_length=40)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        required=False, max_length=300, validators=[validate_link], help_text="Instead of a page."
    )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if bool(value["page"]) == bool(value["url"]):
            raise StructBlockValidationError(
                non_block_errors=[ValidationError("Choose a page or type an address (one of them).")]
            )
        return value

    class Meta:
        icon = "link"


class StandardBody(blocks.StreamBlock):
    """The body of standard pages (about, terms, privacy...); the home page adds the hero."""

    heading = blocks.CharBlock(max_length=120, form_classname="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    image_text = ImageTextBlock()
    call_to_action = CallToActionBlock()
    featured_moderators = FeaturedModeratorsBlock()
    featured_rooms = FeaturedRoomsBlock()
    topics_grid = TopicsGridBlock()
    pricing_table = PricingTableBlock()
    testimonials = TestimonialsBlock()
    faq = FaqBlock()
    embed = VideoEmbedBlock()


class HomeBody(StandardBody):
    hero = HeroBlock()
