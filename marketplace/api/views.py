"""Thin API views: validate, call a service or a selector, serialize."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, mixins, parsers, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import selectors
from marketplace.api import serializers
from marketplace.api.permissions import IsTenantAdminOrReadOnly, IsTenantMember
from marketplace.api.throttles import AuthRateThrottle
from marketplace.models import ApiToken, Membership, Tenant
from marketplace.services import memberships as membership_services
from marketplace.services import profiles as profile_services
from marketplace.services import tokens as token_services


class MeView(generics.RetrieveUpdateAPIView):
    """Your profile: read it, or change handle, display name, time zone and language."""

    serializer_class = serializers.MeSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "options", "head"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        profile_services.update_profile(
            self.request.user, actor=self.request.user, **serializer.validated_data
        )


class AvatarView(APIView):
    """Upload (multipart `avatar`) or remove your avatar."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(request=serializers.AvatarSerializer, responses=serializers.MeSerializer)
    def put(self, request):
        incoming = serializers.AvatarSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = profile_services.set_avatar(
            request.user, incoming.validated_data["avatar"], actor=request.user
        )
        return Response(serializers.MeSerializer(user, context={"request": request}).data)

    @extend_schema(responses={204: None})
    def delete(self, request):
        profile_services.clear_avatar(request.user, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TenantViewSet(viewsets.ReadOnlyModelViewSet):
    """The sites you belong to, with your roles on each."""

    serializer_class = serializers.TenantSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "slug"
    filterset_fields = ["slug"]
    search_fields = ["name", "slug"]
    ordering_fields = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Tenant.objects.none()
        return selectors.tenants_of(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["roles_by_tenant"] = selectors.roles_by_tenant(self.request.user)
        return context


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of this site and their roles. Admins grant and revoke roles."""

    serializer_class = serializers.MembershipSerializer
    permission_classes = [IsTenantAdminOrReadOnly]
    lookup_field = "public_id"
    filterset_fields = ["role"]
    search_fields = ["user__handle", "user__display_name", "user__email"]
    ordering_fields = ["created_at", "user__handle", "role"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.memberships_visible_to(self.request.user, self.request.tenant)

    @extend_schema(
        request=serializers.MembershipCreateSerializer, responses={201: serializers.MembershipSerializer}
    )
    def create(self, request, *args, **kwargs):
        incoming = serializers.MembershipCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = selectors.find_user(incoming.validated_data["user"])
        if user is None:
            raise exceptions.ValidationError({"user": ["No user with this email or handle."]})
        membership = membership_services.grant_role(
            user, request.tenant, incoming.validated_data["role"], actor=request.user
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        membership_services.revoke_membership(instance, actor=self.request.user)


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your API tokens on this site. The secret is returned once, at creation."""

    serializer_class = serializers.ApiTokenSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    filterset_fields = ["revoked_at"]
    ordering_fields = ["created_at", "last_used_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return selectors.tokens_of(self.request.user, self.request.tenant)

    @extend_schema(responses={201: serializers.NewApiTokenSerializer})
    def create(self, request, *args, **kwargs):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        token, raw = token_services.create_api_token(
            request.user, request.tenant, name=incoming.validated_data["name"], actor=request.user
        )
        token.token = raw
        return Response(serializers.NewApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        token_services.revoke_api_token(self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Wrong email or password for this site."
    default_code = "invalid_credentials"


class ObtainTokenView(APIView):
    """Exchange an email and password for an API token on this site (throttled)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AuthRateThrottle]

    @extend_schema(
        request=serializers.ObtainTokenSerializer,
        responses={
            201: serializers.NewApiTokenSerializer,
            400: OpenApiResponse(description="Wrong credentials"),
        },
    )
    def post(self, request):
        incoming = serializers.ObtainTokenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = authenticate(request._request, email=data["email"], password=data["password"])
        if user is None or not selectors.is_member(user, request.tenant):
            raise InvalidCredentials()
        with transaction.atomic():
            token, raw = token_services.create_api_token(user, request.tenant, name=data["name"], actor=user)
        token.token = raw
        return Response(serializers.NewApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)
