"""Does a bundle extend an earlier checkpoint? A pure function over parsed JSON (no imports
beyond the standard library), for ``evidence verify --checkpoint FILE``.

The bundle's ``manifest.json`` lists its run chain (``chain.runs``: ``chain_seq`` and
``manifest_sha256`` of each run) and carries its own ``checkpoint``. An earlier checkpoint is
extended when the bundle's checkpoint is at the same position with the same head, or later and
the bundle's chain holds the earlier position with the earlier head. (The chain links of the
bundle's runs, and its signature, are what ``evidence verify`` checks; this adds the link to
what an auditor kept from before.)
"""

from __future__ import annotations

from typing import Any

from collector.anchor.checkpoint import problem


def extends(earlier_checkpoint: dict[str, Any], manifest: dict[str, Any]) -> str | None:
    """``None`` when the bundle described by ``manifest`` extends ``earlier_checkpoint``;
    otherwise one line saying why not."""
    bad = problem(earlier_checkpoint)
    if bad is not None:
        return f"the earlier checkpoint is malformed: {bad}"
    if not isinstance(manifest, dict):
        return "manifest.json is not a JSON object"
    current = manifest.get("checkpoint")
    if current is None:
        return "the bundle carries no checkpoint (exported before checkpoints existed?)"
    bad = problem(current)
    if bad is not None:
        return f"the bundle's checkpoint is malformed: {bad}"
    chain = manifest.get("chain")
    runs = chain.get("runs") if isinstance(chain, dict) else None
    if not isinstance(runs, list):
        return "manifest.json has no chain.runs list"
    heads = {run.get("chain_seq"): run.get("manifest_sha256") for run in runs
             if isinstance(run, dict) and type(run.get("chain_seq")) is int}
    if heads.get(current["seq"]) != current["head_sha256"]:
        return (f"the bundle's checkpoint (seq {current['seq']}) is not the head of a run in its "
                "own chain")
    seq, head = earlier_checkpoint["seq"], earlier_checkpoint["head_sha256"]
    if current["seq"] < seq:
        return (f"the bundle's checkpoint is at seq {current['seq']}, before the earlier "
                f"checkpoint's seq {seq}: the chain was rolled back")
    if seq not in heads:
        return (f"the bundle's chain does not contain seq {seq} (export a period that includes "
                "the earlier checkpoint's run to prove consistency)")
    if heads[seq] != head:
        return (f"seq {seq} has head {heads[seq]} in the bundle but {head} in the earlier "
                "checkpoint: the chain was rewritten")
    return None
