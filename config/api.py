"""The /api/v1/ router: every app registers its API routes here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from marketplace.api import views as marketplace_views

router = DefaultRouter()
router.register("tenants", marketplace_views.TenantViewSet, basename="tenant")
router.register("memberships", marketplace_views.MembershipViewSet, basename="membership")
router.register("tokens", marketplace_views.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("me/", marketplace_views.MeView.as_view(), name="me"),
    path("me/avatar/", marketplace_views.AvatarView.as_view(), name="me-avatar"),
    path("auth/token/", marketplace_views.ObtainTokenView.as_view(), name="auth-token"),
    path("", include(router.urls)),
]
