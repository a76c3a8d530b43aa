"""Public pages served before Wagtail's page tree: rooms at /@handle/<slug>/."""

from django.urls import path

from marketplace import public_pages

urlpatterns = [
    path("@<slug:handle>/<slug:slug>/", public_pages.room_page, name="room-page"),
]
