"""The /api/v1/ router: every app registers its API routes here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from marketplace.api import plans as plan_views
from marketplace.api import rooms as room_views
from marketplace.api import views as marketplace_views
from payments.api import views as payments_views

router = DefaultRouter()
router.register("tenants", marketplace_views.TenantViewSet, basename="tenant")
router.register("memberships", marketplace_views.MembershipViewSet, basename="membership")
router.register("tokens", marketplace_views.ApiTokenViewSet, basename="token")
router.register("plans", plan_views.PlanViewSet, basename="plan")
router.register("rooms", room_views.RoomViewSet, basename="room")
router.register("plan-subscriptions", plan_views.PlanSubscriptionViewSet, basename="plan-subscription")
router.register("wallet/transactions", payments_views.TransactionViewSet, basename="wallet-transaction")
router.register("wallet/payments", payments_views.PaymentViewSet, basename="wallet-payment")
router.register("wallet/payouts", payments_views.PayoutViewSet, basename="wallet-payout")
router.register("payout-queue", payments_views.PayoutQueueViewSet, basename="payout-queue")

urlpatterns = [
    path("me/", marketplace_views.MeView.as_view(), name="me"),
    path("me/avatar/", marketplace_views.AvatarView.as_view(), name="me-avatar"),
    path("auth/token/", marketplace_views.ObtainTokenView.as_view(), name="auth-token"),
    path("wallet/balances/", payments_views.BalancesView.as_view(), name="wallet-balances"),
    path("wallet/settings/", payments_views.WalletSettingsView.as_view(), name="wallet-settings"),
    path("wallet/recharges/", payments_views.RechargeView.as_view(), name="wallet-recharge"),
    path("wallet/adjustments/", payments_views.AdjustmentView.as_view(), name="wallet-adjustment"),
    path("", include(router.urls)),
]
