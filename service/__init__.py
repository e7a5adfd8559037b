"""The pure domain of leadrouter: enrichment, scoring, rules, routing and assignment."""
