"""An IAM policy document with exactly the actions the selected checks declare."""

from __future__ import annotations

import json
from collections.abc import Iterable

from collector.plugin import Check

DISCOVERY_ACTIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")
"""What the collector itself calls: who am I, which regions are enabled."""
ORGANIZATION_ACTIONS = ("organizations:DescribeOrganization", "organizations:ListAccounts",
                        "sts:AssumeRole")
"""Only for the management (or delegated admin) identity when `aws.organization: true`."""


def actions(checks: Iterable[Check], *, organization: bool = False) -> list[str]:
    """Sorted, distinct actions: the checks' declared permissions plus discovery."""
    wanted = set(DISCOVERY_ACTIONS)
    if organization:
        wanted.update(ORGANIZATION_ACTIONS)
    for check in checks:
        if check.provider == "aws":
            wanted.update(check.permissions)
    return sorted(wanted)


def policy(checks: Iterable[Check], *, organization: bool = False) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EvidenceCollectorReadOnly",
            "Effect": "Allow",
            "Action": actions(checks, organization=organization),
            "Resource": "*",
        }],
    }


def render(checks: Iterable[Check], *, organization: bool = False) -> str:
    return json.dumps(policy(checks, organization=organization), indent=2)
