"""The /api/v1/ router: every app registers its API routes here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from conferencing.api import join as join_views
from conferencing.api import sessions as session_views
from config import stats_api
from marketplace.api import access_lists as access_list_views
from marketplace.api import moderator_profiles as profile_views
from marketplace.api import plans as plan_views
from marketplace.api import registrations as registration_views
from marketplace.api import rooms as room_views
from marketplace.api import schedule as schedule_views
from marketplace.api import views as marketplace_views
from payments.api import views as payments_views

router = DefaultRouter()
router.register("tenants", marketplace_views.TenantViewSet, basename="tenant")
router.register("memberships", marketplace_views.MembershipViewSet, basename="membership")
router.register("tokens", marketplace_views.ApiTokenViewSet, basename="token")
router.register("plans", plan_views.PlanViewSet, basename="plan")
router.register("rooms", room_views.RoomViewSet, basename="room")
router.register("topics", profile_views.TopicViewSet, basename="topic")
router.register(
    r"rooms/(?P<room_id>[0-9a-f-]+)/schedule", schedule_views.RoomScheduleViewSet, basename="room-schedule"
)
router.register("registrations", registration_views.RegistrationViewSet, basename="registration")
router.register(
    r"rooms/(?P<room_id>[0-9a-f-]+)/registrants",
    registration_views.RoomRegistrantViewSet,
    basename="room-registrant",
)
router.register(
    r"rooms/(?P<room_id>[0-9a-f-]+)/access-list", access_list_views.RoomAccessViewSet, basename="room-access"
)
router.register(
    r"rooms/(?P<room_id>[0-9a-f-]+)/sessions", session_views.RoomSessionViewSet, basename="room-session"
)
router.register(
    r"rooms/(?P<room_id>[0-9a-f-]+)/recordings", session_views.RoomRecordingViewSet, basename="room-recording"
)
router.register("access-rules", access_list_views.AccessRuleViewSet, basename="access-rule")
router.register("plan-subscriptions", plan_views.PlanSubscriptionViewSet, basename="plan-subscription")
router.register("wallet/transactions", payments_views.TransactionViewSet, basename="wallet-transaction")
router.register("wallet/payments", payments_views.PaymentViewSet, basename="wallet-payment")
router.register("wallet/payouts", payments_views.PayoutViewSet, basename="wallet-payout")
router.register("payout-queue", payments_views.PayoutQueueViewSet, basename="payout-queue")

urlpatterns = [
    path("me/", marketplace_views.MeView.as_view(), name="me"),
    path("me/avatar/", marketplace_views.AvatarView.as_view(), name="me-avatar"),
    path("auth/token/", marketplace_views.ObtainTokenView.as_view(), name="auth-token"),
    path("moderator-profile/", profile_views.MyProfileView.as_view(), name="moderator-profile"),
    path("moderator-profile/cover/", profile_views.MyCoverView.as_view(), name="moderator-profile-cover"),
    path("moderator-profile/room-defaults/", profile_views.RoomDefaultsView.as_view(), name="room-defaults"),
    path("profiles/<str:handle>/", profile_views.PublicProfileView.as_view(), name="public-profile"),
    path("wallet/balances/", payments_views.BalancesView.as_view(), name="wallet-balances"),
    path("wallet/settings/", payments_views.WalletSettingsView.as_view(), name="wallet-settings"),
    path("wallet/recharges/", payments_views.RechargeView.as_view(), name="wallet-recharge"),
    path("wallet/adjustments/", payments_views.AdjustmentView.as_view(), name="wallet-adjustment"),
    path(
        "rooms/<uuid:room_id>/calendar-link/",
        schedule_views.CalendarLinkView.as_view(),
        name="room-calendar-link",
    ),
    path("rooms/<uuid:room_id>/join/", join_views.RoomJoinView.as_view(), name="room-join"),
    path("stats/", stats_api.SeriesListView.as_view(), name="stats"),
    path("stats/<slug:series>/", stats_api.SeriesView.as_view(), name="stats-series"),
    path("search/", include("search.api_urls")),
    path("", include(router.urls)),
]
