"""Dev tool: writes the JSON Schema of every contract to schemas/jsonschema/ or checks for drift.

python -m schemas.generate            # rewrite the files
python -m schemas.generate --check    # exit 1 and list the files that differ
"""

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal

from pydantic import BaseModel

from schemas.accounts import Account
from schemas.deadletters import DeadLetter
from schemas.decisions import Decision, LeadNurtured, LeadRouted
from schemas.events import LeadEvent
from schemas.feedback import SalesFeedback
from schemas.learning import PublishedModel, TrainingExample
from schemas.profiles import LeadProfile
from schemas.reps import Rep
from schemas.sla import LeadWithdrawn, SlaNotice

SCHEMA_DIR: Final = Path(__file__).parent / "jsonschema"
SUFFIX: Final = ".schema.json"
DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

Mode = Literal["validation", "serialization"]

# Contracts leadrouter reads are described as it validates them; those it writes as it
# serializes them. File names are the snake_case contract names.
CONTRACTS: Final[dict[str, tuple[type[BaseModel], Mode]]] = {
    "lead_event": (LeadEvent, "validation"),
    "account": (Account, "validation"),
    "rep": (Rep, "validation"),
    "sales_feedback": (SalesFeedback, "validation"),
    "lead_routed": (LeadRouted, "serialization"),
    "lead_nurtured": (LeadNurtured, "serialization"),
    "decision": (Decision, "serialization"),
    "dead_letter": (DeadLetter, "serialization"),
    "lead_profile": (LeadProfile, "serialization"),
    "training_example": (TrainingExample, "serialization"),
    "published_model": (PublishedModel, "serialization"),
    "lead_withdrawn": (LeadWithdrawn, "serialization"),
    "sla_notice": (SlaNotice, "serialization"),
}


@cache  # the contracts do not change while a process runs; rendering them takes a while
def render_schemas() -> Mapping[str, str]:
    """The text of every schema file, by file name: sorted keys, 2-space indent, final newline."""
    rendered: dict[str, str] = {}
    for name, (model, mode) in CONTRACTS.items():
        schema = {"$schema": DIALECT, **model.model_json_schema(mode=mode)}
        rendered[name + SUFFIX] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return MappingProxyType(rendered)


def find_drift(directory: Path = SCHEMA_DIR) -> list[str]:
    """The schema files in `directory` that differ from the contracts, are missing, or are stale."""
    expected = render_schemas()
    present = {path.name for path in directory.glob("*" + SUFFIX)}
    drifted = [
        name
        for name, text in expected.items()
        if name not in present or (directory / name).read_text(encoding="utf-8") != text
    ]
    return sorted([*drifted, *(present - expected.keys())])


def write_schemas(directory: Path = SCHEMA_DIR) -> list[str]:
    """Make `directory` hold exactly the generated schema files; returns the names changed."""
    changed = find_drift(directory)
    directory.mkdir(parents=True, exist_ok=True)
    expected = render_schemas()
    for name in changed:
        path = directory / name
        if name in expected:
            path.write_text(expected[name], encoding="utf-8")
        else:
            path.unlink()
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schemas.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    parser.add_argument("--dir", type=Path, default=SCHEMA_DIR, help="where the schema files live")
    args = parser.parse_args(argv)
    if args.check:
        drifted = find_drift(args.dir)
        for name in drifted:
            print(f"drifted: {args.dir / name}", file=sys.stderr)
        if drifted:
            print("run `python -m schemas.generate` and commit the result", file=sys.stderr)
        return 1 if drifted else 0
    for name in write_schemas(args.dir):
        print(f"updated: {args.dir / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
