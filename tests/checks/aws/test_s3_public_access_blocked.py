import json
from typing import Any

from checks.aws.s3_public_access_blocked import s3_public_access_blocked
from collector.model import Status
from tests.conftest import Moto, by_resource

ACCOUNT = "arn:aws:iam::123456789012:root"
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


def _public_read_policy(bucket: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }]})


def _block_account(moto: Moto, config: dict[str, Any]) -> None:
    # The collector's own client: it carries the fix for s3control's account-prefixed host.
    s3control = moto.account().client("s3control", "us-east-1")
    s3control.put_public_access_block(AccountId="123456789012",
                                      PublicAccessBlockConfiguration=config)


def test_public_policy_fails_and_bucket_level_block_passes_without_account_block(
    moto: Moto,
) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="blocked-bucket")
    s3.put_public_access_block(Bucket="blocked-bucket", PublicAccessBlockConfiguration=ALL_ON)
    s3.create_bucket(Bucket="public-bucket")
    s3.put_bucket_policy(Bucket="public-bucket", Policy=_public_read_policy("public-bucket"))

    results = by_resource(moto.run(s3_public_access_blocked))

    assert results["arn:aws:s3:::blocked-bucket"].status is Status.PASS
    public = results["arn:aws:s3:::public-bucket"]
    assert public.status is Status.FAIL
    assert "bucket policy is public" in public.message
    assert "off at both account and bucket level" in public.message
    assert results[ACCOUNT].status is Status.FAIL
    assert "1 bucket(s) do not have all four settings" in results[ACCOUNT].message


def test_account_block_covers_buckets_without_their_own(moto: Moto) -> None:
    moto.client("s3").create_bucket(Bucket="plain-bucket")
    _block_account(moto, ALL_ON)

    results = by_resource(moto.run(s3_public_access_blocked))

    assert results[ACCOUNT].status is Status.PASS
    assert results["arn:aws:s3:::plain-bucket"].status is Status.PASS


def test_partial_account_block_leaves_the_missing_setting_to_the_bucket(moto: Moto) -> None:
    moto.client("s3").create_bucket(Bucket="plain-bucket")
    _block_account(moto, {**ALL_ON, "RestrictPublicBuckets": False})

    results = by_resource(moto.run(s3_public_access_blocked))

    assert results[ACCOUNT].status is Status.FAIL
    assert "off for RestrictPublicBuckets" in results[ACCOUNT].message
    bucket = results["arn:aws:s3:::plain-bucket"]
    assert bucket.status is Status.FAIL
    assert bucket.message.endswith("for RestrictPublicBuckets")


def test_public_acl_fails_even_when_every_block_is_on(moto: Moto) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="acl-bucket")
    s3.put_bucket_acl(Bucket="acl-bucket", ACL="public-read")
    _block_account(moto, ALL_ON)

    results = by_resource(moto.run(s3_public_access_blocked))

    assert results[ACCOUNT].status is Status.PASS
    acl = results["arn:aws:s3:::acl-bucket"]
    assert acl.status is Status.FAIL
    assert "grants READ to everyone (AllUsers)" in acl.message


def test_every_bucket_blocking_itself_satisfies_the_account(moto: Moto) -> None:
    s3 = moto.client("s3")
    for name in ("first-bucket", "second-bucket"):
        s3.create_bucket(Bucket=name)
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=ALL_ON)

    results = by_resource(moto.run(s3_public_access_blocked))

    assert results[ACCOUNT].status is Status.PASS
    assert "every bucket has all four settings on itself" in results[ACCOUNT].message


def test_org_scoped_policy_is_not_public_authenticated_users_acl_is(moto: Moto) -> None:
    # S3 User Guide, "The meaning of public": a policy whose wildcard principal is narrowed by
    # fixed values of aws:PrincipalOrgID or aws:SourceVpc is not public (GetBucketPolicyStatus
    # IsPublic false); an ACL grant to AuthenticatedUsers opens the bucket to any AWS account.
    _block_account(moto, ALL_ON)
    s3 = moto.client("s3")
    s3.create_bucket(Bucket="org-bucket")
    s3.put_bucket_policy(Bucket="org-bucket", Policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::org-bucket/*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}}]}))
    s3.create_bucket(Bucket="acl-bucket")
    owner = s3.get_bucket_acl(Bucket="acl-bucket")["Owner"]
    s3.put_bucket_acl(Bucket="acl-bucket", AccessControlPolicy={"Owner": owner, "Grants": [{
        "Grantee": {"Type": "Group",
                    "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
        "Permission": "READ"}]})

    results = by_resource(moto.run(s3_public_access_blocked))

    assert results["arn:aws:s3:::org-bucket"].status is Status.PASS
    acl = results["arn:aws:s3:::acl-bucket"]
    assert acl.status is Status.FAIL
    assert "grants READ to any AWS account (AuthenticatedUsers)" in acl.message
