"""The start-up check's one-line reasons (the broker side is tested in test_security.py)."""

import socket
import ssl
from pathlib import Path

import pytest
from aiokafka.errors import KafkaConnectionError, SaslAuthenticationFailed

from agents.plumbing.credentials import client_options
from agents.plumbing.preflight import BrokerConnectionError, check_broker, explain_failure
from agents.plumbing.settings import KafkaSettings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SASL_SSL = KafkaSettings(
    bootstrap_servers="127.0.0.1:9093",
    security_protocol="SASL_SSL",
    sasl_mechanism="SCRAM-SHA-512",
    sasl_username="leadrouter",
    sasl_password="s3cret-value",
)


def test_an_untrusted_certificate_names_the_ca_setting() -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_message = "self-signed certificate in certificate chain"

    reason = explain_failure(error, SASL_SSL, 10)

    assert reason == (
        "the broker's TLS certificate is not trusted (self-signed certificate in certificate "
        "chain); check LEADROUTER_KAFKA__SSL_CAFILE"
    )


def test_a_refused_login_says_wrong_username_or_password_and_what_the_broker_said() -> None:
    error = SaslAuthenticationFailed("Authentication failed due to invalid credentials")

    reason = explain_failure(error, SASL_SSL, 10)

    assert reason.startswith("authentication failed, wrong username or password?")
    assert "invalid credentials" in reason


def test_a_closed_connection_asks_whether_the_protocol_is_the_listeners() -> None:
    reason = explain_failure(KafkaConnectionError("Connection closed"), SASL_SSL, 10)

    assert "does the listener speak SASL_SSL" in reason


async def test_no_broker_at_the_address_is_reported_per_server_without_the_password() -> None:
    kafka = KafkaSettings(
        bootstrap_servers=f"127.0.0.1:{free_port()}",
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="leadrouter",
        sasl_password="s3cret-value",
    )

    with pytest.raises(BrokerConnectionError) as raised:
        await check_broker(kafka, timeout=5)

    message = str(raised.value)
    assert message.startswith("cannot connect to Kafka (SASL_PLAINTEXT, SCRAM-SHA-512 as ")
    assert "connection refused; is the broker running at this address?" in message
    assert "s3cret-value" not in message


async def test_a_missing_ca_file_is_reported_before_any_connection(tmp_path: Path) -> None:
    kafka = SASL_SSL.model_copy(update={"ssl_cafile": tmp_path / "missing.pem"})

    with pytest.raises(BrokerConnectionError, match="cannot read the CA file"):
        await check_broker(kafka)


def test_sasl_ssl_options_verify_the_broker_certificate_and_its_name() -> None:
    options = client_options(SASL_SSL)

    context = options["ssl_context"]
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
