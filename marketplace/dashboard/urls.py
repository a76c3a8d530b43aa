from django.urls import path

from marketplace.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.tokens, name="tokens"),
    path("members/", views.members, name="members"),
    path("wallet/", views.wallet, name="wallet"),
    path("plans/", views.plans, name="plans"),
    path("rooms/", views.rooms, name="rooms"),
    path("payouts/", views.payouts, name="payouts"),
    path("payout-queue/", views.payout_queue, name="payout-queue"),
]
