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


def _doc(**statement: object) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]})


def test_every_shape_of_full_access_fails_narrower_grants_pass(moto: Moto) -> None:
    # IAM JSON policy elements: Action / NotAction, Resource / NotResource, Condition
    # (IAM User Guide, reference_policies_elements_*); action names are case-insensitive
    iam = moto.client("iam")
    iam.create_group(GroupName="g")
    shapes = {
        "StarColonStar": (_doc(Action="*:*", Resource="*"), "* on * (unconditionally)"),
        "StarInAList": (_doc(Action=["S3:GetObject", "*"], Resource=["*"]), "* on *"),
        "NotAction": (_doc(NotAction=["iam:*", "organizations:*"], Resource="*"),
                      "every action except iam:*, organizations:* on *"),
        "NotResource": (_doc(Action="*", NotResource="arn:aws:s3:::vault/*"),
                        "* on every resource except arn:aws:s3:::vault/*"),
        "WithMfa": (_doc(Action="*", Resource="*", Condition={
            "Bool": {"aws:MultiFactorAuthPresent": "true"}}), "under condition"),
        "AllOfS3": (_doc(Action="s3:*", Resource="*"), None),
        "NotActionScoped": (_doc(NotAction="iam:*", Resource="arn:aws:s3:::reports/*"), None),
        "Everything": (json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "*", "Resource": "*"}]}), None),
    }
    for name, (document, _) in shapes.items():
        arn = iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
        iam.attach_group_policy(GroupName="g", PolicyArn=arn)

    results = by_resource(moto.run(iam_no_full_admin_policies))

    for name, (_, expected) in shapes.items():
        result = results[f"{ARN}:policy/{name}"]
        if expected is None:
            assert result.status is Status.PASS, (name, result.message)
        else:
            assert result.status is Status.FAIL, (name, result.message)
            assert expected in result.message, (name, result.message)
