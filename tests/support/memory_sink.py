"""An in-memory evidence sink for check tests: the kit's (`collector.testing.sink`)."""

from collector.testing.sink import MemorySink

__all__ = ["MemorySink"]
