"""The SOC 2 catalog shipped as data."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from config import Catalog, Criterion, load_catalog
from config.criteria import CATEGORIES, UnknownCriterion, parse_catalog

DATA = Path(__file__).parents[2] / "config" / "soc2-criteria.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_exactly_61_unique_criteria(catalog: Catalog) -> None:
    ids = catalog.ids()
    assert len(ids) == len(set(ids)) == len(catalog) == 61


def test_known_ids_are_present_and_nonexistent_ones_are_not(catalog: Catalog) -> None:
    for criterion_id in ("CC1.1", "CC6.1", "CC9.2", "A1.2", "C1.2", "PI1.5", "P8.1"):
        assert criterion_id in catalog
    # Ids that some public mappings use but the TSC do not have.
    for criterion_id in ("CC8.2", "CC8.3", "P1.2", "cc6.1", "CC6.9"):
        assert criterion_id not in catalog


def test_categories_map_right(catalog: Catalog) -> None:
    assert Counter(c.category for c in catalog) == {
        "security": 33, "availability": 3, "processing_integrity": 5,
        "confidentiality": 2, "privacy": 18,
    }
    prefixes = {"security": "CC", "availability": "A", "processing_integrity": "PI",
                "confidentiality": "C", "privacy": "P"}
    for criterion in catalog:
        series = criterion.id.split(".")[0]
        assert criterion.series == series
        assert series.rstrip("0123456789") == prefixes[criterion.category], criterion.id


def test_get(catalog: Catalog) -> None:
    criterion = catalog.get("CC6.1")
    assert criterion == Criterion(
        id="CC6.1",
        category="security",
        series="CC6",
        group="Logical and Physical Access Controls",
        title="Logical access safeguards: identity, authentication, encryption, segmentation",
        evidence_mode="automated",
    )
    assert catalog.get("A1.2").category == "availability"
    assert catalog.get("P8.1").category == "privacy"


def test_unknown_criterion_is_a_clear_value_error(catalog: Catalog) -> None:
    with pytest.raises(UnknownCriterion, match=r"^unknown SOC 2 criterion 'CC8.2'; did you mean"):
        catalog.get("CC8.2")
    with pytest.raises(ValueError):
        catalog.get("nope")


def test_by_category_and_scope(catalog: Catalog) -> None:
    assert [c.id for c in catalog.by_category("availability")] == ["A1.1", "A1.2", "A1.3"]
    assert len(catalog.in_scope([])) == 33  # security only
    in_scope = catalog.in_scope(["availability", "confidentiality"])
    assert {c.category for c in in_scope} == {"security", "availability", "confidentiality"}
    assert len(in_scope) + len(catalog.out_of_scope(["availability", "confidentiality"])) == 61
    assert len(catalog.in_scope(CATEGORIES)) == 61
    with pytest.raises(ValueError, match="unknown SOC 2 category"):
        catalog.by_category("integrity")
    with pytest.raises(ValueError, match="unknown SOC 2 category"):
        catalog.in_scope(["Security"])


def test_version_and_hash_identify_the_data(catalog: Catalog) -> None:
    assert catalog.version == "2017 TSC with revised points of focus (2022)"
    assert catalog.sha256 == hashlib.sha256(DATA.read_bytes()).hexdigest()
    assert load_catalog() is catalog  # read once


def test_every_criterion_has_title_and_mode(catalog: Catalog) -> None:
    for criterion in catalog:
        assert criterion.title and len(criterion.title.split()) <= 12
        assert criterion.evidence_mode in ("automated", "hybrid", "manual")


def test_malformed_data_is_rejected() -> None:
    good = DATA.read_bytes()
    with pytest.raises(ValueError, match="61 criteria, header says 62"):
        parse_catalog(good.replace(b"criteria_count: 61", b"criteria_count: 62"))
    with pytest.raises(ValueError, match="duplicate"):
        parse_catalog(good.replace(b"- id: CC1.2", b"- id: CC1.1"))
    with pytest.raises(ValueError, match="unknown SOC 2 category"):
        parse_catalog(good.replace(b"category: privacy", b"category: secrecy"))
    with pytest.raises(ValueError, match="malformed"):
        parse_catalog(good.replace(b"evidence_mode: manual", b"mode: manual", 1))
    with pytest.raises(ValueError, match="not YAML"):
        parse_catalog(b"criteria: [")


def test_loads_from_a_zip_like_an_installed_wheel(tmp_path: Path) -> None:
    package = DATA.parent
    archive = tmp_path / "config.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for source in package.iterdir():
            if source.suffix in (".py", ".yaml"):
                zipped.write(source, f"config/{source.name}")
    script = (
        "import config; from config import load_catalog; c = load_catalog(); "
        "assert 'config.zip' in config.__file__, config.__file__; print(len(c), c.sha256)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(archive)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["61", hashlib.sha256(DATA.read_bytes()).hexdigest()]


def test_the_fast_yaml_parser_reads_the_same_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    data = DATA.read_bytes()
    fast = parse_catalog(data)
    monkeypatch.setattr("config.criteria._FAST_LOADER", None)  # PyYAML without libyaml
    assert parse_catalog(data) == fast
