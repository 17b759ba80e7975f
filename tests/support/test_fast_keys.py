"""The tests' RSA key pool and once-per-key check (fast_keys.py) give what cryptography would.

Through the same public calls the app makes: ``rsa.generate_private_key`` and
``serialization.load_*_private_key`` (installed by tests/conftest.py for the whole run).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.support import fast_keys


def _pem(key: rsa.RSAPrivateKey, password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _broken_copy(key: rsa.RSAPrivateKey) -> rsa.RSAPrivateKey:
    """The same key with a wrong private exponent: loads only when the check is skipped."""
    n = key.private_numbers()
    wrong = rsa.RSAPrivateNumbers(
        p=n.p,
        q=n.q,
        d=n.d + 2,
        dmp1=n.dmp1,
        dmq1=n.dmq1,
        iqmp=n.iqmp,
        public_numbers=n.public_numbers,
    )
    return wrong.private_key(unsafe_skip_rsa_key_validation=True)


def test_the_app_gets_distinct_working_keys_of_the_size_it_asks_for() -> None:
    keys = [rsa.generate_private_key(public_exponent=65537, key_size=3072) for _ in range(3)]
    moduli = {k.public_key().public_numbers().n for k in keys}
    assert len(moduli) == 3, "each call gets another key"
    for key in keys:
        assert key.key_size == 3072
        assert key.public_key().public_numbers().e == 65537
        # the full OpenSSL check (the unpatched loader) accepts it
        fast_keys._real_load_der(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            None,
        )
        signature = key.sign(b"document", padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(signature, b"document", padding.PKCS1v15(), hashes.SHA256())


def test_other_sizes_and_exponents_are_generated_for_real() -> None:
    before = fast_keys.statistics()["generated"]
    small = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    odd = rsa.generate_private_key(public_exponent=3, key_size=2048)
    assert (small.key_size, odd.key_size) == (2048, 2048)
    assert odd.public_key().public_numbers().e == 3
    if fast_keys.installed():  # not with REVIEWER_TESTS_REAL_KEYS=1
        assert fast_keys.statistics()["generated"] == before + 2


@pytest.mark.parametrize("loader", ["pem", "der"])
def test_a_key_never_seen_is_checked_in_full_and_a_broken_one_refused(loader: str) -> None:
    good = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    broken = _broken_copy(good)
    if loader == "pem":
        data, load = _pem(broken), serialization.load_pem_private_key
        real = fast_keys._real_load_pem
    else:
        data = broken.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        load, real = serialization.load_der_private_key, fast_keys._real_load_der
    with pytest.raises(ValueError):
        real(data, None)  # what the app's own call does
    for _ in range(2):  # refused every time: a failed check is never remembered as passed
        with pytest.raises(ValueError):
            load(data, None)
    # asking to skip the check still skips it, as in cryptography
    assert load(data, None, unsafe_skip_rsa_key_validation=True).private_numbers().d == (
        good.private_numbers().d + 2
    )


def test_a_key_loads_again_to_the_same_key_and_a_wrong_passphrase_is_still_refused() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    data = _pem(key, b"the right passphrase")
    for _ in range(2):
        loaded = serialization.load_pem_private_key(data, b"the right passphrase")
        assert isinstance(loaded, rsa.RSAPrivateKey)
        assert loaded.private_numbers() == key.private_numbers()
        with pytest.raises(ValueError):
            serialization.load_pem_private_key(data, b"a wrong passphrase")
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(data, None)


def test_each_xdist_worker_takes_its_own_share_of_the_pool() -> None:
    size = 20
    for count in (1, 2, 3, 8):
        shares = [fast_keys.share(f"gw{i}", str(count)) for i in range(count)]
        taken = [set(range(start, size, stride)) for start, stride in shares]
        assert set().union(*taken) == set(range(size))
        assert sum(len(t) for t in taken) == size, "no index in two shares"
    assert fast_keys.share("", "") == (0, 1)  # no xdist: the whole pool
    assert fast_keys.share("gw5", "2") == (0, 1)  # nonsense: the whole pool, never a gap
