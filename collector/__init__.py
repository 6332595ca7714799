"""evidence: collects tamper-evident SOC 2 evidence of cloud configuration."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cloud-evidence-collector")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
