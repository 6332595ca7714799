"""`evidence verify` arguments: a --public-key or BUNDLE that is not a usable file is one line
and exit 2 (a usage error: nothing was judged about the bundle), read with a size cap and
without blocking; an unknown key algorithm is one line too."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from collector.export.signing import MAX_PUBLIC_KEY_BYTES, SigningKeyError, read_public_file
from tests.collector.export.conftest import Estate
from tests.collector.export.verifying import cli_subprocess
from tests.support.cli import run_cli

Capsys = pytest.CaptureFixture[str]


def _der_len(n: int) -> bytes:
    return bytes([n]) if n < 128 else bytes([0x81, n])


def unknown_algorithm_pem() -> bytes:
    """A well-formed SubjectPublicKeyInfo whose algorithm OID (1.3.6.1.4.1.99999.1) no
    library knows: `cryptography` raises UnsupportedAlgorithm for it."""
    oid = bytes([0x06, 0x09, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8D, 0x1F, 0x01])
    algorithm = b"\x30" + _der_len(len(oid)) + oid
    bits = b"\x03" + _der_len(33) + b"\x00" + b"\x11" * 32
    body = algorithm + bits
    der = b"\x30" + _der_len(len(body)) + body
    return (b"-----BEGIN PUBLIC KEY-----\n" + base64.encodebytes(der)
            + b"-----END PUBLIC KEY-----\n")


def _pem(key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def _bad_keys(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """label -> (path, what the line says)."""
    fifo = tmp_path / "key.fifo"
    os.mkfifo(fifo)
    (tmp_path / "big.pem").write_bytes(b"A" * (MAX_PUBLIC_KEY_BYTES + 1))
    (tmp_path / "unknown.pem").write_bytes(unknown_algorithm_pem())
    (tmp_path / "rsa.pem").write_bytes(_pem(rsa.generate_private_key(65537, 2048).public_key()))
    (tmp_path / "ec.pem").write_bytes(_pem(ec.generate_private_key(ec.SECP256R1()).public_key()))
    (tmp_path / "junk.pem").write_bytes(b"\x00\xff not a key")
    return {
        "/dev/zero": ("/dev/zero", "not a character device"),
        "fifo": (str(fifo), "not a FIFO"),
        "oversized": (str(tmp_path / "big.pem"), f"more than {MAX_PUBLIC_KEY_BYTES} bytes"),
        "unknown algorithm": (str(tmp_path / "unknown.pem"), "unsupported algorithm"),
        "rsa": (str(tmp_path / "rsa.pem"), "not an Ed25519 public key"),
        "ec": (str(tmp_path / "ec.pem"), "not an Ed25519 public key"),
        "junk": (str(tmp_path / "junk.pem"), "not a PEM public key"),
        "directory": (str(tmp_path), "is a directory"),
    }


def test_unusable_public_keys_are_one_line_and_exit_2(signed_bundle: bytes, tmp_path: Path,
                                                      capsys: Capsys) -> None:
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(signed_bundle)
    keys = tmp_path / "keys"
    keys.mkdir()
    for label, (key, says) in _bad_keys(keys).items():
        res = run_cli(capsys, "verify", str(bundle), "--public-key", key)
        assert res.code == 2, (label, res.err)
        assert says.replace("not a ", "") in res.err, (label, res.err)
        if label != "directory":  # click's own usage message for a directory is 3 lines
            assert len(res.err.strip().splitlines()) == 1, (label, res.err)


def test_a_public_key_is_read_with_a_cap(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    path.write_bytes(b"x" * (MAX_PUBLIC_KEY_BYTES + 1))
    with pytest.raises(SigningKeyError, match="more than"):
        read_public_file(path)
    path.write_bytes(b"x" * MAX_PUBLIC_KEY_BYTES)
    assert len(read_public_file(path)) == MAX_PUBLIC_KEY_BYTES


@pytest.mark.parametrize("bundle", ["/dev/zero", "fifo"])
def test_a_bundle_that_is_not_a_file_is_exit_2(tmp_path: Path, capsys: Capsys,
                                               bundle: str) -> None:
    if bundle == "fifo":
        os.mkfifo(tmp_path / "b.fifo")
        bundle = str(tmp_path / "b.fifo")
    res = run_cli(capsys, "verify", bundle)
    assert res.code == 2 and "not a regular file" in res.err
    assert len(res.err.strip().splitlines()) == 1


def test_dev_zero_and_a_fifo_as_key_in_a_real_process(signed_bundle: bytes, estate: Estate,
                                                      tmp_path: Path) -> None:
    """As a process: no hang on the FIFO, no endless read of /dev/zero, one line."""
    (tmp_path / "b.zip").write_bytes(signed_bundle)
    os.mkfifo(tmp_path / "k.fifo")
    for key in ("/dev/zero", str(tmp_path / "k.fifo")):
        res = cli_subprocess(str(tmp_path / "b.zip"), "--public-key", key)
        assert res.returncode == 2 and len(res.stderr.splitlines()) == 1, res.stderr
    ok = cli_subprocess(str(tmp_path / "b.zip"), "--public-key", str(estate.public_key))
    assert ok.returncode == 0 and ok.stderr == "", ok.stderr
