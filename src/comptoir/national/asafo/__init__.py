"""ASAFO (Alerte sécurisée aux fausses ordonnances): the port, the messages, the client and the emulator."""
