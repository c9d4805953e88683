"""Patient identity: the NIR/NIA, the INS and its traits, the RNIV statuses, identitovigilance."""
