"""`evidence demo`: a sample estate on a local moto server, collected into ./evidence-demo.db."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console

from collector.cli.collect import exit_code, run_with_progress
from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.plan import Selection, select_checks
from config.loader import LoadedConfig, config_hash
from config.settings import AwsSettings, ChecksSettings, GcpSettings, Settings

DEMO_ENV = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
            "AWS_SESSION_TOKEN": "demo", "AWS_DEFAULT_REGION": "us-east-1"}


DEMO_RISK = "RISK-DEMO-1"
DEMO_SITE = "arn:aws:s3:::acme-public-website"


def _accept_demo_risk(app: AppContext, console: Console) -> None:
    """The demo's public website bucket fails the S3 checks by design: accept that, once."""
    from datetime import UTC, datetime, timedelta

    from collector.risks.model import AcceptedRisk, check_new
    from collector.risks.store import load_book, record_risk

    book = load_book(app.repo)
    if any(s.risk.risk_id == DEMO_RISK for s in book):
        return
    now = datetime.now(UTC)
    risk = check_new(AcceptedRisk(
        risk_id=DEMO_RISK, check="aws_s3_public_access_blocked", resource=DEMO_SITE, provider="aws",
        reason="public website bucket: its content is public by design",
        approver="ciso@acme.example", approved_at=now, effective_from=now.date(),
        expires=now.date() + timedelta(days=180),
        ticket="https://tickets.acme.example/SEC-42"), today=now.date())
    record_risk(app.repo, risk, book, {"recorded_by": "evidence demo"})
    console.print(f"demo: accepted risk {DEMO_RISK} for {DEMO_SITE} (approver "
                  f"{risk.approver}, until {risk.expires})", highlight=False)


@click.command()
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("evidence-demo.db"), show_default=True,
              help="SQLite file the demo collects into (your real database is untouched).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr.")
def demo(out: Path, progress: bool | None) -> int:
    """Collect from a local sample estate (moto, a Cloud Asset fake) and print the summary.

    Starts a moto server on 127.0.0.1, builds a small AWS estate with a realistic mix of good
    and bad settings (two regions), serves a sample GCP organisation from a local Cloud Asset
    API (anonymous: no Google credentials are used) and two Azure subscriptions from a local
    HTTPS fake of Entra, ARM, Resource Graph and Microsoft Graph (a demo service principal in
    AZURE_* of this process only), collects them into --out and prints
    passes and failures per SOC 2 criterion. Needs the `demo` extra:
    pip install 'cloud-evidence-collector[demo]'. Running it again adds another run to the
    same chain. AWS checks that moto cannot serve are left out (they are tested with
    recorded responses).
    """
    try:
        from collector.demo.azure_estate import start_azure_demo
        from collector.demo.estate import DEMO_REGIONS, MOTO_UNSERVED, build_aws_estate
        from collector.demo.gcp_estate import DEMO_SCOPES, build_gcp_estate
        from collector.demo.gcp_fake import GcpFake
        from collector.demo.motoserver import MotoServer
    except ImportError as exc:
        raise UserError(f"the demo needs moto: pip install 'cloud-evidence-collector[demo]' "
                        f"({exc})") from exc
    os.environ.update(DEMO_ENV)  # never touch real credentials, even against a local server
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)
    server = MotoServer().start()
    gcp_fake = GcpFake(build_gcp_estate(), page_size=50).start()
    azure_demo = start_azure_demo()  # sets AZURE_* to a demo service principal (this process)
    console = Console(stderr=True)
    try:
        built = build_aws_estate(server.endpoint)
        console.print(f"demo: moto at {server.endpoint}; estate: "
                      + ", ".join(f"{n} {k}" for k, n in built.items()), highlight=False)
        settings = Settings(aws=AwsSettings(regions=list(DEMO_REGIONS),
                                            endpoint_url=server.endpoint, max_workers=4),
                            gcp=GcpSettings(scopes=list(DEMO_SCOPES), endpoint=gcp_fake.endpoint),
                            azure=azure_demo.settings,
                            checks=ChecksSettings(exclude=MOTO_UNSERVED))
        console.print(f"demo: Azure (Entra, ARM, Resource Graph, Microsoft Graph) fake at "
                      f"{azure_demo.fake.url}", highlight=False)
        console.print(f"demo: Cloud Asset API fake at {gcp_fake.endpoint}; organisation "
                      f"{', '.join(DEMO_SCOPES)}", highlight=False)
        app = AppContext(None, f"sqlite:///{out}",
                         LoadedConfig(settings, None, config_hash(settings)))
        chosen = select_checks(app.registry, app.loaded,
                               Selection(providers=("aws", "gcp", "azure")))  # what it serves
        _accept_demo_risk(app, console)
        outcome = run_with_progress(app, chosen, Selection(), progress, "table")
        console.print(f"demo: evidence stored in {out} — try: evidence --db sqlite:///{out} "
                      "results --status fail (remediation and accepted risks beside each "
                      "failure), evidence risks, evidence report --format html", highlight=False)
        return exit_code(outcome, "never")
    finally:
        azure_demo.stop()
        gcp_fake.stop()
        server.stop()
