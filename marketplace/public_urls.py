"""Public pages served before Wagtail's page tree: rooms at /@handle/<slug>/."""

from django.urls import path

from marketplace import profile_pages, public_pages

urlpatterns = [
    path("@<slug:handle>/", profile_pages.profile_page, name="profile-page"),
    path("@<slug:handle>/<slug:slug>/", public_pages.room_page, name="room-page"),
]
