"""The composition root: builds one worker's app, metrics, views and every stage."""

from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry, disable_created_metrics

from agents.plumbing import aiokafka_fixes, faust_fixes, lease, log_levels, paused_fetch
from agents.plumbing.app import create_faust_app, register_metrics_page
from agents.plumbing.batching import register_adaptive_linger
from agents.plumbing.delivery import DeliveryGuard
from agents.plumbing.direct import DirectGate, DirectPath
from agents.plumbing.event_loop import register_loop_line
from agents.plumbing.failures import exit_without_commit
from agents.plumbing.health import register_health
from agents.plumbing.holes import BrokerHoleCheck
from agents.plumbing.lease import MembershipLease
from agents.plumbing.metrics import Metrics
from agents.plumbing.monitoring import register_lag_monitor
from agents.plumbing.offsets import BrokerOffsets
from agents.plumbing.reference import ReferenceData
from agents.plumbing.rules_watch import register_rules_watch
from agents.plumbing.runtime import Runtime
from agents.plumbing.settings import Settings
from agents.plumbing.topics import (
    ACCOUNTS,
    LEAD_EVENTS,
    LEADS_KEYED,
    MODEL,
    REPS,
    RULES,
    TopicNames,
)
from agents.plumbing.views import CompactedView
from agents.stages.assign import register_assigning
from agents.stages.feedback import register_feedback
from agents.stages.intake import register_intake
from agents.stages.profile import register_profiling
from agents.stages.trainer import register_training


def create_runtime(settings: Settings, registry: CollectorRegistry | None = None) -> Runtime:
    """Build the app, its metrics and every agent; nothing connects until the worker starts."""

    aiokafka_fixes.install()  # header names that are not UTF-8 must not crash the fetcher
    paused_fetch.install()  # a paused changelog must not hold every fetch back 100 ms
    log_levels.install()  # a request aiokafka retries is logged as a warning, not an ERROR
    # One series per counter, not two: the *_created twins double Prometheus's storage.
    disable_created_metrics()  # type: ignore[no-untyped-call]
    registry = registry if registry is not None else CollectorRegistry()
    app = create_faust_app(settings)
    if settings.web.faust_metrics:
        # Faust's own metrics get a `faust_` prefix so they can never clash with ours.
        setup_prometheus_sensors(app, registry=registry, name_prefix="faust")
    else:
        register_metrics_page(app, registry)
    runtime = Runtime(
        settings=settings,
        app=app,
        metrics=Metrics.create(registry),
        registry=registry,
        names=TopicNames(settings.topics.prefix),
    )
    runtime.metrics.prepare_reasons()
    kafka = settings.kafka
    membership = MembershipLease(kafka.membership_window())
    lease.install(app.conf.id, membership, exit_without_commit)
    broker = BrokerHoleCheck(kafka)
    runtime.delivery = DeliveryGuard(broker, exit_without_commit, membership)
    faust_fixes.install(app, runtime.delivery, BrokerOffsets(settings.kafka))
    reference = ReferenceData.start(runtime.metrics, settings.rules_file)
    reference.learned_top = settings.learning.top_contributions
    register_views(runtime, reference)
    gate = direct_gate(runtime)
    profiling = register_profiling(runtime, reference, gate)
    register_intake(runtime, None if gate is None else DirectPath(gate, profiling))
    register_assigning(runtime, reference)
    register_feedback(runtime)
    register_training(runtime, reference)
    register_lag_monitor(runtime, broker.held_back)
    register_adaptive_linger(runtime)
    register_health(runtime, reference)
    register_loop_line(app)
    if settings.rules_file is not None:
        register_rules_watch(runtime, reference, settings.rules_file)
    runtime.reference = reference
    return runtime


def direct_gate(runtime: Runtime) -> DirectGate | None:
    """Which events may skip the re-key hop (`agents/plumbing/direct.py`); None when none."""
    if not runtime.settings.tuning.direct_path or runtime.delivery is None:
        return None
    app = runtime.app

    def partitions(topic: str) -> int | None:
        count: int | None = app.consumer.topic_partitions(topic)  # known once subscribed
        return count

    names = runtime.names
    return DirectGate(
        runtime.delivery, names.name(LEADS_KEYED), names.name(LEAD_EVENTS), partitions
    )


def register_views(runtime: Runtime, reference: ReferenceData) -> None:
    """Follow the compacted reference topics for the worker's whole life."""
    kafka = runtime.settings.kafka
    for base, apply in (
        (ACCOUNTS, reference.apply_account),
        (REPS, reference.apply_rep),
        (RULES, reference.apply_rules),
        (MODEL, reference.apply_model),
    ):
        view = CompactedView(kafka, runtime.names.name(base), apply)
        reference.views.append(view)
        runtime.app.task(view.run)
