"""Search API routes, under /api/v1/search/ (config/api.py)."""

from django.urls import path

from search.api import AutocompleteView, SearchView

urlpatterns = [
    path("", SearchView.as_view(), name="search"),
    path("autocomplete/", AutocompleteView.as_view(), name="search-autocomplete"),
]
