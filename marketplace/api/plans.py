"""Plans API: what a site offers, choosing a plan, your subscription and its history."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from marketplace.api.permissions import IsTenantMember
from marketplace.models import Plan, PlanSubscription
from marketplace.models.plans import LIMIT_FIELDS, LIVE_STATUSES
from marketplace.services import plans as plan_services
from payments.api.fields import MoneyOutField
from payments.api.views import IDEMPOTENCY_HEADER
from payments.idempotency import idempotent


class PlanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    price = MoneyOutField()
    billing_period_label = serializers.CharField(source="get_billing_period_display")

    class Meta:
        model = Plan
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "price",
            "billing_period",
            "billing_period_label",
            "is_default",
            *LIMIT_FIELDS,
        ]


class PlanSubscriptionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    plan = PlanSerializer()
    next_plan = PlanSerializer(allow_null=True)
    price = MoneyOutField()
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = PlanSubscription
        fields = [
            "id",
            "plan",
            "status",
            "status_label",
            "price",
            "period_start",
            "period_end",
            "cancel_at_period_end",
            "next_plan",
            "grace_until",
            "created_at",
            "ended_at",
        ]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The plans this site offers moderators."""

    serializer_class = PlanSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        plan_services.default_plan(self.request.tenant)
        return Plan.objects.filter(tenant=self.request.tenant, is_active=True)

    @extend_schema(request=None, parameters=[IDEMPOTENCY_HEADER], responses={201: PlanSubscriptionSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def choose(self, request, id=None):
        """Buy this plan, or switch to it: upgrades now (pro rata), downgrades at period end."""
        key = request.headers.get("Idempotency-Key") or uuid.uuid4().hex
        subscription = plan_services.choose_plan(
            request.user, self.get_object(), idempotency_key=f"api:{request.user.pk}:{key}"
        )
        return Response(PlanSubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)


class PlanSubscriptionViewSet(viewsets.ReadOnlyModelViewSet):
    """Your plan subscriptions on this site, newest first; `current/` and `cancel/`."""

    serializer_class = PlanSubscriptionSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PlanSubscription.objects.none()
        return PlanSubscription.objects.filter(
            tenant=self.request.tenant, user=self.request.user
        ).select_related("plan", "next_plan")

    @extend_schema(responses={200: PlanSubscriptionSerializer, 204: None})
    @action(detail=False, methods=["get"])
    def current(self, request):
        subscription = self.get_queryset().filter(status__in=LIVE_STATUSES).first()
        if subscription is None:  # no plan yet: a normal state, not an error
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(PlanSubscriptionSerializer(subscription).data)

    @extend_schema(request=None, responses={200: PlanSubscriptionSerializer})
    @action(detail=False, methods=["post"])
    def cancel(self, request):
        subscription = plan_services.cancel_plan(request.user, request.tenant)
        return Response(PlanSubscriptionSerializer(subscription).data)
