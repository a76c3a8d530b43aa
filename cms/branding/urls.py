"""/branding/: the per-tenant theme (colours, font) and custom stylesheet files."""

from django.urls import re_path

from cms.branding import views

urlpatterns = [
    re_path(r"^theme-(?P<version>[0-9a-f]{12})\.css$", views.theme, name="branding-theme"),
    re_path(r"^(?P<version>[0-9a-f]{12})\.css$", views.stylesheet, name="branding-stylesheet"),
]
