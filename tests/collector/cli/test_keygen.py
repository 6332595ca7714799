"""`evidence keygen`: 0600 keys whatever the umask, one path never both keys, never through a
symlink (also with --force), atomic replacement."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from collector.export.signing import load_private, load_public
from tests.support.cli import CliResult, run_cli

Capsys = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def keygen(capsys: Capsys, private: Path, public: Path, *extra: str) -> CliResult:
    return run_cli(capsys, "keygen", "--private-key", str(private), "--public-key", str(public),
                   *extra)


def one_error_line(res: CliResult) -> str:
    assert res.code == 2, res
    assert "Traceback" not in res.err
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    return lines[0]


def test_keys_are_written_0600_under_umask_022_and_load(tmp_path: Path, capsys: Capsys) -> None:
    private, public = tmp_path / "signing.pem", tmp_path / "public.pem"
    res = keygen(capsys, private, public)
    assert res.code == 0, res.err
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(public.stat().st_mode) == 0o600
    signer = load_private(private)
    assert signer.fingerprint in res.out
    load_public(public.read_bytes(), "public.pem")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public.pem", "signing.pem"]


@pytest.mark.parametrize("spelling", ["same", "dot-slash", "hard-link"])
def test_one_path_for_both_keys_is_refused(tmp_path: Path, capsys: Capsys,
                                           monkeypatch: pytest.MonkeyPatch,
                                           spelling: str) -> None:
    monkeypatch.chdir(tmp_path)
    private = Path("key.pem")
    public = {"same": Path("key.pem"), "dot-slash": Path("./sub/../key.pem"),
              "hard-link": Path("link.pem")}[spelling]
    (tmp_path / "sub").mkdir()
    if spelling == "hard-link":
        private.write_text("old private\n")
        os.link(private, public)
    line = one_error_line(keygen(capsys, private, public, "--force"))
    assert "same file" in line
    if spelling == "hard-link":
        assert private.read_text() == "old private\n"
    else:
        assert not private.exists()


@pytest.mark.parametrize("which", ["private", "public"])
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_a_symlink_at_either_path_is_refused_and_its_target_untouched(
    tmp_path: Path, capsys: Capsys, which: str, force: bool
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious\n")
    private, public = tmp_path / "signing.pem", tmp_path / "public.pem"
    link = private if which == "private" else public
    link.symlink_to(target)

    line = one_error_line(keygen(capsys, private, public, *(["--force"] if force else [])))

    assert "symbolic link" in line
    assert target.read_text() == "precious\n" and link.is_symlink()
    assert not (public if which == "private" else private).exists()


def test_existing_keys_are_kept_without_force_and_replaced_atomically_with_it(
    tmp_path: Path, capsys: Capsys
) -> None:
    private, public = tmp_path / "signing.pem", tmp_path / "public.pem"
    assert keygen(capsys, private, public).code == 0
    first = private.read_bytes(), public.read_bytes()

    line = one_error_line(keygen(capsys, private, public))
    assert "already exists" in line and (private.read_bytes(), public.read_bytes()) == first

    inode = private.stat().st_ino
    assert keygen(capsys, private, public, "--force").code == 0
    assert private.read_bytes() != first[0] and public.read_bytes() != first[1]
    assert private.stat().st_ino != inode  # a new file renamed into place, not rewritten
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public.pem", "signing.pem"]


def test_an_unwritable_directory_is_one_line(tmp_path: Path, capsys: Capsys) -> None:
    missing = tmp_path / "no" / "such"
    line = one_error_line(keygen(capsys, missing / "a.pem", missing / "b.pem"))
    assert "cannot write the key" in line
