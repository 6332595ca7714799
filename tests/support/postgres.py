"""Start the machine's own PostgreSQL cluster when the tests find it down.

The storage tests run on SQLite and on the PostgreSQL at ``DEFAULT_PG_URL``. On a machine
whose cluster is installed but stopped (Debian's postgresql-common: ``pg_ctlcluster``), the
README's test command starts it rather than failing every PostgreSQL test; it touches nothing
when ``EVIDENCE_TEST_PG_URL`` names another server, and says in one line what it did or why
it could not (shown at the end of the run by tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CLUSTERS = Path("/etc/postgresql")
started: list[str] = []
"""What `start_local` did this session, for the terminal summary (at most one line)."""


def start_local() -> str | None:
    """Start the local cluster; None when it was started, else why it was not."""
    if "EVIDENCE_TEST_PG_URL" in os.environ:
        return "EVIDENCE_TEST_PG_URL names its own server"
    if shutil.which("pg_ctlcluster") is None or not CLUSTERS.is_dir():
        return "no local cluster to start (pg_ctlcluster or /etc/postgresql missing)"
    versions = sorted(p.name for p in CLUSTERS.iterdir() if (p / "main").is_dir())
    if not versions:
        return f"no cluster 'main' under {CLUSTERS}"
    step = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"]
    done = subprocess.run(step, capture_output=True, text=True, check=False, timeout=60)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"`{' '.join(step)}` failed: {last}"
    started.append(f"PostgreSQL was down: started it with `{' '.join(step)}`")
    return None
