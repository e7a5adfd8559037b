"""The bucket bounds of the worker's histograms (`agents.plumbing.metrics`), in seconds but for
the lead score: densest where the objectives sit, so a quantile is read from a narrow bucket.
"""

# From a few milliseconds (an idle worker on a local broker) to minutes (a worker that was down).
# Objectives sit around 50 ms (the bench's at 1,000 events/s) or one second, so the buckets are
# densest there: a quantile is interpolated inside its bucket, and one bucket from 50 to 100 ms
# cannot tell a p99 of 55 ms from one of 95.
HANDOFF_BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.035,
    0.05,
    0.065,
    0.08,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
    60,
    120,
    300,
)
STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# Sales accepts within minutes to a working day or two.
ACCEPT_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400, 172800)
SCORE_BUCKETS = (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)
# A young collector pass takes well under a millisecond to tens of them, an old one up to seconds.
GC_PAUSE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
# Direct events decided together: one when idle, up to `tuning.direct_batch` (100) under load.
BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 1000)
