"""The strict schema of manifest.json, checked before anything it says is used.

Parsing refuses NaN/Infinity, duplicate keys, invalid UTF-8, numbers too long to convert, and
more JSON containers than the archive has members to describe (a 60 MB ``[{},{},…]`` is
refused by counting, before it is parsed). The schema then checks every key: types, required
and unknown keys, 64-hex hashes, non-negative integer sizes, safe unique paths, sane counts.
The first violation is :class:`Failed` naming the key, e.g. ``files[3].size``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from collector.export.manifest import BUNDLE_FORMAT, MANIFEST, SIGNATURE
from collector.export.signing import ALGORITHM
from collector.export.verify_zip import Failed, Limits, name_problem

HEX64 = re.compile(r"^[0-9a-f]{64}$")
RUN_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")
MAX_INT = (1 << 63) - 1
MAX_TEXT = 4096
CHECKPOINT_FORMAT = "evidence-checkpoint/1"


@dataclass(frozen=True)
class ChainEntry:
    """One run of the chain as manifest.json lists it."""

    run_id: str
    chain_seq: int
    manifest_sha256: str
    path: str


@dataclass(frozen=True)
class Manifest:
    """What verification uses from a manifest.json that passed the schema."""

    files: dict[str, tuple[str, int]]
    """path -> (sha256, size)"""
    runs: tuple[ChainEntry, ...]
    head_sha256: str
    anchor_prev_sha256: str | None
    key_sha256: str | None
    """The signer's key fingerprint the manifest records; None when unsigned."""
    key_pem: str | None
    header: dict[str, Any] = field(default_factory=dict)
    """``kind``, ``period``, ``chain`` and ``checkpoint`` as checked (for ``--checkpoint``)."""


def parse(body: bytes | bytearray, members: int, limits: Limits) -> Manifest:
    """Parse and check manifest.json; ``members`` is how many entries the archive has."""
    containers = body.count(b"{") + body.count(b"[")
    if containers > 2 * members + 64:
        raise Failed(f"{MANIFEST}: {containers} JSON objects or arrays for {members} archive "
                     "members: not a manifest (refused before parsing)")
    try:
        doc = json.loads(body.decode("utf-8"), parse_constant=refuse_constant,
                         object_pairs_hook=unique_keys)
    except UnicodeDecodeError as e:
        raise Failed(f"{MANIFEST}: not UTF-8 (byte {e.start})") from e
    except RecursionError as e:
        raise Failed(f"{MANIFEST}: nested deeper than {limits.max_depth}") from e
    except ValueError as e:  # JSONDecodeError, NaN/Infinity, duplicate key, long integer
        raise Failed(f"{MANIFEST}: not valid JSON ({_short(e)})") from e
    _depth(doc, limits.max_depth)
    return _Schema(limits).manifest(doc)


def refuse_constant(name: str) -> Any:
    """`json.loads(parse_constant=…)`: NaN and Infinity are not JSON an exporter writes."""
    raise ValueError(f"{name} is not allowed")


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads(object_pairs_hook=…)`: a key given twice is refused, not last-one-wins."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key[:80]!r}")
        out[key] = value
    return out


def _short(e: Exception) -> str:
    return " ".join(str(e).split())[:200]


def _depth(doc: Any, limit: int) -> None:
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, level = stack.pop()
        if level > limit:
            raise Failed(f"{MANIFEST}: nested deeper than {limit}")
        children = node.values() if isinstance(node, dict) else node if isinstance(
            node, list) else ()
        stack.extend((c, level + 1) for c in children if isinstance(c, (dict, list)))


class _Schema:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def manifest(self, doc: Any) -> Manifest:
        top = self.obj(doc, "", {"format", "tool", "kind", "period", "criteria", "chain",
                                 "signature", "files"}, {"checkpoint"})
        if top["format"] != BUNDLE_FORMAT:
            raise Failed(f"{MANIFEST}: format must be {BUNDLE_FORMAT!r}, not "
                         f"{_show(top['format'])}")
        tool = self.obj(top["tool"], "tool", {"name", "version"})
        self.text(tool["name"], "tool.name")
        self.text(tool["version"], "tool.version")
        kind = top["kind"]
        if kind == "type2":
            period = self.obj(top["period"], "period", {"from", "to"})
            self.day(period["from"], "period.from")
            self.day(period["to"], "period.to")
        elif kind == "type1":
            period = self.obj(top["period"], "period", {"as_of", "run_id"})
            self.day(period["as_of"], "period.as_of")
            self.run_id(period["run_id"], "period.run_id")
        else:
            raise Failed(f"{MANIFEST}: kind must be 'type1' or 'type2', not {_show(kind)}")
        criteria = self.array(top["criteria"], "criteria", 10_000)
        for i, item in enumerate(criteria):
            self.text(item, f"criteria[{i}]", 64)
        key_sha, key_pem = self.signature(top["signature"])
        if "checkpoint" in top and top["checkpoint"] is not None:
            self.checkpoint(top["checkpoint"])
        head, anchor, runs = self.chain(top["chain"])
        header = {k: top.get(k) for k in ("kind", "period", "chain", "checkpoint")}
        return Manifest(self.files(top["files"]), runs, head, anchor, key_sha, key_pem, header)

    def chain(self, value: Any) -> tuple[str, str | None, tuple[ChainEntry, ...]]:
        chain = self.obj(value, "chain", {"head_sha256", "head_run_id", "anchor_prev_sha256",
                                          "runs"})
        head = self.hex(chain["head_sha256"], "chain.head_sha256")
        self.run_id(chain["head_run_id"], "chain.head_run_id")
        anchor = chain["anchor_prev_sha256"]
        if anchor is not None:
            self.hex(anchor, "chain.anchor_prev_sha256")
        items = self.array(chain["runs"], "chain.runs", self.limits.max_members)
        if not items:
            raise Failed(f"{MANIFEST}: chain.runs is empty: no run chain")
        runs: list[ChainEntry] = []
        seen: set[str] = set()
        for i, item in enumerate(items):
            at = f"chain.runs[{i}]"
            entry = self.obj(item, at, {"run_id", "chain_seq", "manifest_sha256", "status",
                                        "in_period", "path"})
            run_id = self.run_id(entry["run_id"], f"{at}.run_id")
            if run_id in seen:
                raise Failed(f"{MANIFEST}: {at}.run_id {run_id} is listed twice")
            seen.add(run_id)
            self.text(entry["status"], f"{at}.status", 64)
            if not isinstance(entry["in_period"], bool):
                raise Failed(f"{MANIFEST}: {at}.in_period must be true or false")
            if entry["path"] != f"runs/{run_id}.json":
                raise Failed(f"{MANIFEST}: {at}.path must be 'runs/{run_id}.json', not "
                             f"{_show(entry['path'])}")
            runs.append(ChainEntry(run_id, self.count(entry["chain_seq"], f"{at}.chain_seq"),
                                   self.hex(entry["manifest_sha256"], f"{at}.manifest_sha256"),
                                   entry["path"]))
        return head, anchor, tuple(runs)

    def files(self, value: Any) -> dict[str, tuple[str, int]]:
        items = self.array(value, "files", self.limits.max_members)
        out: dict[str, tuple[str, int]] = {}
        for i, item in enumerate(items):
            at = f"files[{i}]"
            entry = self.obj(item, at, {"path", "sha256", "size"})
            path = self.text(entry["path"], f"{at}.path", self.limits.max_name_chars)
            problem = name_problem(path, self.limits)
            if problem or path in (MANIFEST, SIGNATURE):
                raise Failed(f"{MANIFEST}: {at}.path {_show(path)} "
                             f"{problem or 'may not list itself or the signature'}")
            if path in out:
                raise Failed(f"{MANIFEST}: {at}.path {path} is listed twice")
            size = self.count(entry["size"], f"{at}.size")
            if size > self.limits.max_member_bytes:
                raise Failed(f"{MANIFEST}: {at}.size {size} is over the limit "
                             f"({self.limits.max_member_bytes})")
            out[path] = (self.hex(entry["sha256"], f"{at}.sha256"), size)
        if not out:
            raise Failed(f"{MANIFEST}: files lists no files")
        return out

    def signature(self, value: Any) -> tuple[str | None, str | None]:
        if value is None:
            return None, None
        sig = self.obj(value, "signature", {"algorithm", "file", "public_key_sha256",
                                            "public_key_pem"})
        if sig["algorithm"] != ALGORITHM:
            raise Failed(f"{MANIFEST}: signature.algorithm must be {ALGORITHM!r}, not "
                         f"{_show(sig['algorithm'])}")
        if sig["file"] != SIGNATURE:
            raise Failed(f"{MANIFEST}: signature.file must be {SIGNATURE!r}, not "
                         f"{_show(sig['file'])}")
        return (self.hex(sig["public_key_sha256"], "signature.public_key_sha256"),
                self.text(sig["public_key_pem"], "signature.public_key_pem"))

    def checkpoint(self, value: Any) -> None:
        cp = self.obj(value, "checkpoint", {"format", "seq", "head_sha256", "at", "signature",
                                            "public_key_sha256"})
        if cp["format"] != CHECKPOINT_FORMAT:
            raise Failed(f"{MANIFEST}: checkpoint.format must be {CHECKPOINT_FORMAT!r}, not "
                         f"{_show(cp['format'])}")
        self.count(cp["seq"], "checkpoint.seq")
        self.hex(cp["head_sha256"], "checkpoint.head_sha256")
        at = self.text(cp["at"], "checkpoint.at", 64)
        if not RFC3339.match(at) or not _parses(datetime.fromisoformat, at.replace("z", "Z")):
            raise Failed(f"{MANIFEST}: checkpoint.at must be an RFC 3339 time, not {_show(at)}")
        if cp["signature"] is not None:
            sig = self.text(cp["signature"], "checkpoint.signature", 1024)
            try:
                base64.b64decode(sig, validate=True)
            except (binascii.Error, ValueError) as e:
                raise Failed(f"{MANIFEST}: checkpoint.signature must be base64") from e
        if cp["public_key_sha256"] is not None:
            self.hex(cp["public_key_sha256"], "checkpoint.public_key_sha256")

    # --- primitives ---------------------------------------------------------------------

    def obj(self, value: Any, at: str, required: set[str],
            optional: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
        where = at or "the top level"
        if not isinstance(value, dict):
            raise Failed(f"{MANIFEST}: {where} must be an object, not {_kind(value)}")
        missing = sorted(required - set(value))
        if missing:
            raise Failed(f"{MANIFEST}: {_join(at, missing[0])} is missing")
        unknown = sorted(set(value) - required - set(optional))
        if unknown:
            raise Failed(f"{MANIFEST}: {where} has an unknown key {_show(unknown[0])}")
        return value

    def array(self, value: Any, at: str, limit: int) -> list[Any]:
        if not isinstance(value, list):
            raise Failed(f"{MANIFEST}: {at} must be an array, not {_kind(value)}")
        if len(value) > limit:
            raise Failed(f"{MANIFEST}: {at} has {len(value)} entries (limit {limit})")
        return value

    def text(self, value: Any, at: str, limit: int = MAX_TEXT) -> str:
        if not isinstance(value, str):
            raise Failed(f"{MANIFEST}: {at} must be a string, not {_kind(value)}")
        if len(value) > limit:
            raise Failed(f"{MANIFEST}: {at} is longer than {limit} characters")
        return value

    def hex(self, value: Any, at: str) -> str:
        if not isinstance(value, str) or not HEX64.match(value):
            raise Failed(f"{MANIFEST}: {at} must be 64 lower-case hex digits, not "
                         f"{_show(value)}")
        return value

    def count(self, value: Any, at: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
            raise Failed(f"{MANIFEST}: {at} must be a non-negative integer, not "
                         f"{_show(value)}")
        return value

    def day(self, value: Any, at: str) -> None:
        text = self.text(value, at, 64)
        if not (_parses(date.fromisoformat, text) or _parses(datetime.fromisoformat, text)):
            raise Failed(f"{MANIFEST}: {at} must be an ISO 8601 date, not {_show(text)}")

    def run_id(self, value: Any, at: str) -> str:
        if not isinstance(value, str) or not RUN_ID.match(value):
            raise Failed(f"{MANIFEST}: {at} must be a run id (letters, digits, '._-'), not "
                         f"{_show(value)}")
        return value


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


def _join(at: str, key: str) -> str:
    return f"{at}.{key}" if at else key


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            int: "a number", float: "a number", type(None): "null"}.get(type(value), "?")


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return _kind(value)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
