"""``python -m bench.period``: the period report benchmark (:func:`bench.period.run.main`)."""

from bench.period.run import main

main()
