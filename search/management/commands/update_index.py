"""`manage.py update_index`: Wagtail's rebuild of every search backend, across all sites.

Profiles and rooms are tenant-scoped; a full rebuild is the platform owner's job over every site,
so it runs with the tenant scopes disabled (this app comes before wagtail.search in
INSTALLED_APPS, so this command is the one `manage.py update_index` runs). Cached search answers
are dropped afterwards (search/match_cache.py).
"""

from __future__ import annotations

from typing import Any

from django_scopes import scopes_disabled
from wagtail.search.management.commands.update_index import Command as WagtailUpdateIndex

from search import match_cache


class Command(WagtailUpdateIndex):
    help = "Rebuild the search index of every backend: pages, moderator profiles and rooms of all sites."

    def handle(self, **options: Any) -> None:
        with scopes_disabled():
            super().handle(**options)
        match_cache.advance_all()  # cached search answers predate the rebuild
