"""SEARCH_BACKEND_URL: the database backend by default, Elasticsearch or OpenSearch by URL."""

from __future__ import annotations

import pytest
from django.conf import settings

from search.backend_settings import SearchBackendUrlError, search_backends


def test_the_database_backend_by_default():
    assert search_backends("") == {"default": {"BACKEND": "wagtail.search.backends.database"}}
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == "wagtail.search.backends.database"


def test_elasticsearch_and_opensearch_urls():
    assert search_backends("elasticsearch8://search:9200") == {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": ["http://search:9200"],
            "INDEX_PREFIX": "lyceum_",
            "TIMEOUT": 10,
        }
    }
    secure = search_backends("opensearch2+https://user:secret@node1:9200,node2:9200", index_prefix="prod_")
    assert secure["default"]["BACKEND"] == "wagtail.search.backends.opensearch2"
    assert secure["default"]["URLS"] == ["https://user:secret@node1:9200", "https://user:secret@node2:9200"]
    assert secure["default"]["INDEX_PREFIX"] == "prod_"


@pytest.mark.parametrize("url", ["solr://search:8983", "elasticsearch8+ftp://search", "elasticsearch8://"])
def test_unknown_urls_fail_loudly(url):
    with pytest.raises(SearchBackendUrlError):
        search_backends(url)
