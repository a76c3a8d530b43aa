from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "lyceum_search"
    verbose_name = "Search"
