"""Start-up check: connect to Kafka once, as the worker will, and say in one line why it cannot.

Without it a wrong password or an untrusted certificate shows as aiokafka's "Unable to bootstrap"
after a log line that is easy to miss, or as Faust retrying for ever. The reason never includes
the password.
"""

import asyncio
import ssl
from typing import Any

from aiokafka.conn import create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)

from agents.plumbing.credentials import client_options
from agents.plumbing.settings import KafkaSettings

DEFAULT_TIMEOUT_SECONDS = 10.0


class BrokerConnectionError(Exception):
    """No bootstrap server accepted a connection with these settings; the message says why."""


async def check_broker(kafka: KafkaSettings, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
    """Connect (TLS handshake and SASL authentication included) to the bootstrap servers until
    one accepts; raise BrokerConnectionError naming each server's problem when none does."""
    try:
        options = client_options(kafka)
    except (OSError, ssl.SSLError) as error:
        raise BrokerConnectionError(
            f"cannot read the CA file {kafka.ssl_cafile} (LEADROUTER_KAFKA__SSL_CAFILE): {error}"
        ) from None
    problems = []
    for server in kafka.hosts:
        host, _, port = server.rpartition(":")
        try:
            connection = await asyncio.wait_for(
                create_conn(host, int(port), request_timeout_ms=int(timeout * 1000), **options),
                timeout,
            )
        except Exception as error:
            problems.append(f"{server}: {explain_failure(error, kafka, timeout)}")
            continue
        connection.close()
        return
    summary = f"{kafka.security_protocol}"
    if kafka.security_protocol.startswith("SASL"):
        summary += f", {kafka.sasl_mechanism} as {kafka.sasl_username!r}"
    raise BrokerConnectionError(f"cannot connect to Kafka ({summary}): " + "; ".join(problems))


def explain_failure(error: BaseException, kafka: KafkaSettings, timeout: float) -> str:
    """What one failed connection attempt means, for the person who configured it."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            f"the broker's TLS certificate is not trusted ({error.verify_message}); "
            "check LEADROUTER_KAFKA__SSL_CAFILE"
        )
    if isinstance(error, ssl.SSLError):
        return (
            f"the TLS handshake failed ({error.reason or error}); is this a TLS listener "
            "(LEADROUTER_KAFKA__SECURITY_PROTOCOL)?"
        )
    if isinstance(error, SaslAuthenticationFailed | AuthenticationFailedError):
        return (
            f"authentication failed, wrong username or password? (the broker said: {_said(error)})"
        )
    if isinstance(error, UnsupportedSaslMechanismError):
        return (
            f"the listener does not offer SASL mechanism {kafka.sasl_mechanism} "
            "(LEADROUTER_KAFKA__SASL_MECHANISM)"
        )
    if isinstance(error, KafkaConnectionError):
        return (
            f"{error}; does the listener speak {kafka.security_protocol} "
            "(LEADROUTER_KAFKA__SECURITY_PROTOCOL)?"
        )
    if isinstance(error, TimeoutError):
        return (
            f"no answer within {timeout:.0f}s; is the security protocol "
            f"{kafka.security_protocol} the listener's?"
        )
    if isinstance(error, ConnectionRefusedError):
        return "connection refused; is the broker running at this address?"
    if isinstance(error, OSError):
        return error.strerror or str(error)
    if isinstance(error, KafkaError):
        return _said(error)
    return f"{type(error).__name__}: {error}"


def _said(error: Any) -> str:
    # aiokafka's errors read "[Error 58] SaslAuthenticationFailed: <the broker's message>".
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text
