"""Benchmark of the Type II period report and of storage growth (issue 6 goals).

1. Size: an UNCHANGED estate (``--resources`` resources, ``--checks`` checks), SQLite size after
   1 run vs after ``--days`` runs. Goal: at most +2%.
2. Report: ``--days`` daily runs where ``--change`` of the results flip per day; the change
   index is built once (what the runner would do after each run), then ``evidence report
   --from --to --format json`` over the whole period runs as a child process, twice (wall time,
   peak RSS, identical output), then once more with the index dropped: each run seals its
   index's digest, so that is an edit and the report must refuse (exit 4). Goals: < 2 s,
   < 300 MB. The year is 2025 (:data:`YEAR0`), over by any clock the bench runs on (a period
   in progress ends today). The project's modules are byte-compiled first, as `pip install`
   does for a real installation (an editable install under PYTHONDONTWRITEBYTECODE would
   otherwise recompile them on every start).

    .venv/bin/python bench/period/run.py [--days 365] [--resources 10000] [--checks 40]
                                         [--change 0.01] [--dir DIR] [--only size|report]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.calibrate import describe  # noqa: E402
from bench.period.history import Estate  # noqa: E402
from storage import Repository  # noqa: E402

YEAR0 = datetime(2025, 1, 1, 3, 0, tzinfo=UTC)
"""The report bench's first run: a year that is over."""
EXIT_TAMPERED = 4
"""`evidence`'s exit code when the database was edited (see the README's exit codes)."""


def db_size(path: Path) -> int:
    """Bytes of the SQLite database once its WAL is checkpointed into the main file."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return path.stat().st_size


def by_table(path: Path) -> dict[str, int]:
    """Bytes per table and index (SQLite's dbstat), largest first; {} if unavailable."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
    return dict(sorted(((str(n), int(s)) for n, s in rows), key=lambda x: -x[1]))


def size_bench(work: Path, days: int, resources: int, checks: int) -> None:
    path = work / "unchanged.db"
    with Repository.open(f"sqlite:///{path}") as repo:
        estate = Estate(repo, resources=resources, checks=checks)
        began = time.perf_counter()
        estate.run(0)
        first = db_size(path)
        first_tables = by_table(path)
        for n in range(1, days):
            estate.run(n)
        took = time.perf_counter() - began
    last = db_size(path)
    growth = (last - first) / first * 100
    print(f"size: unchanged estate, {resources} resources x {checks} checks, {days} runs "
          f"(generated in {took:.0f} s)")
    print(f"size: after 1 run {first / 1e6:.2f} MB, after {days} runs {last / 1e6:.2f} MB: "
          f"+{growth:.1f}% (goal <= +2%) {'OK' if growth <= 2 else 'MISSED'}")
    after = by_table(path)
    for name, size in after.items():
        grew = size - first_tables.get(name, 0)
        if grew > 4096:
            print(f"size:   {name:<40} +{grew / 1e3:8.0f} kB ({grew / max(days - 1, 1):.0f} B/run)")


def report_child(url: str, start: str, end: str, out: Path,
                 expect: int = 0) -> tuple[float, float, int]:
    """Run `evidence report` in a child; return (wall s, CPU s, peak RSS in MB).

    CPU time (user + system) is printed beside wall time because a shared machine's load
    stretches wall time. The child must exit with ``expect``."""
    cmd = [sys.executable, "-m", "collector", "--db", url, "--config", str(out.parent / "e.yaml"),
           "report", "--from", start, "--to", end, "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with out.open("w") as sink:
        done = subprocess.run(cmd, stdout=sink, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode != expect:
        raise SystemExit(f"`evidence report` exited {done.returncode}, expected {expect}: "
                         f"{done.stderr.strip()}")
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss // 1024


def report_bench(work: Path, days: int, resources: int, checks: int, change: float) -> None:
    path = work / "year.db"
    url = f"sqlite:///{path}"
    (work / "e.yaml").write_text("schedule: '0 3 * * *'\n")
    with Repository.open(url) as repo:
        estate = Estate(repo, resources=resources, checks=checks, t0=YEAR0)
        began = time.perf_counter()
        for n in range(days):
            if n:
                estate.flip(change)
            estate.run(n)
        generated = time.perf_counter() - began
        changes = repo.engine.connect().exec_driver_sql(
            "SELECT COUNT(*) FROM result_changes").scalar_one()
    start, end = YEAR0.date().isoformat(), (YEAR0 + timedelta(days=days - 1)).date().isoformat()
    subprocess.run([sys.executable, "-m", "compileall", "-q", "collector", "storage", "config",
                    "checks"], check=True, cwd=ROOT)
    print(f"report: {days} runs, {resources} resources x {checks} checks, {change:.1%} of "
          f"results change per day (generated in {generated:.0f} s, "
          f"DB {db_size(path) / 1e6:.1f} MB)")
    print(f"report: change index written by sealing: {changes} rows")
    wall1, cpu1, rss = report_child(url, start, end, work / "r1.json")
    wall2, cpu2, _ = report_child(url, start, end, work / "r2.json")
    same = (work / "r1.json").read_bytes() == (work / "r2.json").read_bytes()
    best = min(wall1, wall2)
    print(f"report: `evidence report --from {start} --to {end} --format json`: wall "
          f"{wall1:.2f} s / {wall2:.2f} s (goal < 2 s) {'OK' if best < 2 else 'MISSED'}; CPU "
          f"{cpu1:.2f} s / {cpu2:.2f} s; peak RSS {rss} MB (goal < 300 MB) "
          f"{'OK' if rss < 300 else 'MISSED'}; identical twice: {same}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with Repository.open(url) as repo, repo.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM result_changes")
    cold, cold_cpu, _ = report_child(url, start, end, work / "r3.json", expect=EXIT_TAMPERED)
    print(f"report: with the index deleted the report refuses (exit {EXIT_TAMPERED}: the "
          f"sealed index digests no longer match) in {cold:.2f} s (CPU {cold_cpu:.2f} s); "
          f"nothing written: {(work / 'r3.json').stat().st_size == 0}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=40)
    parser.add_argument("--change", type=float, default=0.01)
    parser.add_argument("--dir", type=Path, default=None, help="Keep the databases here.")
    parser.add_argument("--only", choices=["size", "report"], default=None)
    args = parser.parse_args()
    print(describe())
    with tempfile.TemporaryDirectory() as tmp:
        work = args.dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.only != "report":
            size_bench(work, args.days, args.resources, args.checks)
        if args.only != "size":
            report_bench(work, args.days, args.resources, args.checks, args.change)


if __name__ == "__main__":
    main()
