"""`evidence accept` and `evidence risks`: accepted risks, approved, time-bounded, chained.

A failing result covered by an accepted risk stays `fail`; results, reports and bundles name
the risk beside it and count accepted and unaccepted failures apart.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
import yaml
from rich.table import Table

from collector.cli.attach import actor
from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.cli.params import DAY
from collector.output.machine import write_csv, write_json_lines
from collector.output.tables import stdout_console
from collector.risks.book import RiskBook, RiskState
from collector.risks.declared import parse, reconcile
from collector.risks.model import AcceptedRisk, RiskError, check_new
from collector.risks.store import load_book, record_risk, revoke_risk

MAX_FILE_BYTES = 1 << 20
"""A risks file larger than this is refused (it is a reviewed list, not a data set)."""
COLUMNS = ("risk_id", "status", "check", "resource", "provider", "scope", "region", "reason",
           "approver", "approved_at", "effective_from", "expires", "backdated", "ticket",
           "revoked_at", "revoked_by", "revocation_reason")


def _book(app: AppContext, *, read_only: bool = False) -> RiskBook:
    try:
        return load_book(app.read_repo if read_only else app.repo)
    except RiskError as exc:
        raise UserError(str(exc)) from None


def _from_file(app: AppContext, path: Path, backdate: bool, dry_run: bool) -> None:
    try:
        raw = path.read_bytes()[:MAX_FILE_BYTES + 1]
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise UserError(f"{path}:{where} not valid YAML") from None
    now = datetime.now(UTC)
    max_days = app.loaded.settings.risks.max_days
    book = _book(app)
    try:
        declared = parse(doc, source=str(path), approved_at=now, max_days=max_days)
        plan = reconcile(declared, book, now.date(), source=str(path),
                         allow_backdate=backdate, max_days=max_days)
    except RiskError as exc:
        raise UserError(str(exc)) from None
    source = {"file": path.name, "sha256": hashlib.sha256(raw).hexdigest()}
    if not dry_run:
        for risk in plan.add:
            record_risk(app.repo, risk, book, source)
        for rid in plan.revoke:
            revoke_risk(app.repo, book, rid, f"removed from {path.name}", actor(), now, source)
    click.echo(json.dumps({"file": str(path), "sha256": source["sha256"], "dry_run": dry_run,
                           "added": [r.risk_id for r in plan.add], "revoked": list(plan.revoke),
                           "unchanged": list(plan.unchanged)}))


@click.command()
@click.option("--id", "risk_id", metavar="ID", help="Your id for the risk, e.g. RISK-2026-001.")
@click.option("--check", "check_glob", metavar="GLOB", help="Check id or glob it covers.")
@click.option("--resource", metavar="GLOB", help="Resource id or glob it covers.")
@click.option("--provider", default="*", show_default=True, help="Only this provider's results.")
@click.option("--scope", default="*", show_default=True, metavar="GLOB",
              help="Only results in these scopes (account / project / subscription).")
@click.option("--region", default="*", show_default=True, metavar="GLOB")
@click.option("--reason", help="Why the risk is accepted (for the auditor).")
@click.option("--approver", help="Who approved it (name or e-mail).")
@click.option("--effective-from", type=DAY, default=None, metavar="YYYY-MM-DD",
              help="First day it holds [default: today, UTC].")
@click.option("--expires", type=DAY, default=None, metavar="YYYY-MM-DD",
              help="Last day it holds (required; at most risks.max_days after it takes effect).")
@click.option("--ticket", default="", metavar="URL", help="Where the decision is tracked.")
@click.option("--backdate", is_flag=True,
              help="Allow an effective date before today (recorded as back-dated).")
@click.option("--from-file", "from_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Reconcile with a reviewed YAML file of risks instead.")
@click.option("--dry-run", is_flag=True, help="With --from-file: show the plan, record nothing.")
@click.pass_obj
def accept(app: AppContext, risk_id: str | None, check_glob: str | None, resource: str | None,
           provider: str, scope: str, region: str, reason: str | None, approver: str | None,
           effective_from: datetime | None, expires: datetime | None, ticket: str,
           backdate: bool, from_file: Path | None, dry_run: bool) -> None:
    """Accept a risk: failing results it covers stay failing, annotated with its id.

    The record (who approved it, why, from when, until when) is appended to the chained
    ledger: it cannot be edited or deleted unnoticed, and revoking it is a new record
    (`evidence risks revoke`). With --from-file, the file (kept under review in git) is the
    source of truth: new ids are added, ids no longer listed are revoked, and the file's
    sha256 is recorded with each change.
    """
    if from_file is not None:
        _from_file(app, from_file, backdate, dry_run)
        return
    for name, value in (("--id", risk_id), ("--check", check_glob), ("--resource", resource),
                        ("--reason", reason), ("--approver", approver),
                        ("--expires", expires)):
        if value is None:
            raise UserError(f"{name}: required (or give --from-file)")
    now = datetime.now(UTC)
    risk = AcceptedRisk(
        risk_id=str(risk_id), check=str(check_glob), resource=str(resource),
        reason=str(reason), approver=str(approver), approved_at=now,
        effective_from=effective_from.date() if effective_from else now.date(),
        expires=expires.date() if expires else now.date(), provider=provider, scope=scope,
        region=region, ticket=ticket)
    try:
        risk = check_new(risk, today=now.date(), allow_backdate=backdate,
                         max_days=app.loaded.settings.risks.max_days)
        record_risk(app.repo, risk, _book(app), {"recorded_by": actor()})
    except RiskError as exc:
        raise UserError(str(exc)) from None
    click.echo(json.dumps(risk.as_json()))


def _row(state: RiskState, today: datetime) -> dict[str, object]:
    rev = state.revocation
    return {**state.risk.as_json(), "status": state.status(today.date()),
            "revoked_at": rev.revoked_at.astimezone(UTC).isoformat() if rev else None,
            "revoked_by": rev.revoked_by if rev else None,
            "revocation_reason": rev.reason if rev else None}


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.pass_context
def risks(ctx: click.Context, fmt: str) -> None:
    """List accepted risks (active, pending, expired, revoked); `risks revoke` ends one."""
    if ctx.invoked_subcommand is not None:
        return
    app: AppContext = ctx.obj
    now = datetime.now(UTC)
    rows = [_row(s, now) for s in _book(app, read_only=True)]
    if fmt == "json":
        write_json_lines(({k: r[k] for k in COLUMNS} for r in rows), sys.stdout)
        return
    if fmt == "csv":
        write_csv(rows, COLUMNS, sys.stdout)
        return
    table = Table(title=f"{len(rows)} accepted risks", title_justify="left")
    for col in ("Id", "Status", "Check", "Resource", "Approver", "From", "Expires", "Reason"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["risk_id"]), str(r["status"]), str(r["check"]), str(r["resource"]),
                      str(r["approver"]), str(r["effective_from"]), str(r["expires"]),
                      str(r["reason"]))
    stdout_console().print(table)


@risks.command("revoke")
@click.argument("risk_id")
@click.option("--reason", required=True, help="Why the acceptance ends (for the auditor).")
@click.pass_obj
def revoke(app: AppContext, risk_id: str, reason: str) -> None:
    """End an accepted risk today: its failures count again from today on."""
    try:
        rev = revoke_risk(app.repo, _book(app), risk_id, reason, actor())
    except RiskError as exc:
        raise UserError(str(exc)) from None
    click.echo(json.dumps(rev.as_json()))
