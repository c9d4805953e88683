"""Pack verification at the counter and decommissioning through the outbox (SPEC §9.4)."""
