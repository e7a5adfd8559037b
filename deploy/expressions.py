"""The PromQL expressions of the Grafana dashboard and the alert rules, ready to evaluate.

Stdlib only: callers parse the files (json for the dashboard, yaml for the rules) and pass the
documents, so a test can check every expression the dashboard and alerts use against a real
Prometheus.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# Concrete stand-ins for Grafana's variables. Durations are long enough to hold several 5 s scrapes;
# regex variables match everything, as "All" does in the dashboard.
GRAFANA_TEST_VALUES: Mapping[str, str] = {
    "__rate_interval": "1m",
    "__interval": "1m",
    "__range": "5m",
    "queue": ".*",
}

_VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)")
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*(.+?)\s*,\s*(\w+)\s*\)\s*$", re.DOTALL)

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_LABEL_LIST = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.IGNORECASE
)
_IDENTIFIER = re.compile(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\w)(\s*\()?")
_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "inf", "nan"}
    | {"group_left", "group_right", "atan2"}
)


@dataclass(frozen=True, slots=True)
class PromQLExpression:
    """One expression, where it comes from, and the query to send to Prometheus."""

    source: str
    expr: str
    query: str


def substitute_variables(expr: str, values: Mapping[str, str] = GRAFANA_TEST_VALUES) -> str:
    """Replace Grafana variables ($name, ${name}, ${name:fmt}, [[name]]) with concrete values.

    Raises KeyError naming the variable when no value is given for it, so a new dashboard variable
    cannot slip through untested.
    """

    def replace(match: re.Match[str]) -> str:
        name = next(group for group in match.groups() if group is not None)
        if name not in values:
            raise KeyError(f"no test value for Grafana variable ${name} in {expr!r}")
        return values[name]

    return _VARIABLE.sub(replace, expr)


def dashboard_expressions(
    dashboard: Mapping[str, Any], values: Mapping[str, str] = GRAFANA_TEST_VALUES
) -> list[PromQLExpression]:
    """Every PromQL target of every panel (rows included), and every query variable.

    A `label_values(metric, label)` variable query becomes `group by (label) (metric)`,
    the PromQL that returns the same label values.
    """
    title = dashboard.get("title", "dashboard")
    found = [
        _expression(f"{title} / {panel.get('title')} / {target.get('refId')}", expr, values)
        for panel in iter_panels(dashboard)
        for target in panel.get("targets", ())
        if (expr := target.get("expr"))
    ]
    for variable in dashboard.get("templating", {}).get("list", ()):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        text = query.get("query", "") if isinstance(query, Mapping) else str(query or "")
        if match := _LABEL_VALUES.match(text):
            text = f"group by ({match.group(2)}) ({match.group(1)})"
        if text:
            found.append(_expression(f"{title} / variable ${variable['name']}", text, values))
    return found


def alert_expressions(rules: Mapping[str, Any]) -> list[PromQLExpression]:
    """The `expr` of every alerting and recording rule in a Prometheus rules document."""
    return [
        _expression(f"rule {rule.get('alert') or rule.get('record')}", rule["expr"], None)
        for group in rules.get("groups", ())
        for rule in group.get("rules", ())
    ]


def iter_panels(dashboard: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every panel, including those nested in rows (collapsed rows hold their panels)."""
    for panel in dashboard.get("panels", ()):
        yield panel
        yield from panel.get("panels", ())


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (not functions, keywords or label names).

    A small lexer, not a parser: good enough for the expressions in this repository, which the
    integration test also evaluates against a real Prometheus.
    """
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _LABEL_LIST.sub(" ", text)
    return {
        name
        for name, call in _IDENTIFIER.findall(text)
        if not call and name.lower() not in _KEYWORDS and not name.startswith("$")
    }


def sample_names(family: str, kind: str) -> set[str]:
    """The series names Prometheus stores for one metric family of a client registry.

    prometheus_client reports counters without `_total` and histograms by their base name;
    queries select the suffixed series.
    """
    suffixes = {
        "counter": ("_total",),
        "histogram": ("_bucket", "_count", "_sum"),
        "summary": ("", "_count", "_sum"),
        "info": ("_info",),
    }.get(kind, ("",))
    return {family + suffix for suffix in suffixes}


def _expression(source: str, expr: str, values: Mapping[str, str] | None) -> PromQLExpression:
    # Rule expressions are plain PromQL: a `$` in them belongs to a regex, not to Grafana.
    query = expr if values is None else substitute_variables(expr, values)
    return PromQLExpression(source=source, expr=expr, query=query)
