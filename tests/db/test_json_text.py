"""JSON text as the store writes it, and read back as a reader of the column reads it."""

import json

import pytest

from db import json_text

VALUES = [
    {"spans": [["a" * 64, 3, 9, "CLAIM", {"certainty": "reported"}, None, []]], "t": (1, 2)},
    [2**63, 2**64 - 1, -(2**63), 0.1, 5e-324, 1.7976931348623157e308, "é\u2028\x00", True],
    {"huge": 2**70},  # beyond orjson: json.dumps writes it
    {1: "a key that is not a string"},
    {"x": [1, float("nan")]},  # written as null
]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_read_reads_what_it_wrote_as_json_loads_does(value) -> None:
    text, read = json_text.dumps_read(value)
    assert text == json_text.dumps(value)
    expected = json.loads(text)
    assert read == expected
    assert repr(read) == repr(expected)  # ints stay ints, tuples become lists
    assert json_text.dumps_read(value, read=False) == (text, None)
