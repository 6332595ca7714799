"""Build a benchmark estate in moto: accounts x regions x resources per service.

Each account is reached the way the collector reaches it (sts:AssumeRole into
`arn:aws:iam::<id>:role/EvidenceReader`; moto maps the returned keys to that account). Per
account: N S3 buckets and N IAM users (global services) and a CloudTrail trail; per region:
N KMS keys, N EBS volumes, N security groups and N CloudWatch log groups, with a mix of good
and bad settings so checks produce both passes and failures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

ROLE_NAME = "EvidenceReader"


@dataclass(frozen=True)
class EstateSize:
    accounts: int
    regions: tuple[str, ...]
    per_service: int

    def account_ids(self) -> list[str]:
        return [f"{100000000001 + n:012d}" for n in range(self.accounts)]


def account_session(endpoint: str, account_id: str) -> boto3.Session:
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE_NAME}",
                            RoleSessionName="bench-builder")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])


def build(endpoint: str, size: EstateSize) -> dict[str, int]:
    """Create the estate; returns how many resources of each kind were built."""
    built: dict[str, int] = {}
    for account_id in size.account_ids():
        session = account_session(endpoint, account_id)

        def client(service: str, region: str = "us-east-1", s: Any = session) -> Any:
            return s.client(service, region_name=region, endpoint_url=endpoint)

        _global(client, account_id, size.per_service, built)
        for region in size.regions:
            _regional(client, region, size.per_service, built)
    return built


def _count(built: dict[str, int], kind: str, n: int) -> None:
    built[kind] = built.get(kind, 0) + n


def _global(client: Any, account_id: str, n: int, built: dict[str, int]) -> None:
    s3 = client("s3")
    for i in range(n):
        name = f"bench-{account_id}-{i:03d}"
        s3.create_bucket(Bucket=name)
        if i % 2 == 0:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
            s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    _count(built, "s3_buckets", n)
    iam = client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    for i in range(n):
        user = f"user-{i:03d}"
        iam.create_user(UserName=user)
        if i % 3 == 0:
            iam.create_login_profile(UserName=user, Password="Bench-Passw0rd-123!")
    _count(built, "iam_users", n)
    trail_bucket = f"bench-{account_id}-trail"
    s3.create_bucket(Bucket=trail_bucket)
    trail = client("cloudtrail")
    trail.create_trail(Name="org-trail", S3BucketName=trail_bucket, IsMultiRegionTrail=True,
                       EnableLogFileValidation=True)
    trail.start_logging(Name="org-trail")
    _count(built, "trails", 1)


def _regional(client: Any, region: str, n: int, built: dict[str, int]) -> None:
    kms = client("kms", region)
    for i in range(n):
        key = kms.create_key(Description=f"bench key {i}")["KeyMetadata"]["KeyId"]
        if i % 2 == 0:
            kms.enable_key_rotation(KeyId=key)
    _count(built, "kms_keys", n)
    ec2 = client("ec2", region)
    for i in range(n):
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=1, Encrypted=i % 2 == 0)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    for i in range(n):
        group = ec2.create_security_group(GroupName=f"sg-{i:03d}", VpcId=vpc,
                                          Description="bench")["GroupId"]
        port = 22 if i % 5 == 0 else 443
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    _count(built, "ebs_volumes", n)
    _count(built, "security_groups", n)
    logs = client("logs", region)
    for i in range(n):
        logs.create_log_group(logGroupName=f"/bench/{i:03d}")
        if i % 2 == 0:
            logs.put_retention_policy(logGroupName=f"/bench/{i:03d}", retentionInDays=400)
    _count(built, "log_groups", n)
