"""Reference preimages (court cases) stored by the node: node data, kept across index rebuilds.

Revision ID: 0004_references
Revises: 0003_market
Create Date: 2026-11-26 09:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_references"
down_revision: str | None = "0003_market"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "reference_preimages",
        sa.Column("reference_hash", sa.String(length=66), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("reference_hash", name=op.f("pk_reference_preimages")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("reference_preimages")
