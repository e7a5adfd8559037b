"""The Prometheus scrape configs and alert rules in deploy/prometheus: valid, tested, documented."""

import functools
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from agents.plumbing.metrics import Metrics
from agents.plumbing.settings import Settings
from deploy.expressions import alert_expressions, metric_names, sample_names

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
CONFIGS = ("prometheus.yml", "prometheus-local.yml")
README_SECTION = ROOT / "deploy" / "README-section.md"

requires_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool is not installed: run dev/install-tools.sh (make test does)",
)


@functools.cache
def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def alert_rules() -> list[dict[str, Any]]:
    rules = load_yaml(PROMETHEUS_DIR / "alerts.yml")
    return [rule for group in rules["groups"] for rule in group["rules"] if "alert" in rule]


def worker_series_names() -> set[str]:
    registry = CollectorRegistry()
    Metrics.create(registry)
    return {
        name for family in registry.collect() for name in sample_names(family.name, family.type)
    }


def run_promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["promtool", *args],
        cwd=PROMETHEUS_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the tests assert on the return code and show promtool's output
    )


@requires_promtool
@pytest.mark.parametrize("config", CONFIGS)
def test_scrape_config_passes_promtool_check(config: str) -> None:
    result = run_promtool("check", "config", config)
    assert result.returncode == 0, result.stdout + result.stderr


@requires_promtool
def test_alert_rules_pass_promtool_check() -> None:
    result = run_promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@requires_promtool
def test_alert_rule_unit_tests_pass() -> None:
    result = run_promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("config", CONFIGS)
def test_worker_is_scraped_every_five_seconds_on_its_metrics_path(config: str) -> None:
    jobs = {job["job_name"]: job for job in load_yaml(PROMETHEUS_DIR / config)["scrape_configs"]}
    worker = jobs["leadrouter-worker"]
    assert worker["scrape_interval"] == "5s"
    assert worker.get("metrics_path", "/metrics") == "/metrics"


def test_compose_scrape_config_discovers_every_replica_of_the_worker_service() -> None:
    compose = load_yaml(ROOT / "docker-compose.yml")
    jobs = {
        job["job_name"]: job
        for job in load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]
    }
    (discovery,) = jobs["leadrouter-worker"]["dns_sd_configs"]
    assert discovery["type"] == "A"
    assert discovery["names"] == ["worker"]
    assert "worker" in compose["services"]
    # No LEADROUTER_WEB__PORT in compose: the worker listens on the settings default.
    assert discovery["port"] == Settings().web.port == 6066


def test_local_scrape_config_targets_the_default_web_port() -> None:
    jobs = {
        job["job_name"]: job
        for job in load_yaml(PROMETHEUS_DIR / "prometheus-local.yml")["scrape_configs"]
    }
    (static,) = jobs["leadrouter-worker"]["static_configs"]
    assert static["targets"] == [f"localhost:{Settings().web.port}"]


@pytest.mark.parametrize("config", CONFIGS)
def test_scrape_config_loads_the_alert_rules(config: str) -> None:
    rule_files = load_yaml(PROMETHEUS_DIR / config)["rule_files"]
    assert rule_files == ["alerts.yml"]


def test_alerts_cover_latency_dead_letters_lag_workers_and_rulesets() -> None:
    names = {rule["alert"] for rule in alert_rules()}
    assert {
        "HandoffLatencyP99High",
        "DeadLetterRateHigh",
        "ConsumerLagGrowing",
        "WorkerDown",
        "RulesetReloadFailed",
    } <= names


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda rule: rule["alert"])
def test_every_alert_has_severity_summary_description_and_runbook(rule: dict[str, Any]) -> None:
    assert rule["labels"]["severity"] in {"critical", "warning"}
    assert rule["annotations"]["summary"].strip()
    assert rule["annotations"]["description"].strip()
    assert rule["annotations"]["runbook_url"] == f"README.md#{rule['alert'].lower()}"


def test_every_runbook_anchor_is_a_heading_of_the_readme_section() -> None:
    headings = re.findall(r"^#+\s+(.+?)\s*$", README_SECTION.read_text(encoding="utf-8"), re.M)
    # GitHub's anchor for a heading: lower case, spaces to dashes, punctuation dropped.
    anchors = {re.sub(r"[^\w-]", "", heading.lower().replace(" ", "-")) for heading in headings}
    for rule in alert_rules():
        assert rule["annotations"]["runbook_url"].split("#")[1] in anchors, rule["alert"]


def test_every_alert_has_a_firing_case_and_a_quiet_case() -> None:
    tests = load_yaml(PROMETHEUS_DIR / "alerts_test.yml")["tests"]
    cases = [case for test in tests for case in test["alert_rule_test"]]
    for rule in alert_rules():
        outcomes = {
            bool(case["exp_alerts"]) for case in cases if case["alertname"] == rule["alert"]
        }
        assert outcomes == {True, False}, rule["alert"]


def test_alert_rules_use_only_metrics_the_worker_exposes() -> None:
    exposed = worker_series_names() | {"up"}
    rules = load_yaml(PROMETHEUS_DIR / "alerts.yml")
    for expression in alert_expressions(rules):
        assert metric_names(expression.expr) <= exposed, expression.source


def test_worker_series_names_include_histogram_buckets_and_counter_totals() -> None:
    names = worker_series_names()
    assert "leadrouter_handoff_latency_seconds_bucket" in names
    assert "leadrouter_deadletters_total" in names
    assert "leadrouter_ruleset_info" in names
