"""The "Figures" panel on the back office's home page: a chart and a CSV download per series.

The panel only renders the form and empty chart frames; backoffice-charts.js asks the stats API
for the points, so the page and the downloads show exactly what the API answers. Without
JavaScript the form still works: it reloads the page, and the CSV links follow the choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.forms import Media
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from config.stats_api import DEFAULT_SPAN_DAYS, StatsQuerySerializer
from config.stats_series import CATALOGUE, Series
from marketplace.selectors import is_tenant_admin
from marketplace.stats import Grouping, Window, tenants_for_figures

UPLOT = "vendor/uplot/uPlot-1.6.32"


@dataclass(frozen=True)
class Chart:
    series: Series
    csv_url: str


class FiguresPanel(Component):
    name = "figures"
    order = 50  # above Wagtail's own panels (pages, workflow: 100 and up)
    template_name = "backoffice/figures_panel.html"

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @property
    def media(self) -> Media:
        return Media(
            css={"all": [f"{UPLOT}.min.css", "css/backoffice-charts.css"]},
            js=[f"{UPLOT}.iife.min.js", "js/backoffice-charts.js"],
        )

    def _chosen(self) -> tuple[Window, str, str]:
        """The window from the page's query string when it is valid, else the last 30 days."""
        problem = ""
        if any(self.request.GET.get(field) for field in StatsQuerySerializer().fields):
            query = StatsQuerySerializer(data=self.request.GET, context={"request": self.request})
            if query.is_valid():
                return query.validated_data["window"], query.validated_data["currency"], ""
            problem = " ".join(str(message) for messages in query.errors.values() for message in messages)
        today = timezone.now().date()
        tenant = None if self.request.user.is_superuser else self.request.tenant
        currency = str(tenant.default_currency) if tenant else settings.LYCEUM_CURRENCIES[0]
        window = Window(today - timedelta(days=DEFAULT_SPAN_DAYS - 1), today, Grouping.DAY, tenant)
        return window, currency, problem

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        window, currency, problem = self._chosen()
        params = {
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
            "group": window.group.value,
        }
        if self.request.user.is_superuser and window.tenant is not None:
            params["tenant"] = window.tenant.slug
        currencies = sorted({*settings.LYCEUM_CURRENCIES, currency})
        charts = [
            Chart(
                series,
                reverse("stats-series", kwargs={"series": series.name})
                + "?"
                + urlencode(
                    {**params, **({"currency": currency} if series.is_money else {}), "format": "csv"}
                ),
            )
            for series in CATALOGUE
        ]
        return {
            "window": window,
            "currency": currency,
            "currencies": currencies,
            "groups": [grouping.value for grouping in Grouping],
            "tenants": tenants_for_figures() if self.request.user.is_superuser else None,
            "charts": charts,
            "api_root": reverse("stats"),
            "problem": problem,
        }


def figures_panel_for(request: HttpRequest) -> FiguresPanel | None:
    """Tenant admins and the platform owner see the figures; editors do not."""
    if is_tenant_admin(request.user, getattr(request, "tenant", None)):
        return FiguresPanel(request)
    return None
