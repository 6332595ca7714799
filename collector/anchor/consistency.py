"""Does a bundle extend an earlier checkpoint? Pure functions over parsed JSON (no imports
beyond the standard library), for ``evidence verify --checkpoint FILE``.

The bundle's ``manifest.json`` lists its run chain (``chain.runs``: ``chain_seq`` and
``manifest_sha256`` of each run, and ``chain.anchor_prev_sha256``: the hash the first run links
to, i.e. the head at the position just before it) and carries its own ``checkpoint``. An
earlier checkpoint is extended when the bundle's checkpoint is at the same position with the
same head, or later and the bundle's chain holds the earlier position with the earlier head.
So a quarter's bundle proves it extends the checkpoint of the previous quarter's bundle (its
first run links to that head), as Certificate Transparency's consistency proofs do. (The chain
links of the bundle's runs, and its signature, are what ``evidence verify`` checks; this adds
the link to what an auditor kept from before.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collector.anchor.checkpoint import problem


@dataclass(frozen=True)
class Consistency:
    """What checking a bundle against an anchor file of checkpoints found."""

    checked: tuple[int, ...]
    """The seq of every checkpoint proven consistent with the bundle."""
    later: int
    """Checkpoints after the bundle's head (made after it; nothing to prove)."""
    earlier: int
    """Checkpoints before what the bundle's chain reaches back to (not covered)."""


def chain_heads(manifest: dict[str, Any]) -> tuple[dict[int, Any], str | None]:
    """``chain_seq`` -> head hash for every position the bundle's chain proves (its runs and,
    through the first run's link, the position before it), or ``({}, why)``."""
    chain = manifest.get("chain")
    runs = chain.get("runs") if isinstance(chain, dict) else None
    if not isinstance(runs, list):
        return {}, "manifest.json has no chain.runs list"
    heads = {run["chain_seq"]: run.get("manifest_sha256") for run in runs
             if isinstance(run, dict) and type(run.get("chain_seq")) is int}
    before = chain.get("anchor_prev_sha256") if isinstance(chain, dict) else None
    if heads and isinstance(before, str) and min(heads) > 1:
        heads[min(heads) - 1] = before
    return heads, None


def extends_chain(earlier: dict[str, Any], current: dict[str, Any],
                  heads: Mapping[int, Any]) -> str | None:
    """``None`` when the chain whose proven heads are ``heads`` and whose checkpoint is the
    well-formed ``current`` extends the well-formed ``earlier`` checkpoint; else why not."""
    if heads.get(current["seq"]) != current["head_sha256"]:
        return (f"the bundle's checkpoint (seq {current['seq']}) is not the head of a run in its "
                "own chain")
    seq, head = earlier["seq"], earlier["head_sha256"]
    if current["seq"] < seq:
        return (f"the bundle's checkpoint is at seq {current['seq']}, before the earlier "
                f"checkpoint's seq {seq}: the chain was rolled back")
    if seq not in heads:
        return (f"the bundle's chain does not contain seq {seq} (export a period that includes "
                "the earlier checkpoint's run, or the run after it, to prove consistency)")
    if heads[seq] != head:
        return (f"seq {seq} has head {heads[seq]} in the bundle but {head} in the earlier "
                "checkpoint: the chain was rewritten")
    return None


def current_checkpoint(manifest: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """The bundle's own checkpoint, or ``(None, why)``."""
    if not isinstance(manifest, dict):
        return None, "manifest.json is not a JSON object"
    current = manifest.get("checkpoint")
    if current is None:
        return None, "the bundle carries no checkpoint (exported before checkpoints existed?)"
    bad = problem(current)
    if bad is not None:
        return None, f"the bundle's checkpoint is malformed: {bad}"
    return current, None


def extends(earlier_checkpoint: dict[str, Any], manifest: dict[str, Any]) -> str | None:
    """``None`` when the bundle described by ``manifest`` extends ``earlier_checkpoint``;
    otherwise one line saying why not."""
    bad = problem(earlier_checkpoint)
    if bad is not None:
        return f"the earlier checkpoint is malformed: {bad}"
    current, why = current_checkpoint(manifest)
    if current is None:
        return why
    heads, why = chain_heads(manifest)
    if why is not None:
        return why
    return extends_chain(earlier_checkpoint, current, heads)


def extends_all(checkpoints: list[dict[str, Any]], manifest: dict[str, Any]
                ) -> tuple[Consistency | None, str | None]:
    """Check a bundle against every checkpoint of an anchor file: each one within the reach of
    the bundle's chain must hold (``extends``); those after its head were made later and those
    before its reach are not covered, but at least one must be proven. Returns
    ``(Consistency, None)`` or ``(None, why)`` naming the first checkpoint that does not hold.
    A later checkpoint made inside a Type II bundle's period means the period's newest runs are
    missing from the bundle (a run sealed after the head but started inside the period would be
    in it). A single checkpoint is held to :func:`extends` exactly (later or out of reach fails)."""
    current, why = current_checkpoint(manifest)
    if current is None:
        return None, why
    heads, why = chain_heads(manifest)
    if why is not None:
        return None, why
    if len(checkpoints) == 1:
        why = extends(checkpoints[0], manifest)
        return (None, why) if why else (Consistency((checkpoints[0]["seq"],), 0, 0), None)
    checked: list[int] = []
    later = earlier = 0
    low = min(heads) if heads else current["seq"]
    for cp in checkpoints:
        bad = problem(cp)
        if bad is not None:
            return None, f"checkpoint seq {cp.get('seq')!r} is malformed: {bad}"
        if cp["seq"] > current["seq"]:
            if _inside(cp["at"], manifest.get("kind"), manifest.get("period")):
                return None, (f"checkpoint seq {cp['seq']} was made at {cp['at']}, inside the "
                              f"bundle's period, but the bundle's chain ends at seq "
                              f"{current['seq']}: runs of the period are missing (deleted, or "
                              "the chain rolled back)")
            later += 1
            continue
        if cp["seq"] < low:
            earlier += 1
            continue
        why = extends_chain(cp, current, heads)
        if why is not None:
            return None, f"checkpoint seq {cp['seq']} (at {cp['at']}): {why}"
        checked.append(cp["seq"])
    if not checked:
        return None, (f"none of the {len(checkpoints)} checkpoints lies within the bundle's "
                      f"chain (seq {low}..{current['seq']}): nothing was proven")
    return Consistency(tuple(checked), later, earlier), None


def _inside(at: str, kind: object, period: object) -> bool:
    """Whether the checkpoint time ``at`` falls on a day of a Type II bundle's period."""
    if kind != "type2" or not isinstance(period, dict):
        return False
    start, end = period.get("from"), period.get("to")
    if not isinstance(start, str) or not isinstance(end, str):
        return False
    return start[:10] <= at[:10] <= end[:10]
