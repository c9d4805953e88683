"""The Dossier Pharmaceutique (CNOP): port, wire messages, client, emulator (SPEC §6)."""
