"""The Grafana dashboard and provisioning in deploy/grafana, and the PromQL extraction helpers."""

import functools
import json
import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from agents.plumbing.metrics import Metrics
from deploy.expressions import (
    alert_expressions,
    dashboard_expressions,
    iter_panels,
    metric_names,
    sample_names,
    substitute_variables,
)

ROOT = Path(__file__).resolve().parents[2]
GRAFANA_DIR = ROOT / "deploy" / "grafana"
DASHBOARD = GRAFANA_DIR / "dashboards" / "leadrouter.json"


def load_dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return data


@functools.cache
def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def content_panels() -> list[dict[str, Any]]:
    return [dict(panel) for panel in iter_panels(load_dashboard()) if panel["type"] != "row"]


def worker_families() -> dict[str, set[str]]:
    """Series names per metric family the worker registers."""
    registry = CollectorRegistry()
    Metrics.create(registry)
    return {family.name: sample_names(family.name, family.type) for family in registry.collect()}


def compose_mounts(service: str) -> dict[str, str]:
    """Container path -> repository path of the service's bind mounts."""
    compose = load_yaml(ROOT / "docker-compose.yml")
    mounts = {}
    for volume in compose["services"][service]["volumes"]:
        source, target = volume.split(":")[:2]
        mounts[target] = source.removeprefix("./")
    return mounts


def test_dashboard_has_a_stable_uid_and_a_prometheus_datasource_variable() -> None:
    dashboard = load_dashboard()
    assert dashboard["uid"] == "leadrouter"
    variables = {variable["name"]: variable for variable in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"


@pytest.mark.parametrize("panel", content_panels(), ids=lambda panel: panel["title"])
def test_every_panel_queries_prometheus_through_the_datasource_variable(
    panel: dict[str, Any],
) -> None:
    targets = panel["targets"]
    assert targets, "a panel without a query shows nothing"
    assert all(target["expr"].strip() for target in targets)
    assert len({target["refId"] for target in targets}) == len(targets)
    for source in (panel, *targets):
        assert source["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


def test_panel_ids_are_unique() -> None:
    ids = [panel["id"] for panel in iter_panels(load_dashboard())]
    assert len(ids) == len(set(ids))


def test_panels_fit_the_grid_without_overlapping() -> None:
    boxes = [panel["gridPos"] for panel in iter_panels(load_dashboard())]
    for box in boxes:
        assert box["x"] >= 0
        assert box["x"] + box["w"] <= 24
    for a, b in combinations(boxes, 2):
        apart = (
            a["x"] + a["w"] <= b["x"]
            or b["x"] + b["w"] <= a["x"]
            or a["y"] + a["h"] <= b["y"]
            or b["y"] + b["h"] <= a["y"]
        )
        assert apart, (a, b)


def test_dashboard_uses_only_metrics_the_worker_exposes_or_faust_and_up() -> None:
    exposed = set().union(*worker_families().values()) | {"up"}
    for expression in dashboard_expressions(load_dashboard()):
        unknown = {
            name for name in metric_names(expression.expr) if not name.startswith("faust_")
        } - exposed
        assert not unknown, expression.source


def test_dashboard_shows_every_worker_metric() -> None:
    used = set().union(*(metric_names(e.expr) for e in dashboard_expressions(load_dashboard())))
    for family, series in worker_families().items():
        assert series & used, f"no panel shows {family}"


def test_handoff_latency_panel_shows_p50_p95_and_p99_per_queue() -> None:
    (panel,) = [p for p in content_panels() if p["title"].startswith("Handoff latency p50")]
    exprs = [target["expr"] for target in panel["targets"]]
    for quantile in ("0.5", "0.95", "0.99"):
        assert any(
            expr.startswith(f"histogram_quantile({quantile}, sum by (queue, le)") for expr in exprs
        )


def test_panels_named_in_alert_descriptions_exist() -> None:
    titles = {panel["title"] for panel in content_panels()}
    rules = load_yaml(ROOT / "deploy" / "prometheus" / "alerts.yml")
    for group in rules["groups"]:
        for rule in group["rules"]:
            for title in re.findall(
                r'panel "([^"]+)"|"([^"]+)" panel', rule["annotations"]["description"]
            ):
                assert next(filter(None, title)) in titles, rule["alert"]


def test_every_dashboard_expression_becomes_concrete() -> None:
    expressions = dashboard_expressions(load_dashboard())
    assert len(expressions) > len(content_panels())
    for expression in expressions:
        assert "$" not in expression.query, expression.source


def test_grafana_variables_are_substituted_in_every_spelling() -> None:
    values = {"queue": "enterprise", "__rate_interval": "1m"}
    expr = 'rate(x{queue=~"$queue"}[$__rate_interval]) + y{q="${queue}"} + z{q="[[queue]]"}'
    assert substitute_variables(expr, values) == (
        'rate(x{queue=~"enterprise"}[1m]) + y{q="enterprise"} + z{q="enterprise"}'
    )


def test_an_unknown_grafana_variable_is_an_error() -> None:
    with pytest.raises(KeyError, match=r"\$region"):
        substitute_variables('x{region="$region"}', {})


def test_label_values_variable_becomes_a_group_by_query() -> None:
    dashboard = {
        "title": "d",
        "panels": [],
        "templating": {
            "list": [
                {"name": "queue", "type": "query", "query": {"query": "label_values(m, queue)"}}
            ]
        },
    }
    (expression,) = dashboard_expressions(dashboard)
    assert expression.query == "group by (queue) (m)"


def test_panels_inside_collapsed_rows_are_extracted() -> None:
    dashboard = {
        "panels": [
            {"type": "row", "panels": [{"title": "p", "targets": [{"expr": "up", "refId": "A"}]}]}
        ]
    }
    assert [e.query for e in dashboard_expressions(dashboard)] == ["up"]


def test_alert_expressions_are_taken_verbatim() -> None:
    rules = {
        "groups": [
            {"rules": [{"alert": "A", "expr": 'x{job=~"a$"} > 0'}, {"record": "r", "expr": "y"}]}
        ]
    }
    assert [(e.source, e.query) for e in alert_expressions(rules)] == [
        ("rule A", 'x{job=~"a$"} > 0'),
        ("rule r", "y"),
    ]


def test_metric_names_skip_functions_keywords_labels_and_strings() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (queue, le) (rate(a_bucket{le=~"1(\\\\.0)?"}[5m])))'
        ' > 1 and on (queue) b_total offset 5m unless absent(c{job="d"} == 1) or vector(0)'
    )
    assert metric_names(expr) == {"a_bucket", "b_total", "c"}


def test_datasource_points_at_the_compose_prometheus_service() -> None:
    compose = load_yaml(ROOT / "docker-compose.yml")
    (datasource,) = load_yaml(GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml")[
        "datasources"
    ]
    assert datasource["type"] == "prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    assert "prometheus" in compose["services"]
    assert any(port.endswith(":9090") for port in compose["services"]["prometheus"]["ports"])


def test_provisioning_folders_are_mounted_where_grafana_reads_them() -> None:
    mounts = compose_mounts("grafana")
    for kind in ("datasources", "dashboards"):
        source = mounts[f"/etc/grafana/provisioning/{kind}"]
        assert source == f"deploy/grafana/provisioning/{kind}"
        assert (ROOT / source).is_dir()


def test_dashboard_provider_reads_the_mounted_dashboards_folder() -> None:
    mounts = compose_mounts("grafana")
    (provider,) = load_yaml(GRAFANA_DIR / "provisioning" / "dashboards" / "leadrouter.yml")[
        "providers"
    ]
    assert provider["type"] == "file"
    folder = mounts[provider["options"]["path"]]
    assert (ROOT / folder / DASHBOARD.name).is_file()


def test_home_dashboard_is_the_mounted_leadrouter_dashboard() -> None:
    compose = load_yaml(ROOT / "docker-compose.yml")
    home = Path(
        compose["services"]["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    )
    folder = compose_mounts("grafana")[str(home.parent)]
    assert ROOT / folder / home.name == DASHBOARD
