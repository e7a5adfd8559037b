"""Benchmarks of leadrouter: `make bench` runs bench/run.py (throughput, latency, micro)."""
