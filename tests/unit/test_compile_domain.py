"""What `make native` compiles: the domain's modules, but never one mypyc cannot build as it is;
and a build that fails leaves the sources to run."""

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from dev import compile_domain
from dev.compile_domain import EXCLUDED, PACKAGE, domain_sources


def names() -> set[str]:
    return {source.relative_to(PACKAGE).as_posix() for source in domain_sources()}


def test_the_decision_path_is_compiled() -> None:
    assert {"pipeline.py", "scoring.py", "profiles.py", "rules/ruleset.py"} <= names()


def test_no_compiled_module_declares_a_pydantic_model() -> None:
    for name in names():
        module = importlib.import_module("service." + name.removesuffix(".py").replace("/", "."))
        declared = [
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module.__name__ and issubclass(cls, BaseModel)
        ]
        assert declared == [], name
    assert {"config.py", "rules/fields.py"}.isdisjoint(names())


def test_a_module_that_only_catches_validation_errors_is_compiled() -> None:
    assert {"intake.py", "policy.py"} <= names()


def test_packages_and_the_excluded_modules_stay_sources() -> None:
    assert not any(name.endswith("__init__.py") for name in names())
    assert not EXCLUDED & names()


class _Build:
    """A mypyc build that writes one compiled module and then fails (or leaves one out)."""

    def __init__(self, package: Path, returncode: int) -> None:
        self.package = package
        self.returncode = returncode
        self.runs = 0

    def __call__(self, command: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        self.runs += 1
        (self.package / "half.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
        return subprocess.CompletedProcess(command, self.returncode)


def _native(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, returncode: int, *flags: str
) -> tuple[int, Path]:
    """`compile_domain.py [flags]` on a package of its own in `tmp_path`, with a C compiler
    found and a build that ends with `returncode`; its exit code and the package."""
    package = tmp_path / "service"
    package.mkdir(exist_ok=True)
    (package / "scoring.py").write_text("X = 1\n")
    monkeypatch.setattr(compile_domain, "PACKAGE", package)
    monkeypatch.setattr(compile_domain, "BUILD", tmp_path / "build")
    monkeypatch.setattr(compile_domain, "source_digests", lambda root: {"service/scoring.py": "1"})
    monkeypatch.setattr(compile_domain, "compiler", lambda: "/usr/bin/cc")
    monkeypatch.setattr(compile_domain, "up_to_date", lambda sources: False)
    monkeypatch.setattr(subprocess, "run", _Build(package, returncode))
    monkeypatch.setattr(sys, "argv", ["compile_domain.py", *flags])
    return compile_domain.main(), package


def _again(monkeypatch: pytest.MonkeyPatch, *flags: str, returncode: int = 1) -> tuple[int, int]:
    """`compile_domain.py [flags]` run again as `_native` set it up, with a build that ends with
    `returncode`: its exit code and how many builds it started."""
    build = _Build(compile_domain.PACKAGE, returncode)
    monkeypatch.setattr(subprocess, "run", build)
    monkeypatch.setattr(sys, "argv", ["compile_domain.py", *flags])
    return compile_domain.main(), build.runs


def _builds(monkeypatch: pytest.MonkeyPatch, *flags: str) -> int:
    """How many builds `compile_domain.py [flags]` starts, run again as `_native` set it up."""
    return _again(monkeypatch, *flags)[1]


def test_a_failed_build_leaves_nothing_half_built_and_the_sources_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, package = _native(monkeypatch, tmp_path, returncode=1)
    assert code == 0
    assert list(package.rglob("*.so")) == []
    assert "the build failed" in capsys.readouterr().err


def test_a_build_that_left_a_module_out_is_removed_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, package = _native(monkeypatch, tmp_path, returncode=0)
    assert code == 0
    assert list(package.rglob("*.so")) == []
    assert "did not compile every module" in capsys.readouterr().err


def test_a_failed_build_is_an_error_when_the_build_is_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, package = _native(monkeypatch, tmp_path, 1, "--require")
    assert code == 1
    assert list(package.rglob("*.so")) == []
    assert "Python sources" not in capsys.readouterr().err


def test_a_failed_build_is_not_tried_again_for_the_same_sources(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _native(monkeypatch, tmp_path, returncode=1)
    assert _builds(monkeypatch) == 0
    assert "the last build of these sources failed" in capsys.readouterr().err
    assert _builds(monkeypatch, "--force") == 1


def test_an_edited_source_is_built_again_after_a_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _native(monkeypatch, tmp_path, returncode=1)
    monkeypatch.setattr(compile_domain, "source_digests", lambda root: {"service/scoring.py": "2"})
    assert _builds(monkeypatch) == 1


def test_a_build_that_succeeds_forgets_the_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _native(monkeypatch, tmp_path, returncode=1)
    assert compile_domain.failed_marker().exists()
    monkeypatch.setattr(compile_domain, "up_to_date", lambda sources: True)  # once built
    assert _again(monkeypatch, "--force", returncode=0) == (0, 1)
    assert not compile_domain.failed_marker().exists()


def test_a_required_build_that_failed_before_is_an_error_without_building_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _native(monkeypatch, tmp_path, returncode=1)
    assert _again(monkeypatch, "--require") == (1, 0)


def test_an_unreadable_failure_record_is_built_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _native(monkeypatch, tmp_path, returncode=1)
    compile_domain.failed_marker().write_text("{not json")
    assert _builds(monkeypatch) == 1
