from checks.aws.rds_not_publicly_accessible import rds_not_publicly_accessible
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:rds:us-east-1:123456789012:db"


def test_public_instance_fails_private_instance_passes(moto: Moto) -> None:
    rds = moto.client("rds")
    for name, public in (("public-db", True), ("private-db", False)):
        rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
            MasterUsername="admin", MasterUserPassword="not-a-real-password",
            AllocatedStorage=20, PubliclyAccessible=public)

    results = by_resource(moto.run(rds_not_publicly_accessible))

    assert results[f"{ARN}:private-db"].status is Status.PASS
    public_db = results[f"{ARN}:public-db"]
    assert public_db.status is Status.FAIL
    assert public_db.message == "the instance is publicly accessible (PubliclyAccessible=true)"
