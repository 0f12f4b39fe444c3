"""Run one scenario in this process: `python -m bench.child NAME WORKDIR PARAMS OUT`.

Results go to OUT as JSON. Scenarios that hand their results over before Home Assistant stops
(`_emit`) end the process right there: stopping waits for the recorder to write what the run
produced, which is not part of any measure and can take a minute at this scale.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path
import sys
from typing import Any

from homeassistant import runner

from .scenarios import SCENARIOS


def main() -> None:
    """Run the scenario, write its result."""
    name, workdir, params_path, out = sys.argv[1:5]
    params: dict[str, Any] = json.loads(Path(params_path).read_text(encoding="utf-8"))
    log = logging.FileHandler(Path(workdir) / f"{name}.log")
    log.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[log])

    def emit(result: dict[str, Any]) -> None:
        Path(out).write_text(json.dumps(result), encoding="utf-8")
        logging.shutdown()
        sys.stdout.flush()
        os._exit(0)

    params["_emit"] = emit
    loop = runner.create_event_loop()
    asyncio.set_event_loop(loop)
    result = loop.run_until_complete(SCENARIOS[name](params, Path(workdir)))
    Path(out).write_text(json.dumps(result), encoding="utf-8")
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    main()
