"""OpenAPI generation: which paths, and the tenant scope while inspecting models."""

from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator


def only_api_paths(endpoints: list) -> list:
    """Keep our /api/ routes; Wagtail's own admin API is not part of the public contract."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class ScopeFreeSchemaGenerator(SchemaGenerator):
    """Reads model metadata only (field types), so no tenant scope applies; this lets the
    schema build from the command line and the deploy checks, not just inside a request."""

    def get_schema(self, request=None, public=False):
        with scopes_disabled():
            return super().get_schema(request=request, public=public)
