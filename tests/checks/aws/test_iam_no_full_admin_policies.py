import json

from checks.aws.iam_no_full_admin_policies import iam_no_full_admin_policies
from collector.model import Status
from tests.conftest import Moto, by_resource

ARN = "arn:aws:iam::123456789012"
ADMIN = json.dumps({"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
READ = json.dumps({"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"],
                                  "Resource": "arn:aws:s3:::reports/*"}]})
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def _estate(moto: Moto) -> None:
    iam = moto.client("iam")
    admin = iam.create_policy(PolicyName="StarStar", PolicyDocument=ADMIN)["Policy"]["Arn"]
    read = iam.create_policy(PolicyName="ReadReports", PolicyDocument=READ)["Policy"]["Arn"]
    iam.create_policy(PolicyName="UnusedStar", PolicyDocument=ADMIN)
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn=admin)
    iam.create_group(GroupName="analysts")
    iam.attach_group_policy(GroupName="analysts", PolicyArn=read)
    iam.create_user(UserName="grouped")
    iam.add_user_to_group(GroupName="analysts", UserName="grouped")
    iam.create_user(UserName="direct")
    iam.attach_user_policy(UserName="direct", PolicyArn=read)
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="app", PolicyName="everything", PolicyDocument=ADMIN)


def test_star_star_policies_and_direct_user_grants_fail(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(iam_no_full_admin_policies))

    star = results[f"{ARN}:policy/StarStar"]
    assert star.status is Status.FAIL
    assert "allows * on * (unconditionally)" in star.message
    assert results[f"{ARN}:policy/ReadReports"].status is Status.PASS
    assert f"{ARN}:policy/UnusedStar" not in results  # not attached to anything
    role = results[f"{ARN}:role/app"]
    assert role.status is Status.FAIL
    assert "inline policy everything allows * on *" in role.message
    assert results[f"{ARN}:user/grouped"].status is Status.PASS
    direct = results[f"{ARN}:user/direct"]
    assert direct.status is Status.FAIL
    assert "ReadReports" in direct.message
    assert results[f"{ARN}:group/admins"].status is Status.PASS  # its policy is judged itself


def test_direct_user_grants_may_be_allowed(moto: Moto) -> None:
    _estate(moto)

    results = by_resource(moto.run(iam_no_full_admin_policies,
                                   params={"users_via_groups_only": False}))

    assert results[f"{ARN}:user/direct"].status is Status.PASS
