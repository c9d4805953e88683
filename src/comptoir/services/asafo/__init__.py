"""Secure supply at the counter: the ASAFO list of fake prescriptions checked against each prescription, the
declaration of a suspected fake, and what the pharmacy knows of a prescriber and a patient."""
