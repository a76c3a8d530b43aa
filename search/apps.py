from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "lyceum_search"
    verbose_name = "Search"

    def ready(self) -> None:
        from search import answer_signals, signals

        signals.connect()
        answer_signals.connect()
