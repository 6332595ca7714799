from checks.aws.rds_multi_az import rds_multi_az
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:rds:us-east-1:123456789012"


def _estate(moto: Moto) -> None:
    rds = moto.client("rds")
    for name, multi_az, env in (("ha-db", True, "production"), ("single-db", False, "production"),
                                ("dev-db", False, "dev")):
        rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
            MasterUsername="admin", MasterUserPassword="not-a-real-password",
            AllocatedStorage=20, MultiAZ=multi_az, AvailabilityZone="us-east-1a",
            Tags=[{"Key": "Environment", "Value": env}])
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql",
                          MasterUsername="admin", MasterUserPassword="not-a-real-password",
                          Tags=[{"Key": "Environment", "Value": "production"}])
    for member, zone in (("aurora-1", "us-east-1a"), ("aurora-2", "us-east-1b")):
        rds.create_db_instance(DBInstanceIdentifier=member, DBInstanceClass="db.r5.large",
                               Engine="aurora-postgresql", DBClusterIdentifier="aurora",
                               AvailabilityZone=zone)


def test_multi_az_instances_and_spread_clusters_pass(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(rds_multi_az))

    assert results[f"{ARN}:db:ha-db"].status is Status.PASS
    single = results[f"{ARN}:db:single-db"]
    assert single.status is Status.FAIL
    assert single.message == "single-AZ deployment in us-east-1a"
    cluster = results[f"{ARN}:cluster:aurora"]
    assert cluster.status is Status.PASS
    assert "us-east-1a, us-east-1b" in cluster.message
    assert f"{ARN}:db:aurora-1" not in results


def test_production_tags_narrow_the_scope(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(rds_multi_az,
                                   params={"production_tags": ("Environment=production",)}))

    assert results[f"{ARN}:db:dev-db"].status is Status.NOT_APPLICABLE
    assert results[f"{ARN}:db:single-db"].status is Status.FAIL
