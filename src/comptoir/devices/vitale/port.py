"""What the counter asks of a Vitale reader (a PC/SC card reader, or the app's QR/NFC in real life)."""

from __future__ import annotations

from typing import Protocol

from comptoir.domain.identity.vitale import VitaleCard, VitaleMedium


class VitaleReader(Protocol):
    def inserted(self) -> list[tuple[str, str]]:
        """The cards the reader can read now: (card id, title)."""
        ...

    def read(self, card_id: str, medium: VitaleMedium) -> VitaleCard: ...
