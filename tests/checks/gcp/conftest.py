"""GCP check tests run against the local Cloud Asset API (tests/fakes/gcp_asset.py)."""

from tests.fakes.gcp_asset import gcp, gcp_fake

__all__ = ["gcp", "gcp_fake"]
