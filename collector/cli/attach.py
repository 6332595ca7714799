"""`evidence attach` and `evidence attachments`: manual evidence for what cloud settings cannot
prove (policies, training records, DR test reports, vendor reviews).

An attachment and its revocation (``evidence attach --revoke ID --reason TEXT``) are ledger
entries (:mod:`storage.ledger`): editing or deleting either is detected by every read and by
``evidence db verify`` (exit 4). A revoked attachment stays listed, flagged ``REVOKED``.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.cli.params import DAY
from collector.output.tables import stdout_console
from config.criteria import UnknownCriterion
from storage.attachments import AttachmentRecord
from storage.canonical import format_utc
from storage.errors import StorageError, Tampered


def actor() -> str:
    """Who is attaching: ``$EVIDENCE_ACTOR`` when set, else the OS user name."""
    named = os.environ.get("EVIDENCE_ACTOR", "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name for this uid (some containers)
        return f"uid {os.getuid()}"


def known_criterion(app: AppContext, criterion: str) -> str:
    """``criterion`` if the catalog has it, else a one-line UserError."""
    try:
        return app.catalog.get(criterion).id
    except UnknownCriterion as exc:
        raise UserError(str(exc)) from None


@click.command()
@click.option("--criterion", default=None, metavar="ID", help="SOC 2 criterion, e.g. CC1.1.")
@click.option("--title", default=None, help="What the document is, for the auditor.")
@click.option("--valid-until", type=DAY, default=None, metavar="YYYY-MM-DD",
              help="Last day the document is valid; reports flag it as expired afterwards.")
@click.option("--revoke", type=click.IntRange(min=1), default=None, metavar="ID",
              help="Revoke attachment ID (see `evidence attachments`) instead of attaching: "
                   "it is no longer valid from now on. Needs --reason.")
@click.option("--reason", default=None, help="With --revoke: why, for the auditor.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True), required=False)
@click.pass_obj
def attach(app: AppContext, criterion: str | None, title: str | None,
           valid_until: datetime | None, revoke: int | None, reason: str | None,
           file: Path | None) -> None:
    """Attach FILE as manual evidence for a criterion (--criterion and --title required), or
    revoke an earlier attachment (--revoke ID --reason TEXT).

    The file is stored content-addressed (sha256) in the evidence database with who attached it
    ($EVIDENCE_ACTOR, else the OS user name) and when (UTC). Attachments are immutable: to
    replace a document, attach the new version; both stay listed. A revocation is recorded with
    who, when and why; the attachment stays listed, flagged REVOKED, and counts as expired from
    that day on. Both are chained records: an edit or deletion is detected (exit 4).
    """
    if revoke is not None:
        _revoke(app, revoke, reason, given=[n for n, v in (
            ("--criterion", criterion), ("--title", title), ("--valid-until", valid_until),
            ("FILE", file)) if v is not None])
        return
    if reason is not None:
        raise UserError("--reason: only with --revoke ID")
    if criterion is None or title is None or file is None:
        missing = [n for n, v in (("--criterion", criterion), ("--title", title),
                                  ("FILE", file)) if v is None]
        raise UserError(f"attach: missing {', '.join(missing)} (see `evidence attach --help`)")
    cid = known_criterion(app, criterion)
    if not title.strip():
        raise UserError("--title: expected a non-empty title")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UserError(f"{file}: cannot read the file to attach ({exc.strerror or exc})") from None
    record = app.repo.add_attachment(
        criterion_id=cid, title=title.strip(), filename=file.name, data=data,
        attached_by=actor(), attached_at=datetime.now(UTC),
        valid_until=valid_until.date() if valid_until else None)
    click.echo(json.dumps(_json(record, datetime.now(UTC).date())))


def _revoke(app: AppContext, attachment_id: int, reason: str | None, given: list[str]) -> None:
    """`attach --revoke ID --reason TEXT`: record the revocation; one line for a mistake."""
    if given:
        raise UserError(f"--revoke: {given[0]} does not go with --revoke (it revokes an "
                        "existing attachment)")
    if reason is None or not reason.strip():
        raise UserError("--revoke: --reason TEXT is required (why the document is revoked)")
    try:
        record = app.repo.revoke_attachment(attachment_id, reason=reason.strip(),
                                            revoked_by=actor(), revoked_at=datetime.now(UTC))
    except Tampered:
        raise
    except StorageError as exc:  # no such attachment, already revoked
        raise UserError(f"--revoke {attachment_id}: {exc}") from None
    click.echo(json.dumps(_json(record, datetime.now(UTC).date())))


@click.command()
@click.option("--criterion", default=None, metavar="ID", help="Only this criterion's.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_obj
def attachments(app: AppContext, criterion: str | None, fmt: str) -> None:
    """List manual evidence, oldest first; expired and revoked documents are flagged (as of
    today, UTC). Every row is checked against the ledger first (exit 4 if one was edited)."""
    cid = known_criterion(app, criterion) if criterion else None
    today = datetime.now(UTC).date()
    records = app.read_repo.list_attachments(cid)
    if fmt == "json":
        for r in records:
            click.echo(json.dumps(_json(r, today)))
        return
    table = Table(title=f"{len(records)} attachments", title_justify="left")
    for col in ("#", "Criterion", "Title", "File", "sha256", "Attached by", "Attached at",
                "Valid until", "State"):
        table.add_column(col, overflow="fold")
    for r in records:
        state = "[red]EXPIRED[/red]" if r.expired(today) else "valid"
        if r.revoked_at is not None:
            state = (f"[red]REVOKED[/red] {format_utc(r.revoked_at)} by "
                     f"{escape(r.revoked_by or '')}: {escape(r.revoke_reason or '')}")
        table.add_row(str(r.attachment_id), r.criterion_id, r.title, r.filename, r.sha256[:16],
                      r.attached_by, format_utc(r.attached_at),
                      r.valid_until.isoformat() if r.valid_until else "no expiry", state)
    stdout_console().print(table)


def _json(r: AttachmentRecord, today: date) -> dict[str, object]:
    return {"attachment_id": r.attachment_id, "criterion": r.criterion_id, "title": r.title,
            "filename": r.filename, "sha256": r.sha256, "size": r.size,
            "attached_by": r.attached_by, "attached_at": format_utc(r.attached_at),
            "valid_until": r.valid_until.isoformat() if r.valid_until else None,
            "expired": r.expired(today), "revoked": r.revoked_at is not None,
            "revoked_at": format_utc(r.revoked_at) if r.revoked_at else None,
            "revoked_by": r.revoked_by, "revoke_reason": r.revoke_reason}
