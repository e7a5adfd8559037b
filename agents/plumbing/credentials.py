"""Broker credentials from settings, for Faust and for plain aiokafka clients."""

import ssl
from typing import Any

from faust.auth import SASLCredentials, SSLCredentials

from agents.plumbing.settings import KafkaSettings


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


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """aiokafka keyword options for security; empty for a plaintext broker."""
    credentials = broker_credentials(kafka)
    if credentials is None:
        return {}
    options: dict[str, Any] = {
        "security_protocol": kafka.security_protocol,
        "ssl_context": getattr(credentials, "ssl_context", None)
        or getattr(credentials, "context", None),
    }
    if kafka.security_protocol.startswith("SASL"):
        password = kafka.sasl_password.get_secret_value() if kafka.sasl_password else None
        options.update(
            sasl_mechanism=kafka.sasl_mechanism,
            sasl_plain_username=kafka.sasl_username,
            sasl_plain_password=password,
        )
    return options
