"""What `make native` compiles: the domain's modules, but never one mypyc cannot build as it is."""

import importlib
import inspect

from pydantic import BaseModel

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
