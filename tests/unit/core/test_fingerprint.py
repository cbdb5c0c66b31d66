from __future__ import annotations

from airflow_provider_ileti.core.fingerprint import FINGERPRINT_HEX_DIGITS, chunk_fingerprint

A, B = ("905555550001", "Merhaba Ali"), ("905555550002", "Merhaba Can")


def test_the_same_chunk_has_the_same_fingerprint() -> None:
    assert chunk_fingerprint([A, B]) == chunk_fingerprint(iter([A, B]))
    assert len(chunk_fingerprint([A])) == FINGERPRINT_HEX_DIGITS


def test_order_numbers_and_texts_all_count() -> None:
    prints = {
        chunk_fingerprint([A, B]),
        chunk_fingerprint([B, A]),
        chunk_fingerprint([A]),
        chunk_fingerprint([(A[0], "Merhaba Alı"), B]),
        chunk_fingerprint([("905555550003", A[1]), B]),
        # a boundary moved between number and text must not collide
        chunk_fingerprint([("90555555000", "1Merhaba Ali"), B]),
    }
    assert len(prints) == 6



def test_a_fingerprint_is_stable_across_releases() -> None:
    """Kept in progress records: a retry after an upgrade must compute what the earlier try stored."""
    chunk = [("905551234567", "Merhaba Ayşe 😀"), ("905321234567", "\ud800 broken")]
    assert chunk_fingerprint(chunk) == "fe46a7605e098b4b"
