"""What the pharmacy asks of the Annuaire Santé: the counter's prescriber check, the MSSanté addresses of a
professional, the prescriber module's own data."""
