"""Azure least privilege: the built-in roles, the Graph permissions, and a custom role.

Checks declare ARM actions (`Microsoft.Storage/storageAccounts/read`) and Microsoft Graph
application permissions (`graph:Policy.Read.All`). The custom role lists exactly the ARM
actions of the selected checks plus what the collector itself calls; Graph permissions are
granted to the app registration (admin consent), not through an Azure role.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from collector.plugin import Check

DISCOVERY_ACTIONS = ("Microsoft.Resources/subscriptions/read",)
"""What the collector itself calls: list / read the subscriptions in scope."""
GRAPH_PREFIX = "graph:"
READER = ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7",
          "every ARM read the checks make (*/read), Resource Graph included")
SECURITY_READER = ("Security Reader", "39bc4728-0917-49c7-9d2c-d95423bc2eb4",
                   "Defender for Cloud plans, contacts and assessments, as Microsoft documents")


def arm_actions(checks: Iterable[Check]) -> list[str]:
    """Sorted, distinct ARM actions of the Azure checks, plus discovery."""
    wanted = set(DISCOVERY_ACTIONS)
    for check in checks:
        if check.provider == "azure":
            wanted.update(p for p in check.permissions if not p.startswith(GRAPH_PREFIX))
    return sorted(wanted)


def graph_permissions(checks: Iterable[Check]) -> list[str]:
    """Microsoft Graph application permissions the selected checks need."""
    return sorted({p.removeprefix(GRAPH_PREFIX) for c in checks if c.provider == "azure"
                   for p in c.permissions if p.startswith(GRAPH_PREFIX)})


def custom_role(checks: Iterable[Check], subscriptions: Sequence[str] = ()) -> dict[str, object]:
    """A role definition for `az role definition create --role-definition @role.json`."""
    scopes = [f"/subscriptions/{s}" for s in subscriptions] or ["/subscriptions/<subscription-id>"]
    return {
        "Name": "Evidence Collector Reader",
        "IsCustom": True,
        "Description": "Read-only access for the SOC 2 evidence collector (exactly the ARM "
                       "actions its selected checks declare).",
        "Actions": arm_actions(checks),
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": scopes,
    }


def render(checks: Iterable[Check], subscriptions: Sequence[str] = ()) -> str:
    """Roles and Graph permissions as `#` comment lines, then the custom role JSON."""
    chosen = [c for c in checks if c.provider == "azure"]
    roles = [READER]
    if any(a.startswith("Microsoft.Security/") for a in arm_actions(chosen)):
        roles.append(SECURITY_READER)
    lines = ["# Built-in roles to assign the collector's identity on each subscription "
             "(or a management group above them):"]
    lines += [f"#   {name:<16} {rid}  {why}" for name, rid, why in roles]
    graph = graph_permissions(chosen)
    if graph:
        lines.append("# Microsoft Graph application permissions (grant admin consent): "
                     + ", ".join(graph))
    lines.append("# Or, instead of the built-in roles, this custom role with exactly the "
                 "actions the selected checks need:")
    return "\n".join(lines) + "\n" + json.dumps(custom_role(chosen, subscriptions), indent=2)
