"""`python -m bench.aws`: see bench.aws.run."""

from bench.aws.run import main

raise SystemExit(main())
