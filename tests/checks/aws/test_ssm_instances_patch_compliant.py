from checks.aws.ssm_instances_patch_compliant import ssm_instances_patch_compliant
from collector.model import Status
from tests.checks.aws.replaying import replay
from tests.conftest import by_resource

ARN = "arn:aws:ec2:us-east-1:123456789012:instance"


def test_each_running_instance_is_judged_on_management_and_patches() -> None:
    results = by_resource(replay(ssm_instances_patch_compliant, "fleet"))

    compliant = results[f"{ARN}/i-0aaa1111bbbb2222c"]
    assert compliant.status is Status.PASS
    assert compliant.message == "patch compliant, scanned 2026-11-26"
    behind = results[f"{ARN}/i-0ddd3333eeee4444f"]
    assert behind.status is Status.FAIL
    assert behind.message == ("patch non-compliant, scanned 2026-11-26: non-compliant by "
                              "severity critical 2, high 3")
    unscanned = results[f"{ARN}/i-0ggg5555hhhh6666i"]
    assert unscanned.status is Status.FAIL
    assert unscanned.message == ("Systems Manager has no patch compliance for the instance "
                                 "(SSM agent ConnectionLost)")
    unmanaged = results[f"{ARN}/i-0jjj7777kkkk8888l"]
    assert unmanaged.status is Status.FAIL
    assert unmanaged.message == "the instance is not managed by Systems Manager"
    assert f"{ARN}/i-0stopped0000000000" not in results
