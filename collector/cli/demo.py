"""`evidence demo`: a sample estate on a local moto server, collected into ./evidence-demo.db."""

from __future__ import annotations

import os
from pathlib import Path

import click
from rich.console import Console

from collector.cli.collect import exit_code, run_with_progress
from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.runner import Selection, select_checks
from config.loader import LoadedConfig, config_hash
from config.settings import AwsSettings, Settings

DEMO_ENV = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
            "AWS_SESSION_TOKEN": "demo", "AWS_DEFAULT_REGION": "us-east-1"}


@click.command()
@click.option("--out", "out", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("evidence-demo.db"), show_default=True,
              help="SQLite file the demo collects into (your real database is untouched).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr.")
def demo(out: Path, progress: bool | None) -> int:
    """Collect from a local sample estate (moto) and print the summary.

    Starts a moto server on 127.0.0.1, builds a small AWS estate with a realistic mix of good
    and bad settings (two regions), collects it into --out and prints passes and failures per
    SOC 2 criterion. Needs the `demo` extra: pip install 'cloud-evidence-collector[demo]'.
    Running it again adds another run to the same chain.
    """
    try:
        from collector.demo.estate import DEMO_REGIONS, build_aws_estate
        from collector.demo.motoserver import MotoServer
    except ImportError as exc:
        raise UserError(f"the demo needs moto: pip install 'cloud-evidence-collector[demo]' "
                        f"({exc})") from exc
    os.environ.update(DEMO_ENV)  # never touch real credentials, even against a local server
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(var, None)
    server = MotoServer().start()
    console = Console(stderr=True)
    try:
        built = build_aws_estate(server.endpoint)
        console.print(f"demo: moto at {server.endpoint}; estate: "
                      + ", ".join(f"{n} {k}" for k, n in built.items()), highlight=False)
        settings = Settings(aws=AwsSettings(regions=list(DEMO_REGIONS),
                                            endpoint_url=server.endpoint, max_workers=4))
        app = AppContext(None, f"sqlite:///{out}",
                         LoadedConfig(settings, None, config_hash(settings)))
        chosen = select_checks(app.registry, app.loaded, Selection(providers=("aws",)))
        outcome = run_with_progress(app, chosen, Selection(), progress, "table")
        console.print(f"demo: evidence stored in {out} — try: evidence --db sqlite:///{out} "
                      "results --status fail", highlight=False)
        return exit_code(outcome, "never")
    finally:
        server.stop()
