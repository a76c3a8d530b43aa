"""drf-spectacular's schema command, run with tenant scopes off (it only reads model metadata)."""

from django_scopes import scopes_disabled
from drf_spectacular.management.commands.spectacular import Command as SpectacularCommand


class Command(SpectacularCommand):
    def handle(self, *args, **options):
        with scopes_disabled():
            return super().handle(*args, **options)
