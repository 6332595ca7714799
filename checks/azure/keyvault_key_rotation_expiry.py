"""Key Vault: keys rotate and expire; secrets expire."""

from collections.abc import Iterator
from typing import Any

from checks.azure._util import GRAPH
from collector.cloud.api import AzureApi
from collector.model import Result
from collector.plugin import check, each

API = "2023-07-01"
"""Microsoft.KeyVault vaults/keys and vaults/secrets, management plane (stable)."""


@check(
    id="azure_keyvault_key_rotation_expiry",
    criteria=("CC6.1",),
    permissions=(GRAPH, "Microsoft.KeyVault/vaults/read", "Microsoft.KeyVault/vaults/keys/read",
                 "Microsoft.KeyVault/vaults/secrets/read"),
)
def keyvault_key_rotation_expiry(ctx: AzureApi) -> Iterator[Result]:
    """Key Vault keys have a rotation policy and an expiry; secrets have an expiry.

    Read through ARM (management plane: names, attributes and rotation policies, never secret
    values), so no data-plane access policy is needed. One result per enabled key or secret:
    a key passes with an expiry date (attributes.exp) and a rotation policy having a Rotate
    lifetime action, a secret with an expiry date; otherwise fails. Disabled keys and secrets
    are skipped. A vault whose keys or secrets cannot be listed gets one `error` result (on the
    vault); every other vault keeps its results.

    How to fix: Give every key a rotation policy and an expiry date, and every secret an expiry
        date.
    Console: Key Vault > vault > Keys > key > Rotation policy (Secrets > secret > Set expiration
        date)
    CLI: az keyvault key rotation-policy update --vault-name <vault> --name <key> --value
        @policy.json
    Docs: https://learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation
    """
    yield from each(ctx.resources("Microsoft.KeyVault/vaults"), resource=lambda v: v["id"],
                    judge=lambda v: list(_judge(ctx, v)))


def _judge(ctx: AzureApi, vault: dict[str, Any]) -> Iterator[Result]:
    for key in ctx.arm_list(f"{vault['id']}/keys", API):
        p = key.get("properties") or {}
        if not _enabled(p):
            continue
        problems = []
        if not (p.get("attributes") or {}).get("exp"):
            problems.append("no expiry date")
        if not _rotates(p.get("rotationPolicy")):
            problems.append("no rotation policy with a Rotate action")
        yield Result.of(key["id"], not problems, "rotation policy and expiry date set",
                        "key: " + "; ".join(problems))
    for secret in ctx.arm_list(f"{vault['id']}/secrets", API):
        p = secret.get("properties") or {}
        if not _enabled(p):
            continue
        yield Result.of(secret["id"], bool((p.get("attributes") or {}).get("exp")),
                        "expiry date set", "secret: no expiry date")


def _enabled(p: dict[str, Any]) -> bool:
    return (p.get("attributes") or {}).get("enabled", True) is not False


def _rotates(policy: Any) -> bool:
    actions = (policy or {}).get("lifetimeActions") or []
    return any(str((a.get("action") or {}).get("type", "")).lower() == "rotate" for a in actions)
