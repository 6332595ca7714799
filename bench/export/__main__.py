"""``python -m bench.export``: the year export benchmark (:func:`bench.export.run.main`)."""

from bench.export.run import main

main()
