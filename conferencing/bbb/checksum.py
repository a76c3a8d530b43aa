"""BBB's request checksum: hex digest of call name + exact query string + shared secret."""

from __future__ import annotations

import hashlib
import hmac

ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")
DEFAULT_ALGORITHM = "sha256"


def checksum(call: str, query: str, secret: str, algorithm: str = DEFAULT_ALGORITHM) -> str:
    """The checksum BBB expects for `call` with this query string (without the checksum itself)."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"Unknown checksum algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}.")
    return hashlib.new(algorithm, f"{call}{query}{secret}".encode()).hexdigest()


def algorithm_of(value: str) -> str | None:
    """The algorithm a received checksum was made with, judged by its length (as BBB does)."""
    lengths = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}
    return lengths.get(len(value))


def verify(call: str, query: str, secret: str, received: str, allowed: tuple[str, ...] = ALGORITHMS) -> bool:
    algorithm = algorithm_of(received)
    # compare_digest raises TypeError on non-ASCII text; a forged checksum must just fail.
    if algorithm is None or algorithm not in allowed or not received.isascii():
        return False
    return hmac.compare_digest(checksum(call, query, secret, algorithm), received.lower())
