"""Development-only tools: run from a checkout (`python -m tools.examples`), never shipped in the image."""
