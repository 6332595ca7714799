"""The auditor bundle: export (one module per format), signing and offline verification.

See design.md, "Contract — bundle", for the layout; :mod:`collector.export.export` writes it and
:mod:`collector.export.verify` checks it.
"""
