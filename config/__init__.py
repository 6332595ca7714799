"""Configuration of `evidence`: the settings model, its loader and the SOC 2 criteria catalog."""

from config.criteria import Catalog, Criterion, UnknownCriterion, load_catalog
from config.errors import ConfigError
from config.loader import LoadedConfig, load_config
from config.settings import Settings

__all__ = [
    "Catalog",
    "ConfigError",
    "Criterion",
    "LoadedConfig",
    "Settings",
    "UnknownCriterion",
    "load_catalog",
    "load_config",
]
