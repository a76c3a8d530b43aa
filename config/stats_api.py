"""GET /api/v1/stats/<series>/: one back-office series as JSON, or as CSV with ?format=csv.

Tenant admins see their own tenant's figures; the platform owner sees every tenant's together,
or one tenant's with ?tenant=<slug>.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.stats_series import CATALOGUE, SERIES, Series, point_value
from marketplace.api.permissions import IsTenantAdmin
from marketplace.models import Tenant
from marketplace.stats import MAX_SPAN_DAYS, Grouping, Window

DEFAULT_SPAN_DAYS = 30


class StatsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        required=False, help_text="First day (YYYY-MM-DD, UTC). Default: 29 days before `end`."
    )
    end = serializers.DateField(
        required=False, help_text="Last day, included (YYYY-MM-DD, UTC). Default: today."
    )
    group = serializers.ChoiceField(
        choices=[grouping.value for grouping in Grouping],
        default=Grouping.DAY.value,
        help_text="Period of each point; weeks start on Monday.",
    )
    tenant = serializers.SlugField(
        required=False, help_text="Platform owner only: one tenant's figures. Default: every tenant."
    )
    currency = serializers.CharField(
        required=False,
        min_length=3,
        max_length=3,
        help_text="Money series only: the currency to sum. Default: the tenant's default currency.",
    )

    def validate_currency(self, value: str) -> str:
        return value.upper()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        request: Request = self.context["request"]
        end = attrs.get("end") or timezone.now().date()
        start = attrs.get("start") or end - timedelta(days=DEFAULT_SPAN_DAYS - 1)
        group = Grouping(attrs["group"])
        if start > end:
            raise serializers.ValidationError({"start": ["The start must not be after the end."]})
        span = (end - start).days + 1
        if span > MAX_SPAN_DAYS[group]:
            limit = MAX_SPAN_DAYS[group]
            advice = "group by week or month" if group == Grouping.DAY else "choose a later start"
            message = f"A {group.value} series covers at most {limit} days; this range has {span}: {advice}."
            raise serializers.ValidationError({"start": [message]})
        tenant = self._tenant(request, attrs.get("tenant"))
        currency = attrs.get("currency") or (
            str(tenant.default_currency) if tenant else settings.LYCEUM_CURRENCIES[0]
        )
        allowed = set(settings.LYCEUM_CURRENCIES) | ({str(tenant.default_currency)} if tenant else set())
        if currency not in allowed:
            raise serializers.ValidationError({"currency": [f"Choose one of {', '.join(sorted(allowed))}."]})
        return {"window": Window(start=start, end=end, group=group, tenant=tenant), "currency": currency}

    @staticmethod
    def _tenant(request: Request, slug: str | None) -> Tenant | None:
        if request.user.is_superuser:
            if not slug:
                return None
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                raise serializers.ValidationError({"tenant": ["No tenant has this slug."]})
            return tenant
        # A tenant admin only ever sees the tenant of the site they are on.
        if slug and slug != request.tenant.slug:
            raise serializers.ValidationError(
                {"tenant": ["Only the platform owner can choose another tenant."]}
            )
        return request.tenant


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "format": "decimal"}]})
class PointValueField(serializers.Field):
    def to_representation(self, value: Any) -> Any:
        return value


class PointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="The first day of the period.")
    value = PointValueField(help_text="A count (integer) or an exact decimal string (money, minutes, MB).")


class SeriesDataSerializer(serializers.Serializer):
    series = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    group = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    tenant = serializers.CharField(allow_null=True, help_text="The tenant's slug; null for every tenant.")
    currency = serializers.CharField(required=False, help_text="Money series only.")
    points = PointSerializer(many=True)


class SeriesInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()


def series_data(series: Series, window: Window, currency: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "series": series.name,
        "label": series.label,
        "unit": series.unit.value,
        "group": window.group.value,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "tenant": window.tenant.slug if window.tenant else None,
    }
    if series.is_money:
        data["currency"] = currency
    data["points"] = [
        {"period": period.isoformat(), "value": point_value(series, value)}
        for period, value in series.compute(window, currency)
    ]
    return data


class SeriesCSVRenderer(BaseRenderer):
    """The same points as the JSON answer, one row per period."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        money = "currency" in data
        writer.writerow(["period", "value", "currency"] if money else ["period", "value"])
        for point in data["points"]:
            row = [point["period"], point["value"]]
            writer.writerow([*row, data["currency"]] if money else row)
        return buffer.getvalue().encode(self.charset)


SERIES_PARAMETER = OpenApiParameter(
    "series", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(SERIES), description="Which series."
)
FORMAT_PARAMETER = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv"], description="`csv` downloads the points as a CSV file."
)


class SeriesListView(APIView):
    """The series available to tenant admins and the platform owner."""

    permission_classes = [IsTenantAdmin]

    @extend_schema(responses=SeriesInfoSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = [
            {"name": s.name, "label": s.label, "unit": s.unit.value, "description": s.description}
            for s in CATALOGUE
        ]
        return Response(SeriesInfoSerializer(rows, many=True).data)


class SeriesView(APIView):
    """One series: a point per day, week or month of the range, zero where nothing happened."""

    permission_classes = [IsTenantAdmin]
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, SeriesCSVRenderer]

    @extend_schema(
        parameters=[SERIES_PARAMETER, StatsQuerySerializer, FORMAT_PARAMETER],
        responses={(200, "application/json"): SeriesDataSerializer, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request: Request, series: str) -> Response:
        found = SERIES.get(series)
        if found is None:
            raise exceptions.NotFound("No such series.")
        query = StatsQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        window: Window = query.validated_data["window"]
        response = Response(series_data(found, window, query.validated_data["currency"]))
        if isinstance(request.accepted_renderer, SeriesCSVRenderer):
            name = f"{found.name}-{window.start}-{window.end}-{window.group.value}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # Errors keep the API's one JSON shape even when a CSV file was asked for.
        if isinstance(getattr(self.request, "accepted_renderer", None), SeriesCSVRenderer):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response
