from checks.aws.rds_automated_backups_retention import rds_automated_backups_retention
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:rds:us-east-1:123456789012"


def _estate(moto: Moto) -> None:
    rds = moto.client("rds")
    for name, days in (("week-db", 7), ("short-db", 3), ("nobackup-db", 0)):
        rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
            MasterUsername="admin", MasterUserPassword="not-a-real-password",
            AllocatedStorage=20, BackupRetentionPeriod=days)
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                          MasterUsername="admin", MasterUserPassword="not-a-real-password",
                          BackupRetentionPeriod=14)


def test_retention_is_judged_against_the_minimum(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(rds_automated_backups_retention))

    assert results[f"{ARN}:db:week-db"].status is Status.PASS
    short = results[f"{ARN}:db:short-db"]
    assert short.status is Status.FAIL
    assert short.message == "automated backups are kept only 3 days (minimum 7)"
    off = results[f"{ARN}:db:nobackup-db"]
    assert off.status is Status.FAIL
    assert off.message == "automated backups are disabled (retention 0 days)"
    assert results[f"{ARN}:cluster:aurora"].status is Status.PASS


def test_the_minimum_is_a_parameter(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(rds_automated_backups_retention, params={"min_days": 30}))

    assert results[f"{ARN}:db:week-db"].status is Status.FAIL
    assert results[f"{ARN}:cluster:aurora"].status is Status.FAIL


def test_aurora_members_are_judged_through_their_cluster(moto: Moto) -> None:
    # rds DBCluster.BackupRetentionPeriod: Aurora backs up the cluster volume; its member
    # instances carry no retention of their own to judge (DBInstance.DBClusterIdentifier set)
    _estate(moto)
    moto.client("rds").create_db_instance(
        DBInstanceIdentifier="aurora-1", DBInstanceClass="db.r5.large",
        Engine="aurora-postgresql", DBClusterIdentifier="aurora")

    results = by_resource(moto.run(rds_automated_backups_retention, params={"min_days": 10}))

    assert results[f"{ARN}:cluster:aurora"].status is Status.PASS
    assert f"{ARN}:db:aurora-1" not in results
    assert results[f"{ARN}:db:week-db"].status is Status.FAIL
