"""The ordonnance numérique (SPEC §4): identifiers, the prescription and its lines, deliveries."""
