from checks.aws.ebs_volume_encrypted import ebs_volume_encrypted
from collector.model import Status
from tests.conftest import Moto, by_resource


def _default_arn(region: str) -> str:
    return f"arn:aws:ec2:{region}:123456789012:account/ebs-encryption-by-default"


def _volume_arn(region: str, volume_id: str) -> str:
    return f"arn:aws:ec2:{region}:123456789012:volume/{volume_id}"


def test_encrypted_volume_passes_while_default_encryption_off_fails(moto: Moto) -> None:
    ec2 = moto.client("ec2")
    encrypted = ec2.create_volume(Size=8, AvailabilityZone="us-east-1a", Encrypted=True)
    plain = ec2.create_volume(Size=8, AvailabilityZone="us-east-1a")

    results = by_resource(moto.run(ebs_volume_encrypted))

    assert results[_volume_arn("us-east-1", encrypted["VolumeId"])].status is Status.PASS
    unencrypted = results[_volume_arn("us-east-1", plain["VolumeId"])]
    assert unencrypted.status is Status.FAIL
    assert unencrypted.message == "the volume is not encrypted"
    region = results[_default_arn("us-east-1")]
    assert region.status is Status.FAIL
    assert region.message == "EBS encryption by default is disabled in us-east-1"


def test_default_encryption_is_judged_per_region(moto: Moto) -> None:
    moto.client("ec2", "eu-west-1").enable_ebs_encryption_by_default()

    eu = by_resource(moto.run(ebs_volume_encrypted, region="eu-west-1"))
    us = by_resource(moto.run(ebs_volume_encrypted, region="us-east-1"))

    assert eu == {_default_arn("eu-west-1"): eu[_default_arn("eu-west-1")]}
    assert eu[_default_arn("eu-west-1")].status is Status.PASS
    assert us[_default_arn("us-east-1")].status is Status.FAIL
