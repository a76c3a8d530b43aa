"""Thin wallet API views: validate, call a service or selector, serialize."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace import selectors as marketplace_selectors
from marketplace.api.permissions import IsTenantAdmin, IsTenantMember
from payments import ledger, selectors
from payments.api import serializers
from payments.api.fields import money_data
from payments.api.filters import PayoutFilter, TransactionFilter
from payments.gateways.registry import default_gateway_name, get_gateway
from payments.idempotency import idempotent
from payments.models import Payment, Payout, Posting
from payments.services import adjustments, gateway_payments
from payments.services import payouts as payout_services

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description="Retrying with the same key returns the first response and moves no money twice.",
)


class BalancesView(APIView):
    """Your balances on this site, per currency: available and held."""

    permission_classes = [IsTenantMember]

    @extend_schema(responses=serializers.BalanceSerializer(many=True))
    def get(self, request):
        rows = selectors.balances_of(request.user, request.tenant)
        return Response(serializers.BalanceSerializer(rows, many=True).data)


class WalletSettingsView(APIView):
    """What the recharge form offers: currencies, preset amounts, maximum, gateway."""

    permission_classes = [IsTenantMember]

    @extend_schema(responses=serializers.WalletSettingsSerializer)
    def get(self, request):
        gateway = get_gateway(default_gateway_name())
        data = {
            "currencies": settings.LYCEUM_CURRENCIES,
            "default_currency": str(request.tenant.default_currency),
            "presets": settings.LYCEUM_RECHARGE_PRESETS,
            "maximum": str(settings.LYCEUM_MAX_AMOUNT),
            "gateway": gateway.name,
            "gateway_label": gateway.label,
            "test_mode": gateway.test_mode,
        }
        return Response(serializers.WalletSettingsSerializer(data).data)


class TransactionViewSet(viewsets.ReadOnlyModelViewSet):
    """Your wallet history on this site. Filter by kind, currency and dates; export as CSV."""

    serializer_class = serializers.TransactionSerializer
    permission_classes = [IsTenantMember]
    filterset_class = TransactionFilter
    search_fields = ["entry__memo"]
    ordering_fields = ["entry__created_at"]
    lookup_field = "entry__public_id"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Posting.objects.none()
        return selectors.wallet_history(self.request.user, self.request.tenant)

    @extend_schema(responses={(200, "text/csv"): str})
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):
        postings = self.filter_queryset(self.get_queryset())

        def rows() -> Iterator[str]:
            buffer = _Echo()
            writer = csv.writer(buffer)
            yield writer.writerow(["date", "kind", "memo", "amount", "currency", "entry"])
            for posting in postings.iterator(chunk_size=500):
                money = money_data(posting.amount)
                yield writer.writerow(
                    [
                        posting.entry.created_at.isoformat(),
                        posting.entry.get_kind_display(),
                        posting.entry.memo,
                        money["amount"],
                        money["currency"],
                        posting.entry.public_id,
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="wallet-history.csv"'
        return response


class _Echo:
    def write(self, value: str) -> str:
        return value


class RechargeView(APIView):
    """Start a wallet recharge; the answer says where to pay (redirect) or how (client secret)."""

    permission_classes = [IsTenantMember]

    @extend_schema(
        request=serializers.RechargeInSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: inline_serializer(
                "RechargeStarted",
                {"payment": serializers.PaymentSerializer(), "checkout": serializers.CheckoutSerializer()},
            )
        },
    )
    @idempotent
    def post(self, request):
        incoming = serializers.RechargeInSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        gateway_name = incoming.validated_data.get("gateway") or default_gateway_name()
        payment, checkout = gateway_payments.start_recharge(
            tenant=request.tenant,
            user=request.user,
            amount=incoming.validated_data["money"],
            gateway_name=gateway_name,
            return_url=request.build_absolute_uri(reverse("dashboard:wallet")),
        )
        body = {
            "payment": serializers.PaymentSerializer(payment).data,
            "checkout": {
                "redirect_url": checkout.redirect_url,
                "client_secret": checkout.client_secret,
                "publishable_key": checkout.publishable_key,
            },
        }
        return Response(body, status=status.HTTP_201_CREATED)


class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    """Your gateway payments (recharges) on this site and their status."""

    serializer_class = serializers.PaymentSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payment.objects.none()
        return selectors.payments_of(self.request.user, self.request.tenant)


class PayoutViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Your payout requests: ask to withdraw, follow, cancel while still requested."""

    serializer_class = serializers.PayoutSerializer
    permission_classes = [IsTenantMember]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_class = PayoutFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payout.objects.none()
        return selectors.payouts_of(self.request.user, self.request.tenant)

    @extend_schema(request=serializers.PayoutRequestSerializer, parameters=[IDEMPOTENCY_HEADER])
    @idempotent
    def create(self, request, *args, **kwargs):
        incoming = serializers.PayoutRequestSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        key = request.headers.get("Idempotency-Key") or None
        payout = payout_services.request_payout(
            tenant=request.tenant,
            user=request.user,
            amount=data["money"],
            destination=data["destination"],
            note=data["note"],
            idempotency_key=f"api:{request.user.pk}:{key}" if key else f"api:new:{_fresh_key()}",
        )
        return Response(serializers.PayoutSerializer(payout).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def cancel(self, request, id=None):
        payout = payout_services.cancel_payout(self.get_object(), actor=request.user)
        return Response(serializers.PayoutSerializer(payout).data)


def _fresh_key() -> str:
    return uuid.uuid4().hex


class AdjustmentView(APIView):
    """Admins: credit or debit a member's wallet, with a reason (audited)."""

    permission_classes = [IsTenantAdmin]

    @extend_schema(
        request=serializers.AdjustmentSerializer,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: inline_serializer(
                "Adjusted", {"entry": drf_serializers.UUIDField(), "balance": drf_serializers.DictField()}
            )
        },
    )
    @idempotent
    def post(self, request):
        incoming = serializers.AdjustmentSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = marketplace_selectors.find_user(data["user"])
        if user is None or not marketplace_selectors.is_member(user, request.tenant):
            raise exceptions.ValidationError({"user": ["No member of this site with this email or handle."]})
        key = request.headers.get("Idempotency-Key")
        entry = adjustments.adjust_wallet(
            tenant=request.tenant,
            user=user,
            amount=data["money"],
            reason=data["reason"],
            idempotency_key=f"api:{request.user.pk}:{key}" if key else f"api:new:{_fresh_key()}",
            actor=request.user,
        )
        wallet = ledger.wallet_of(user, request.tenant, str(data["money"].currency))
        return Response({"entry": entry.public_id, "balance": money_data(wallet.balance)}, status=201)


class PayoutQueueViewSet(viewsets.ReadOnlyModelViewSet):
    """Admins: every payout of this site; approve, reject (money back) or mark paid."""

    serializer_class = serializers.PayoutSerializer
    permission_classes = [IsTenantAdmin]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    filterset_class = PayoutFilter
    search_fields = ["user__handle", "user__email", "external_reference"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payout.objects.none()
        return selectors.payout_queue(self.request.tenant)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, id=None):
        payout = payout_services.approve_payout(self.get_object(), actor=request.user)
        return Response(serializers.PayoutSerializer(payout).data)

    @extend_schema(request=serializers.RejectSerializer, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"])
    @idempotent
    def reject(self, request, id=None):
        incoming = serializers.RejectSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        payout = payout_services.reject_payout(
            self.get_object(), actor=request.user, reason=incoming.validated_data["reason"]
        )
        return Response(serializers.PayoutSerializer(payout).data)

    @extend_schema(request=serializers.MarkPaidSerializer, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"], url_path="mark-paid")
    @idempotent
    def mark_paid(self, request, id=None):
        incoming = serializers.MarkPaidSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        payout = payout_services.mark_payout_paid(
            self.get_object(),
            actor=request.user,
            external_reference=incoming.validated_data["external_reference"],
        )
        return Response(serializers.PayoutSerializer(payout).data)
