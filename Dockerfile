# syntax=docker/dockerfile:1
# The leadrouter image. CMD runs the worker; docker-compose.yml also runs `leadrouter topics create`
# and the demo feed from it. Build: docker build -t leadrouter .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Only what the installed package needs: pyproject.toml names the packages explicitly
# (and README.md is its long description).
WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas/ schemas/
COPY service/ service/
COPY agents/ agents/
RUN pip install . && rm -rf /src

# A fixed numeric uid, so `runAsNonRoot` checks (Kubernetes) can verify it without /etc/passwd.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/leadrouter leadrouter \
    && install -d -o leadrouter -g leadrouter /var/lib/leadrouter

# Faust keeps its table state and lock files in the data directory; the default (.run/worker,
# relative) would land wherever the container starts.
ENV LEADROUTER_DATADIR=/var/lib/leadrouter
WORKDIR /home/leadrouter
USER 10001

# Faust web server: /metrics for Prometheus.
EXPOSE 6066
CMD ["leadrouter", "worker"]
