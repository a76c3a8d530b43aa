"""A back-office action must say what it does: one without `perform` is refused when declared."""

import pytest

from marketplace.admin_base import ObjectActionView


def test_an_action_without_perform_is_refused_when_declared():
    with pytest.raises(TypeError, match="PublishView must define perform"):

        class PublishView(ObjectActionView):
            name = "publish"


def test_an_action_with_perform_is_accepted():
    class ArchiveView(ObjectActionView):
        name = "archive"

        def perform(self, form) -> str:
            return "Archived."

    assert ArchiveView().perform(None) == "Archived."
