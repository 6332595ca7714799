"""Secrets planted in the estate never reach the database."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from collector.cloud.aws import AwsContext
from collector.model import Result
from collector.plan import Selection
from collector.plugin import check
from collector.runner import Runner
from config.criteria import load_catalog
from config.loader import LoadedConfig, config_hash
from config.settings import AwsSettings, Settings
from storage import Repository
from tests.conftest import Moto

SECRETS = ("s3cr3t-db-password-4711", "sk_live_planted_lambda_env_value", "hunter2-param-value")


@check(id="aws_test_reads_secret_bearing_apis", criteria=("CC6.1",),
       permissions=("lambda:ListFunctions",), scoping="regional")
def reads_secrets(ctx: AwsContext) -> Iterator[Result]:
    """Reads APIs whose responses carry secrets (test only)."""
    for fn in ctx.paginate("lambda", "list_functions", "Functions"):
        ctx.call("lambda", "get_function_configuration", FunctionName=fn["FunctionName"])
        yield Result.passed(fn["FunctionArn"], "read")
    for s in ctx.paginate("secretsmanager", "list_secrets", "SecretList"):
        ctx.call("secretsmanager", "get_secret_value", SecretId=s["ARN"])
        yield Result.passed(s["ARN"], "read")
    ctx.call("ssm", "get_parameter", Name="/app/db", WithDecryption=True)
    ctx.call("sts", "get_session_token")


def _zip_with_handler() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    return buf.getvalue()


def plant(moto: Moto) -> None:
    role = moto.client("iam").create_role(
        RoleName="lambda", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
                                                                "Statement": []}))["Role"]["Arn"]
    moto.client("lambda").create_function(
        FunctionName="billing", Runtime="python3.12", Role=role, Handler="handler.handler",
        Code={"ZipFile": _zip_with_handler()},
        Environment={"Variables": {"STRIPE_KEY": SECRETS[1], "DB_PASSWORD": SECRETS[0]}})
    moto.client("secretsmanager").create_secret(Name="prod/db", SecretString=SECRETS[0])
    moto.client("ssm").put_parameter(Name="/app/db", Value=SECRETS[2], Type="SecureString")


def test_planted_secrets_appear_nowhere_in_the_database(
    moto: Moto, tmp_path: Path, db_url: str
) -> None:
    plant(moto)
    settings = Settings(aws=AwsSettings(regions=["us-east-1"], endpoint_url=moto.endpoint))
    repo = Repository.open(db_url)
    runner = Runner(repo, LoadedConfig(settings, None, config_hash(settings)), load_catalog(),
                    [reads_secrets])

    outcome = runner.run(Selection())

    assert outcome.status == "complete", outcome
    assert outcome.counts["pass"] == 2  # the function and the secret were read
    dump = _everything_stored(db_url, repo)
    assert b"STRIPE_KEY" in dump, "names stay (the evidence that the variable exists)"
    for secret in SECRETS:
        assert secret.encode() not in dump, f"{secret} leaked into the database"
    repo.close()


def _everything_stored(db_url: str, repo: Repository) -> bytes:
    """Every byte in every table, with blobs decompressed, plus the SQLite file itself."""
    engine = create_engine(db_url)
    chunks: list[bytes] = []
    with engine.connect() as conn:
        for table in repo.table_counts():
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                chunks.append(repr(tuple(row)).encode())
        for (sha,) in conn.execute(text("SELECT sha256 FROM blobs")):
            chunks.append(repo.get_blob(sha))
    engine.dispose()
    if db_url.startswith("sqlite:///"):
        chunks.append(Path(db_url.removeprefix("sqlite:///")).read_bytes())
    return b"\n".join(chunks)
