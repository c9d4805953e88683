"""The medicines-verification system (France MVS / NMVS, SPEC §9): port, wire, client, emulator."""
