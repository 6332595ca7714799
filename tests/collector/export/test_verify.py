"""`evidence verify`: what holds passes, any tampering is named, malicious archives are refused.

Property-based (hypothesis): a single-byte change in any member, a removed member, an added
member, a swapped or dropped run in the chain — all detected, in signed bundles and (for every
member but manifest.json, which only a signature protects) in unsigned ones.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collector.export.signing import generate
from collector.export.verify import Failed, Limits, Refused, verify_file
from tests.collector.export.conftest import Estate
from tests.collector.export.zips import members, rebuild
from tests.support.cli import run_cli

Capsys = pytest.CaptureFixture[str]
FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(bundle: bytes, tmp_path: Path, public_key: Path | None = None) -> str | None:
    """None when the bundle verifies, else the failure message."""
    path = tmp_path / "b.zip"
    path.write_bytes(bundle)
    try:
        verify_file(path, public_key.read_bytes() if public_key else None)
    except Failed as e:
        return str(e)
    return None


def test_untouched_bundles_verify(signed_bundle: bytes, unsigned_bundle: bytes, estate: Estate,
                                  tmp_path: Path) -> None:
    assert check(signed_bundle, tmp_path, estate.public_key) is None
    assert check(signed_bundle, tmp_path) is None
    assert check(unsigned_bundle, tmp_path) is None
    # rebuilt by another zip writer, same members: content is what counts
    assert check(rebuild(members(signed_bundle)), tmp_path, estate.public_key) is None


@FAST
@given(data=st.data())
def test_any_single_byte_change_in_any_member_is_detected(
        signed_bundle: bytes, estate: Estate, tmp_path: Path, data: st.DataObject) -> None:
    files = members(signed_bundle)
    name = data.draw(st.sampled_from(sorted(files)), label="member")
    body = bytearray(files[name])
    at = data.draw(st.integers(0, len(body) - 1), label="offset")
    body[at] = data.draw(st.integers(0, 255).filter(lambda b: b != body[at]), label="byte")
    files[name] = bytes(body)
    problem = check(rebuild(files), tmp_path, estate.public_key)
    assert problem is not None, f"a change in {name} at {at} went unnoticed"
    assert name in problem or "manifest" in problem


@FAST
@given(data=st.data())
def test_byte_changes_outside_the_manifest_are_detected_even_unsigned(
        unsigned_bundle: bytes, tmp_path: Path, data: st.DataObject) -> None:
    files = members(unsigned_bundle)
    name = data.draw(st.sampled_from(sorted(set(files) - {"manifest.json"})), label="member")
    body = bytearray(files[name])
    at = data.draw(st.integers(0, len(body) - 1), label="offset")
    body[at] ^= data.draw(st.integers(1, 255), label="xor")
    files[name] = bytes(body)
    problem = check(rebuild(files), tmp_path)
    assert problem is not None and name in problem


@FAST
@given(data=st.data())
def test_a_removed_member_is_detected(signed_bundle: bytes, estate: Estate, tmp_path: Path,
                                      data: st.DataObject) -> None:
    files = members(signed_bundle)
    name = data.draw(st.sampled_from(sorted(files)), label="member")
    del files[name]
    problem = check(rebuild(files), tmp_path, estate.public_key)
    assert problem is not None and name in problem


@FAST
@given(name=st.from_regex(r"(evidence/CC6\.1/x|runs|attachments/CC1\.1|oscal)/[a-z0-9]{1,12}\.json",
                          fullmatch=True) | st.sampled_from(["extra.txt", "README.TXT"]),
       body=st.binary(max_size=64))
def test_an_added_member_is_detected(signed_bundle: bytes, estate: Estate, tmp_path: Path,
                                     name: str, body: bytes) -> None:
    files = members(signed_bundle)
    files[name] = body
    problem = check(rebuild(files), tmp_path, estate.public_key)
    assert problem is not None and name in problem


def _recompute(files: dict[str, bytes]) -> dict[str, bytes]:
    """What a tamperer without the key does after editing: re-list every file's hash in
    manifest.json and drop the signature."""
    man = json.loads(files["manifest.json"])
    man["signature"] = None
    man["files"] = [{"path": n, "sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
                    for n, b in sorted(files.items()) if n not in ("manifest.json",
                                                                   "manifest.sig")]
    out = {n: b for n, b in files.items() if n not in ("manifest.json", "manifest.sig")}
    out["manifest.json"] = json.dumps(man).encode()
    return out


def _run_names(files: dict[str, bytes]) -> list[str]:
    return [r["path"] for r in json.loads(files["manifest.json"])["chain"]["runs"]]


@FAST
@given(data=st.data(), recompute=st.booleans())
def test_a_dropped_run_is_detected(unsigned_bundle: bytes, tmp_path: Path, data: st.DataObject,
                                   recompute: bool) -> None:
    files = members(unsigned_bundle)
    runs = _run_names(files)
    gone = data.draw(st.sampled_from(runs), label="dropped")
    del files[gone]
    if recompute:
        files = _recompute(files)
    problem = check(rebuild(files), tmp_path)
    assert problem is not None
    run_id = gone.removeprefix("runs/").removesuffix(".json")
    assert run_id in problem


@FAST
@given(data=st.data(), recompute=st.booleans())
def test_swapped_runs_are_detected(unsigned_bundle: bytes, tmp_path: Path, data: st.DataObject,
                                   recompute: bool) -> None:
    files = members(unsigned_bundle)
    runs = _run_names(files)
    a, b = data.draw(st.lists(st.sampled_from(runs), min_size=2, max_size=2, unique=True))
    files[a], files[b] = files[b], files[a]
    if recompute:
        files = _recompute(files)
    problem = check(rebuild(files), tmp_path)
    assert problem is not None and ("runs/" in problem or "run " in problem)


def test_dropping_the_chain_tail_and_rewriting_the_manifest_breaks_the_signature(
        signed_bundle: bytes, estate: Estate, tmp_path: Path) -> None:
    files = members(signed_bundle)
    last = _run_names(files)[-1]
    del files[last]
    man = json.loads(files["manifest.json"])
    man["chain"]["runs"] = man["chain"]["runs"][:-1]
    man["chain"]["head_sha256"] = man["chain"]["runs"][-1]["manifest_sha256"]
    man["files"] = [f for f in man["files"] if f["path"] != last]
    files["manifest.json"] = json.dumps(man).encode()
    problem = check(rebuild(files), tmp_path, estate.public_key)
    assert problem is not None and "manifest.sig" in problem


def test_another_key_is_refused(signed_bundle: bytes, tmp_path: Path) -> None:
    other = generate(tmp_path / "o.pem", tmp_path / "o.pub")
    problem = check(signed_bundle, tmp_path, tmp_path / "o.pub")
    assert problem is not None and other.fingerprint in problem


def test_unsigned_bundle_with_a_public_key_fails(unsigned_bundle: bytes, estate: Estate,
                                                 tmp_path: Path) -> None:
    problem = check(unsigned_bundle, tmp_path, estate.public_key)
    assert problem is not None and "not signed" in problem


def test_cli_names_the_first_failing_file_and_exits_4(signed_bundle: bytes, estate: Estate,
                                                      tmp_path: Path, capsys: Capsys) -> None:
    files = members(signed_bundle)
    files["summary.csv"] = files["summary.csv"].replace(b"CC6.1", b"CC6.2", 1)
    path = tmp_path / "t.zip"
    path.write_bytes(rebuild(files))
    res = run_cli(capsys, "verify", str(path), "--public-key", str(estate.public_key))
    assert res.code == 4
    assert "summary.csv" in res.err and "Traceback" not in res.err


# --- malicious archives: refused before anything is read, never extracted -------------------

def _zip_with(name: str, data: bytes = b"x") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr(zipfile.ZipInfo(name), data)
    return out.getvalue()


@pytest.mark.parametrize("name, reason", [
    ("../../etc/passwd", "path traversal"),
    ("runs/../../x.json", "path traversal"),
    ("/etc/passwd", "absolute path"),
    ("C:/Windows/x.txt", "absolute path"),
    ("evidence\\..\\x", "path traversal"),
])
def test_unsafe_names_are_refused(tmp_path: Path, capsys: Capsys, name: str,
                                  reason: str) -> None:
    path = tmp_path / "evil.zip"
    path.write_bytes(_zip_with(name))
    with pytest.raises(Refused, match=reason):
        verify_file(path)
    res = run_cli(capsys, "verify", str(path))
    assert res.code == 4 and "refusing the archive" in res.err
    assert not (tmp_path / "etc").exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "evil.zip"]


def test_duplicate_names_are_refused(signed_bundle: bytes, tmp_path: Path) -> None:
    out = io.BytesIO(signed_bundle)
    with pytest.warns(UserWarning), zipfile.ZipFile(out, "a") as zf:
        zf.writestr("summary.csv", b"criterion_id\nforged\n")
    path = tmp_path / "dup.zip"
    path.write_bytes(out.getvalue())
    with pytest.raises(Refused, match="more than once"):
        verify_file(path)


def test_a_symlink_member_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        info = zipfile.ZipInfo("runs/link.json")
        info.create_system = 3
        info.external_attr = (0o120777) << 16
        zf.writestr(info, b"/etc/passwd")
    path = tmp_path / "link.zip"
    path.write_bytes(out.getvalue())
    with pytest.raises(Refused, match="not a regular file"):
        verify_file(path)


def test_zip_bomb_by_declared_ratio_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("results.csv", b"\0" * (8 << 20))  # 8 MiB of zeros: ~1000:1
    path = tmp_path / "bomb.zip"
    path.write_bytes(out.getvalue())
    with pytest.raises(Refused, match="zip bomb"):
        verify_file(path, limits=Limits(max_ratio=100))


def test_zip_bomb_by_declared_size_is_refused(tmp_path: Path) -> None:
    """A central directory that claims a huge member is refused without reading it."""
    data = _zip_with("results.csv", b"tiny")
    # patch the declared uncompressed size (central directory entry of the second member)
    cd = data.rfind(b"PK\x01\x02")
    size_at = cd + 24
    forged = data[:size_at] + (0xFFFFFFF0).to_bytes(4, "little") + data[size_at + 4:]
    path = tmp_path / "big.zip"
    path.write_bytes(forged)
    with pytest.raises(Refused, match="zip bomb"):
        verify_file(path, limits=Limits(max_member_bytes=1 << 30))


def test_not_a_zip_is_refused(tmp_path: Path, capsys: Capsys) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip at all")
    res = run_cli(capsys, "verify", str(path))
    assert res.code == 4 and "not a readable ZIP" in res.err
