"""The ordonnance numérique base (CNAM): port, wire messages, client, emulator."""
