"""The visual page from a report's JSON form (the keys ``report --format json`` prints, with the
agreed additions: progress, daily, time_to_fix, categories, risks, remediation, accepted_risk):
every SVG is well-formed, hostile ids stay text, no table is wider than eight columns, the
progress line, remediation and accepted-risk ids appear where they belong."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from collector.report.visual.page import OPEN_TABLE_ROWS, render_page

HOSTILE = "<img src=x onerror=alert(1)>\"'&"


def _cov(failed: int, **extra: Any) -> dict[str, Any]:
    return {"runs_expected": 10, "runs_complete": 3, "runs_partial": 0, "gap_days": 7,
            "stale_days": 0, "passed": 9, "failed": failed, "errors": 0, "not_applicable": 0,
            "pass_rate": 9 / (9 + failed) if failed else 1.0, "exceptions": 1 if failed else 0,
            "open_exceptions": 1 if failed else 0, "failed_accepted": 0,
            "pass_rate_excluding_accepted": None, **extra}


def _exception(check: str, resource: str, risk: str | None) -> dict[str, Any]:
    return {"check_id": check, "resource_id": resource, "provider": "aws", "scope": "1",
            "region": "eu-west-1", "criteria": ["CC6.1"], "first_seen": "2026-01-02T03:00:00Z",
            "fixed_at": None, "fixed_by": None, "duration_s": 172800, "carried_in": False,
            "message": f"{resource} is public", "first_run_id": "run-2", "fixed_run_id": None,
            "unknown": [], "unknown_s": 0, "accepted_risk": risk}


REMEDIATION = {"summary": "Block public access", "console": "S3 > Permissions",
               "cli": "aws s3api put-public-access-block", "docs": "the S3 user guide"}


def report(exceptions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A report dict of a 10-day period, 3 days elapsed."""
    return {
        "start": "2026-01-01", "end": "2026-01-10", "as_of": "2026-01-10",
        "schedule": "0 3 * * *", "catalog_version": "test", "runs_expected": 3,
        "collections": 3, "collections_complete": 3, "head_manifest_sha256": "ab" * 32,
        "legend": "How exceptions open and close.",
        "progress": {"elapsed_days": 3, "total_days": 10, "in_progress": True},
        "daily": {"start": "2026-01-01", "codes": {"p": "pass", "f": "fail"},
                  "criteria": {"CC6.1": "pfannnnnnn", "A1.2": "oooooooooo"}},
        "time_to_fix": [{"criterion": "CC6.1", "fixed": 1, "median_s": 3600.0,
                         "p90_s": 3600.0}],
        "categories": [{"category": "security", "in_scope": True, "criteria": 33,
                        "evidenced": 1, "coverage": 1 / 33},
                       {"category": "availability", "in_scope": False, "criteria": 3,
                        "evidenced": 0, "coverage": None}],
        "criteria": [
            {"id": "CC6.1", "title": "Logical access", "category": "security", "in_scope": True,
             "evidence_mode": "automated", "checks": ["aws_s3_public", HOSTILE],
             "controls": [], "attachments_valid": [], "attachments_expired": [],
             "status": "automated", "coverage": _cov(2, failed_accepted=1)},
            {"id": "A1.2", "title": "Recovery", "category": "availability", "in_scope": False,
             "evidence_mode": "hybrid", "checks": [], "controls": [], "attachments_valid": [],
             "attachments_expired": [], "status": "none", "coverage": _cov(0)}],
        "checks": [
            {"id": "aws_s3_public", "title": "S3 public access", "criteria": ["CC6.1"],
             "frequency": "daily", "coverage": _cov(2), "remediation": REMEDIATION},
            {"id": "aws_ok", "title": "Fine", "criteria": ["CC6.1"], "frequency": "daily",
             "coverage": _cov(0), "remediation": {**REMEDIATION, "summary": "NOT SHOWN"}}],
        "controls": [], "attachments": [], "runs": [],
        "exceptions": exceptions if exceptions is not None else [
            _exception("aws_s3_public", "bucket-a", "RISK-1"),
            _exception(HOSTILE, HOSTILE, None)],
        "risks": [{"risk_id": "RISK-1", "check": "aws_s3_public", "resource": "bucket-a",
                   "provider": "aws", "scope": "1", "region": None, "reason": "public website",
                   "approver": "ciso", "approved_at": "2026-01-01T00:00:00Z",
                   "effective_from": "2026-01-01T00:00:00Z", "expires": None,
                   "backdated": False, "ticket": "SEC-1", "status": "active",
                   "revoked_at": None}],
    }


def test_page_sections_and_hostile_ids() -> None:
    page = render_page(report(), heading="Period")
    assert "<script" not in page and "<img" not in page
    assert "period in progress: 3 of 10 days elapsed" in page
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        ET.fromstring(svg)  # every picture is well-formed
    assert page.count('class="hm-row"') == 2 and 'data-daily="pfannnnnnn"' in page
    assert "Block public access" in page and "NOT SHOWN" not in page  # failing checks only
    row = re.search(r'<tr class="exception" data-check="aws_s3_public".*?</tr>', page, re.S)
    assert row is not None and "RISK-1" in row.group(0)
    assert '<tr class="risk" data-risk="RISK-1">' in page
    assert "2 (1 accepted)" in page  # CC6.1's failures, accepted ones counted apart
    assert 'data-category="availability"' in page and 'data-coverage="null"' in page
    assert 'data-fact="accepted" data-v="1"' in page


def test_no_table_is_wider_than_eight_columns() -> None:
    page = render_page(report(), heading="Period")
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", page)
    assert heads and max(h.count("<th>") for h in heads) <= 8


def test_long_exception_lists_fold_and_are_counted() -> None:
    many = [_exception("c", f"r{i:04d}", None) for i in range(OPEN_TABLE_ROWS + 1)]
    page = render_page(report(many), heading="Period")
    assert '<details class="all-exc"><summary>All 201 exception intervals' in page
    assert page.count('<tr class="exception"') == len(many)
    assert 'data-shown="30" data-more="171"' in page
    few = render_page(report(many[:3]), heading="Period")
    assert '<details class="all-exc" open>' in few and 'data-more="0"' in few


def test_a_report_without_the_new_keys_still_renders() -> None:
    d = report()
    for key in ("progress", "daily", "time_to_fix", "risks"):
        del d[key]
    d["categories"] = ["security"]
    page = render_page(d, heading="Period")
    assert "no day-by-day states" in page and "in progress" not in page
    assert "Categories in scope: security." in page
