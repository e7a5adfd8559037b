"""The tables shipped in service/data, read from the installed package."""

import json
from importlib.resources import files
from typing import Any


def read_data(name: str) -> Any:
    """The parsed JSON of service/data/`name`."""
    return json.loads((files("service") / "data" / name).read_text(encoding="utf-8"))
