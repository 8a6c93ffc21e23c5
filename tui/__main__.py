"""`python -m tui` is the same as the `modelboard` command."""

from tui.cli import main

raise SystemExit(main())
