"""Benchmark: export a year of evidence (365 daily runs, 10,000 resources, 40 checks).

The history is generated straight through the storage API by the issue-6 generator
(bench/period/history.py: what the runner stores; ``--change`` of the results flip between pass
and fail every day, so only what changed is new), then `write_bundle` exports the whole year
to a ZIP while we measure wall time, CPU time (the machine may be shared: the load average is
printed too) and peak memory (ru_maxrss of a child process that does only the export). Prints
numbers; goals: < 60 s and < 300 MB.

    .venv/bin/python -m bench.export [--days 365] [--resources 10000] [--checks 40]
                                          [--change 0.001] [--db sqlite:///path.db] [--keep]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.period.history import T0, Estate  # noqa: E402
from collector.export.export import write_bundle  # noqa: E402
from collector.export.signing import generate  # noqa: E402
from collector.export.source import select_period  # noqa: E402
from collector.export.verify import verify_file  # noqa: E402
from config.criteria import load_catalog  # noqa: E402
from config.settings import Settings  # noqa: E402
from storage import Repository  # noqa: E402


def export_child(url: str, out: str, days: int, key_dir: str, queue: multiprocessing.Queue) -> None:
    """Runs in a fresh process so its peak RSS is the export's alone."""
    signer = generate(Path(key_dir) / "k.pem", Path(key_dir) / "k.pub", force=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    with Repository.open(url) as repo, open(out, "wb") as fh:
        sel = select_period(repo, T0.date(), T0.date() + timedelta(days=days - 1))
        result = write_bundle(repo, load_catalog(), Settings(), sel, fh, tool_version="bench",
                              signer=signer)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"seconds": elapsed, "cpu_seconds": cpu, "peak_mb": peak_mb,
               "members": result.members, "exceptions": result.exceptions,
               "load_average": os.getloadavg()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=40)
    parser.add_argument("--change", type=float, default=0.001,
                        help="fraction of results flipping each day")
    parser.add_argument("--db", help="existing database URL holding the history (skip build)")
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = parser.parse_args()
    shm = Path("/dev/shm")  # tmpfs: the history is built without waiting on fsync
    work = Path(tempfile.mkdtemp(prefix="bench-export-", dir=shm if shm.is_dir() else None))
    url = args.db or f"sqlite:///{work / 'evidence.db'}"
    if not args.db:
        t = time.perf_counter()
        with Repository.open(url) as repo:
            estate = Estate(repo, resources=args.resources, checks=args.checks)
            for day in range(args.days):
                if day:
                    estate.flip(args.change)
                estate.run(day)
        print(f"history: {args.days} runs x {args.resources} resources x {args.checks} checks, "
              f"{args.change:.2%} flipping daily, "
              f"generated in {time.perf_counter() - t:.1f} s "
              f"(db {(work / 'evidence.db').stat().st_size / 1e6:.1f} MB)")
    out = work / "bundle.zip"
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(
        target=export_child, args=(url, str(out), args.days, str(work), queue))
    proc.start()
    stats = queue.get()
    proc.join()
    with zipfile.ZipFile(out) as zf:
        raw = sum(i.file_size for i in zf.infolist())
        csv_size = zf.getinfo("results.csv").file_size
    load = " ".join(f"{x:.2f}" for x in stats["load_average"])
    print(f"export: {stats['seconds']:.1f} s wall (goal < 60 s), {stats['cpu_seconds']:.1f} s CPU, "
          f"peak RSS {stats['peak_mb']:.0f} MB (goal < 300 MB); load average {load} "
          f"on {os.cpu_count()} CPUs")
    print(f"bundle: {out.stat().st_size / 1e6:.1f} MB zipped, {raw / 1e6:.1f} MB of "
          f"{stats['members']} files (results.csv {csv_size / 1e6:.1f} MB), "
          f"{stats['exceptions']} exceptions")
    t = time.perf_counter()
    done = verify_file(out)
    print(f"verify: {time.perf_counter() - t:.1f} s ({done.files} files, {done.runs} runs)")
    print(json.dumps({**stats, "bundle_bytes": out.stat().st_size, "uncompressed": raw}))
    if args.keep:
        print(f"kept {work}")
    else:
        import shutil

        shutil.rmtree(work)


if __name__ == "__main__":
    main()
