"""A tiny in-memory ledger served over HTTP with the standard library."""
