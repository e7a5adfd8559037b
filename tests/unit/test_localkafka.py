"""The local broker's manager: its stdout carries the bootstrap address and nothing else."""

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parents[2] / "dev" / "kafka"
FAKE_MAVEN = """#!/bin/sh
printf '\\033[0m\\033[0m'
for argument; do
  case "$argument" in -DoutputDirectory=*) mkdir -p "${argument#-DoutputDirectory=}";; esac
done
"""


@pytest.fixture
def localkafka(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(HERE))  # it imports sasl_ssl from beside itself
    spec = importlib.util.spec_from_file_location("localkafka_under_test", HERE / "localkafka.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def test_fetching_the_jars_writes_nothing_to_stdout(
    localkafka: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    maven = tmp_path / "bin" / "mvn"
    maven.parent.mkdir()
    maven.write_text(FAKE_MAVEN)
    maven.chmod(0o755)
    monkeypatch.setenv("PATH", f"{maven.parent}{os.pathsep}{os.environ['PATH']}")
    lib = tmp_path / "cache" / "kafka-test" / "lib"
    monkeypatch.setattr(localkafka, "lib_dir", lambda: lib)

    assert localkafka.ensure_jars() == lib
    out, err = capfd.readouterr()
    assert out == ""
    assert "\x1b[0m" in err
    assert (lib / ".complete").exists()
