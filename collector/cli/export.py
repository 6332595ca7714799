"""`evidence export`: the auditor bundle (ZIP) for a period or a point in time."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import IO

import click

from collector import __version__
from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.cli.params import DAY
from collector.export.export import ExportResult, atomic_file, write_bundle
from collector.export.signing import Signer, SigningKeyError, load_private
from collector.export.source import ExportError, Selection, select_as_of, select_period

DEFAULT_RETENTION_DAYS = 400
"""S3 Object Lock retention: a year's audit plus the report-writing months after it."""


def _criteria(app: AppContext, values: tuple[str, ...]) -> tuple[str, ...]:
    wanted = [c.strip() for v in values for c in v.split(",") if c.strip()]
    for cid in wanted:
        if cid not in app.catalog:
            try:
                app.catalog.get(cid)
            except ValueError as e:
                raise UserError(f"--criteria: {e}") from e
    return tuple(c for c in app.catalog.ids() if c in wanted)


def _selection(app: AppContext, start: datetime | None, end: datetime | None,
               as_of: datetime | None, criteria: tuple[str, ...]) -> Selection:
    if as_of is not None and (start is not None or end is not None):
        raise UserError("give either --as-of DATE (Type I) or --from and --to (Type II)")
    if as_of is None and (start is None or end is None):
        raise UserError("--from and --to are both required (or --as-of DATE for Type I)")
    try:
        if as_of is not None:
            return select_as_of(app.read_repo, as_of.date(), criteria)
        assert start is not None and end is not None
        return select_period(app.read_repo, start.date(), end.date(), criteria)
    except ExportError as e:
        raise UserError(str(e)) from e


def _signer(app: AppContext) -> Signer | None:
    path = app.loaded.settings.signing_key
    if path is None:
        return None
    try:
        return load_private(Path(path))
    except SigningKeyError as e:
        raise UserError(f"signing_key: {e}") from e


@click.command("export")
@click.option("--from", "start", type=DAY, metavar="DATE", help="First day (UTC) of the period.")
@click.option("--to", "end", type=DAY, metavar="DATE", help="Last day (UTC) of the period.")
@click.option("--as-of", "as_of", type=DAY, metavar="DATE",
              help="Type I: the latest complete run on or before DATE (instead of a period).")
@click.option("-o", "--output", required=True, metavar="FILE.zip|s3://BUCKET/KEY",
              help="Where to write the bundle.")
@click.option("--criteria", "criteria", multiple=True, metavar="ID[,ID...]",
              help="Only these SOC 2 criteria (repeatable or comma-separated).")
@click.option("--retention-days", type=click.IntRange(min=1), default=DEFAULT_RETENTION_DAYS,
              show_default=True, envvar="EVIDENCE_RETENTION_DAYS", show_envvar=True,
              help="s3:// only: Object Lock retention (COMPLIANCE mode) of the uploaded bundle.")
@click.pass_obj
def export(app: AppContext, start: datetime | None, end: datetime | None,
           as_of: datetime | None, output: str, criteria: tuple[str, ...],
           retention_days: int) -> None:
    """Write the auditor bundle: a ZIP with every result, the raw evidence behind it, the run
    chain, a readable summary and OSCAL, hashed in manifest.json (signed when signing_key is
    configured). The same database and arguments give a byte-identical ZIP (for a period
    still in progress: until the next scheduled collection falls due or the day ends).

    With -o s3://BUCKET/KEY the bundle is uploaded under S3 Object Lock in COMPLIANCE mode
    (the bucket needs Object Lock enabled).
    """
    chosen = _criteria(app, criteria)
    selection = _selection(app, start, end, as_of, chosen)
    signer = _signer(app)
    if output.startswith("s3://"):
        _to_s3(app, selection, signer, output, retention_days)
        return
    if not output.endswith(".zip"):
        raise UserError(f"-o {output}: expected a FILE.zip or s3://BUCKET/KEY")
    path = Path(output)
    try:
        with atomic_file(path) as fh:
            result = _write(app, selection, signer, fh)
    except OSError as e:  # a full disk, a read-only directory...: nothing is left behind
        raise UserError(f"cannot write the bundle {path}: {e.strerror or e} "
                        "(nothing was written)") from e
    _report(str(path), result)


def _write(app: AppContext, selection: Selection, signer: Signer | None,
           fh: IO[bytes]) -> ExportResult:
    return write_bundle(app.read_repo, app.catalog, app.loaded.settings, selection, fh,
                        tool_version=__version__, signer=signer)


def _to_s3(app: AppContext, selection: Selection, signer: Signer | None, url: str,
           retention_days: int) -> None:
    from collector.cloud.aws_upload import S3Target, UploadError, upload_locked

    try:
        target = S3Target.parse(url)
    except ValueError as e:
        raise UserError(f"-o: {e}") from e
    fd, tmp = tempfile.mkstemp(prefix="evidence-bundle-", suffix=".zip")
    keep = False
    try:
        try:
            with os.fdopen(fd, "w+b") as fh:
                result = _write(app, selection, signer, fh)
        except OSError as e:
            raise UserError(f"cannot write the bundle to the temporary file {tmp}: "
                            f"{e.strerror or e} (nothing was uploaded)") from e
        aws = app.loaded.settings.aws
        try:
            done = upload_locked(Path(tmp), target, retention_days=retention_days,
                                 tool_version=__version__, endpoint_url=aws.endpoint_url,
                                 region=aws.home_region)
        except UploadError as e:
            keep = True
            raise UserError(f"{e} (the bundle is kept at {tmp})") from e
    finally:
        if not keep:
            Path(tmp).unlink(missing_ok=True)
    _report(str(target), result)
    click.echo(f"locked in COMPLIANCE mode until {done.retain_until:%Y-%m-%dT%H:%M:%SZ} "
               f"(version {done.version_id})")


def _report(where: str, r: ExportResult) -> None:
    signed = "signed" if r.signed else "NOT signed (no signing_key configured)"
    click.echo(f"wrote {where}: {r.members} files, {r.runs} run(s), {r.exceptions} "
               f"exception(s), {signed}")
    click.echo(f"manifest.json sha256 {r.manifest_sha256}; chain head {r.chain_head}")

