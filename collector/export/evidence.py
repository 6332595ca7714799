"""evidence/: the raw responses and the provenance behind every result of the bundle.

Layout (content-addressed files are stored once, however many criteria, checks or runs use them;
each one's name is the sha256 of its bytes, so it can be checked on its own)::

    evidence/<criterion>/<check_id>/index.json   every observation of the check in the period:
                                                  run, scope, region, counts, and its result set
    evidence/_result_sets/<sha256>.json           a result set exactly as stored: the verdict per
                                                  resource, and under "calls" the call digests
    evidence/_calls/<digest>.json                 the provenance of one API call (CallRecord:
                                                  operation, parameters, identity, status, pages,
                                                  and "response_sha256")
    evidence/_responses/<sha256>.json             the normalised response of a call, as stored
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from collector.export.blobs import iter_blobs
from collector.export.bundle import BundleWriter
from collector.export.source import RunReader
from storage.canonical import canonical_json, format_utc

CALL_BATCH = 500
INDEX_FORMAT = "evidence-bundle-index/1"


def result_set_path(sha: str) -> str:
    """Where a result set blob lives in the bundle."""
    return f"evidence/_result_sets/{sha}.json"


def call_path(digest: str) -> str:
    """Where a call record lives in the bundle."""
    return f"evidence/_calls/{digest}.json"


def response_path(sha: str) -> str:
    """Where a response blob lives in the bundle."""
    return f"evidence/_responses/{sha}.json"


def _pretty(obj: Any) -> bytes:
    return (json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def call_digests(body: bytes) -> list[str]:
    """The call digests a result-set blob lists under "calls" (none for other shapes)."""
    data = json.loads(body)
    calls = data.get("calls", []) if isinstance(data, dict) else []
    return [d for d in calls if isinstance(d, str)]


class EvidenceWriter:
    """Collects the evidence index in one pass, then writes evidence/ in name order."""

    def __init__(self, reader: RunReader) -> None:
        """Index the result sets of ``reader``'s selection."""
        self.reader = reader
        self.index: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        self.result_sets: set[str] = set()
        for run, rs, crit in reader.result_sets():
            self.result_sets.add(rs.result_set_sha256)
            obs = {"run_id": run.run_id, "observed_at": format_utc(rs.observed_at),
                   "provider": rs.provider, "scope": rs.scope, "region": rs.region,
                   "check_version": rs.check_version, "pass": rs.n_pass, "fail": rs.n_fail,
                   "error": rs.n_error, "not_applicable": rs.n_na,
                   "result_set": result_set_path(rs.result_set_sha256)}
            for c in crit:
                self.index[(c, rs.check_id)].append(obs)

    def write(self, out: BundleWriter) -> None:
        """Write every evidence/ member (indexes, then calls, responses and result sets)."""
        titles = self.reader.titles()
        for (crit, check_id), observations in sorted(
                self.index.items(), key=lambda kv: f"evidence/{kv[0][0]}/{kv[0][1]}/"):
            out.add_bytes(f"evidence/{crit}/{check_id}/index.json", _pretty({
                "format": INDEX_FORMAT, "criterion": crit, "check_id": check_id,
                "title": titles.get(check_id, ""), "observations": observations}))
        repo = self.reader.repo
        digests: set[str] = set()
        for _, body in iter_blobs(repo, self.result_sets):
            digests.update(call_digests(body))
        responses: set[str] = set()
        for digest, data, response in self._calls(sorted(digests)):
            out.add_bytes(call_path(digest), data)
            if response:
                responses.add(response)
        for sha, body in iter_blobs(repo, responses):
            out.add_bytes(response_path(sha), body)
        for sha, body in iter_blobs(repo, self.result_sets):
            out.add_bytes(result_set_path(sha), body)

    def _calls(self, digests: list[str]) -> Iterator[tuple[str, bytes, str | None]]:
        """(digest, canonical JSON of the call record, its response hash) in digest order."""
        for start in range(0, len(digests), CALL_BATCH):
            batch = digests[start:start + CALL_BATCH]
            for digest, record in zip(batch, self.reader.repo.get_calls(batch), strict=True):
                yield digest, canonical_json(record.as_dict()), record.response_sha256
