"""README.txt's manual verification commands, run exactly as written against a real bundle."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from collector.export.readme import commands
from tests.collector.export.conftest import Estate

pytestmark = pytest.mark.skipif(not shutil.which("openssl") or not shutil.which("sha256sum"),
                                reason="needs openssl and GNU coreutils")


def unpack(bundle: bytes, into: Path, public_key: Path) -> Path:
    into.mkdir()
    (into.parent / "bundle.zip").write_bytes(bundle)
    with zipfile.ZipFile(into.parent / "bundle.zip") as zf:
        zf.extractall(into)  # our own bundle, already verified by the tool in other tests
    shutil.copy(public_key, into / "public.pem")
    return into


def sh(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=cwd, text=True,
                          capture_output=True, timeout=60, check=False)


def test_readme_commands_pass_on_a_real_bundle(signed_bundle: bytes, estate: Estate,
                                               tmp_path: Path) -> None:
    folder = unpack(signed_bundle, tmp_path / "bundle", estate.public_key)
    lines = commands((folder / "README.txt").read_text())
    assert any(c.startswith("sed ") and "sha256sum" in c for c in lines)
    assert any(c.startswith("openssl pkeyutl -verify -pubin -inkey public.pem -rawin")
               for c in lines)
    outputs = {}
    for command in lines:
        done = sh(command, folder)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        outputs[command] = done.stdout
    signature = next(c for c in lines if c.startswith("openssl pkeyutl"))
    assert "Signature Verified Successfully" in outputs[signature]
    fingerprint = next(c for c in lines if c.startswith("openssl pkey "))
    assert outputs[fingerprint].split()[0] == estate.signer.fingerprint
    hashes = next(c for c in lines if c.startswith("sha256sum runs/"))
    head = outputs[hashes].split()[-2]
    assert head in (folder / "README.txt").read_text()


def test_readme_commands_catch_tampering(signed_bundle: bytes, estate: Estate,
                                         tmp_path: Path) -> None:
    folder = unpack(signed_bundle, tmp_path / "bundle", estate.public_key)
    lines = commands((folder / "README.txt").read_text())
    check_files = next(c for c in lines if c.startswith("sed "))
    signature = next(c for c in lines if c.startswith("openssl pkeyutl"))
    csv = folder / "results.csv"
    csv.write_bytes(csv.read_bytes().replace(b",fail,", b",pass,", 1))
    done = sh(check_files, folder)
    assert done.returncode != 0 and "results.csv" in done.stdout + done.stderr
    manifest = folder / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"type2"', b'"type1"'))
    assert sh(signature, folder).returncode != 0
