"""RSA keys for the tests at a fraction of their cost; what the app does with them is unchanged.

Two costs dominate the suite's CPU, both in ``cryptography`` rather than in our code:

* **Generating** a 3072-bit key (every new study authority, collection key and reviewer
  identity): ~0.15 s each, hundreds per run. Tests get keys from a pool of synthetic keys
  generated once and committed (``tests/fixtures/keys/rsa3072.bin``, regenerate with
  ``uv run python -m tests.support.fast_keys --write COUNT``). Each call in a process gets a
  different key, and each xdist worker draws from its own share of the pool, so no two keys
  handed out in a run are the same; once a process's share is used up it generates real keys.
  Only the exact call the app makes (65537, 3072 bits) is served from the pool; any other
  size or exponent (the tests' deliberately weak keys) is generated for real.
* **Checking** a private key each time it is loaded (``load_pem_private_key``,
  ``load_der_private_key``, also inside pyHanko's signer): OpenSSL's full RSA key check,
  ~0.13 s for 3072 bits, on every unlock and every CMS signature. The check is a pure
  function of the key, so each distinct key is checked in full once per process and
  remembered; loading it again skips only the repeated check (parsing, decryption and the
  passphrase are as before). Keys from the pool and from the real generator count as checked:
  they are valid by construction. A key that was never seen is checked in full, so damaged or
  forged keys are refused exactly as in the app.

``install()`` is called once per test process from ``tests/conftest.py``
(``REVIEWER_TESTS_REAL_KEYS=1`` leaves it out). Processes the tests start with ``subprocess``
use the real library; a forked child inherits the pool's position, so a test that forks
children which make keys must not rely on them differing from the parent's next ones (none
does: the forked children of the kill tests only collect and save).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

POOL_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "keys" / "rsa3072.bin"
POOL_BITS = 3072
POOL_EXPONENT = 65537
_PRIME_BYTES = POOL_BITS // 16  # each of p and q: 192 bytes, big-endian
_RECORD = 2 * _PRIME_BYTES

_real_generate = rsa.generate_private_key
_real_load_pem = serialization.load_pem_private_key
_real_load_der = serialization.load_der_private_key


class _State:
    def __init__(self) -> None:
        self.pool: bytes | None = None
        self.next_index = 0
        self.stride = 1
        self.served = 0
        self.generated = 0
        self.checked: set[bytes] = set()


_state = _State()


def _identity(key: rsa.RSAPrivateKey) -> bytes:
    """What the check depends on: the key itself (its unencrypted PKCS#8 DER)."""
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def key_from_primes(p: int, q: int, exponent: int = POOL_EXPONENT) -> rsa.RSAPrivateKey:
    """The RSA key with primes ``p`` and ``q`` (no check: the caller vouches for them)."""
    d = pow(exponent, -1, math.lcm(p - 1, q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(exponent, p * q),
    )
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def _pool() -> bytes:
    if _state.pool is None:
        _state.pool = POOL_FILE.read_bytes() if POOL_FILE.exists() else b""
    return _state.pool


def pool_size() -> int:
    return len(_pool()) // _RECORD


def _from_pool() -> rsa.RSAPrivateKey | None:
    index = _state.next_index
    if index >= pool_size():
        return None
    _state.next_index += _state.stride
    record = _pool()[index * _RECORD : (index + 1) * _RECORD]
    p = int.from_bytes(record[:_PRIME_BYTES], "big")
    q = int.from_bytes(record[_PRIME_BYTES:], "big")
    return key_from_primes(p, q)


def generate_private_key(
    public_exponent: int, key_size: int, backend: Any = None
) -> rsa.RSAPrivateKey:
    """``rsa.generate_private_key``, served from the pool for the app's own key size."""
    key = None
    if public_exponent == POOL_EXPONENT and key_size == POOL_BITS:
        key = _from_pool()
    if key is None:
        key = _real_generate(public_exponent=public_exponent, key_size=key_size)
        _state.generated += 1
    else:
        _state.served += 1
    _state.checked.add(_identity(key))
    return key


def _checked_once(
    real: Callable[..., PrivateKeyTypes],
) -> Callable[..., PrivateKeyTypes]:
    def load(
        data: bytes,
        password: bytes | None,
        backend: Any = None,
        *,
        unsafe_skip_rsa_key_validation: bool = False,
    ) -> PrivateKeyTypes:
        if unsafe_skip_rsa_key_validation:
            return real(data, password, unsafe_skip_rsa_key_validation=True)
        key = real(data, password, unsafe_skip_rsa_key_validation=True)
        if not isinstance(key, rsa.RSAPrivateKey):
            return real(data, password)  # the skip only concerns RSA; load as the app does
        identity = _identity(key)
        if identity not in _state.checked:
            _real_load_der(identity, None)  # the full check; raises as the app's load would
            _state.checked.add(identity)
        return key

    return load


def share(worker: str, worker_count: str) -> tuple[int, int]:
    """(first index, stride) of the pool for an xdist worker ("gw3" of "4"); all of it alone."""
    count = int(worker_count) if worker_count.isdigit() else 0
    if worker.startswith("gw") and worker[2:].isdigit() and int(worker[2:]) < count:
        return int(worker[2:]), count
    return 0, 1


def install() -> None:
    """Serve keys from the pool and check each key once, for this process and its forks."""
    if installed():
        return
    _state.next_index, _state.stride = share(
        os.environ.get("PYTEST_XDIST_WORKER", ""), os.environ.get("PYTEST_XDIST_WORKER_COUNT", "")
    )
    rsa.generate_private_key = generate_private_key  # type: ignore[assignment]
    serialization.load_pem_private_key = _checked_once(_real_load_pem)  # type: ignore[assignment]
    serialization.load_der_private_key = _checked_once(_real_load_der)  # type: ignore[assignment]


def installed() -> bool:
    return rsa.generate_private_key is generate_private_key  # type: ignore[comparison-overlap]


def statistics() -> dict[str, int]:
    """Keys served from the pool, generated for real, and distinct keys checked, so far."""
    return {
        "served": _state.served,
        "generated": _state.generated,
        "checked": len(_state.checked),
    }


def write_pool(count: int, path: Path = POOL_FILE) -> None:
    """Generate ``count`` real keys (each checked in full) and write their primes to ``path``."""
    records = bytearray()
    for _ in range(count):
        key = _real_generate(public_exponent=POOL_EXPONENT, key_size=POOL_BITS)
        numbers = key.private_numbers()
        rebuilt = key_from_primes(numbers.p, numbers.q)
        _real_load_der(_identity(rebuilt), None)  # the full OpenSSL check
        records += numbers.p.to_bytes(_PRIME_BYTES, "big") + numbers.q.to_bytes(_PRIME_BYTES, "big")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(records))


if __name__ == "__main__":  # pragma: no cover - maintenance command
    if len(sys.argv) != 3 or sys.argv[1] != "--write" or not sys.argv[2].isdigit():
        sys.exit("usage: python -m tests.support.fast_keys --write COUNT")
    write_pool(int(sys.argv[2]))
    print(f"wrote {sys.argv[2]} keys to {POOL_FILE}")
