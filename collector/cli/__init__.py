"""The `evidence` command line. Exit codes are part of the contract (see `evidence --help`)."""

from __future__ import annotations

import logging
import sys

import click

from collector.cli.app import cli
from collector.cli.errors import (
    EXIT_DB_UNAVAILABLE,
    EXIT_USAGE,
    EXIT_VERIFY,
    TAMPER_ERRORS,
    UserError,
)
from config.loader import ConfigError
from storage import errors as storage_errors
from storage.db import DatabaseUnavailable, one_line, unavailable
from storage.errors import StorageError

__all__ = ["cli", "exit_code_of", "main"]

OUTAGE_HINT = ("; nothing already stored is lost: once the database is back, the next collect "
               "seals a cut-off run as interrupted")


def exit_code_of(exc: BaseException) -> int:
    """The documented exit code of an error that ends a command (see `evidence --help`)."""
    if isinstance(exc, DatabaseUnavailable) or unavailable(exc):
        return EXIT_DB_UNAVAILABLE
    tampered = tuple(t for t in (getattr(storage_errors, n, None) for n in TAMPER_ERRORS)
                     if isinstance(t, type))
    if tampered and isinstance(exc, tampered):
        return EXIT_VERIFY
    return EXIT_USAGE


def _bad_check_definition(exc: BaseException) -> bool:
    """Whether ``exc`` is a plug-in's CheckDefinitionError (only possible once collector.plugin
    is loaded, which a report never does: the check machinery costs start-up time)."""
    plugin = sys.modules.get("collector.plugin")
    return plugin is not None and isinstance(exc, plugin.CheckDefinitionError)


def usage_line(exc: click.ClickException) -> str:
    """A click error as one line: what was wrong and where the command's help is."""
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    where = f" (see `{ctx.command_path} --help`)" if isinstance(ctx, click.Context) else ""
    return f"evidence: error: {message}{where}"


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: errors become one line on stderr and a documented exit code
    (2 for user, configuration and output errors)."""
    from sqlalchemy.exc import DBAPIError

    logging.basicConfig(level=logging.WARNING, format="evidence: %(levelname)s: %(message)s")
    try:
        code = cli.main(args=argv, prog_name="evidence", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("evidence: aborted", err=True)
        sys.exit(130)
    except click.exceptions.NoArgsIsHelpError as exc:  # `evidence db`: the group's help
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:  # usage errors: one line, naming the command's help
        click.echo(usage_line(exc), err=True)
        sys.exit(EXIT_USAGE)
    except (ConfigError, StorageError, UserError) as exc:
        hint = OUTAGE_HINT if isinstance(exc, DatabaseUnavailable) else ""
        click.echo(f"evidence: error: {' '.join(str(exc).split())}{hint}", err=True)
        sys.exit(exit_code_of(exc))
    except DBAPIError as exc:  # a driver error no storage call translated (never a traceback)
        hint = OUTAGE_HINT if unavailable(exc) else ""
        click.echo(f"evidence: error: database: {one_line(exc)}{hint}", err=True)
        sys.exit(exit_code_of(exc))
    except OSError as exc:  # the environment refused: a full disk, a read-only file system...
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"evidence: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        if not _bad_check_definition(exc):
            raise
        click.echo(f"evidence: error: {' '.join(str(exc).split())}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(code if isinstance(code, int) else 0)
