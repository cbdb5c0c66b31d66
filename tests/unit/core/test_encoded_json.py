"""``EncodedJson``: a prepared body kept as bytes, members added at the end, and the spill keeps it so."""

from __future__ import annotations

import json
import math

import pytest

from airflow_provider_ileti.core.encoded_json import EncodedJson
from airflow_provider_ileti.tasks.spill import ChunkSpill, SpilledChunk

BODY = {"type": 1, "numbers": [{"nr": "905551234567", "msg": 'Şükrü 😀 "tırnak"\n'}], "title": "x"}


def test_encoded_is_compact_utf8_and_reads_back_equal() -> None:
    encoded = EncodedJson.of(BODY)
    assert "Şükrü 😀".encode() in encoded and b"\\u" not in encoded  # no ASCII escapes
    assert b", " not in encoded and b": " not in encoded
    assert json.loads(encoded) == BODY == encoded.decoded()


def test_members_are_added_after_the_objects_own() -> None:
    added = EncodedJson.of(BODY).with_members(
        {"customID": "af.d.t.r.-1.0", "sendingDate": "2026-12-07 10:00"}
    )
    assert isinstance(added, EncodedJson)
    assert json.loads(added) == {**BODY, "customID": "af.d.t.r.-1.0", "sendingDate": "2026-12-07 10:00"}
    assert list(json.loads(added))[-2:] == ["customID", "sendingDate"]
    assert json.loads(EncodedJson.of({}).with_members({"a": 1})) == {"a": 1}
    same = EncodedJson.of(BODY)
    assert same.with_members({}) is same


def test_only_an_object_and_only_json_values() -> None:
    with pytest.raises(TypeError, match="JSON object"):
        EncodedJson.of([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EncodedJson.of({"x": math.nan})


def test_the_spill_keeps_an_encoded_body_as_its_bytes_and_other_bodies_as_values() -> None:
    encoded = EncodedJson.of(BODY)
    with ChunkSpill() as spill:
        spill.add(SpilledChunk(encoded, 1, "fp0", "90555***4567"))
        spill.add(SpilledChunk(BODY, 1, "fp1", "90555***4567"))
        (_, first), (_, second) = spill.replay()
    assert isinstance(first.body, EncodedJson) and first.body == encoded
    assert (first.recipients, first.fingerprint, first.masked) == (1, "fp0", "90555***4567")
    assert not isinstance(second.body, bytes) and second.body == BODY
