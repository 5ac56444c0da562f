"""PostgreSQL with a health check that costs no round trip (ADR 0033)."""
