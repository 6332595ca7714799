"""IAM: no customer-managed or inline policy grants full administrative access."""

from __future__ import annotations

import fnmatch
import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

from collector.cloud.api import AwsApi
from collector.model import Result
from collector.plugin import check

FILTER = ["User", "Group", "Role", "LocalManagedPolicy"]


@check(
    id="aws_iam_no_full_admin_policies",
    criteria=("CC6.3",),
    permissions=("iam:GetAccountAuthorizationDetails",),
    scoping="global",
)
def iam_no_full_admin_policies(
    ctx: AwsApi, *, users_via_groups_only: bool = True
) -> Iterator[Result]:
    """No attached customer-managed or inline IAM policy allows every action on every resource.

    Global; read in one paginated GetAccountAuthorizationDetails (users, groups, roles and
    customer-managed policies with their inline and default-version documents). One result per
    attached customer-managed policy (its ARN; unattached ones are not judged) and per user,
    group and role (its ARN). A policy fails when an Allow statement grants full access: Action
    matching every action ("*", "*:*"; IAM action names are case-insensitive) on Resource
    matching every resource ("*", "arn:*…"); NotAction with Allow on every resource (every
    action except those listed, including every future service: decided as full access, which
    flags PowerUserAccess-like grants too); Action "*" with NotResource (every resource except
    those listed). Conditions are named, never credited: a Condition-limited grant (MFA, source
    IP) still gives full access to whoever meets it. Deny statements are not netted off. With
    `users_via_groups_only`, a user with policies attached or embedded directly also fails.
    AWS-managed policies (AdministratorAccess) are out of scope. Otherwise it passes.
    GetAccountAuthorizationDetails is one account-wide read: a failed page is an `error` for
    the account.

    How to fix: Replace the "Action": "*" on "Resource": "*" statement with the actions and
        resources the principal needs.
    Console: IAM > Policies > policy > Permissions > Edit
    CLI: aws iam create-policy-version --policy-arn <arn> --policy-document
        file://least-privilege.json --set-as-default
    Docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    """
    def items(key: str) -> list[dict[str, Any]]:
        return ctx.paginate("iam", "get_account_authorization_details", key, Filter=FILTER)

    for policy in items("Policies"):
        if not policy.get("AttachmentCount"):
            continue
        doc = next((v.get("Document") for v in policy.get("PolicyVersionList") or []
                    if v.get("IsDefaultVersion")), None)
        admin = _admin_statements(doc)
        yield Result.of(policy["Arn"], not admin,
                        "the policy's default version does not allow * on *",
                        "the policy's default version allows " + admin)
    for kind, inline_key in (("User", "UserPolicyList"), ("Group", "GroupPolicyList"),
                             ("Role", "RolePolicyList")):
        for principal in items(f"{kind}DetailList"):
            problems = [f"inline policy {p.get('PolicyName')} allows {found}"
                        for p in principal.get(inline_key) or []
                        if (found := _admin_statements(p.get("PolicyDocument")))]
            if kind == "User" and users_via_groups_only:
                direct = [p.get("PolicyName") for p in principal.get(inline_key) or []] + [
                    p.get("PolicyName") for p in principal.get("AttachedManagedPolicies") or []]
                if direct:
                    problems.append("policies are attached to the user directly, not through "
                                    "a group or role: " + ", ".join(map(str, direct)))
            yield Result.of(principal["Arn"], not problems,
                            f"no inline policy of this {kind.lower()} allows * on *"
                            + (" and it has no directly attached policy" if kind == "User"
                               and users_via_groups_only else ""),
                            "; ".join(problems))


SAMPLE_ACTIONS = ("iam:createuser", "s3:getobject", "ec2:runinstances", "kms:decrypt",
                  "sts:assumerole", "organizations:leaveorganization")
SAMPLE_RESOURCES = ("arn:aws:s3:::bucket", "arn:aws:iam::123456789012:role/r",
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
                    "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/k")
"""A pattern matching all of these is taken to match every action or resource."""


def _admin_statements(document: Any) -> str:
    """'' when no statement grants full access; else the widest grant found, described."""
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    if not isinstance(document, dict):
        return ""
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    found = ""
    for st in statements:
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        grant = _full_grant(st)
        if not grant:
            continue
        if not st.get("Condition"):
            return f"{grant} (unconditionally)"
        found = f"{grant} (under condition {json.dumps(st['Condition'], sort_keys=True)})"
    return found


def _full_grant(st: dict[str, Any]) -> str:
    every_resource = "Resource" in st and _all(st["Resource"], SAMPLE_RESOURCES)
    if "Action" in st and _all(st["Action"], SAMPLE_ACTIONS):
        if every_resource:
            return "* on *"
        if "NotResource" in st:
            return f"* on every resource except {_text(st['NotResource'])}"
    if "NotAction" in st and every_resource:
        return f"every action except {_text(st['NotAction'])} on *"
    return ""


def _all(patterns: Any, samples: tuple[str, ...]) -> bool:
    listed = [patterns] if isinstance(patterns, str) else patterns
    if not isinstance(listed, list):
        return False
    return any(isinstance(p, str) and all(fnmatch.fnmatchcase(v, p.lower()) for v in samples)
               for p in listed)


def _text(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
