"""Accepted risks: what they cover, when they hold, and what may be recorded."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from collector.risks.book import RiskBook
from collector.risks.declared import parse, reconcile
from collector.risks.model import AcceptedRisk, Revocation, RiskError, check_new

TODAY = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
SITE = "arn:aws:s3:::acme-public-website"


def risk(**over: object) -> AcceptedRisk:
    base = AcceptedRisk(risk_id="RISK-1", check="aws_s3_*", resource=SITE,
                        reason="public website", approver="ciso@example.com", approved_at=NOW,
                        effective_from=TODAY, expires=date(2027, 5, 31), provider="aws")
    return replace(base, **over)  # type: ignore[arg-type]


def test_covers_by_globs_and_filters() -> None:
    r = risk(region="global")
    assert r.covers("aws_s3_public_access_blocked", SITE, "aws", "123456789012", "global")
    assert not r.covers("aws_kms_cmk_rotation_enabled", SITE, "aws", "123456789012", "global")
    assert not r.covers("aws_s3_public_access_blocked", SITE + "2", "aws", "1", "global")
    assert not r.covers("aws_s3_public_access_blocked", SITE, "gcp", "1", "global")
    assert not r.covers("aws_s3_public_access_blocked", SITE, "aws", "1", "us-east-1")


def test_holds_from_effective_date_until_expiry_or_revocation() -> None:
    revoked = Revocation("RISK-1", "website retired", "ciso", datetime(2027, 1, 10, tzinfo=UTC))
    book = RiskBook([risk()], [revoked])
    args = ("aws_s3_public_access_blocked", SITE, "aws", "1", "global")
    assert book.covering(*args, date(2026, 12, 3)) is None  # before it takes effect
    assert book.covering(*args, TODAY) == "RISK-1"
    assert book.covering(*args, date(2027, 1, 9)) == "RISK-1"
    assert book.covering(*args, date(2027, 1, 10)) is None  # revoked that day
    assert RiskBook([risk()]).covering(*args, date(2027, 6, 1)) is None  # expired
    assert RiskBook([risk()]).covering(*args, date(2027, 5, 31)) == "RISK-1"  # last day


@pytest.mark.parametrize(("over", "needle"), [
    ({"expires": date(2028, 1, 1)}, "more than 366 days"),
    ({"expires": date(2026, 11, 1), "effective_from": date(2026, 10, 1)}, "already past"),
    ({"effective_from": date(2026, 12, 1)}, "--backdate"),
    ({"risk_id": "1 bad id"}, "id must be"),
    ({"approver": " "}, "approver is required"),
    ({"ticket": "SEC-42"}, "ticket must be a URL"),
    ({"expires": date(2026, 12, 3)}, "before effective_from"),
])
def test_refused_with_one_line(over: dict[str, object], needle: str) -> None:
    with pytest.raises(RiskError) as err:
        check_new(risk(**over), today=TODAY)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_backdating_is_explicit_and_recorded() -> None:
    got = check_new(risk(effective_from=date(2026, 12, 1)), today=TODAY, allow_backdate=True)
    assert got.backdated
    assert not check_new(risk(), today=TODAY).backdated


def test_reconcile_adds_revokes_keeps_and_refuses_changed_terms() -> None:
    doc = {"risks": [
        {"id": "RISK-1", "check": "aws_s3_*", "resource": SITE, "reason": "public website",
         "approver": "ciso@example.com", "effective_from": TODAY, "expires": "2027-05-31",
         "provider": "aws"},
        {"id": "RISK-3", "check": "gcp_*", "resource": "*", "reason": "sandbox",
         "approver": "cto@example.com", "effective_from": "2026-12-04", "expires": "2027-01-31"},
    ]}
    declared = parse(doc, source="risks.yaml", approved_at=NOW, max_days=366)
    book = RiskBook([risk(), risk(risk_id="RISK-2", check="azure_*")])
    plan = reconcile(declared, book, TODAY, source="risks.yaml")
    assert [r.risk_id for r in plan.add] == ["RISK-3"]
    assert plan.revoke == ("RISK-2",) and plan.unchanged == ("RISK-1",)

    doc["risks"][0]["expires"] = "2027-06-30"  # type: ignore[index]
    changed = parse(doc, source="risks.yaml", approved_at=NOW, max_days=366)
    with pytest.raises(RiskError, match="differs from the approved record"):
        reconcile(changed, book, TODAY, source="risks.yaml")


@pytest.mark.parametrize(("doc", "needle"), [
    ({"risk": []}, "list under 'risks'"),
    ({"risks": ["x"]}, "risks[0]: expected a mapping"),
    ({"risks": [{"id": "R1"}]}, "risks[0].check: required"),
    ({"risks": [{"id": "R1", "check": "*", "resource": "*", "reason": "r", "approver": "a",
                 "effective_from": "2026-12-04", "expires": "soon"}]}, "expected a date"),
    ({"risks": [{"id": "R1", "check": "*", "resource": "*", "reason": "r", "approver": "a",
                 "effective_from": "2026-12-04", "expires": "2027-01-01", "owner": "x"}]},
     "unknown key 'owner'"),
])
def test_file_errors_name_the_key(doc: object, needle: str) -> None:
    with pytest.raises(RiskError) as err:
        parse(doc, source="risks.yaml", approved_at=NOW, max_days=366)
    assert needle in str(err.value) and str(err.value).startswith("risks.yaml")
