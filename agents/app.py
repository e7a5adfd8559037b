"""Builds the Faust app from settings; `create_runtime` is the only place agents are wired."""

import ssl
from typing import TYPE_CHECKING, Any

import faust
from aiohttp.web import Response
from faust import web
from faust.auth import SASLCredentials, SSLCredentials
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    disable_created_metrics,
    generate_latest,
)

from agents.metrics import Metrics
from agents.runtime import Runtime
from agents.settings import KafkaSettings, Settings
from agents.topics import ACCOUNTS, REPS, RULES, TopicNames
from agents.views import CompactedView

if TYPE_CHECKING:
    from agents.reference import ReferenceData


def broker_credentials(kafka: KafkaSettings) -> SASLCredentials | SSLCredentials | None:
    """SASL/SSL credentials for an existing Kafka; None for a plaintext local broker."""
    context = None
    if kafka.security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(
            cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None
        )
    if kafka.security_protocol.startswith("SASL"):
        password = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
        return SASLCredentials(
            username=kafka.sasl_username,
            password=password,
            mechanism=kafka.sasl_mechanism,
            ssl_context=context,
        )
    if context is not None:
        return SSLCredentials(context)
    return None


def create_faust_app(settings: Settings) -> faust.App:
    return faust.App(
        settings.app_id,
        broker=[f"kafka://{host}" for host in settings.kafka.hosts],
        broker_credentials=broker_credentials(settings.kafka),
        # Faust would otherwise let plain WEB_PORT etc. override these settings.
        env_prefix="LEADROUTER_FAUST_",
        autodiscover=False,
        store=settings.store,
        datadir=str(settings.datadir),
        topic_partitions=settings.topics.partitions,
        topic_replication_factor=settings.topics.replication_factor,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_linger=settings.kafka.producer_linger_ms / 1000,
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=True,
        web_host=settings.web.host,
        web_bind=settings.web.host,
        web_port=settings.web.port,
        # Table contents must not be readable over HTTP (they hold personal data).
        web_tables_enabled=False,
        web_graph_enabled=False,
        table_cleanup_interval=60.0,
    )


def create_runtime(settings: Settings, registry: CollectorRegistry | None = None) -> Runtime:
    """Build the app, its metrics and every agent; nothing connects until the worker starts."""
    from agents.assigning import register_assigning
    from agents.feedback import register_feedback
    from agents.health import register_health
    from agents.intake import register_intake
    from agents.monitoring import register_lag_monitor
    from agents.profiling import register_profiling
    from agents.reference import ReferenceData
    from agents.rules_watch import register_rules_watch

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
    reference = ReferenceData.start(runtime.metrics, settings.rules_file)
    register_views(runtime, reference)
    register_intake(runtime)
    register_profiling(runtime, reference)
    register_assigning(runtime, reference)
    register_feedback(runtime)
    register_lag_monitor(runtime)
    register_health(runtime, reference)
    if settings.rules_file is not None:
        register_rules_watch(runtime, reference, settings.rules_file)
    runtime.reference = reference
    return runtime


def register_metrics_page(app: faust.App, registry: CollectorRegistry) -> None:
    """`/metrics`: leadrouter's own metrics (Faust's sensors stay off unless asked for)."""

    @app.page("/metrics")
    async def metrics(self: web.View, request: web.Request) -> Any:
        return Response(
            body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )


def register_views(runtime: Runtime, reference: "ReferenceData") -> None:
    """Follow the compacted reference topics for the worker's whole life."""
    kafka = runtime.settings.kafka
    for base, apply in (
        (ACCOUNTS, reference.apply_account),
        (REPS, reference.apply_rep),
        (RULES, reference.apply_rules),
    ):
        view = CompactedView(kafka, runtime.names.name(base), apply)
        reference.views.append(view)
        runtime.app.task(view.run)
