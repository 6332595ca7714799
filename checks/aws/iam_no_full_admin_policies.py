"""IAM: no customer-managed or inline policy grants full administrative access."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plugin import Remediation, check

FILTER = ["User", "Group", "Role", "LocalManagedPolicy"]


@check(
    id="aws_iam_no_full_admin_policies",
    criteria=("CC6.3",),
    permissions=("iam:GetAccountAuthorizationDetails",),
    scoping="global",
    remediation=Remediation(
        summary=(
            'Replace the "Action": "*" on "Resource": "*" statement with the actions and '
            'resources the principal needs.'),
        console='IAM > Policies > policy > Permissions > Edit',
        cli=(
            'aws iam create-policy-version --policy-arn <arn> --policy-document '
            'file://least-privilege.json --set-as-default'),
        docs=(
            'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege'),
    ),
)
def iam_no_full_admin_policies(
    ctx: AwsContext, *, users_via_groups_only: bool = True
) -> Iterator[Result]:
    """No attached customer-managed or inline IAM policy allows every action on every resource.

    Read in one paginated request, GetAccountAuthorizationDetails (users, groups, roles and
    customer-managed policies with their inline and default-version documents), instead of a
    List/Get request per policy and principal. One result per customer-managed policy that is
    attached (its ARN) and per user, group and role (its ARN). A policy fails when a statement
    has Effect Allow with Action "*" and Resource "*" (conditions are reported, not credited).
    With `users_via_groups_only`, a user with policies attached or embedded directly also
    fails: users should receive permissions through groups or roles.
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
                        "the policy's default version allows * on *" + admin)
    for kind, inline_key in (("User", "UserPolicyList"), ("Group", "GroupPolicyList"),
                             ("Role", "RolePolicyList")):
        for principal in items(f"{kind}DetailList"):
            problems = [f"inline policy {p.get('PolicyName')} allows * on *{found}"
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


def _admin_statements(document: Any) -> str:
    """'' when no statement allows * on *; else ' (with condition …)' or ' ' marker text."""
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    if not isinstance(document, dict):
        return ""
    statements = document.get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]
    found = ""
    for st in statements:
        if st.get("Effect") != "Allow":
            continue
        actions, resources = st.get("Action", []), st.get("Resource", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = [resources] if isinstance(resources, str) else resources
        if "*" in actions and "*" in resources:
            if not st.get("Condition"):
                return " (unconditionally)"
            found = f" (under condition {json.dumps(st['Condition'], sort_keys=True)})"
    return found
