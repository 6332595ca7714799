"""manifest.json: what the bundle holds (every file's sha256 and size), the period, the tool
version, the run chain it carries and the checkpoint of its head (``checkpoint``: the object
of :mod:`collector.anchor.checkpoint`, so an auditor can prove a later bundle extends it);
manifest.sig signs its exact bytes.

The file is JSON laid out so standard tools can read it: one member per line under "files",
each line ``  {"sha256": "<hex>", "path": "<name>", "size": <n>}`` — README.txt turns those lines
into ``sha256sum -c`` input with ``sed``. Everything else is sorted-key JSON, one key per line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from collector.anchor.checkpoint import make, problem, signature_of, signed_bytes
from collector.export.bundle import Entry
from collector.export.signing import ALGORITHM, Signer, signature_holds
from collector.export.source import Selection
from storage import Repository

BUNDLE_FORMAT = "evidence-bundle/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FILE_LINE_PREFIX = '  {"sha256": "'


@dataclass(frozen=True)
class ChainRun:
    """One run of the bundle's chain as manifest.json lists it."""

    run_id: str
    chain_seq: int
    manifest_sha256: str
    status: str
    in_period: bool
    """False for a run carried only to keep the chain contiguous."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form (``path`` is where the run's manifest is in the bundle)."""
        return {"run_id": self.run_id, "chain_seq": self.chain_seq,
                "manifest_sha256": self.manifest_sha256, "status": self.status,
                "in_period": self.in_period, "path": run_path(self.run_id)}


def run_path(run_id: str) -> str:
    """Where a run's manifest lives in the bundle."""
    return f"runs/{run_id}.json"


def chain_runs(selection: Selection) -> list[ChainRun]:
    """The bundle's chain, in chain order."""
    period = {r.run_id for r in selection.runs}
    return [ChainRun(r.run_id, r.chain_seq or 0, r.manifest_sha256 or "", r.status,
                     r.run_id in period) for r in selection.chain]


def checkpoint_of(repo: Repository, selection: Selection, signer: Signer | None
                  ) -> dict[str, Any]:
    """The checkpoint the bundle carries: the one published when its head run was sealed (kept
    in the database) when it still names that run's hash and its signature holds, else one made
    now for the head (dated when the head run finished, signed by ``signer``)."""
    head = selection.head
    seq, sha = head.chain_seq or 0, head.manifest_sha256 or ""
    stored = repo.checkpoint_at(seq)
    if stored is not None and problem(stored) is None and stored["head_sha256"] == sha:
        sig = signature_of(stored)
        if sig is None or signer is None or stored["public_key_sha256"] != signer.fingerprint:
            return stored
        if signature_holds(signer.key.public_key(), sig, signed_bytes(stored)):
            return stored
    sign = None if signer is None else (signer.sign, signer.fingerprint)
    return make(seq, sha, head.finished_at or head.started_at, sign)


def header(selection: Selection, tool_version: str, signer: Signer | None,
           checkpoint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything manifest.json says besides the file list (``checkpoint``: see
    :func:`checkpoint_of`; the key is left out when ``None``)."""
    first, head = selection.chain[0], selection.head
    period: dict[str, str] = {"from": selection.start.isoformat(), "to": selection.end.isoformat()}
    if selection.kind == "type1":
        period = {"as_of": selection.end.isoformat(), "run_id": head.run_id}
    out: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "tool": {"name": "evidence", "version": tool_version},
        "kind": selection.kind,
        "period": period,
        "criteria": list(selection.criteria),
        "chain": {
            "head_sha256": head.manifest_sha256,
            "head_run_id": head.run_id,
            "anchor_prev_sha256": first.prev_sha256,
            "runs": [r.as_dict() for r in chain_runs(selection)],
        },
        "signature": None if signer is None else {
            "algorithm": ALGORITHM,
            "file": SIGNATURE,
            "public_key_sha256": signer.fingerprint,
            "public_key_pem": signer.public_pem,
        },
    }
    if checkpoint is not None:
        out["checkpoint"] = checkpoint
    return out


def render(head: dict[str, Any], entries: Sequence[Entry]) -> bytes:
    """manifest.json bytes: the header's keys sorted, then "files" sorted by path."""
    lines = ["{"]
    for key in sorted(head):
        lines.append(f" {json.dumps(key)}: {json.dumps(head[key], sort_keys=True)},")
    files = [f'{FILE_LINE_PREFIX}{e.sha256}", "path": {json.dumps(e.path)}, "size": {e.size}}}'
             for e in sorted(entries, key=lambda e: e.path)]
    lines.append(' "files": [')
    lines.append(",\n".join(files))
    lines.append(" ]")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")
