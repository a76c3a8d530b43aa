from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from marketplace.accounts import signals  # noqa: F401
        from marketplace.services import rooms  # noqa: F401  (connects the plan_changed receiver)
