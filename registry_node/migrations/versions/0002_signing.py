"""Signing service: API tokens (hashed), per-account nonces, requests (idempotency), audit.

Revision ID: 0002_signing
Revises: 0001_index
Create Date: 2026-11-26 06:16:57.151084
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_signing"
down_revision: str | None = "0001_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "signing_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=True),
        sa.Column("key_name", sa.String(length=64), nullable=True),
        sa.Column("op", sa.String(length=32), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("tx_hash", sa.String(length=66), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_audit")),
    )
    with op.batch_alter_table("signing_audit", schema=None) as batch_op:
        batch_op.create_index("ix_signing_audit_token", ["token_id", "id"], unique=False)

    op.create_table(
        "signing_nonces",
        sa.Column("chain_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("next_nonce", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "address", name=op.f("pk_signing_nonces")),
    )
    op.create_table(
        "signing_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("token_id", sa.String(length=32), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("op", sa.String(length=32), nullable=False),
        sa.Column("key_name", sa.String(length=64), nullable=True),
        sa.Column("sender", sa.String(length=42), nullable=False),
        sa.Column("to", sa.String(length=42), nullable=False),
        sa.Column("function", sa.String(length=80), nullable=False),
        sa.Column("calldata", sa.LargeBinary(), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(length=66), nullable=True),
        sa.Column("raw_tx", sa.LargeBinary(), nullable=True),
        sa.Column("replaced_hashes", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error_name", sa.String(length=80), nullable=True),
        sa.Column("error_args", sa.Text(), nullable=True),
        sa.Column("error_detail", sa.Text(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=True),
        sa.Column("block_hash", sa.String(length=66), nullable=True),
        sa.Column("gas_used", sa.BigInteger(), nullable=True),
        sa.Column("events", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_requests")),
        sa.UniqueConstraint(
            "chain_id", "sender", "nonce", name=op.f("uq_signing_requests_chain_id_sender_nonce")
        ),
        sa.UniqueConstraint(
            "token_id", "idempotency_key", name=op.f("uq_signing_requests_token_id_idempotency_key")
        ),
        sa.UniqueConstraint("tx_hash", name=op.f("uq_signing_requests_tx_hash")),
    )
    with op.batch_alter_table("signing_requests", schema=None) as batch_op:
        batch_op.create_index("ix_signing_requests_state", ["state", "sender"], unique=False)

    op.create_table(
        "signing_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("key_name", sa.String(length=64), nullable=True),
        sa.Column("ops", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=True),
        sa.Column("revoked_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_tokens")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("signing_tokens")
    with op.batch_alter_table("signing_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_signing_requests_state")

    op.drop_table("signing_requests")
    op.drop_table("signing_nonces")
    with op.batch_alter_table("signing_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_signing_audit_token")

    op.drop_table("signing_audit")
