"""The compiled domain: an extension counts as current only while its source is the one it was
built from, and the worker refuses to start on a stale one rather than run old code."""

import json
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from agents.plumbing import native
from agents.plumbing.native import MANIFEST, native_state, source_digest
from agents.tools.cli import main

SUFFIX = EXTENSION_SUFFIXES[0]  # e.g. .cpython-311-x86_64-linux-gnu.so


def compiled_package(root: Path, sources: dict[str, str]) -> Path:
    """A package whose `sources` each have an extension and a manifest entry, as a build leaves."""
    package = root / "service"
    package.mkdir()
    (package / "__init__.py").write_text("")
    digests: dict[str, str] = {}
    for name, text in sources.items():
        source = package / name
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(text)
        source.with_name(source.stem + SUFFIX).write_bytes(b"\x7fELF")
        digests[name] = source_digest(source)
    (package / f"_native__mypyc{SUFFIX}").write_bytes(b"\x7fELF")
    (package / MANIFEST).write_text(json.dumps(digests))
    return package


def test_modules_built_from_their_current_sources_are_compiled(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n", "rules/index.py": "y = 2\n"})

    state = native_state(package)

    assert state.compiled == ("rules/index.py", "scoring.py")
    assert state.stale == ()


def test_a_source_edited_after_its_build_makes_its_module_stale(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n", "routing.py": "y = 2\n"})
    (package / "scoring.py").write_text("x = 2\n")

    assert native_state(package).stale == ("scoring.py",)


def test_an_extension_whose_source_is_gone_is_stale(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / "scoring.py").unlink()

    assert native_state(package).stale == ("scoring.py",)


def test_extensions_without_a_manifest_are_all_stale(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / MANIFEST).unlink()

    assert native_state(package).stale == ("scoring.py",)


def test_an_extension_built_for_another_python_is_not_counted(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / "routing.py").write_text("y = 2\n")
    (package / "routing.cpython-39-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")

    assert native_state(package) == native.NativeState(("scoring.py",), ())


def test_a_package_with_nothing_compiled_runs_its_sources(tmp_path: Path) -> None:
    package = tmp_path / "service"
    package.mkdir()
    (package / "scoring.py").write_text("x = 1\n")

    assert native_state(package) == native.NativeState((), ())


def test_the_worker_refuses_to_start_on_a_stale_module_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / "scoring.py").write_text("x = 2\n")
    monkeypatch.setattr("agents.tools.cli.domain_package", lambda: package)

    assert main(["worker"]) == 2

    error = capsys.readouterr().err
    assert "scoring.py" in error
    assert "make native" in error
