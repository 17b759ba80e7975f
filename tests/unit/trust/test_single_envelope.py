"""``cms.open_single_envelope``: the one opening of an envelope that must be for us alone
(packs and return bundles word their own refusals around it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7

from reviewer_app.services.trust import cms
from reviewer_app.services.trust.cms import EnvelopeProblem
from tests.support.crypto_fixtures import alice, bob


class Refused(Exception):
    def __init__(self, problem: EnvelopeProblem, recipients: int) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.recipients = recipients


def _open(data: bytes) -> bytes:
    return cms.open_single_envelope(data, alice().key, alice().cert, Refused)


def _damaged(sealed: bytes) -> bytes:
    info = asn1_cms.ContentInfo.load(sealed)
    eci = info["content"]["encrypted_content_info"]
    eci["encrypted_content"] = eci["encrypted_content"].native[:-1]  # not whole AES blocks
    return bytes(info.dump(force=True))


def test_an_envelope_for_us_alone_opens() -> None:
    assert _open(cms.envelope(b"the content", alice().cert)) == b"the content"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (lambda: cms.envelope(b"x", bob().cert), EnvelopeProblem.NOT_A_RECIPIENT),
        (lambda: _damaged(cms.envelope(b"x" * 64, alice().cert)), EnvelopeProblem.DAMAGED),
        (lambda: b"not an envelope at all", EnvelopeProblem.NOT_AN_ENVELOPE),
    ],
    ids=["for someone else", "cut short", "not an envelope"],
)
def test_each_failure_is_raised_in_the_callers_words(
    data: Callable[[], bytes], problem: EnvelopeProblem
) -> None:
    with pytest.raises(Refused) as refused:
        _open(data())
    assert refused.value.problem is problem
    assert refused.value.__cause__ is None  # the library's error is not chained to the user


def test_an_envelope_for_two_is_refused_with_their_number() -> None:
    shared = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(b"x")
        .set_content_encryption_algorithm(algorithms.AES256)
        .add_recipient(alice().cert)
        .add_recipient(bob().cert)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    with pytest.raises(Refused) as refused:
        _open(shared)
    assert (refused.value.problem, refused.value.recipients) == (
        EnvelopeProblem.SEVERAL_RECIPIENTS,
        2,
    )
