"""Developer tools behind the make targets."""
