"""Click parameter types shared by several commands."""

from __future__ import annotations

import click

DAY = click.DateTime(formats=["%Y-%m-%d"])
"""A UTC day given as YYYY-MM-DD."""
