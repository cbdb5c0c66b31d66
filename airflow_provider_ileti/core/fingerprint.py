"""A chunk's fingerprint: what a retry compares before it trusts "chunk 3 went out" to mean these people.

A retry resumes by chunk position. If the source changed between tries (a regenerated CSV, a query
without ORDER BY), chunk 3 of the retry is not chunk 3 of the first try: skipping it would leave its new
people without the message, and sending later chunks would reach again people who already had it. So each
chunk's normalised numbers and texts, in order, are hashed when it goes out and kept with its progress;
a retry hashes the same chunk of its own source and stops before any send when the two differ.

SHA-256, 64 bits kept: a record holds one per chunk (thousands for a million recipients), and a chance
collision between two different chunks of one send is out of reach (2^-64). Nothing personal can be read
back from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

#: Hex digits kept (64 bits).
FINGERPRINT_HEX_DIGITS = 16


def chunk_fingerprint(recipients: Iterable[tuple[str, str]]) -> str:
    """The fingerprint of a chunk given as ``(normalised number, text)`` pairs, in send order."""
    # number US text RS per recipient, hashed as one string: the same bytes as hashing each part in turn
    joined = "".join([f"{number}\x1f{text}\x1e" for number, text in recipients])
    digest = hashlib.sha256(joined.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:FINGERPRINT_HEX_DIGITS]
