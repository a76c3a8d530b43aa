"""OpenAPI generation hooks."""


def only_api_paths(endpoints: list) -> list:
    """Keep our /api/ routes; Wagtail's own admin API is not part of the public contract."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
