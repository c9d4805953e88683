"""counter, documents and profile: the three branches' migrations joined (nothing of its own)

Revision ID: db8ff8ce659c
Revises: 4083235c86c8, 65b241ec5cde, e5ef5c9a83c5
Create Date: 2026-11-29 18:18:50.419008
"""

from collections.abc import Sequence

revision: str = 'db8ff8ce659c'
down_revision: str | tuple[str, ...] | None = ('4083235c86c8', '65b241ec5cde', 'e5ef5c9a83c5')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
