from django.urls import include, path

from conferencing.page_urls import dashboard_urlpatterns as conferencing_pages
from marketplace.dashboard import profile_pages, registration_pages, room_pages, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.tokens, name="tokens"),
    path("members/", views.members, name="members"),
    path("wallet/", views.wallet, name="wallet"),
    path("plans/", views.plans, name="plans"),
    path("rooms/", views.rooms, name="rooms"),
    path("public-profile/", profile_pages.public_profile, name="public-profile"),
    path("rooms/<uuid:room_id>/", room_pages.room_edit, name="room-edit"),
    path("rooms/<uuid:room_id>/registrants/", registration_pages.registrants, name="registrants"),
    path("shared-rooms/", registration_pages.shared_rooms, name="shared-rooms"),
    path("lists/", registration_pages.lists, name="lists"),
    path("payouts/", views.payouts, name="payouts"),
    path("payout-queue/", views.payout_queue, name="payout-queue"),
    path("", include(conferencing_pages)),  # sessions, attendance and recordings of rooms
]
