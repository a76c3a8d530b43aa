"""`GET /healthz`: the web process answers; for load balancers and container health checks.

It touches neither the database nor the cache, so it says the process is up, not that its
dependencies are (`manage.py bbb_check` and the back office's figures cover those).
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
