"""A small sample AWS estate with a realistic mix of good and bad settings (for moto)."""

from __future__ import annotations

import json
from typing import Any

import boto3

DEMO_REGIONS = ("us-east-1", "eu-west-1")

MOTO_UNSERVED = (
    "aws_backup_plan_retention",  # backup:ListProtectedResources, ListRecoveryPoints…: HTTP 404
    "aws_ebs_snapshot_not_public",  # ec2:GetSnapshotBlockPublicAccessState: HTTP 500, retried
    "aws_guardduty_high_findings_resolved",  # guardduty:ListFindings: HTTP 404
    "aws_iam_root_not_used_recently",  # moto's credential report has no <root_account> row
    "aws_securityhub_enabled",  # securityhub:GetEnabledStandards: HTTP 404
    "aws_ssm_instances_patch_compliant",  # ssm:DescribeInstanceInformation: HTTP 500, retried
)
"""Checks moto cannot serve (they are tested with recorded responses, see their docstrings):
left out of the demo and of end-to-end collections against moto."""


def build_aws_estate(endpoint: str) -> dict[str, int]:
    """Create the estate through boto3 against `endpoint`; returns what was built, by kind."""
    def client(service: str, region: str = "us-east-1") -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint)

    built: dict[str, int] = {}
    s3 = client("s3")
    _buckets(s3)
    built["buckets"] = 4
    iam = client("iam")
    _iam(iam)
    built["users"] = 3
    kms = client("kms")
    good = kms.create_key(Description="payments data key")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=good)
    kms.create_key(Description="legacy exports key")
    built["kms_keys"] = 2
    s3.create_bucket(Bucket="acme-cloudtrail-logs")
    trail = client("cloudtrail")
    trail.create_trail(Name="org-trail", S3BucketName="acme-cloudtrail-logs",
                       IsMultiRegionTrail=True, EnableLogFileValidation=True)
    trail.start_logging(Name="org-trail")
    trail.create_trail(Name="debug-trail", S3BucketName="acme-cloudtrail-logs")
    built["trails"] = 2
    for region in DEMO_REGIONS:
        ec2 = client("ec2", region)
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=10, Encrypted=True)
        ec2.create_volume(AvailabilityZone=f"{region}b", Size=10, Encrypted=False)
        if region == "us-east-1":
            ec2.enable_ebs_encryption_by_default()
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        open_ssh = ec2.create_security_group(GroupName="bastion-legacy", VpcId=vpc,
                                             Description="SSH from anywhere")["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=open_ssh, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        web = ec2.create_security_group(GroupName="web", VpcId=vpc,
                                        Description="HTTPS from anywhere")["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        built["volumes"] = built.get("volumes", 0) + 2
        built["security_groups"] = built.get("security_groups", 0) + 2
    return built


def _buckets(s3: Any) -> None:
    s3.create_bucket(Bucket="acme-customer-data")
    s3.put_bucket_encryption(Bucket="acme-customer-data", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    s3.put_bucket_versioning(Bucket="acme-customer-data",
                             VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket="acme-customer-data", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_bucket_policy(Bucket="acme-customer-data", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                       "Action": "s3:*",
                       "Resource": ["arn:aws:s3:::acme-customer-data",
                                    "arn:aws:s3:::acme-customer-data/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    s3.create_bucket(Bucket="acme-build-artifacts")
    s3.create_bucket(Bucket="acme-public-website")
    s3.put_bucket_policy(Bucket="acme-public-website", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::acme-public-website/*"}]}))


def _iam(iam: Any) -> None:
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=False)
    iam.create_user(UserName="alice")
    iam.create_login_profile(UserName="alice", Password="Demo-Passw0rd-Alice!")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")
    iam.enable_mfa_device(UserName="alice",
                          SerialNumber=serial["VirtualMFADevice"]["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_user(UserName="bob")
    iam.create_login_profile(UserName="bob", Password="Demo-Passw0rd-Bob!")
    iam.create_user(UserName="ci-deployer")
    iam.create_access_key(UserName="ci-deployer")
