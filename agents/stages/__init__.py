"""The pipeline's stages, one module per agent: intake, profile, assign, feedback.

Stages never import each other: shared record shapes live in `schemas/`, shared mappings in
`service/`."""
