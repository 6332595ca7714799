"""results.csv rendering of single result sets."""

import csv
import io
import json

from collector.export.csv import _render


def test_a_check_with_no_resources_renders_no_rows() -> None:
    body = json.dumps({"check_id": "aws_x", "check_version": "1", "results": [], "calls": []})
    assert _render(body.encode(), "aws", "123456789012", "global", "aws_x", ("CC6.1",)) == []


def test_rows_keep_commas_newlines_and_lead_errors_with_their_code() -> None:
    results = [
        {"resource_id": "arn:a", "status": "fail", "message": "a, b\nc", "error_code": None},
        {"resource_id": "arn:b", "status": "error", "message": "denied",
         "error_code": "AccessDenied", "scope": "p-1", "region": "eu"},
    ]
    body = json.dumps({"check_id": "gcp_x", "check_version": "1", "results": results,
                       "calls": []}).encode()
    rows = _render(body, "gcp", "organizations/1", "global", "gcp_x", ("CC6.1", "C1.1"))
    assert len(rows) == 2
    parsed = list(csv.reader(io.StringIO("".join(rows))))
    assert parsed[0] == ["gcp", "organizations/1", "global", "gcp_x", "arn:a", "fail",
                         "CC6.1;C1.1", "a, b\nc"]
    assert parsed[1][1:3] == ["p-1", "eu"]
    assert parsed[1][-1] == "AccessDenied: denied"
