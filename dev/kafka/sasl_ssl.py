"""A SASL_SSL listener (SCRAM-SHA-512 over TLS) for the local broker: certificates made with
openssl, SCRAM credentials for storage-format time, the listener's broker settings.

Files in the directory given (`localkafka.py up --sasl-ssl-dir DIR`):
- `ca.pem`: the test CA, the client's trust store (PEM, as `LEADROUTER_KAFKA__SSL_CAFILE`);
- `broker.p12`: the broker's key store (PKCS#12: key and certificate for 127.0.0.1 and localhost,
  signed by the CA); `ca.key` and `broker.key` stay beside them;
- `other-ca.pem`: an unrelated CA, for testing that an untrusted broker certificate is refused;
- `client.json`: bootstrap, protocol, mechanism, username and password (mode 0600).
The plaintext listener stays for inter-broker traffic and readiness checks.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

USERNAME = "leadrouter"
MECHANISM = "SCRAM-SHA-512"
LISTENER = "SASL_SSL"
DAYS = "30"
SERVER_EXTENSIONS = """\
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
"""


@dataclass(frozen=True)
class SaslSslFiles:
    directory: Path

    @property
    def client(self) -> Path:
        return self.directory / "client.json"

    @property
    def keystore(self) -> Path:
        return self.directory / "broker.p12"

    def read_client(self) -> dict[str, str]:
        data: dict[str, str] = json.loads(self.client.read_text())
        return data


def _openssl(*args: str, cwd: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        raise SystemExit("openssl is required to make the SASL_SSL listener's certificates")
    result = subprocess.run([openssl, *args], cwd=cwd, check=False, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"openssl {args[0]} failed:\n{result.stderr}")


def _make_ca(directory: Path, name: str, common_name: str) -> None:
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", DAYS,
        "-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN={common_name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=directory,
    )  # fmt: skip


def ensure_files(directory: Path, bootstrap_port: int) -> SaslSslFiles:
    """Make the CA, the broker's key store, another CA and the client settings (once); the
    client settings always name the current port."""
    directory.mkdir(parents=True, exist_ok=True)
    files = SaslSslFiles(directory)
    if not files.keystore.exists():
        _make_ca(directory, "ca", "leadrouter local test CA")
        _make_ca(directory, "other-ca", "an unrelated CA")
        (directory / "server.ext").write_text(SERVER_EXTENSIONS)
        _openssl(
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "broker.key", "-out", "broker.csr",
            "-subj", "/CN=127.0.0.1", cwd=directory,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-sha256", "-days", DAYS, "-in", "broker.csr", "-CA", "ca.pem",
            "-CAkey", "ca.key", "-CAcreateserial", "-extfile", "server.ext", "-out", "broker.crt",
            cwd=directory,
        )  # fmt: skip
        password = secrets.token_hex(16)
        _openssl(
            "pkcs12", "-export", "-in", "broker.crt", "-inkey", "broker.key", "-certfile", "ca.pem",
            "-name", "broker", "-out", "broker.p12.partial", "-passout", f"pass:{password}",
            cwd=directory,
        )  # fmt: skip
        (directory / "keystore.password").write_text(password)
        (directory / "keystore.password").chmod(0o600)
        (directory / "broker.p12.partial").rename(files.keystore)
    client = files.read_client() if files.client.exists() else {"password": secrets.token_hex(16)}
    client.update(
        bootstrap=f"127.0.0.1:{bootstrap_port}",
        security_protocol=LISTENER,
        sasl_mechanism=MECHANISM,
        username=USERNAME,
        ssl_cafile=str(directory / "ca.pem"),
        untrusted_cafile=str(directory / "other-ca.pem"),
    )
    files.client.touch(mode=0o600)
    files.client.write_text(json.dumps(client, indent=2) + "\n")
    return files


def scram_format_args(files: SaslSslFiles) -> list[str]:
    """`StorageTool format` arguments that create the SCRAM user: KRaft reads SCRAM credentials
    from the metadata log, so they exist from the first start."""
    password = files.read_client()["password"]
    return ["--add-scram", f"{MECHANISM}=[name={USERNAME},password={password}]"]


def require_scram_user(state_dir: Path) -> None:
    """A broker formatted without the SCRAM user cannot get it later (not with this script)."""
    if not (state_dir / "scram-user").exists():
        raise SystemExit(
            f"{state_dir} was formatted without SCRAM credentials (KRaft adds them only at "
            "format time): use a fresh --state-dir with --sasl-ssl-dir"
        )


def remember_scram_user(state_dir: Path, files: SaslSslFiles) -> None:
    (state_dir / "scram-user").write_text(f"{USERNAME} {files.directory}\n")


def configure_listener(config: Path, files: SaslSslFiles, port: int) -> None:
    """Add the SASL_SSL listener on `port` to a broker's server.properties."""
    text = config.read_text()
    prefix = f"listener.name.{LISTENER.lower()}"
    keystore_password = (files.directory / "keystore.password").read_text()

    def extend(key: str, entry: str) -> None:
        nonlocal text
        text = re.sub(rf"^({re.escape(key)}=.*)$", rf"\1,{entry}", text, count=1, flags=re.M)

    extend("listeners", f"{LISTENER}://127.0.0.1:{port}")
    extend("advertised.listeners", f"{LISTENER}://127.0.0.1:{port}")
    extend("listener.security.protocol.map", f"{LISTENER}:{LISTENER}")
    settings = {
        "sasl.enabled.mechanisms": MECHANISM,
        f"{prefix}.sasl.enabled.mechanisms": MECHANISM,
        f"{prefix}.{MECHANISM.lower()}.sasl.jaas.config": (
            "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        ),
        f"{prefix}.ssl.keystore.type": "PKCS12",
        f"{prefix}.ssl.keystore.location": str(files.keystore),
        f"{prefix}.ssl.keystore.password": keystore_password,
        f"{prefix}.ssl.key.password": keystore_password,
    }
    text += "# SASL_SSL listener (localkafka.py --sasl-ssl-dir)\n"
    text += "".join(f"{key}={value}\n" for key, value in settings.items())
    config.write_text(text)
