"""The DMP (Mon espace santé): port, wire, client and emulator (SPEC §5)."""
