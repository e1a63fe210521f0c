"""Market links: compliance years, eligibility, covered entities, compliance uses, imports,
redemptions, transfers; the cursor records the CarbonMarket address.

Revision ID: 0003_market
Revises: 0002_signing
Create Date: 2026-11-26 09:27:24.600004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import registry_node.db

revision: str = "0003_market"
down_revision: str | None = "0002_signing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "compliance_eligibility",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("methodology_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("year", "methodology_id", name=op.f("pk_compliance_eligibility")),
    )
    op.create_table(
        "compliance_uses",
        sa.Column("use_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=42), nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(precision=78, scale=0), nullable=False),
        sa.Column("lock_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.BigInteger(), nullable=True),
        sa.Column("market_reference", sa.String(length=66), nullable=True),
        sa.Column(
            "cancellation_id", registry_node.db.Uint256(precision=78, scale=0), nullable=True
        ),
        sa.Column("settled_at", sa.BigInteger(), nullable=True),
        sa.Column("settled_block_number", sa.BigInteger(), nullable=True),
        sa.Column("settled_tx_hash", sa.String(length=66), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("use_id", name=op.f("pk_compliance_uses")),
    )
    with op.batch_alter_table("compliance_uses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_compliance_uses_entity"), ["entity"], unique=False)
        batch_op.create_index(batch_op.f("ix_compliance_uses_year"), ["year"], unique=False)

    op.create_table(
        "compliance_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("min_vintage", sa.Integer(), nullable=False),
        sa.Column("max_vintage", sa.Integer(), nullable=False),
        sa.Column("cap_bps", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_compliance_years")),
    )
    op.create_table(
        "covered_entities",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entity", sa.String(length=42), nullable=False),
        sa.Column(
            "verified_emissions", registry_node.db.Uint256(precision=78, scale=0), nullable=False
        ),
        sa.Column("cap", registry_node.db.Uint256(precision=78, scale=0), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("year", "entity", name=op.f("pk_covered_entities")),
    )
    op.create_table(
        "credit_imports",
        sa.Column("import_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column("partner", sa.String(length=42), nullable=False),
        sa.Column(
            "origin_serial_start", registry_node.db.Uint256(precision=78, scale=0), nullable=False
        ),
        sa.Column(
            "origin_serial_end", registry_node.db.Uint256(precision=78, scale=0), nullable=False
        ),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.BigInteger(), nullable=False),
        sa.Column("period_end", sa.BigInteger(), nullable=False),
        sa.Column("vintage", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=42), nullable=False),
        sa.Column("evidence_hash", sa.String(length=66), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(length=66), nullable=False),
        sa.Column("imported_at", sa.BigInteger(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_credit_imports")),
    )
    with op.batch_alter_table("credit_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_credit_imports_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_imports_partner"), ["partner"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_credit_imports_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "redemptions",
        sa.Column("redemption_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("citizen", sa.String(length=42), nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(precision=78, scale=0), nullable=False),
        sa.Column("aggregator", sa.String(length=42), nullable=False),
        sa.Column("incentive_reference", sa.String(length=66), nullable=False),
        sa.Column("redeemed_at", sa.BigInteger(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("redemption_id", name=op.f("pk_redemptions")),
    )
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_redemptions_citizen"), ["citizen"], unique=False)

    op.create_table(
        "transfers",
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column("sender", sa.String(length=42), nullable=False),
        sa.Column("recipient", sa.String(length=42), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(precision=78, scale=0), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_time", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("tx_hash", "log_index", "item", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfers_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_transfers_recipient", ["recipient", "block_number"], unique=False)
        batch_op.create_index("ix_transfers_sender", ["sender", "block_number"], unique=False)

    with op.batch_alter_table("index_cursor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("market_address", sa.String(length=42), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("index_cursor", schema=None) as batch_op:
        batch_op.drop_column("market_address")

    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_sender")
        batch_op.drop_index("ix_transfers_recipient")
        batch_op.drop_index(batch_op.f("ix_transfers_batch_id"))

    op.drop_table("transfers")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemptions_citizen"))

    op.drop_table("redemptions")
    with op.batch_alter_table("credit_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_imports_project_id"))
        batch_op.drop_index(batch_op.f("ix_credit_imports_partner"))
        batch_op.drop_index(batch_op.f("ix_credit_imports_batch_id"))

    op.drop_table("credit_imports")
    op.drop_table("covered_entities")
    op.drop_table("compliance_years")
    with op.batch_alter_table("compliance_uses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_uses_year"))
        batch_op.drop_index(batch_op.f("ix_compliance_uses_entity"))

    op.drop_table("compliance_uses")
    op.drop_table("compliance_eligibility")
