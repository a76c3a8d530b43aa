"""Token authentication for integrations: `Authorization: Bearer lyc_...`."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from marketplace.services.tokens import authenticate_api_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header: use `Bearer <token>`.")
        tenant = getattr(request._request, "tenant", None)
        token = authenticate_api_token(header[1], tenant) if tenant is not None else None
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API token for this site.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


from marketplace.api import schema  # noqa: E402, F401  (registers the OpenAPI scheme)
