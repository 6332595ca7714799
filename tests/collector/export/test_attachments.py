"""attachments/: manual evidence goes into the bundle when storage has attachments."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

from collector.export.export import write_bundle
from collector.export.source import select_period
from collector.export.verify import verify_file
from config.criteria import load_catalog
from config.settings import Settings
from storage import Repository
from storage.attachments import AttachmentStore
from tests.collector.export.history import build_history
from tests.collector.export.zips import members


class AttachingRepository(Repository, AttachmentStore):
    """A repository with attachments (storage's mixin), whether or not Repository has it yet."""


def test_attachments_are_exported_per_criterion(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    with AttachingRepository.open(url) as repo:
        build_history(repo, days=3, resources=6, checks=2)
        policy = b"%PDF-1.4 access control policy"
        repo.add_attachment(criterion_id="CC6.1", title="Access control policy",
                            filename="Access Control Policy v3.pdf", data=policy,
                            attached_by="ciso", valid_until=date(2026, 12, 31),
                            attached_at=datetime(2026, 1, 2, 9, tzinfo=UTC))
        repo.add_attachment(criterion_id="CC1.1", title="Code of conduct",
                            filename="../../conduct.txt", data=b"be good",
                            attached_by="hr", attached_at=datetime(2026, 1, 2, 10, tzinfo=UTC))
        repo.add_attachment(criterion_id="CC1.1", title="Attached after the period",
                            filename="late.txt", data=b"late", attached_by="hr",
                            attached_at=datetime(2026, 2, 1, tzinfo=UTC))
        out = io.BytesIO()
        sel = select_period(repo, date(2026, 1, 1), date(2026, 1, 3))
        write_bundle(repo, load_catalog(), Settings(), sel, out, tool_version="0.1.0",
                     signer=None)
    files = members(out.getvalue())
    assert files["attachments/CC6.1/000001-Access_Control_Policy_v3.pdf"] == policy
    assert files["attachments/CC1.1/000002-conduct.txt"] == b"be good"
    assert not any("late" in n for n in files)
    index = json.loads(files["attachments/CC1.1/index.json"])
    assert [a["title"] for a in index["attachments"]] == ["Code of conduct"]
    assert "Access control policy" in files["summary.html"].decode()
    path = tmp_path / "b.zip"
    path.write_bytes(out.getvalue())
    assert verify_file(path).files == len(files) - 1
