"""Event contracts in and out of leadrouter: tolerant readers on input, strict models on output."""
