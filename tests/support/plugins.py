"""Registering a third-party check package the way pip would: a .dist-info on sys.path."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "acme_checks"


def install_dist_info(site: Path, name: str, entry_points: dict[str, str]) -> Path:
    """Write `<name>-1.0.dist-info` with METADATA and entry_points.txt into `site`."""
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(f"[evidence.checks]\n{lines}")
    return info
