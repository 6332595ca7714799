"""The measured process: one full collection, then its numbers as one JSON line on stdout.

Run by bench.aws.run in a child process, so its peak RSS is the collector's alone (moto and
the proxies live in the parent). Usage: python -m bench.aws.collect SETTINGS_JSON DB_URL
EXCLUDED_CHECK_IDS_JSON [SHARD COLLECTION_ID] (SHARD as `evidence collect --shard`: I/N).
"""

from __future__ import annotations

import json
import resource
import sys
import time

from collector.plan import Selection
from collector.plugin import discover
from collector.runner import Runner
from collector.shard import Shard
from config.criteria import load_catalog
from config.loader import LoadedConfig, config_hash
from config.settings import Settings
from storage import Repository


def main(argv: list[str]) -> int:
    settings = Settings.model_validate(json.loads(argv[0]))
    excluded = set(json.loads(argv[2]))
    checks = [c for c in discover().select(providers=["aws"]) if c.id not in excluded]
    repo = Repository.open(argv[1])
    runner = Runner(repo, LoadedConfig(settings, None, config_hash(settings)), load_catalog(),
                    checks)
    selection = (Selection(shard=Shard.parse(argv[3]), collection_id=argv[4])
                 if len(argv) > 3 else Selection())
    began, started, cpu = time.time(), time.perf_counter(), time.process_time()
    outcome = runner.run(selection)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    scopes = repo.scopes(outcome.run_id)
    run = repo.get_run(outcome.run_id)
    last = sorted(repo.result_sets(outcome.run_id), key=lambda r: r.observed_at)[-5:]
    repo.close()
    print(json.dumps({
        "wall_s": wall,
        "began": began,
        "cpu_s": cpu,
        "status": outcome.status,
        "counts": outcome.counts,
        "checks": len(checks),
        "scope_errors": [f"{s.scope}/{s.region}: {s.errors}" for s in scopes if s.errors
                         and s.requests == 0],
        "requests_seen": sum(s.requests for s in scopes),
        "retries": sum(s.retries for s in scopes),
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "last_done": [f"{r.check_id}/{r.scope}/{r.region} at "
                      f"{(r.observed_at - run.started_at).total_seconds():.2f} s" for r in last],
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
