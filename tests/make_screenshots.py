"""Write screenshots/*.svg from the demo backlog: `python tests/make_screenshots.py`."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tests.conftest  # noqa: E402, F401  (clears TEXTUAL_* before Textual loads)
from tests.scenes import SCENES, render_scene  # noqa: E402


async def main() -> None:
    folder = ROOT / "screenshots"
    folder.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for name in SCENES:
            if re.search(r"-\d+x\d+$", name):
                continue  # the large sizes are for the snapshot tests
            svg = await render_scene(name, Path(scratch))
            (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
            print(f"screenshots/{name}.svg")


if __name__ == "__main__":
    asyncio.run(main())
