"""Deployment files (Prometheus, Grafana) and helpers that check them; not installed."""
