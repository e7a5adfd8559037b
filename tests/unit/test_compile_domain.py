"""What `make native` compiles: the domain's modules, but never one mypyc cannot build as it is."""

from dev.compile_domain import EXCLUDED, PACKAGE, PYDANTIC, domain_sources


def names() -> set[str]:
    return {source.relative_to(PACKAGE).as_posix() for source in domain_sources()}


def test_the_decision_path_is_compiled() -> None:
    assert {"pipeline.py", "scoring.py", "profiles.py", "rules/ruleset.py"} <= names()


def test_no_module_declaring_pydantic_models_is_compiled() -> None:
    for name in names():
        assert not PYDANTIC.search((PACKAGE / name).read_text(encoding="utf-8")), name
    assert "config.py" not in names()


def test_a_module_that_only_catches_validation_errors_is_compiled() -> None:
    assert {"intake.py", "policy.py"} <= names()


def test_packages_and_the_excluded_modules_stay_sources() -> None:
    assert not any(name.endswith("__init__.py") for name in names())
    assert not EXCLUDED & names()
