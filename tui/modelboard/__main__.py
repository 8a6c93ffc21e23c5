"""`python -m modelboard` is the same as the `modelboard` command."""

from modelboard.cli import main

raise SystemExit(main())
