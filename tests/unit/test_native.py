"""The compiled domain: an extension counts as current only while its source is the one it was
built from, and no command runs on a stale one rather than run old code."""

import json
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from agents.plumbing import native
from agents.plumbing.native import MANIFEST, Manifest, native_state, source_digests
from agents.tools.cli import main

SUFFIX = EXTENSION_SUFFIXES[0]  # e.g. .cpython-311-x86_64-linux-gnu.so


def compiled_package(root: Path, sources: dict[str, str], schemas: str = "y = 1\n") -> Path:
    """A service package whose `sources` each have an extension, a schemas package beside it and
    a manifest of both, as a build leaves them."""
    package = root / "service"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "config.py").write_text("left = 'as source'\n")
    (root / "schemas").mkdir()
    (root / "schemas" / "profiles.py").write_text(schemas)
    for name, text in sources.items():
        source = package / name
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(text)
        source.with_name(source.stem + SUFFIX).write_bytes(b"\x7fELF")
    (package / f"_native__mypyc{SUFFIX}").write_bytes(b"\x7fELF")
    compiled = tuple(f"service/{name}" for name in sources)
    (package / MANIFEST).write_text(Manifest(source_digests(root), compiled).to_json())
    return package


def test_modules_built_from_the_current_sources_are_compiled(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n", "rules/index.py": "y = 2\n"})

    state = native_state(package)

    assert state.compiled == ("service/rules/index.py", "service/scoring.py")
    assert state.stale == ()


def test_a_compiled_source_edited_after_the_build_makes_it_stale(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n", "routing.py": "y = 2\n"})
    (package / "scoring.py").write_text("x = 2\n")

    assert native_state(package).stale == ("service/scoring.py",)


def test_a_schema_edited_after_the_build_makes_it_stale(tmp_path: Path) -> None:
    """Compiled code checks the types it was compiled against: a schema's field among them."""
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (tmp_path / "schemas" / "profiles.py").write_text("y: float = 1.0\n")

    assert native_state(package).stale == ("schemas/profiles.py",)


def test_a_module_left_as_source_edited_after_the_build_makes_it_stale(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / "config.py").write_text("left = 2\n")

    assert native_state(package).stale == ("service/config.py",)


def test_an_extension_whose_source_is_gone_is_stale(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / "scoring.py").unlink()

    assert native_state(package).stale == ("service/scoring.py",)


def test_extensions_without_a_manifest_are_all_stale(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / MANIFEST).unlink()

    assert native_state(package).stale == ("service/scoring.py",)


@pytest.mark.parametrize("manifest", ["{not json", "[1, 2]", '"a digest"'])
def test_an_unreadable_manifest_makes_every_compiled_module_stale(
    tmp_path: Path, manifest: str
) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / MANIFEST).write_text(manifest)

    assert native_state(package).stale == ("service/scoring.py",)


def test_an_extension_built_for_another_python_is_not_counted(tmp_path: Path) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / "routing.py").write_text("y = 2\n")
    (package / "routing.cpython-39-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")

    assert native_state(package) == native.NativeState(("service/scoring.py",), ())


def test_a_compiled_module_whose_extension_is_gone_leaves_the_build_incomplete(
    tmp_path: Path,
) -> None:
    """Its source would be imported while the rest of the group calls its compiled code."""
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n", "rules/index.py": "y = 2\n"})
    (package / "rules" / f"index{SUFFIX}").unlink()

    state = native_state(package)

    assert state.compiled == ("service/scoring.py",)
    assert state.stale == ()
    assert state.missing == ("service/rules/index.py",)


def test_a_manifest_of_digests_alone_is_still_read(tmp_path: Path) -> None:
    """A build before the manifest named its modules: staleness is still found, and nothing
    can be said to be missing."""
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / MANIFEST).write_text(json.dumps(source_digests(tmp_path)))
    (package / "config.py").write_text("left = 2\n")

    assert native_state(package) == native.NativeState(
        ("service/scoring.py",), ("service/config.py",), ()
    )


def test_a_package_with_nothing_compiled_runs_its_sources(tmp_path: Path) -> None:
    package = tmp_path / "service"
    package.mkdir()
    (package / "scoring.py").write_text("x = 1\n")

    assert native_state(package) == native.NativeState((), ())


def test_a_command_refuses_to_run_on_a_stale_build_and_names_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n"})
    (package / "scoring.py").write_text("x = 2\n")
    monkeypatch.setattr("agents.plumbing.native.domain_package", lambda: package)

    assert main(["worker"]) == 2

    error = capsys.readouterr().err
    assert "service/scoring.py" in error
    assert "make native" in error


def test_a_command_refuses_to_run_on_an_incomplete_build_and_names_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = compiled_package(tmp_path, {"scoring.py": "x = 1\n", "routing.py": "y = 2\n"})
    (package / f"routing{SUFFIX}").unlink()
    monkeypatch.setattr("agents.plumbing.native.domain_package", lambda: package)

    assert main(["worker"]) == 2

    error = capsys.readouterr().err
    assert "incomplete: the compiled module is gone for service/routing.py" in error
    assert "make native" in error
