from checks.aws.rds_storage_encrypted import rds_storage_encrypted
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:rds:us-east-1:123456789012"


def _instance(moto: Moto, name: str, **extra: object) -> None:
    moto.client("rds").create_db_instance(
        DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="admin", MasterUserPassword="not-a-real-password", AllocatedStorage=20,
        **extra)


def test_encrypted_instance_and_cluster_pass_plain_instance_fails(moto: Moto) -> None:
    _instance(moto, "encrypted-db", StorageEncrypted=True)
    _instance(moto, "plain-db")
    rds = moto.client("rds")
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                          MasterUsername="admin", MasterUserPassword="not-a-real-password",
                          StorageEncrypted=True)
    rds.create_db_instance(DBInstanceIdentifier="aurora-1", DBInstanceClass="db.r5.large",
                           Engine="aurora-postgresql", DBClusterIdentifier="aurora")

    results = by_resource(moto.run(rds_storage_encrypted))

    assert results[f"{ARN}:db:encrypted-db"].status is Status.PASS
    plain = results[f"{ARN}:db:plain-db"]
    assert plain.status is Status.FAIL
    assert plain.message == "instance storage is not encrypted"
    assert results[f"{ARN}:cluster:aurora"].status is Status.PASS
    assert f"{ARN}:db:aurora-1" not in results  # judged through its cluster
