"""Benchmark: peak RSS of `evidence verify` on hostile bundles (goal: each < 200 MB).

Builds, in a temporary directory: a small genuine bundle (the baseline); a ~61 KB ZIP whose
manifest.json is 60 MB of ``[{},{},…]`` (unsigned, and signed-looking with --public-key); a
bundle with a 256 MB run manifest under ``runs/`` listed with its true hash (so it is hashed and
read in full); a 256 MB member of zeros under ``runs/``; and ``--public-key /dev/zero``. Each is
verified by the real CLI (``python -m collector verify``) in a child process, whose own peak RSS
(``os.wait4``) is printed with its wall time, exit code and stderr line. Not a timed test.

    .venv/bin/python -m bench.verify [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from collector.export.signing import generate

GOAL_MB = 200
RUN_ID = "20260101T030000Z-000000"
MB = 1 << 20


def _manifest(files: dict[str, tuple[str, int]], head: str, signer_pub: str | None = None,
              signer_fp: str | None = None) -> bytes:
    """A manifest.json of the contract's shape listing ``files`` (path -> sha256, size)."""
    doc = {
        "format": "evidence-bundle/1", "tool": {"name": "evidence", "version": "bench"},
        "kind": "type2", "period": {"from": "2026-01-01", "to": "2026-01-01"}, "criteria": [],
        "chain": {"head_sha256": head, "head_run_id": RUN_ID, "anchor_prev_sha256": None,
                  "runs": [{"run_id": RUN_ID, "chain_seq": 1, "manifest_sha256": head,
                            "status": "complete", "in_period": True,
                            "path": f"runs/{RUN_ID}.json"}]},
        "signature": None if signer_pub is None else {
            "algorithm": "Ed25519", "file": "manifest.sig", "public_key_sha256": signer_fp,
            "public_key_pem": signer_pub},
        "files": [{"path": p, "sha256": s, "size": n} for p, (s, n) in sorted(files.items())],
    }
    return json.dumps(doc, indent=1).encode()


def _run_manifest_chunks(target: int) -> Iterator[bytes]:
    """A run manifest of about ``target`` bytes: realistic result sets with distinct hashes
    (so it compresses like real evidence, not like a bomb)."""
    yield (b'{"chain_seq":1,"config_hash":"bench","finished_at":"2026-01-01T03:01:00Z",'
           b'"format":"evidence-run-manifest/1","identities":[],"mapping_sha256":"'
           + b"0" * 64 + b'","prev_sha256":null,"result_sets":[')
    made, i, batch = 0, 0, []
    while made < target:
        sha = hashlib.sha256(i.to_bytes(8, "big")).hexdigest()
        item = (f'{{"check_id":"aws_check_{i % 400:03d}","n_fail":{i % 7},"n_pass":{i % 13},'
                f'"provider":"aws","region":"eu-west-{i % 3}","scope":"{i % 1000:012d}",'
                f'"sha256":"{sha}"}},').encode()
        batch.append(item)
        made += len(item)
        i += 1
        if len(batch) == 4096:
            yield b"".join(batch)
            batch = []
    batch.append(b'{}],"run_id":"' + RUN_ID.encode() + b'","scopes":[],'
                 b'"started_at":"2026-01-01T03:00:00Z","status":"complete"}')
    yield b"".join(batch)


def _write(path: Path, members: dict[str, Iterator[bytes] | bytes], level: int = 1) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level,
                         allowZip64=True) as zf:
        for name, body in members.items():
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED  # a ZipInfo defaults to stored
            info._compresslevel = level  # type: ignore[attr-defined]  # (3.11's name for it)
            with zf.open(info, "w", force_zip64=True) as out:
                for chunk in ([body] if isinstance(body, bytes) else body):
                    out.write(chunk)


def _hash_chunks(chunks: Iterator[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _member_bundle(path: Path, chunks: object, runs_sha_size: tuple[str, int]) -> None:
    sha, size = runs_sha_size
    readme = b"bench\n"
    files = {"README.txt": (hashlib.sha256(readme).hexdigest(), len(readme)),
             f"runs/{RUN_ID}.json": (sha, size)}
    _write(path, {"README.txt": readme, f"runs/{RUN_ID}.json": chunks,  # type: ignore[dict-item]
                  "manifest.json": _manifest(files, sha)})


def build(into: Path) -> list[list[object]]:
    """Write the bundles and keys; return [label, verify arguments, expected exit] per case."""
    signer = generate(into / "k.pem", into / "k.pub", force=True)
    pub = str(into / "k.pub")
    small = _run_manifest_chunks(4096)
    sha, size = _hash_chunks(_run_manifest_chunks(4096))
    _member_bundle(into / "genuine.zip", small, (sha, size))

    bomb = b"[" + b"{}," * (20 * MB) + b"{}]"  # 60 MB
    _write(into / "manifest-bomb.zip", {"manifest.json": bomb}, level=9)
    _write(into / "manifest-bomb-signed.zip",
           {"manifest.json": bomb, "manifest.sig": signer.sign(b"not this")}, level=9)
    under = bomb[:30 * MB - 1] + b"]"  # under the manifest cap: refused by counting
    _write(into / "manifest-bomb-30mb.zip", {"manifest.json": under}, level=9)
    _write(into / "manifest-bomb-30mb-signed.zip",
           {"manifest.json": under, "manifest.sig": signer.sign(b"not this")}, level=9)
    del bomb, under

    big = 256 * MB
    _member_bundle(into / "runs-256mb.zip", _run_manifest_chunks(big),
                   _hash_chunks(_run_manifest_chunks(big)))
    zeros = (b"\0" * MB for _ in range(256))
    _member_bundle(into / "runs-256mb-zeros.zip", zeros, _hash_chunks(b"\0" * MB
                                                                      for _ in range(256)))
    return [
        ["genuine small bundle", [str(into / "genuine.zip")], 0],
        ["manifest.json = 60 MB of [{},...]", [str(into / "manifest-bomb.zip")], 4],
        ["  same, with --public-key", [str(into / "manifest-bomb-signed.zip"),
                                       "--public-key", pub], 4],
        ["manifest.json = 30 MB of [{},...]", [str(into / "manifest-bomb-30mb.zip")], 4],
        ["  same, with --public-key", [str(into / "manifest-bomb-30mb-signed.zip"),
                                       "--public-key", pub], 4],
        ["runs/ member of 256 MB (valid JSON, true hash)", [str(into / "runs-256mb.zip")], 0],
        ["runs/ member of 256 MB of zeros (true hash)", [str(into / "runs-256mb-zeros.zip")],
         4],
        ["--public-key /dev/zero", [str(into / "genuine.zip"), "--public-key", "/dev/zero"],
         2],
    ]


def measure(args: list[str]) -> tuple[float, float, int, str]:
    """Peak RSS (MB), wall seconds, exit code and last stderr line of one verify child."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "collector", "verify", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    lines = err.strip().splitlines()
    shown = f"{len(lines)} line(s): {lines[-1][:110]}" if lines else "(no stderr)"
    return usage.ru_maxrss / 1024, wall, proc.returncode, shown


def main() -> None:
    """Build the hostile bundles, verify each in a child process, print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the bundles here and keep them")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.build:  # the child that builds: its memory never counts against the verifiers
        print(json.dumps(build(opts.build)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        into = opts.keep or Path(tmp)
        into.mkdir(parents=True, exist_ok=True)
        # A child's ru_maxrss starts at its parent's RSS at fork (Linux carries the high-water
        # mark across exec), so the bundles are built in a child and this parent stays lean.
        out = subprocess.run([sys.executable, "-m", "bench.verify", "--build", str(into)],
                             check=True, capture_output=True, text=True).stdout
        cases = json.loads(out)
        print(f"{'case':50} {'zip':>9} {'peak RSS':>9} {'wall':>7} exit  stderr")
        worst, wrong = 0.0, 0
        for label, args, expected in cases:
            bundle = Path(args[0])
            rss, wall, code, err = measure(args)
            worst = max(worst, rss)
            wrong += code != expected
            mark = "" if code == expected else f" (expected {expected})"
            print(f"{label:50} {bundle.stat().st_size / MB:8.2f}M {rss:8.1f}M {wall:6.1f}s "
                  f"{code:4}{mark}  {err}", flush=True)
        print(f"worst peak RSS {worst:.1f} MB (goal < {GOAL_MB} MB): "
              f"{'OK' if worst < GOAL_MB else 'OVER'}; unexpected exit codes: {wrong}")
        if wrong or worst >= GOAL_MB:
            sys.exit(1)


if __name__ == "__main__":
    main()
