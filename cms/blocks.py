"""StreamField blocks shared by tenant pages."""

from wagtail import blocks


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    link = blocks.CharBlock(max_length=200, help_text="A path on this site, e.g. /accounts/signup/")

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


class HomeBody(blocks.StreamBlock):
    hero = HeroBlock()
    heading = blocks.CharBlock(max_length=120, form_classname="title", template="cms/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3"])
    call_to_action = CallToActionBlock()
