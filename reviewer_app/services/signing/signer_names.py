"""Names read out of certificates and signature dictionaries, safe to print.

A name in a file we were given may carry control characters or be of any length, and a
certificate from a damaged signature may parse yet hold a subject that does not: everything
here bounds, cleans, or gives None instead of raising.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from cryptography import x509
from cryptography.x509.oid import NameOID

_MAX_SHOWN_NAME = 200


def safe_text(value: object) -> str | None:
    """A name from the file, safe to print: no control characters, bounded length."""
    if not isinstance(value, str):
        return None
    shown = "".join(c if c.isprintable() else "?" for c in value.strip())[:_MAX_SHOWN_NAME]
    return shown or None


@contextlib.contextmanager
def warnings_are_errors() -> Iterator[None]:
    """cryptography warns (deprecations, odd attribute lengths) on malformed certificates;
    from a signature value, such a certificate counts as damaged, and nothing is printed."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def name_attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    return safe_text(values[0].value) if len(values) == 1 else None


def signer_names(cert: x509.Certificate | None) -> tuple[str | None, str | None, str | None]:
    """(common name, reviewer ref, subject) of a certificate; all None if unreadable.

    A certificate from a damaged value may parse yet hold a subject that does not.
    """
    if cert is None:
        return None, None, None
    try:
        with warnings_are_errors():
            return (
                name_attribute(cert, NameOID.COMMON_NAME),
                name_attribute(cert, NameOID.SERIAL_NUMBER),
                safe_text(cert.subject.rfc4514_string()),
            )
    except Exception:  # cryptography parses names lazily and raises several kinds
        return None, None, None
