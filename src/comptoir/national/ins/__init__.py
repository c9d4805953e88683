"""INSi, the CNAM téléservice of the INS: port, wire messages, HTTP client and local emulator."""
