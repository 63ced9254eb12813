"""JSON read and written as the json module does, at orjson's speed (annotate.exact_json):
integers beyond 64 bits stay integers, whichever way they go."""

from __future__ import annotations

import json
import math

import orjson
from hypothesis import given
from hypothesis import strategies as st

from annotate import exact_json

LONG = 100_000_000_000_000_000_000
"""Beyond 64 bits: orjson reads it as the float 1e+20 and refuses to write it."""

TEXTS = [
    '{"a": 100000000000000000000}', '{"a": -9223372036854775809}', '[18446744073709551616]',
    '{"a": 18446744073709551615}', '{"a": -9223372036854775808}', '{"a": 1e+20}',
    '{"a": 1e19}', '{"a": 9.3e18}', '{"a": NaN}', '{"a": -Infinity}', '{"a": "\\ud800"}',
    '{"a": "1234567890123456789012"}', ' {"a" : [ 1 , {"b": 2.5} ] } ', '{"a":1,"a":2}',
]


def same(a, b) -> bool:
    """Equal, NaN equal to NaN, and of the same types throughout (1e+20 is not 10**20)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b


def test_what_json_reads_is_read_the_same():
    for text in TEXTS:
        assert same(exact_json.loads(text), json.loads(text)), text
        assert same(exact_json.loads(text.encode("utf-8", "surrogatepass")), json.loads(text))
    assert orjson.loads(TEXTS[0]) == {"a": 1e20}  # why this module is: orjson alone forges it


JSON = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON)
def test_any_value_goes_out_and_back_as_json_has_it(value):
    written = exact_json.dumps(value)
    assert same(exact_json.loads(written), json.loads(written))
    assert same(exact_json.loads(written), json.loads(json.dumps(value)))


def test_what_orjson_cannot_write_is_written_as_json_writes_it():
    assert exact_json.dumps({"n": LONG, "é": 1}) == '{"n":100000000000000000000,"é":1}'.encode()
    assert exact_json.dumps({1: "a"}) == b'{"1":"a"}'
    assert exact_json.loads(exact_json.dumps({"n": -LONG})) == {"n": -LONG}
    # a lone surrogate, which UTF-8 cannot hold, as its escape (read back as it was)
    assert exact_json.loads(exact_json.dumps({"n": LONG, "s": "\ud800"})) == {
        "n": LONG, "s": "\ud800"}
