"""sitemap.xml and robots.txt at the root of every tenant's site (before Wagtail's page tree)."""

from django.urls import path

from cms.seo import views

urlpatterns = [
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
