"""docker-compose.yml, the Dockerfile and .dockerignore: consistent with each other and the code."""

import fnmatch
import functools
import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from agents.plumbing.settings import Settings
from agents.tools.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"kafka", "topics", "worker", "demo", "prometheus", "grafana"}
LEADROUTER_IMAGE_SERVICES = ("topics", "worker", "demo")


@functools.cache
def load_compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return data


def service(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = load_compose()["services"][name]
    return spec


def settings_env_names() -> set[str]:
    """Environment variable names the worker's settings read (prefix, `__` between levels)."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    delimiter = str(Settings.model_config.get("env_nested_delimiter", ""))
    names = set()
    for field, info in Settings.model_fields.items():
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            names |= {f"{prefix}{field}{delimiter}{sub}".upper() for sub in nested.model_fields}
        else:
            names.add(f"{prefix}{field}".upper())
    return names


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    lines: list[str] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        lines.append(pending + line)
        pending = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def environment(spec: dict[str, Any]) -> dict[str, str]:
    env = spec.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def command(spec: dict[str, Any]) -> list[str]:
    value = spec["command"]
    return shlex.split(value) if isinstance(value, str) else [str(part) for part in value]


def test_stack_has_kafka_topics_worker_demo_prometheus_and_grafana() -> None:
    assert set(load_compose()["services"]) == SERVICES


def test_third_party_images_are_pinned() -> None:
    for name in SERVICES - set(LEADROUTER_IMAGE_SERVICES):
        image = service(name)["image"]
        repository, _, tag = image.rpartition(":")
        assert repository, f"{name}: {image} has no tag"
        assert tag != "latest", name
    assert service("kafka")["image"] == "apache/kafka:4.1.1"
    assert service("prometheus")["image"].startswith("prom/prometheus:")
    assert service("grafana")["image"].startswith("grafana/grafana:")


@pytest.mark.parametrize("name", LEADROUTER_IMAGE_SERVICES)
def test_leadrouter_services_build_the_repository_dockerfile(name: str) -> None:
    spec = service(name)
    assert spec["image"] == service("worker")["image"]
    assert spec["build"]["context"] == "."
    assert (ROOT / spec["build"]["dockerfile"]) == ROOT / "Dockerfile"


def test_worker_runs_the_worker_command() -> None:
    assert command(service("worker")) == ["leadrouter", "worker"]


def test_worker_scales_without_container_name_or_fixed_host_port() -> None:
    spec = service("worker")
    assert "container_name" not in spec
    for port in spec.get("ports", []):
        # "[ip:]host:container": a fixed single host port would clash between replicas.
        host = str(port).rsplit(":", 1)[0].rpartition(":")[2] if ":" in str(port) else ""
        assert host == "" or "-" in host, f"fixed host port {port}"


def test_worker_exposes_the_web_port_prometheus_scrapes() -> None:
    spec = service("worker")
    port = environment(spec).get("LEADROUTER_WEB__PORT", str(Settings().web.port))
    assert port in [str(exposed) for exposed in spec["expose"]]


def leadrouter_invocations() -> list[list[str]]:
    """Every `leadrouter ...` command line the compose services run, shell scripts included."""
    invocations = []
    for name in LEADROUTER_IMAGE_SERVICES:
        argv = command(service(name))
        scripts = [argv[-1]] if argv[:2] == ["sh", "-c"] else [shlex.join(argv)]
        for script in scripts:
            for part in script.split("&&"):
                words = shlex.split(part)
                invocations.append(words[1:] if words[0] == "exec" else words)
    return invocations


@pytest.mark.parametrize("argv", leadrouter_invocations(), ids=shlex.join)
def test_compose_runs_only_commands_the_cli_knows(argv: list[str]) -> None:
    assert argv[0] == "leadrouter"
    try:
        build_parser().parse_args(argv[1:])
    except SystemExit:
        pytest.fail(f"`{shlex.join(argv)}` is not a leadrouter command (agents/tools/cli.py)")


def test_one_shot_commands_create_topics_and_feed_demo_data() -> None:
    assert command(service("topics")) == ["leadrouter", "topics", "create"]
    script = command(service("demo"))[-1]
    assert "leadrouter demo load" in script
    assert "leadrouter demo feed" in script
    assert script.index("demo load") < script.index("demo feed")


@pytest.mark.parametrize("name", LEADROUTER_IMAGE_SERVICES)
def test_leadrouter_services_reach_kafka_on_its_in_compose_listener(name: str) -> None:
    bootstrap = environment(service(name))["LEADROUTER_KAFKA__BOOTSTRAP_SERVERS"]
    advertised = environment(service("kafka"))["KAFKA_ADVERTISED_LISTENERS"]
    addresses = [listener.split("://", 1)[1] for listener in advertised.split(",")]
    assert bootstrap in addresses


def test_environment_variables_are_real_settings() -> None:
    known = settings_env_names()
    assert "LEADROUTER_KAFKA__BOOTSTRAP_SERVERS" in known
    used = {
        variable
        for name in LEADROUTER_IMAGE_SERVICES
        for variable in environment(service(name))
        if variable.startswith("LEADROUTER_")
    }
    used |= {
        assignment.split("=", 1)[0]
        for instruction, arguments in dockerfile_instructions()
        if instruction == "ENV"
        for assignment in arguments.split()
        if assignment.startswith("LEADROUTER_")
    }
    assert used
    assert used <= known, used - known


def test_topic_partitions_match_the_worker_and_the_topics_job() -> None:
    partitions = {
        environment(service(name)).get("LEADROUTER_TOPICS__PARTITIONS")
        for name in ("topics", "worker")
    }
    assert len(partitions) == 1


def test_every_mounted_file_exists() -> None:
    for name, spec in load_compose()["services"].items():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source}"


def test_prometheus_config_file_comes_from_the_mounted_folder() -> None:
    spec = service("prometheus")
    (config,) = [
        arg.split("=", 1)[1] for arg in spec["command"] if arg.startswith("--config.file=")
    ]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in spec["volumes"]}
    folder, _, filename = config.rpartition("/")
    assert (ROOT / mounts[folder] / filename) == ROOT / "deploy" / "prometheus" / "prometheus.yml"


def test_healthy_conditions_wait_on_services_with_a_healthcheck() -> None:
    services = load_compose()["services"]
    for name, spec in services.items():
        for dependency, condition in spec.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits on {dependency}"
            if condition["condition"] == "service_completed_successfully":
                assert services[dependency].get("restart", "no") == "no"


def test_published_ports_are_bound_to_loopback() -> None:
    for name, spec in load_compose()["services"].items():
        for port in spec.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name}: {port}"


def test_dockerfile_builds_on_python_311_slim_and_runs_the_worker_as_non_root() -> None:
    instructions = dockerfile_instructions()
    stages = [arguments for instruction, arguments in instructions if instruction == "FROM"]
    assert all(stage.split()[0] == "python:3.11-slim" for stage in stages)
    assert stages[-1] == "python:3.11-slim"  # the image itself: no compiler in it
    users = [arguments for instruction, arguments in instructions if instruction == "USER"]
    assert users
    assert users[-1] not in {"root", "0"}
    assert [arguments for instruction, arguments in instructions if instruction == "CMD"][-1] == (
        '["leadrouter", "worker"]'
    )
    assert not [arguments for instruction, arguments in instructions if instruction == "ENTRYPOINT"]


def test_dockerfile_cmd_is_the_installed_console_script() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "leadrouter" in pyproject["project"]["scripts"]


def test_dockerfile_copies_every_package_the_project_installs() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    copied = {
        source.rstrip("/")
        for instruction, arguments in dockerfile_instructions()
        if instruction == "COPY" and not arguments.startswith("--from=")
        for source in arguments.split()[:-1]
    }
    top_level = {package.split(".")[0] for package in pyproject["tool"]["setuptools"]["packages"]}
    assert top_level | {"pyproject.toml", pyproject["project"]["readme"]} <= copied
    for source in copied:
        assert (ROOT / source).exists(), source


def test_dockerignore_keeps_what_the_dockerfile_copies() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ".venv" in patterns
    assert ".git" in patterns
    copied = [
        source.rstrip("/")
        for instruction, arguments in dockerfile_instructions()
        if instruction == "COPY" and not arguments.startswith("--from=")
        for source in arguments.split()[:-1]
    ]
    for source in copied:
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in patterns), source


def test_the_image_compiles_the_domain_as_make_native_does_and_installs_the_wheel() -> None:
    instructions = dockerfile_instructions()
    runs = [arguments for instruction, arguments in instructions if instruction == "RUN"]
    assert any("python dev/compile_domain.py" in run and "pip wheel" in run for run in runs)
    assert ("COPY", "--from=build /wheels /wheels") in instructions
    patterns = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    # Docker applies the last pattern that matches: the script comes back after dev/ goes.
    assert patterns.index("!dev/compile_domain.py") > patterns.index("dev")
    assert "service/**/*.so" in patterns  # a checkout's own build never reaches the image


def test_the_wheel_carries_the_compiled_modules_of_every_domain_package() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    domain = [package for package in setuptools["packages"] if package.split(".")[0] == "service"]
    for package in domain:
        assert "*.so" in setuptools["package-data"][package], package
    assert "_native.json" in setuptools["package-data"]["service"]


def test_the_wheel_carries_the_data_files_of_every_package() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    shipped = []
    for package in setuptools["packages"]:
        folder = ROOT.joinpath(*package.split("."))
        patterns = setuptools["package-data"].get(package, [])
        for path in sorted((folder / "data").glob("*")):
            name = path.relative_to(folder).as_posix()
            assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), (package, name)
            shipped.append(f"{package}:{name}")
    assert "agents.tools:data/synthetic_vocabulary.json" in shipped


def test_dockerfile_exposes_the_default_web_port() -> None:
    exposed = [
        arguments for instruction, arguments in dockerfile_instructions() if instruction == "EXPOSE"
    ]
    assert exposed == [str(Settings().web.port)]
