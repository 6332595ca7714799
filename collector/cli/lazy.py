"""A click group whose subcommands are imported only when they are used.

Importing every command's module (the runner, the scheduler, the export bundle, rich tables...)
costs about a third of a second, which each command would otherwise pay on start-up.
`evidence report` imports the report's modules only; `evidence --help` imports them all (it
shows each command's short help). This is click's documented "lazy loading" pattern.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

_NO_SUCH_COMMAND: Any = getattr(click.exceptions, "NoSuchCommand", None)
"""The error for an unknown command name (click 8.4+; older versions raise a UsageError with
no suggestions)."""


class LazyGroup(click.Group):
    """A group that also holds ``name -> "module:attribute"`` references to commands."""

    def __init__(self, *args: Any, lazy: Mapping[str, str] | None = None,
                 **kwargs: Any) -> None:
        """``lazy`` names each lazily loaded command and where it is defined."""
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, loaded or not, sorted by name (what `--help` lists)."""
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name``, importing its module on first use."""
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(self._load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """As click does; an unknown name's "Did you mean" also considers unloaded commands."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            if _NO_SUCH_COMMAND is None or not isinstance(exc, _NO_SUCH_COMMAND):
                raise
            raise _NO_SUCH_COMMAND(exc.command_name, possibilities=self.list_commands(ctx),
                                   ctx=ctx) from None

    def _load(self, cmd_name: str) -> click.Command:
        module, _, attribute = self.lazy[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
        return command
