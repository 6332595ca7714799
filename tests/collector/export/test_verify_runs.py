"""Run manifests are read streaming: the top level of any JSON object, fed in arbitrary
chunks, is what json.loads says it is; anything that is not one JSON object is one line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collector.export.verify import Failed
from collector.export.verify_runs import MAX_TOP_BYTES, TopLevel
from tests.collector.export.zips import members

SCALARS = (st.none() | st.booleans() | st.integers(-2**64, 2**64)
           | st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                     max_size=12) | st.sampled_from(['"', "\\", "[{", "}]", "\\\"]"]))
NESTED = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


def scan(data: bytes, cuts: list[int], depth: int = 32) -> dict[str, Any]:
    """Feed ``data`` split at ``cuts``; the top level."""
    top = TopLevel("runs/x.json", depth)
    at = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        top.feed(data[at:cut])
        at = cut
    return top.result()


@settings(max_examples=300, deadline=None)
@given(doc=st.dictionaries(st.text(max_size=10), NESTED, max_size=8),
       indent=st.sampled_from([None, 1]), data=st.data())
def test_the_top_level_of_any_object_in_any_chunks(doc: dict[str, Any], indent: int | None,
                                                    data: st.DataObject) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=data.draw(st.booleans())).encode()
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=6), label="cuts")
    want = {k: (None if isinstance(v, (dict, list)) else v) for k, v in doc.items()}
    assert scan(text, cuts) == want


def _refuse(name: str) -> Any:
    raise ValueError(name)


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("duplicate key")
    return dict(pairs)


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200) | st.builds(lambda d: json.dumps(d).encode(),
                                                 st.dictionaries(st.text(max_size=4), NESTED,
                                                                 max_size=3)),
       data=st.data())
def test_any_bytes_are_read_or_one_failure(body: bytes, data: st.DataObject) -> None:
    """Only Failed (one line) ever comes out; a valid JSON object is always read right.
    (Nested values are skipped, not validated: the member's sha256 binds them.)"""
    cuts = data.draw(st.lists(st.integers(0, len(body)), max_size=4))
    try:  # as strict as verify: no NaN/Infinity, no duplicate keys
        parsed = json.loads(body, parse_constant=_refuse, object_pairs_hook=_unique)
    except (ValueError, RecursionError):
        parsed = None
    try:
        got = scan(body, cuts)
    except Failed as e:
        assert "\n" not in str(e) and str(e).startswith("runs/x.json: ")
        assert not isinstance(parsed, dict), f"a valid object was refused: {e}"
        return
    if isinstance(parsed, dict):
        assert got == {k: (None if isinstance(v, (dict, list)) else v)
                       for k, v in parsed.items()}


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_real_run_manifest_cut_or_changed_fails_in_one_line(
        unsigned_bundle: bytes, data: st.DataObject) -> None:
    runs = {n: b for n, b in members(unsigned_bundle).items() if n.startswith("runs/")}
    name = data.draw(st.sampled_from(sorted(runs)))
    body = bytearray(runs[name])
    assert scan(bytes(body), [])["run_id"] in name
    if data.draw(st.booleans(), label="cut"):
        body = body[:data.draw(st.integers(0, len(body) - 1))]
    else:
        at = data.draw(st.integers(0, len(body) - 1))
        body[at] = data.draw(st.sampled_from(b'{}[]",\\ \x00x'))
    try:
        scan(bytes(body), data.draw(st.lists(st.integers(0, len(body)), max_size=3)))
    except Failed as e:
        assert "\n" not in str(e)


@pytest.mark.parametrize("body, why", [
    (b"[" * 40 + b"]" * 40, "not a JSON object"),
    (b'{"a":' + b"[" * 40 + b"]" * 40 + b"}", "nested deeper than 32"),
    (b'{"a":[}', "unbalanced"),
    (b'{"a":1}{"b":2}', "after the end"),
    (b'{"a":1', "ends early"),
    (b'{"a":"abc', "ends early"),
    (b'{"a":NaN}', "NaN"),
    (b'{"a":1,"a":2}', "duplicate key"),
    (b'{"a":"\xff"}', "UTF-8"),
    (b'{"a":"' + b"x" * (MAX_TOP_BYTES + 10) + b'"}', "top level exceeds"),
    (b"\0" * 1000, "not a JSON object"),
    (b"", "ends early"),
])
def test_what_is_not_a_run_manifest_is_named(body: bytes, why: str) -> None:
    with pytest.raises(Failed, match=why):
        scan(body, [len(body) // 3])


def test_nested_values_are_never_held() -> None:
    """A 64 MiB nested value passes through in 1 MiB chunks; only the top level is kept."""
    top = TopLevel("runs/x.json", 32)
    top.feed(b'{"format":"evidence-run-manifest/1","result_sets":[')
    chunk = b'{"check_id":"x","sha256":"' + b"a" * 64 + b'"},' * 1
    block = chunk * ((1 << 20) // len(chunk))
    for _ in range(64):
        top.feed(block)
    top.feed(b'{}],"run_id":"r"}')
    assert top.result() == {"format": "evidence-run-manifest/1", "result_sets": None,
                            "run_id": "r"}
    assert len(top.top) < 200 and not top.carry
