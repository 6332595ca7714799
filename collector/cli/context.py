"""What every command needs: the loaded config, the database and the check registry."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from collector.reaping import reap_interrupted
from config.criteria import Catalog, load_catalog
from config.loader import LoadedConfig, load_config
from storage import Repository

if TYPE_CHECKING:
    from collector.plugin import Registry

DEFAULT_DB_URL = "sqlite:///evidence.db"


@dataclass
class AppContext:
    """Lazily opened: `evidence checks` never touches the database."""

    config_path: Path | None
    db_url: str | None
    preloaded: LoadedConfig | None = None
    """A config built in code (the demo) instead of read from a file."""

    @cached_property
    def loaded(self) -> LoadedConfig:
        if self.preloaded is not None:
            return self.preloaded
        return load_config(self.config_path, dict(os.environ))

    @cached_property
    def registry(self) -> Registry:
        from collector.plugin import discover  # imported when used: reports never need it

        return discover()

    @cached_property
    def catalog(self) -> Catalog:
        return load_catalog()

    @property
    def database_url(self) -> str:
        return self.db_url or self.loaded.settings.database_url or DEFAULT_DB_URL

    @cached_property
    def repo(self) -> Repository:
        """The database opened for writing: migrated to head, dead processes' runs reaped."""
        repo = Repository.open(self.database_url)
        reap_interrupted(repo)
        return repo

    @cached_property
    def read_repo(self) -> Repository:
        """The database opened read-only (what read commands use): never migrated, reaped or
        written, so it works on a read-only file, directory, mount or replica."""
        if "repo" in self.__dict__:  # already open for writing in this process (the demo)
            return self.repo
        from storage.readonly import open_read_only

        return open_read_only(self.database_url)
