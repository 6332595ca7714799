from checks.azure.subscription_owner_hygiene import OWNER, subscription_owner_hygiene
from collector.demo.azure_fake import FakeError
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, SUB_B, TENANT, Az, by_resource

READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
TABLE = "authorizationresources"


def assign(sub: str, n: int, role: str, principal: str, kind: str = "User") -> dict[str, object]:
    return {"id": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleAssignments/a{n}",
            "type": "microsoft.authorization/roleassignments", "subscriptionId": sub,
            "properties": {"scope": f"/subscriptions/{sub}", "principalId": principal,
                           "principalType": kind, "roleDefinitionId": f"/subscriptions/{sub}/"
                           f"providers/Microsoft.Authorization/roleDefinitions/{role}"}}


def test_owner_count_guests_disabled_and_custom_owner_roles(az: Az) -> None:
    for n, who in enumerate(("alice", "bob")):
        az.estate.add(assign(SUB_A, n, OWNER, who), table=TABLE)
    az.estate.add(assign(SUB_A, 5, READER, "guest"), table=TABLE)
    az.estate.add(assign(SUB_A, 6, READER, "spn", kind="ServicePrincipal"), table=TABLE)
    az.estate.add(assign(SUB_B, 0, OWNER, "alice"), table=TABLE)
    az.estate.add({"id": f"/subscriptions/{SUB_A}/providers/Microsoft.Authorization/"
                   "roleDefinitions/god", "type": "microsoft.authorization/roledefinitions",
                   "subscriptionId": SUB_A, "properties": {
                       "roleName": "God", "type": "CustomRole",
                       "permissions": [{"actions": ["*"]}]}}, table=TABLE)
    az.estate.graph["/v1.0/users"] = {"value": [
        {"id": "guest", "userType": "Guest", "accountEnabled": True,
         "userPrincipalName": "ext#EXT#@contoso"}]}

    results = by_resource(az.run(subscription_owner_hygiene, SUB_A))
    other = by_resource(az.run(subscription_owner_hygiene, SUB_B))

    assert results[f"/subscriptions/{SUB_A}"].status is Status.PASS
    assert other[f"/subscriptions/{SUB_B}"].status is Status.FAIL
    assert "1 Owners" in other[f"/subscriptions/{SUB_B}"].message
    base = f"/subscriptions/{SUB_A}/providers/Microsoft.Authorization"
    assert results[f"{base}/roleAssignments/a0"].status is Status.PASS
    assert results[f"{base}/roleAssignments/a5"].status is Status.FAIL
    assert "guest" in results[f"{base}/roleAssignments/a5"].message
    assert f"{base}/roleAssignments/a6" not in results
    assert results[f"{base}/roleDefinitions/god"].status is Status.FAIL


def test_graph_denied_is_one_error_and_rbac_results_stand(az: Az) -> None:
    az.estate.add(assign(SUB_A, 0, OWNER, "alice"), table=TABLE)
    az.estate.graph["/v1.0/users"] = FakeError(403, "Authorization_RequestDenied", "no")

    results = by_resource(az.run(subscription_owner_hygiene, SUB_A))

    assert results[f"/subscriptions/{SUB_A}"].status is Status.FAIL  # 1 owner
    denied = results[f"/tenants/{TENANT}"]
    assert denied.status is Status.ERROR and denied.error_code == "Authorization_RequestDenied"
