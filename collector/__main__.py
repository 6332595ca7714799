"""`python -m collector` is the `evidence` command."""

from collector.cli import main

main()
