"""The `evidence` command line. Exit codes are part of the contract (see `evidence --help`)."""

from __future__ import annotations

import logging
import sys

import click

from collector.cli.app import cli
from collector.cli.errors import EXIT_USAGE, UserError
from collector.plugin import CheckDefinitionError
from config.loader import ConfigError
from storage.errors import StorageError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: user errors become one line on stderr and exit code 2."""
    logging.basicConfig(level=logging.WARNING, format="evidence: %(levelname)s: %(message)s")
    try:
        code = cli.main(args=argv, prog_name="evidence", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("evidence: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:  # usage errors: click already knows how to say them
        exc.show()
        sys.exit(EXIT_USAGE)
    except (ConfigError, StorageError, CheckDefinitionError, UserError) as exc:
        click.echo(f"evidence: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else 0)
