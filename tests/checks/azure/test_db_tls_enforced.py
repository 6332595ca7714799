from checks.azure.db_tls_enforced import MYSQL, PG, db_tls_enforced
from collector.demo.azure_fake import resource
from collector.model import Status
from tests.fakes.azure_arm import SUB_A, Az, by_resource


def conf(value: str) -> dict[str, object]:
    return {"properties": {"value": value}}


def test_tls12_required_passes_weak_or_optional_fails(az: Az) -> None:
    sql_ok = az.estate.add(resource(SUB_A, "rg", "Microsoft.Sql/servers", "ok",
                                    {"minimalTlsVersion": "1.2"}))
    sql_old = az.estate.add(resource(SUB_A, "rg", "Microsoft.Sql/servers", "old",
                                     {"minimalTlsVersion": "1.0"}))
    pg = az.estate.add(resource(SUB_A, "rg", PG, "pg"))
    mysql = az.estate.add(resource(SUB_A, "rg", MYSQL, "mysql"))
    arm = az.estate.arm
    arm[f"{pg['id']}/configurations/require_secure_transport"] = conf("on")
    arm[f"{pg['id']}/configurations/ssl_min_protocol_version"] = conf("TLSv1.2")
    arm[f"{mysql['id']}/configurations/require_secure_transport"] = conf("OFF")
    arm[f"{mysql['id']}/configurations/tls_version"] = conf("TLSv1.1,TLSv1.2")

    results = by_resource(az.run(db_tls_enforced))

    assert results[sql_ok["id"]].status is Status.PASS
    assert results[sql_old["id"]].status is Status.FAIL
    assert results[pg["id"]].status is Status.PASS
    assert results[mysql["id"]].status is Status.FAIL
    assert "require_secure_transport is OFF" in results[mysql["id"]].message
    assert "TLSv1.1" in results[mysql["id"]].message
