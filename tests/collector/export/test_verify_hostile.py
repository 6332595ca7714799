"""`evidence verify` on damaged and hostile archives: one line and exit 4, never a traceback.

Property-based (hypothesis) over a real exported bundle:
- a random byte changed anywhere in the file: verification fails with one line, or passes
  only when the change provably does not matter (plain zipfile reads every member with the
  same bytes, so every hash still holds: a timestamp, a mode bit, deflate padding);
- a byte changed inside the compressed data of any member: fails naming that member (or the
  manifest/signature when it is manifest.json or manifest.sig), unless the same holds;
- truncation at any offset: always fails;
- duplicate and hostile member names: refused, naming the member.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.collector.export.conftest import Estate
from tests.collector.export.verifying import (
    cli_one_line,
    cli_subprocess,
    contents,
    data_span,
    outcome,
    zip_of,
)
from tests.collector.export.zips import members

Capsys = pytest.CaptureFixture[str]
PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


@PROPERTY
@given(data=st.data())
def test_a_byte_changed_anywhere_fails_in_one_line_or_changes_nothing_read(
        signed_bundle: bytes, estate: Estate, tmp_path: Path, data: st.DataObject) -> None:
    body = bytearray(signed_bundle)
    at = data.draw(st.integers(0, len(body) - 1), label="offset")
    body[at] ^= data.draw(st.integers(1, 255), label="xor")
    got = outcome(bytes(body), tmp_path, estate.public_key)
    if got.verified is not None:
        assert contents(bytes(body)) == members(signed_bundle), (
            f"a change at {at} passed, yet a member reads differently")


@PROPERTY
@given(data=st.data(), signed=st.booleans())
def test_a_byte_changed_in_any_members_compressed_data_names_it(
        signed_bundle: bytes, unsigned_bundle: bytes, estate: Estate, tmp_path: Path,
        capsys: Capsys, data: st.DataObject, signed: bool) -> None:
    bundle = signed_bundle if signed else unsigned_bundle
    name = data.draw(st.sampled_from(sorted(members(bundle))), label="member")
    start, length = data_span(bundle, name)
    at = start + data.draw(st.integers(0, length - 1), label="offset in data")
    body = bytearray(bundle)
    body[at] ^= data.draw(st.integers(1, 255), label="xor")
    key = ("--public-key", str(estate.public_key)) if signed else ()
    code, err = cli_one_line(capsys, bytes(body), tmp_path, *key)
    if code == 0:
        assert contents(bytes(body)) == members(bundle), f"a change in {name} went unnoticed"
        return
    assert code == 4, err
    named = name in err or (name.startswith("manifest.") and "manifest" in err)
    assert named, f"the failure does not name {name}: {err}"


@PROPERTY
@given(data=st.data())
def test_truncation_anywhere_fails_in_one_line(signed_bundle: bytes, estate: Estate,
                                               tmp_path: Path, capsys: Capsys,
                                               data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(signed_bundle) - 1), label="cut at")
    code, err = cli_one_line(capsys, signed_bundle[:cut], tmp_path, "--public-key",
                             str(estate.public_key))
    assert code == 4 and "FAILED" in err


def test_a_flip_in_every_members_deflate_data_exits_4_not_1(
        unsigned_bundle: bytes, tmp_path: Path, capsys: Capsys) -> None:
    """The issue's case: a byte in the middle of any deflated member (zlib.error or a CRC
    error before) is one line naming the member, exit 4, for every member."""
    for name in sorted(members(unsigned_bundle)):
        start, length = data_span(unsigned_bundle, name)
        body = bytearray(unsigned_bundle)
        body[start + length // 2] ^= 0x5A
        code, err = cli_one_line(capsys, bytes(body), tmp_path)
        assert code == 4 and (name in err or "manifest" in err), (name, err)


HOSTILE_NAMES = [
    ("../x", "path traversal"),
    ("runs/../../x.json", "path traversal"),
    ("/abs/x", "absolute path"),
    ("C:\\x", "absolute path"),
    ("C:/x", "absolute path"),
    ("a\\b", "path traversal"),
    ("evidence//x", "not a plain file name"),
    ("./x", "not a plain file name"),
    ("dir/", "not a plain file name"),
    ("x\x01y", "control character"),
    ("a" * 5000, "characters"),
]


@pytest.mark.parametrize("name, why", HOSTILE_NAMES, ids=[n[:12] for n, _ in HOSTILE_NAMES])
def test_hostile_member_names_are_refused(signed_bundle: bytes, tmp_path: Path,
                                          capsys: Capsys, name: str, why: str) -> None:
    files = list(members(signed_bundle).items())
    files.insert(3, (name, b"x"))
    got = outcome(zip_of(files), tmp_path)
    assert got.problem is not None and why in got.problem and "refusing" in got.problem
    assert len(got.problem) < 600  # a 5000-character name is shown shortened
    code, _ = cli_one_line(capsys, zip_of(files), tmp_path)
    assert code == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip", "c.zip"]  # nothing extracted


@PROPERTY
@given(data=st.data())
def test_duplicate_member_names_are_refused(signed_bundle: bytes, tmp_path: Path,
                                            data: st.DataObject) -> None:
    files = list(members(signed_bundle).items())
    name, body = data.draw(st.sampled_from(files), label="duplicated")
    at = data.draw(st.integers(0, len(files)), label="at")
    files.insert(at, (name, data.draw(st.sampled_from([body, b"forged"]), label="body")))
    with pytest.warns(UserWarning, match="Duplicate name"):
        bundle = zip_of(files)
    got = outcome(bundle, tmp_path)
    assert got.problem is not None and "more than once" in got.problem and name in got.problem


@PROPERTY
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1,
                    max_size=40))
def test_any_extra_member_name_fails_in_one_line(signed_bundle: bytes, estate: Estate,
                                                 tmp_path: Path, name: str) -> None:
    files = list(members(signed_bundle).items())
    if name in dict(files) or "\x00" in name:
        return
    files.append((name, b"{}"))
    got = outcome(zip_of(files), tmp_path, estate.public_key)
    assert got.problem is not None


def test_a_member_larger_than_listed_stops_reading(unsigned_bundle: bytes,
                                                   tmp_path: Path) -> None:
    """A member whose archive size differs from manifest.json's is refused by its declared
    size, without being read."""
    files = members(unsigned_bundle)
    files["results.csv"] = files["results.csv"] + b"x" * (4 << 20)
    got = outcome(zip_of(list(files.items())), tmp_path)
    assert got.problem is not None and got.problem.startswith("results.csv: ")


def test_hostile_archives_print_one_line_in_a_real_process(signed_bundle: bytes,
                                                           estate: Estate,
                                                           tmp_path: Path) -> None:
    """As a real process: exactly one stderr line (no "Exception ignored in ZipFile.__del__"
    or warning after the verdict), for a refusal, a deflate error and a cut archive."""
    start, length = data_span(signed_bundle, "summary.html")
    flipped = bytearray(signed_bundle)
    flipped[start + length // 2] ^= 0xFF
    out = io.BytesIO(signed_bundle)
    with pytest.warns(UserWarning), zipfile.ZipFile(out, "a") as zf:
        zf.writestr("summary.csv", b"forged")
    cases = {"evil.zip": zip_of([("../evil", b"x")]), "flip.zip": bytes(flipped),
             "cut.zip": signed_bundle[: len(signed_bundle) // 2], "dup.zip": out.getvalue()}
    for name, body in cases.items():
        (tmp_path / name).write_bytes(body)
        res = cli_subprocess(str(tmp_path / name), "--public-key", str(estate.public_key))
        assert res.returncode == 4, (name, res.stderr)
        assert len(res.stderr.splitlines()) == 1, (name, res.stderr)
