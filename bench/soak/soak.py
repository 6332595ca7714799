"""Soak: randomised start / kill / restart cycles of real collectors against one PostgreSQL.

Each cycle starts one or two `evidence collect` processes (same scopes: three AWS accounts on a
local moto server), and once the first is storing results kills each after a random delay
(0-3 s) with SIGKILL or SIGTERM, and goes on. A
final clean collect seals whatever the dead left behind. Then it counts:

* lost: result sets a collector logged as stored (its JSON log line comes after the commit)
  that are not in the database, or not in their run's sealed manifest;
* duplicated: rows stored twice, and scopes collected by two runs at overlapping times (what
  the scope lock forbids);
* runs still `running`, and whether the hash chain verifies.

    .venv/bin/python -m bench.soak.soak [--cycles 20] [--seed 1] [--keep]

Needs PostgreSQL (EVIDENCE_TEST_PG_URL, default postgresql+psycopg://postgres@127.0.0.1/test);
works in a fresh schema that is dropped at the end (unless --keep). Local only, bounded time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from collector.demo.estate import build_aws_estate
from collector.demo.motoserver import MotoServer
from storage import Repository
from tests.support.plugins import FIXTURES, install_dist_info

ACCOUNTS = ("123456789012", "111111111111", "333333333333")
"""moto's default account (where the demo estate is built) and two more, through a role."""
CHECKS = ("aws_iam_*", "aws_s3_*", "aws_kms_*", "aws_cloudtrail_*", "aws_test_slow")
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "soak", "AWS_SECRET_ACCESS_KEY": "soak",
            "AWS_SESSION_TOKEN": "soak", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def setup(work: Path, endpoint: str, db_url: str) -> dict[str, str]:
    accounts = [{"id": a, "role_arn": f"arn:aws:iam::{a}:role/EvidenceReader"}
                for a in ACCOUNTS]
    config = work / "evidence.yaml"
    config.write_text(yaml.safe_dump({
        "aws": {"regions": ["us-east-1", "eu-west-1"], "endpoint_url": endpoint,
                "max_workers": 4, "accounts": accounts},
        "checks": {"include": list(CHECKS), "params": {"aws_test_slow": {"seconds": 0.7}}},
    }))
    site = work / "site"
    install_dist_info(site, "slow-checks", {"slow": "slow_checks"})
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EVIDENCE_", "AWS_"))}
    env.update(FAKE_AWS, EVIDENCE_CONFIG=str(config), EVIDENCE_DB_URL=db_url,
               PYTHONPATH=os.pathsep.join([str(site), str(FIXTURES)]))
    return env


def start(env: dict[str, str], lock_wait: float, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "collector", "--log-format", "json", "collect", "--format",
         "json", "--lock-wait", str(lock_wait), "--grace", "3"],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def stored_lines(logs: list[Path]) -> list[dict[str, object]]:
    found = []
    for path in logs:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("{") and '"result_set_stored"' in line:
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:  # a line cut by SIGKILL
                    continue
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the schema and logs")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = make_url(os.environ.get("EVIDENCE_TEST_PG_URL",
                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    schema = f"soak_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db_url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    os.environ.update(FAKE_AWS)
    server = MotoServer().start()
    work = Path(tempfile.mkdtemp(prefix="evidence-soak-"))
    began = time.monotonic()
    try:
        build_aws_estate(server.endpoint)
        env = setup(work, server.endpoint, db_url)
        Repository.open(db_url).close()  # migrate once
        logs: list[Path] = []
        kills: Counter[str] = Counter()
        for cycle in range(args.cycles):
            procs = []
            for n in range(rng.choice((1, 1, 2))):
                logs.append(work / f"c{cycle:02d}-{n}.log")
                procs.append(start(env, rng.choice((0.0, 2.0)), logs[-1]))
                time.sleep(rng.uniform(0, 1.5))
            started = time.monotonic()  # kill mid-collection: once results are being stored
            while time.monotonic() - started < 60 and procs[0].poll() is None and \
                    "result_set_stored" not in logs[-len(procs)].read_text(errors="replace"):
                time.sleep(0.1)
            time.sleep(rng.uniform(0.0, 3.0))
            for proc in procs:
                if proc.poll() is not None:
                    kills["finished before the kill"] += 1
                    continue
                sig = rng.choice((signal.SIGKILL, signal.SIGTERM))
                proc.send_signal(sig)
                kills[sig.name] += 1
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                    kills["SIGTERM not honoured in 30 s"] += 1
        logs.append(work / "final.log")
        final = start(env, 60.0, logs[-1])  # reaps the dead's runs, then collects cleanly
        final.wait(timeout=300)

        repo = Repository.open(db_url)
        runs = repo.list_runs(10_000)
        rows: dict[tuple[str, str, str, str], tuple[str, datetime]] = {}
        in_manifest = 0
        keys: Counter[tuple[str, str, str, str, str]] = Counter()
        for run in runs:
            manifest = json.loads(repo.manifest_bytes(run.run_id)) if run.sealed else {}
            sealed = {(r["check_id"], r["scope"], r["region"], r["result_set_sha256"])
                      for r in manifest.get("result_sets", [])}
            for rs in repo.result_sets(run.run_id):
                keys[(run.run_id, rs.check_id, rs.provider, rs.scope, rs.region)] += 1
                rows[(run.run_id, rs.check_id, rs.scope, rs.region)] = (
                    rs.result_set_sha256, rs.observed_at)
                in_manifest += (rs.check_id, rs.scope, rs.region, rs.result_set_sha256) in sealed
        logged = stored_lines(logs)
        lost = [line for line in logged
                if rows.get((str(line["run_id"]), str(line["check"]), str(line["scope"]),
                             str(line["region"])), ("",))[0] != line["result_set_sha256"]]
        spans: dict[str, dict[str, list[datetime]]] = defaultdict(lambda: defaultdict(list))
        for (run_id, _check, scope, _region), (_sha, observed) in rows.items():
            spans[scope][run_id].append(observed)
        overlaps = 0
        for per_run in spans.values():
            ranges = sorted((min(v), max(v)) for v in per_run.values())
            overlaps += sum(1 for a, b in itertools.pairwise(ranges) if b[0] < a[1])
        dup_rows = sum(1 for n in keys.values() if n > 1)
        chain = repo.verify_chain()
        statuses = Counter(r.status for r in runs)
        repo.close()
        print(f"cycles: {args.cycles} (seed {args.seed}), collectors started: {len(logs)}, "
              f"wall: {time.monotonic() - began:.0f} s")
        print("signals: " + ", ".join(f"{k} {v}" for k, v in sorted(kills.items())))
        print("runs: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
        print(f"result sets stored: {len(rows)} (in their sealed manifests: {in_manifest}); "
              f"logged as stored by collectors: {len(logged)}")
        print(f"lost (logged as stored, missing or different in the database): {len(lost)}")
        print(f"lost (stored but not in the run's sealed manifest): {len(rows) - in_manifest}")
        print(f"duplicated rows: {dup_rows}; scopes collected by two runs at once: {overlaps}")
        print(f"runs left running: {statuses.get('running', 0)}; chain verifies: {chain.ok}"
              + ("" if chain.ok else f" ({chain.first_bad_run}: {chain.reason})"))
        bad = lost or len(rows) != in_manifest or dup_rows or overlaps or not chain.ok
        sys.exit(1 if bad or statuses.get("running") else 0)
    finally:
        server.stop()
        if args.keep:
            print(f"kept: schema {schema}, logs in {work}")
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            for path in sorted(work.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            work.rmdir()
        admin.dispose()


if __name__ == "__main__":
    main()
