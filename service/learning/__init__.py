"""Learned conversion scores: features, online learners, calibration, evaluation.

Chosen by measurement (`python -m bench.labelled --leads 10000 --seed 7`, then
`agents.tools.model_cli.evaluate_command` with split 0.7; ROC AUC on the 3,000 held-out leads):
rule score 0.573, naive Bayes 0.781, online logistic regression (FTRL) 0.800, offline batch
logistic regression 0.803 (the hidden propensity itself: 0.846). The online logistic
regression is the default learner; naive Bayes stays available for comparison. Platt
calibration took naive Bayes' Brier score from 0.220 to 0.177 and left the logistic one
about where it was (0.171).
"""
