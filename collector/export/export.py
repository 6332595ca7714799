"""Writing a bundle: the contract layout, streamed in name order, manifest and signature last."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from collector.export import attachments, html, manifest, oscal, readme
from collector.export.bundle import BundleWriter
from collector.export.csv import results_csv, summary_csv
from collector.export.evidence import EvidenceWriter
from collector.export.signing import Signer
from collector.export.source import RunReader, Selection
from collector.export.summary import bundle_report
from config.criteria import Catalog
from config.settings import Settings
from storage import Repository, sha256_hex


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    members: int
    """Files in the ZIP, manifest.json and manifest.sig included."""
    manifest_sha256: str
    """sha256 of manifest.json: the bundle's fingerprint (record it when unsigned)."""
    signed: bool
    chain_head: str
    runs: int
    """Runs whose results the bundle reports."""
    exceptions: int


def write_bundle(repo: Repository, catalog: Catalog, settings: Settings, selection: Selection,
                 out: IO[bytes], *, tool_version: str, signer: Signer | None) -> ExportResult:
    """Write the whole bundle to ``out`` (deterministic for the same database and selection).

    The database's chain, ledger and change index are verified first: a broken one raises
    ChainBroken (or IndexTampered) naming the run or record, and nothing is written."""
    repo.require_intact()
    reader = RunReader(repo, selection)
    attached = attachments.selected(repo, selection)
    report = bundle_report(reader, catalog, settings)
    type1 = selection.kind == "type1"
    evidence = EvidenceWriter(reader)
    writer = BundleWriter(out)
    writer.add_bytes("README.txt", readme.render(selection, tool_version, signer is not None))
    attachments.write(writer, repo, attached, selection.end)
    evidence.write(writer)
    writer.add_bytes("oscal/assessment-results.json",
                     oscal.render(report, selection, tool_version))
    writer.add_chunks("results.csv", results_csv(reader), large=True)
    for run in sorted(selection.chain, key=lambda r: r.run_id):
        writer.add_bytes(manifest.run_path(run.run_id), repo.manifest_bytes(run.run_id))
    writer.add_bytes("summary.csv", summary_csv(report, type1=type1))
    writer.add_bytes("summary.html", html.render_report(
        report, tool_version, type1=type1,
        attachments=tuple(attachments.describe(a) for a in attached)))
    writer.unordered()
    checkpoint = manifest.checkpoint_of(repo, selection, signer)
    body = manifest.render(manifest.header(selection, tool_version, signer, checkpoint),
                           writer.entries)
    writer.add_bytes(manifest.MANIFEST, body)
    if signer is not None:
        writer.add_bytes(manifest.SIGNATURE, signer.sign(body))
    writer.close()
    return ExportResult(len(writer.entries), sha256_hex(body), signer is not None,
                        selection.head.manifest_sha256 or "", len(selection.runs),
                        len(report.exceptions))


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A temp file beside ``path`` renamed over it on success, removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w+b") as fh:
            yield fh
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
