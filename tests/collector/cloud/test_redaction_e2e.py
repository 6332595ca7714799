"""Secrets planted in every redacted shape, on all three clouds, appear nowhere: not in the
database file, not in the logs of `evidence collect`, not in an `evidence export` bundle.

The checks that read them are a plug-in package (registered like a pip-installed one), so the
redaction under test is the cloud layer's, not a check's. AWS through moto (ECS task
definitions with environment and tags, CloudFormation stacks with parameters, outputs, a
template and tags), GCP through the Cloud Asset fake (Cloud Run env, Cloud Functions env,
labels), Azure through the ARM fake (App Service app settings, siteConfig, tags).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from collector.demo.azure_fake import Estate, resource
from collector.demo.gcp_estate import ORG, PROD, asset, build_gcp_estate
from tests.conftest import Moto
from tests.fakes.azure_arm import SUB_A, TENANT, start_fake
from tests.fakes.gcp_asset import AssetEstate, gcp, gcp_fake
from tests.support.cli import run_cli
from tests.support.plugins import install_dist_info

__all__ = ["gcp", "gcp_fake"]

SECRETS = {
    "ecs env": "ecs-env-secret-7731", "ecs tag": "ecs-tag-secret-5521",
    "cfn parameter": "cfn-param-secret-9912", "cfn output": "cfn-output-secret-3318",
    "cfn template": "cfn-template-secret-4410", "cfn tag": "cfn-tag-secret-6602",
    "cloud run env": "run-env-secret-1187", "functions env": "fn-env-secret-2290",
    "gcp label": "gcp-label-secret-3391", "app setting": "appsetting-secret-4492",
    "site config": "siteconfig-secret-5593", "azure tag": "azure-tag-secret-6694",
}
SITE = (f"/subscriptions/{SUB_A}/resourceGroups/web/providers/Microsoft.Web/sites/shop")

PLUGIN = '''
"""A third-party package reading secret-bearing APIs (test only)."""
from collector.model import Result
from collector.plugin import check


@check(id="aws_probe_secret_shapes", criteria=("CC6.1",), scoping="regional",
       permissions=("ecs:DescribeTaskDefinition", "cloudformation:DescribeStacks"))
def aws_probe(ctx):
    """Reads an ECS task definition and a CloudFormation stack."""
    td = ctx.call("ecs", "describe_task_definition", taskDefinition="app", include=["TAGS"])
    yield Result.passed(td["taskDefinition"]["taskDefinitionArn"], "read")
    for stack in ctx.call("cloudformation", "describe_stacks")["Stacks"]:
        ctx.call("cloudformation", "get_template", StackName=stack["StackName"])
        yield Result.passed(stack["StackId"], "read")


@check(id="gcp_probe_secret_shapes", criteria=("CC6.1",), scoping="global",
       permissions=("cloudasset.assets.listResource",))
def gcp_probe(ctx):
    """Reads Cloud Run services, Cloud Functions and buckets."""
    for a in ctx.assets(["run.googleapis.com/Service", "cloudfunctions.googleapis.com/"
                         "CloudFunction", "storage.googleapis.com/Bucket"]):
        yield Result.passed(a["name"], "read")


@check(id="azure_probe_secret_shapes", criteria=("CC6.1",), scoping="global",
       permissions=("Microsoft.Web/sites/config/list/action",))
def azure_probe(ctx):
    """Reads App Service sites and their app settings."""
    for site in ctx.resources("microsoft.web/sites"):
        ctx.arm(site["id"] + "/config/appsettings", "2023-12-01")
        yield Result.passed(site["id"], "read")
'''


def plant_aws(moto: Moto) -> None:
    moto.client("ecs").register_task_definition(
        family="app", containerDefinitions=[{
            "name": "web", "image": "nginx", "memory": 128,
            "environment": [{"name": "DATABASE_URL", "value": SECRETS["ecs env"]}]}],
        tags=[{"key": "db_password", "value": SECRETS["ecs tag"]}])
    template = {
        "Parameters": {"DbUser": {"Type": "String"}},
        "Metadata": {"Note": SECRETS["cfn template"]},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {"Url": {"Value": SECRETS["cfn output"]}},
    }
    moto.client("cloudformation").create_stack(
        StackName="app", TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "DbUser", "ParameterValue": SECRETS["cfn parameter"]}],
        Tags=[{"Key": "db_password", "Value": SECRETS["cfn tag"]}])


def gcp_assets() -> list[dict[str, object]]:
    run = asset(f"//run.googleapis.com/projects/{PROD}/locations/us-central1/services/api",
                "run.googleapis.com/Service", PROD, {"template": {"containers": [
                    {"image": "gcr.io/x/api",
                     "env": [{"name": "STRIPE", "value": SECRETS["cloud run env"]}]}]}})
    fn = asset(f"//cloudfunctions.googleapis.com/projects/{PROD}/locations/us-central1/"
               "functions/hook", "cloudfunctions.googleapis.com/CloudFunction", PROD,
               {"name": "hook", "environmentVariables": {"HOOK": SECRETS["functions env"]}})
    bucket = asset("//storage.googleapis.com/labelled", "storage.googleapis.com/Bucket", PROD,
                   {"name": "labelled", "labels": {"db_password": SECRETS["gcp label"]}})
    return [*build_gcp_estate(), run, fn, bucket]


def azure_estate() -> Estate:
    estate = Estate(TENANT, subscriptions={SUB_A: "prod"})
    estate.add(resource(SUB_A, "web", "Microsoft.Web/sites", "shop", {
        "siteConfig": {"appSettings": [{"name": "API", "value": SECRETS["site config"]}]}},
        tags={"db_password": SECRETS["azure tag"]}))
    estate.arm[SITE + "/config/appsettings"] = {
        "id": SITE + "/config/appsettings", "name": "appsettings",
        "type": "Microsoft.Web/sites/config",
        "properties": {"CONNECTION": SECRETS["app setting"]}}
    return estate


def test_planted_secrets_appear_nowhere_stored_logged_or_exported(
    moto: Moto, gcp: AssetEstate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant_aws(moto)
    gcp.load(gcp_assets())
    fake, bundle = start_fake(tmp_path, azure_estate())
    try:
        pkg = tmp_path / "site"
        pkg.mkdir()
        (pkg / "probe_checks.py").write_text(PLUGIN)
        install_dist_info(pkg, "probe-checks", {"probe": "probe_checks"})
        monkeypatch.syspath_prepend(str(pkg))
        for name, value in (("AZURE_TENANT_ID", TENANT), ("AZURE_CLIENT_ID", "probe-app"),
                            ("AZURE_CLIENT_SECRET", "probe-secret"),
                            ("EVIDENCE_REDACTION_KEY", "e2e-redaction-key-0123456789ab")):
            monkeypatch.setenv(name, value)
        config = tmp_path / "evidence.yaml"
        config.write_text(yaml.safe_dump({
            "aws": {"regions": ["us-east-1"], "endpoint_url": moto.endpoint},
            "gcp": {"scopes": [ORG], "endpoint": gcp.endpoint},
            "azure": {"endpoint": fake.url, "authority_host": fake.url, "ca_bundle": bundle,
                      "tenant_id": TENANT},
            "checks": {"include": ["*_probe_secret_shapes"]}}))
        db = tmp_path / "e.db"
        base = ("--config", str(config), "--db", f"sqlite:///{db}", "--log-format", "json",
                "--log-level", "debug")
        collected = run_cli(capsys, *base, "collect", "--format", "json", "--no-progress")
        results = run_cli(capsys, *base, "results", "--format", "json")
        zipped = tmp_path / "bundle.zip"
        today = datetime.now(UTC).date().isoformat()
        exported = run_cli(capsys, *base, "export", "--as-of", today, "-o", str(zipped))
    finally:
        fake.stop()

    assert collected.code == 0, collected.err
    rows = [json.loads(line) for line in results.out.splitlines()]
    read = {r["check_id"] for r in rows if r["status"] == "pass"}
    assert read == {"aws_probe_secret_shapes", "gcp_probe_secret_shapes",
                    "azure_probe_secret_shapes"}, rows
    assert exported.code == 0, exported.err
    with zipfile.ZipFile(io.BytesIO(zipped.read_bytes())) as zf:
        unpacked = b"\n".join(zf.read(n) for n in zf.namelist())
    stored = db.read_bytes() + _blobs(f"sqlite:///{db}")
    logs = (collected.err + collected.out + results.err + exported.err + exported.out).encode()
    assert b"redacted:hmac-sha256:" in stored  # the shapes were there, and hashed
    assert b"DATABASE_URL" in stored and b"STRIPE" in stored  # names are evidence: kept
    for shape, secret in SECRETS.items():
        for where, data in (("database", stored), ("logs", logs), ("bundle", unpacked)):
            assert secret.encode() not in data, f"{shape} secret leaked into the {where}"


def _blobs(url: str) -> bytes:
    from storage import Repository

    repo = Repository.open(url)
    try:
        from sqlalchemy import text

        with repo.engine.connect() as conn:
            shas = [row[0] for row in conn.execute(text("SELECT sha256 FROM blobs"))]
        return b"\n".join(repo.get_blob(s) for s in shas)
    finally:
        repo.close()
