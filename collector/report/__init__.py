"""Type II reporting over a period: coverage, exceptions, drift between runs, auditor samples."""
