"""Back-office registrations of the CMS app."""

from wagtail import hooks


@hooks.register("register_admin_urls")
def register_email_preview_urls():
    from django.urls import include, path

    from cms.admin_emails import NAMESPACE, urlpatterns

    return [path("email-previews/", include((urlpatterns, NAMESPACE)))]


@hooks.register("register_settings_menu_item")
def register_email_preview_menu_item():
    from django.urls import reverse

    from cms.admin_emails import NAMESPACE, EmailPreviewMenuItem

    return EmailPreviewMenuItem("Email previews", reverse(f"{NAMESPACE}:index"), icon_name="mail", order=850)
