"""`evidence sample`: a reproducible sample of a control's occurrences for the auditor to test."""

from __future__ import annotations

from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path

import click

from collector.cli.attach import known_criterion
from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.cli.params import DAY
from collector.report.accepted import Acceptance, known_on
from collector.report.coverage import shortest
from collector.report.history import sealed_chain
from collector.report.period import ReportError, RunMappings, period_runs, resolve_period
from collector.report.sample import SAMPLE_SIZES, Sample, build_population, draw, to_csv
from collector.risks.store import load_book
from storage import ResultSetRecord, RunRecord


@click.command()
@click.option("--criterion", default=None, metavar="ID", help="Sample a SOC 2 criterion's runs.")
@click.option("--control", default=None, metavar="ID", help="Sample a control of evidence.yaml.")
@click.option("--from", "start", type=DAY, required=True, metavar="YYYY-MM-DD")
@click.option("--to", "end", type=DAY, required=True, metavar="YYYY-MM-DD")
@click.option("--seed", type=int, default=None,
              help="Seed of the draw [default: derived from the sha256 of the population].")
@click.option("--frequency", type=click.Choice(list(SAMPLE_SIZES)), default=None,
              help="How often the control operates [default: the control's; for a criterion "
                   "the most frequent of its checks]. continuous = several times a day.")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("."), show_default=True,
              help="Directory for population.csv and sample.csv.")
@click.pass_obj
def sample(app: AppContext, criterion: str | None, control: str | None, start: datetime,
           end: datetime, seed: int | None, frequency: str | None, out_dir: Path) -> None:
    """Draw a reproducible, stratified sample of occurrences (days, weeks... or runs).

    The population is every occurrence of the period at the control's frequency, each with the
    runs evidencing it; the sample size is annual 1, quarterly 2, monthly 2, weekly 5, daily 25,
    continuous (several times a day) 40, or the whole population when smaller, one draw per
    equal stratum of the period. The seed is printed so anyone can reproduce the draw. Failing
    results an accepted risk covered stay failures and are also counted apart
    (failed_accepted, accepted_risk). A period in progress ends today.
    """
    if (criterion is None) == (control is None):
        raise UserError("give exactly one of --criterion ID or --control ID")
    try:
        last = resolve_period(start.date(), end.date(), None)
    except ReportError as exc:
        raise UserError(str(exc)) from None
    settings = app.loaded.settings
    chain = sealed_chain(app.read_repo)
    # a period in progress ends today (or on its latest run, stamped by a host ahead of ours)
    last = min(last, max([datetime.now(UTC).date(), *(r.started_at.date() for r in chain
                                                       if start.date() <= r.started_at.date()
                                                       <= last)]))
    runs = period_runs(chain, start.date(), last)
    mappings = RunMappings(app.read_repo)
    if control is not None:
        found = [c for c in settings.controls if c.id == control]
        if not found:
            known = ", ".join(c.id for c in settings.controls) or "none configured"
            raise UserError(f"unknown control {control!r} (controls in the config: {known})")
        ctl = found[0]
        target, freq = f"control {ctl.id}", frequency or ctl.frequency

        def counts(run: RunRecord, rs: ResultSetRecord) -> bool:
            return any(fnmatchcase(rs.check_id, p) for p in ctl.checks)
    else:
        cid = known_criterion(app, criterion or "")
        covering = [c.frequency for c in app.registry
                    if cid in settings.checks.criteria_for(c.id, c.criteria)]
        target, freq = f"criterion {cid}", frequency or shortest(covering)

        def counts(run: RunRecord, rs: ResultSetRecord) -> bool:
            return cid in mappings.of(run).get(rs.check_id, ((), ""))[0]

    rows = app.read_repo.result_sets_of_runs([r.run_id for r in runs])
    acceptance = Acceptance(app.read_repo, known_on(load_book(app.read_repo), last))
    population = build_population(runs, rows, counts, freq, start.date(), last,
                                  lambda run, rs: acceptance.count(rs))
    drawn = draw(target, freq, start.date(), last, population, seed)
    _write(drawn, out_dir)


def _write(s: Sample, out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "population.csv").write_text(to_csv(s.population))
        (out_dir / "sample.csv").write_text(to_csv(s.sample, ("sample_no",)))
    except OSError as exc:
        raise UserError(f"{out_dir}: cannot write the CSV files ({exc.strerror or exc})") from None
    how = "derived from the sha256 of the population" if s.seed_derived else "given"
    click.echo(f"{s.target}, {s.frequency}, {s.start} to {s.end}: population "
               f"{len(s.population)}, sample {len(s.sample)}, seed {s.seed} ({how})")
    for i, occ in enumerate(s.sample, 1):
        click.echo(f"  {i:>2}. {occ.occurrence}  evidence: {occ.evidence_run or 'NONE'} "
                   f"({occ.evidence_status or 'no run'})")
    click.echo(f"wrote {out_dir / 'population.csv'} and {out_dir / 'sample.csv'}")
