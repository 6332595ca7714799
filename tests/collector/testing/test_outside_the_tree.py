"""A plug-in package's own tests use the kit from outside this repository, through the installed
pytest11 entry point; without moto the AWS fixtures skip, saying why, and nothing else breaks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

PLUGIN_PACKAGE = Path(__file__).resolve().parents[2] / "fixtures" / "kit_plugin"
PYTEST_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTHONPATH")


def test_the_kit_is_an_installed_pytest_plugin() -> None:
    found = [ep for ep in entry_points(group="pytest11") if ep.name == "evidence"]
    assert [ep.value for ep in found] == ["collector.testing.plugin"], \
        "install the package (pip install -e .): the pytest11 entry point is missing"
    assert found[0].dist is not None and found[0].dist.name == "cloud-evidence-collector"


def run_pytest(folder: Path, *args: str, path: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m pytest` in `folder`, as its author would run it (no option from our session)."""
    env = {k: v for k, v in os.environ.items() if k not in PYTEST_ENV}
    if path:
        env["PYTHONPATH"] = path
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs",
                           *args], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture
def plugin_package(tmp_path: Path) -> Path:
    """A copy of the plug-in package, far from this repository's tests and conftest."""
    copy = tmp_path / "acme-owner-checks"
    shutil.copytree(PLUGIN_PACKAGE, copy)
    assert not (copy / "conftest.py").exists() and not (copy / "tests" / "conftest.py").exists()
    return copy


@pytest.mark.slow
def test_a_plugin_package_tests_its_checks_with_the_kit(plugin_package: Path) -> None:
    done = run_pytest(plugin_package, "-v")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    for name in ("test_buckets", "test_projects", "test_storage_accounts"):
        assert f"tests/test_owner_checks.py::{name} PASSED" in out, out
    [plugins] = [line for line in out.splitlines() if line.startswith("plugins:")]
    assert "cloud-evidence-collector-" in plugins, out


@pytest.mark.slow
def test_a_wrong_verdict_fails_the_plugin_packages_test(plugin_package: Path) -> None:
    check = plugin_package / "acme_owner_checks" / "aws_owner.py"
    check.write_text(check.read_text().replace("tag in found,", "tag not in found,"))
    done = run_pytest(plugin_package)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed, 2 passed" in done.stdout, done.stdout


@pytest.mark.slow
def test_without_moto_the_aws_fixtures_skip_and_say_which_extra(plugin_package: Path,
                                                                 tmp_path: Path) -> None:
    hidden = tmp_path / "no-moto"
    (hidden / "moto").mkdir(parents=True)
    (hidden / "moto" / "__init__.py").write_text(
        'raise ImportError("No module named \'moto\' (hidden by the test)")\n')
    done = run_pytest(plugin_package, path=str(hidden))
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "2 passed, 1 skipped" in out, out
    skipped = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1, out
    assert "moto server" in skipped[0] and "cloud-evidence-collector[demo]" in skipped[0], out
