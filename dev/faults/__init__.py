"""Fault-injection helpers: malformed records, raw producers."""
