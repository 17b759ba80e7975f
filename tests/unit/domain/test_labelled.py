"""A labelled vocabulary stores its value alone and cannot gain a member without a label."""

from __future__ import annotations

import pytest

from reviewer_app.domain.labelled import LabelledEnum
from reviewer_app.domain.status import ReviewStatus


def test_the_value_is_what_is_stored_and_looked_up() -> None:
    assert ReviewStatus("signed") is ReviewStatus.SIGNED
    assert ReviewStatus.SIGNED.value == "signed" == str(ReviewStatus.SIGNED)
    assert ReviewStatus.SIGNED.label == "Signed"


def test_a_member_without_a_label_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="has no label"):

        class Unlabelled(LabelledEnum):
            ONE = "one"
