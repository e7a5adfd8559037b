"""The tables shipped in a package's data folder (service/data, ...), read from the installed
package."""

import json
from importlib.resources import files
from typing import Any


def read_data(name: str) -> Any:
    """The parsed JSON of service/data/`name`."""
    return read_package_data("service", name)


def read_package_data(package: str, name: str) -> Any:
    """The parsed JSON of `name` in the data folder of `package` (a dotted package name)."""
    return json.loads((files(package) / "data" / name).read_text(encoding="utf-8"))
