"""Search API: Explore's results and suggestions as JSON, with the page's parameters and rules.

Public reads: anyone, unless the site shows its content to signed-in people only. A bad value
answers 400 in the one error shape, naming the parameter.
"""

from __future__ import annotations

from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.public_cache import keep_publicly
from marketplace.api.moderator_profiles import CanSeePublicContent, TopicRefSerializer
from marketplace.models import FeeModel
from payments.api.fields import MoneyOutField
from search.items import ExploreItem
from search.params import KINDS, MAX_PER_PAGE, SORTS, parse_params
from search.queries import autocomplete, explore_with
from search.selectors import explore_path


class NextSessionSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    time_zone = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["moderator", "room"], help_text="A host's profile or a room.")
    title = serializers.CharField(help_text="The host's name or the room's name.")
    url = serializers.CharField(help_text="The public page: /@handle/ or /@handle/<room>/.")
    handle = serializers.CharField(source="host.handle", help_text="The host's handle.")
    host_name = serializers.CharField(source="host.get_short_name")
    avatar_url = serializers.SerializerMethodField()
    summary = serializers.CharField(help_text="The host's headline or the start of the room's agenda.")
    topics = TopicRefSerializer(many=True, help_text="The host's topics (a room has its host's).")
    languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1 codes.")
    fee_model = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    fee_text = serializers.CharField(help_text='e.g. "Free", "$25.00 once", "From $15.00".')
    next_session = NextSessionSerializer(allow_null=True, help_text="The next session that is not over.")

    def get_avatar_url(self, item: ExploreItem) -> str | None:
        return item.host.avatar.url if item.host.avatar else None

    @extend_schema_field(serializers.ChoiceField(choices=FeeModel.choices, allow_null=True))
    def get_fee_model(self, item: ExploreItem) -> str | None:
        return item.room.fee_model if item.room else None

    @extend_schema_field(MoneyOutField(allow_null=True, help_text="Rooms only; hosts have none."))
    def get_price(self, item: ExploreItem) -> dict | None:
        return MoneyOutField().to_representation(item.room.price) if item.room else None


class SearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Results in all pages.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = ResultSerializer(many=True)


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["moderator", "room", "topic"])
    label = serializers.CharField()
    detail = serializers.CharField(help_text="The handle, the host or the word Topic.")
    url = serializers.CharField(help_text="Where the suggestion leads (a topic: Explore filtered by it).")


class SuggestionsSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


def _param(
    name: str, description: str, type_: object = str, enum: list[str] | None = None
) -> OpenApiParameter:
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, required=False, description=description, enum=enum
    )


SEARCH_PARAMETERS = [
    _param("q", "Words to look for in names, handles, headlines, bios, agendas, topics and languages."),
    _param("kind", "What to list (default all).", enum=list(KINDS)),
    _param("topic", "A topic's slug: hosts with it, and their rooms."),
    _param("language", "An ISO 639-1 code: hosts who speak it, and their rooms."),
    _param(
        "price_min",
        "Lowest price in the site's currency, inclusive (free rooms cost 0).",
        OpenApiTypes.DECIMAL,
    ),
    _param("price_max", "Highest price in the site's currency, inclusive.", OpenApiTypes.DECIMAL),
    _param("free", "true: free rooms only; false: paid rooms only.", OpenApiTypes.BOOL),
    _param("fee_model", "How a room is paid.", enum=list(FeeModel.values)),
    _param("has_upcoming", "true: only rooms (and hosts with rooms) that meet again.", OpenApiTypes.BOOL),
    _param("sort", "Default: relevance with q, newest without.", enum=list(SORTS)),
    _param("page", "Page number, from 1.", OpenApiTypes.INT),
    _param("page_size", f"Results per page, 1 to {MAX_PER_PAGE} (default 20).", OpenApiTypes.INT),
]


def _page_link(request: Request, values: dict[str, str], page: int) -> str:
    return request.build_absolute_uri(f"{request.path}?{urlencode({**values, 'page': str(page)})}")


class SearchView(APIView):
    """Search this site's public hosts and rooms, with Explore's filters, sorting and pages."""

    permission_classes = [CanSeePublicContent]
    public_answers = True  # the same for everyone: config/public_cache.py

    @extend_schema(parameters=SEARCH_PARAMETERS, responses=SearchPageSerializer)
    def get(self, request: Request) -> Response:
        params, errors = parse_params(request.tenant, request.query_params)
        if errors:
            raise exceptions.ValidationError({name: [message] for name, message in errors.items()})
        results = explore_with(request.tenant, params)
        values = {**params.query_string_values(), "page_size": str(params.per_page)}
        body = {
            "count": results.total,
            "page": results.page,
            "pages": results.pages,
            "page_size": results.per_page,
            "next": _page_link(request, values, results.page + 1) if results.has_next else None,
            "previous": _page_link(request, values, results.page - 1) if results.has_previous else None,
            "results": ResultSerializer(results.items, many=True).data,
        }
        if params.depends_on_clock:
            return Response(body)
        return keep_publicly(Response(body), request.tenant.pk)


class AutocompleteView(APIView):
    """Up to eight hosts, rooms and topics whose names (or handles) start with what was typed."""

    permission_classes = [CanSeePublicContent]
    public_answers = True  # the same for everyone: config/public_cache.py

    @extend_schema(
        parameters=[_param("q", "What was typed so far (a leading @ looks for handles too).")],
        responses=SuggestionsSerializer,
    )
    def get(self, request: Request) -> Response:
        prefix = request.query_params.get("q", "")
        if len(prefix) > 100:
            raise exceptions.ValidationError({"q": ["Type at most 100 characters."]})
        suggestions = autocomplete(request.tenant, prefix, explore_path=explore_path(request.tenant))
        response = Response({"results": SuggestionSerializer(suggestions, many=True).data})
        return keep_publicly(response, request.tenant.pk)
