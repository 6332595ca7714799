from checks.aws.dynamodb_pitr_enabled import dynamodb_pitr_enabled
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table"


def test_table_with_pitr_passes_table_without_fails(moto: Moto) -> None:
    ddb = moto.client("dynamodb")
    for name in ("orders", "sessions"):
        ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    ddb.update_continuous_backups(
        TableName="orders",
        PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})

    results = by_resource(moto.run(dynamodb_pitr_enabled))

    assert results[f"{ARN}/orders"].status is Status.PASS
    sessions = results[f"{ARN}/sessions"]
    assert sessions.status is Status.FAIL
    assert sessions.message == "point-in-time recovery is disabled"
