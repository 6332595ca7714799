"""`evidence permissions`: the least privilege the selected checks need, per provider."""

from __future__ import annotations

import click

from collector.cli.context import AppContext
from collector.cli.errors import UserError
from collector.cli.params import PROVIDER


@click.command()
@click.option("--provider", type=PROVIDER, default="aws",
              show_default=True)
@click.option("--check", "check_globs", multiple=True, metavar="GLOB",
              help="Only the permissions of these checks (repeatable) [default: all selected "
                   "by the config].")
@click.pass_obj
def permissions(app: AppContext, provider: str, check_globs: tuple[str, ...]) -> None:
    """Print the least-privilege policy for the selected checks.

    aws: an IAM policy document (JSON) with exactly the actions the checks declare, plus
    sts:GetCallerIdentity and ec2:DescribeRegions (and Organizations/AssumeRole when
    aws.organization is true). Attach it to the role the collector uses.

    gcp: the role to grant at each scope (Cloud Asset Viewer) and, as a custom-role YAML
    file, exactly the permissions the checks declare.

    azure: the built-in roles to assign (Reader, Security Reader), the Microsoft Graph
    application permissions, and a custom role definition (JSON) with exactly the ARM
    actions the checks declare plus Microsoft.Resources/subscriptions/read.
    """
    cfg = app.loaded.settings.checks
    chosen = app.registry.select(check_globs or cfg.include, cfg.exclude, [provider])
    if not chosen:
        raise UserError(f"no {provider} check matches the selection (see `evidence checks`)")
    from collector.providers import get

    click.echo(get(provider).permissions(chosen, app.loaded.settings))
