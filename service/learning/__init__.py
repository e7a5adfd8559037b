"""Learned conversion scores: features, online learners, calibration, evaluation."""
