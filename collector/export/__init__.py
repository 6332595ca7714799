"""The auditor bundle: export (one module per format), signing and offline verification.

:mod:`collector.export.export` writes a bundle (its layout is described to the auditor by the
README.txt inside it, :mod:`collector.export.readme`) and :mod:`collector.export.verify` checks it.
"""
