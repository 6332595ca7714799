"""Run manifests (``runs/*.json``) read streaming, and the run chain they must form.

A run manifest can be large (one entry per result set), and an unsigned bundle can hold
anything under ``runs/``, so a run manifest is never held whole: :class:`TopLevel` is fed the
member's chunks as they are hashed and keeps only the object's top-level scalars (``format``,
``run_id``, ``chain_seq``, ``prev_sha256``, …), skipping nested values by counting brackets
outside strings. Memory is bounded by :data:`MAX_TOP_BYTES` and :data:`MAX_STRING_BYTES`
whatever the member's size. What is skipped is still bound by the member's sha256, which the
manifest lists and the chain (signed with manifest.json) names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from collector.export.manifest import MANIFEST
from collector.export.verify_manifest import HEX64, ChainEntry, refuse_constant, unique_keys
from collector.export.verify_zip import Failed
from storage.chain import MANIFEST_FORMAT

TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}"]', re.DOTALL)
"""A complete string, a bracket, or a lone quote (a string that goes on past the chunk)."""
MAX_TOP_BYTES = 1 << 20
"""The top level of a run manifest (its scalars, nested values elided) may not exceed this."""
MAX_STRING_BYTES = 4 << 20
"""No single JSON string in a run manifest may exceed this."""
QUOTE, OPEN_OBJ, OPEN_ARR, CLOSE_OBJ, CLOSE_ARR = b'"'[0], b"{"[0], b"["[0], b"}"[0], b"]"[0]
CLOSES = {CLOSE_OBJ: OPEN_OBJ, CLOSE_ARR: OPEN_ARR}


@dataclass(frozen=True)
class RunFile:
    """What the chain check needs of one ``runs/*.json`` member."""

    sha256: str
    header: dict[str, Any]
    """The top-level members, nested values replaced by None."""


class TopLevel:
    """A streaming reader of one JSON object that keeps only its top-level scalars."""

    def __init__(self, name: str, max_depth: int) -> None:
        """``name`` is the member named in errors; ``max_depth`` bounds nesting."""
        self.name = name
        self.max_depth = max_depth
        self.stack = bytearray()
        self.top = bytearray()
        self.carry = b""
        self.closed = False

    def fail(self, why: str) -> Failed:
        """The error naming this member."""
        return Failed(f"{self.name}: {why}")

    def feed(self, chunk: bytes) -> None:
        """Consume the next bytes of the member."""
        buf = self.carry + chunk if self.carry else chunk
        self.carry = b""
        if self.closed:
            if buf.strip():
                raise self.fail("data after the end of the JSON object")
            return
        last = 0  # start of top-level text not yet copied into self.top
        for m in TOKEN.finditer(buf):
            start = m.start()
            byte = buf[start]
            depth = len(self.stack)
            if byte == QUOTE:
                if m.end() - start > 1:
                    if depth == 0:
                        raise self.fail("not a JSON object")
                    continue
                if len(buf) - start > MAX_STRING_BYTES:
                    raise self.fail(f"a JSON string longer than {MAX_STRING_BYTES} bytes")
                self.carry = buf[start:]
                buf = buf[:start]
                break
            if byte in CLOSES:
                if not depth or self.stack[-1] != CLOSES[byte]:
                    raise self.fail(f"unbalanced {chr(byte)!r} in the JSON")
                self.stack.pop()
                if depth == 2:
                    last = m.end()
                elif depth == 1:
                    self._keep(buf[last:start] + b"}")
                    self.closed = True
                    if buf[m.end():].strip():
                        raise self.fail("data after the end of the JSON object")
                    return
                continue
            if depth == 0:
                if byte != OPEN_OBJ or buf[last:start].strip():
                    raise self.fail("not a JSON object")
                self._keep(b"{")
                last = m.end()
            elif depth == 1:
                self._keep(buf[last:start] + b"null")
            elif depth >= self.max_depth:
                raise self.fail(f"nested deeper than {self.max_depth}")
            self.stack.append(byte)
        if len(self.stack) == 1:
            self._keep(buf[last:])
        elif not self.stack and buf[last:].strip():
            raise self.fail("not a JSON object")

    def _keep(self, text: bytes) -> None:
        self.top += text
        if len(self.top) > MAX_TOP_BYTES:
            raise self.fail(f"its top level exceeds {MAX_TOP_BYTES} bytes")

    def result(self) -> dict[str, Any]:
        """The top-level object (nested values as None); Failed if the JSON was cut or bad."""
        if self.carry or not self.closed:
            raise self.fail("the JSON ends early (cut or not JSON)")
        try:
            doc = json.loads(bytes(self.top).decode("utf-8"), parse_constant=refuse_constant,
                             object_pairs_hook=unique_keys)
        except UnicodeDecodeError as e:
            raise self.fail(f"not UTF-8 (byte {e.start} of its top level)") from e
        except ValueError as e:
            raise self.fail(f"not valid JSON ({' '.join(str(e).split())[:200]})") from e
        if not isinstance(doc, dict):  # pragma: no cover - the scanner only keeps objects
            raise self.fail("not a JSON object")
        return doc


def check_chain(runs: Iterable[ChainEntry], files: dict[str, RunFile], head_sha256: str,
                anchor: str | None) -> tuple[str, int]:
    """Check that the run manifests link into the chain manifest.json lists; return the head
    hash and the number of runs. Every ``runs/`` file must be one of the chain's runs."""
    listed = sorted(runs, key=lambda r: r.chain_seq)
    prev_sha, prev_seq = anchor, None
    left = dict(files)
    for entry in listed:
        path, run_id = entry.path, entry.run_id
        got = left.pop(path, None)
        if got is None:
            raise Failed(f"run {run_id}: {path} is not in the bundle")
        where = f"run {run_id} ({path})"
        run = got.header
        if run.get("format") != MANIFEST_FORMAT:
            raise Failed(f"{where}: not a run manifest")
        if run.get("run_id") != run_id:
            raise Failed(f"{where}: the file holds run {_show(run.get('run_id'))}")
        if got.sha256 != entry.manifest_sha256:
            raise Failed(f"{where}: hashes to {got.sha256}, not to the chain's "
                         f"{entry.manifest_sha256}")
        seq = run.get("chain_seq")
        if (isinstance(seq, bool) or seq != entry.chain_seq
                or (prev_seq is not None and seq != prev_seq + 1)):
            raise Failed(f"{where}: chain_seq {_show(seq)} breaks the sequence (a run before "
                         "it is missing or out of order)")
        link = run.get("prev_sha256")
        if link != prev_sha or not (link is None or (isinstance(link, str)
                                                     and HEX64.match(link))):
            raise Failed(f"{where}: prev_sha256 does not link to the previous run's manifest "
                         "(a run before it is missing, altered or swapped)")
        prev_sha, prev_seq = got.sha256, entry.chain_seq
    if prev_sha != head_sha256:
        raise Failed(f"run {listed[-1].run_id}: the chain ends at {prev_sha}, not at the "
                     f"chain head {head_sha256} in {MANIFEST} (a later run is missing)")
    if left:
        raise Failed(f"{min(left)}: a run manifest that is not in the bundle's chain")
    return head_sha256, len(listed)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
