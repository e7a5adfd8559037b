"""The committed JSON Schema files describe the contracts as they are now."""

import json
from pathlib import Path

import pytest

from schemas.generate import CONTRACTS, SCHEMA_DIR, SUFFIX, find_drift, main, write_schemas


def test_committed_json_schemas_match_the_contracts() -> None:
    drifted = find_drift(SCHEMA_DIR)

    assert not drifted, (
        f"JSON Schema files out of date: {', '.join(drifted)}; "
        "run `python -m schemas.generate` and commit schemas/jsonschema/"
    )


def test_every_contract_has_one_schema_file() -> None:
    assert sorted(path.name for path in SCHEMA_DIR.glob("*" + SUFFIX)) == sorted(
        name + SUFFIX for name in CONTRACTS
    )


def test_schema_files_are_sorted_two_space_json_with_a_final_newline() -> None:
    text = (SCHEMA_DIR / "lead_event.schema.json").read_text(encoding="utf-8")

    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_output_schemas_forbid_extra_properties_and_input_schemas_allow_them() -> None:
    def allows_extra(name: str) -> bool:
        schema = json.loads((SCHEMA_DIR / f"{name}{SUFFIX}").read_text(encoding="utf-8"))
        return schema.get("additionalProperties", True) is not False

    assert allows_extra("lead_event")
    assert allows_extra("rep")
    assert not allows_extra("dead_letter")
    assert not allows_extra("lead_routed")


def test_check_lists_changed_missing_and_stale_files(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    (tmp_path / "rep.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "account.schema.json").unlink()
    (tmp_path / "retired.schema.json").write_text("{}\n", encoding="utf-8")

    assert find_drift(tmp_path) == [
        "account.schema.json",
        "rep.schema.json",
        "retired.schema.json",
    ]


def test_check_exits_1_naming_drifted_files_and_generate_repairs_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_schemas(tmp_path)
    (tmp_path / "decision.schema.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "retired.schema.json").write_text("{}\n", encoding="utf-8")

    assert main(["--check", "--dir", str(tmp_path)]) == 1
    assert "decision.schema.json" in capsys.readouterr().err

    assert main(["--dir", str(tmp_path)]) == 0
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    assert not (tmp_path / "retired.schema.json").exists()
