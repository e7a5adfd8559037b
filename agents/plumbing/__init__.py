"""The Kafka plumbing every stage shares: the Faust app and its settings, topics, outputs and the
delivery guard, reference views, admin, metrics. Plumbing never imports a stage."""
