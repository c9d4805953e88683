"""The Annuaire Santé (ANS FHIR directory of health professionals): port, FHIR mapping, HTTP client, local emulator."""
