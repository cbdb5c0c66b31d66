"""sendingType 2's ``numbers`` (``[{"nr": …, "msg": …}, …]``) written as JSON text directly.

A personalised chunk is up to 50,000 pairs. Building a dict per pair and running the generic JSON encoder
over them cost about 1.5 µs per recipient; formatting each pair with the encoder's own string escaping
(``json.encoder.encode_basestring``, in C: quotes, backslashes and control characters escaped, the rest
as UTF-8, as ``ensure_ascii=False`` writes it) costs about 0.65. The result reads back as the same values
(``tests/unit/node/test_pairs_json.py`` holds it equal to ``json.dumps`` for awkward texts).
"""

from __future__ import annotations

from collections.abc import Sequence
from json.encoder import encode_basestring


def pairs_json(pairs: Sequence[tuple[str, str]]) -> bytes:
    """``[{"nr": number, "msg": text}, …]`` as compact UTF-8 JSON text."""
    quoted = encode_basestring
    return ("[" + ",".join([f'{{"nr":{quoted(nr)},"msg":{quoted(msg)}}}' for nr, msg in pairs]) + "]").encode(
        "utf-8"
    )
