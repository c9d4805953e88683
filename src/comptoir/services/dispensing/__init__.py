"""Dispensing at the counter: the plan of each line (packs, substitution, narcotics, renewals)."""
