"""Index tables: cursor, block hashes, decoded logs and the registry projections.

Revision ID: 0001_index
Revises: (none)
Create Date: 2026-11-26 06:08:38.025824
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import registry_node.db

revision: str = "0001_index"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "accounts",
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("record_hash", sa.String(length=66), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_accounts")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_accounts_region"), ["region"], unique=False)

    op.create_table(
        "balances",
        sa.Column("batch_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=42), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "holder", name=op.f("pk_balances")),
    )
    with op.batch_alter_table("balances", schema=None) as batch_op:
        batch_op.create_index("ix_balances_holder", ["holder", "batch_id"], unique=False)

    op.create_table(
        "batches",
        sa.Column("batch_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("recipient", sa.String(length=42), nullable=True),
        sa.Column("serial_start", registry_node.db.Uint256(), nullable=False),
        sa.Column("vintage", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("quantity", registry_node.db.Uint256(), nullable=False),
        sa.Column("buffer_amount", registry_node.db.Uint256(), nullable=False),
        sa.Column("claim_deadline", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("merkle_root", sa.String(length=66), nullable=False),
        sa.Column("distribution_closed", sa.Boolean(), nullable=False),
        sa.Column("claimed", registry_node.db.Uint256(), nullable=False),
        sa.Column("retired", registry_node.db.Uint256(), nullable=False),
        sa.Column("cancelled", registry_node.db.Uint256(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_batches")),
    )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batches_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_batches_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_batches_vintage"), ["vintage"], unique=False)

    op.create_table(
        "cancellations",
        sa.Column("cancellation_id", registry_node.db.Uint256(), nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=42), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("reference_hash", sa.String(length=66), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_time", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cancellation_id", name=op.f("pk_cancellations")),
    )
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cancellations_batch_id"), ["batch_id"], unique=False)

    op.create_table(
        "carbon_events",
        sa.Column("event_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("organiser", sa.String(length=42), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.BigInteger(), nullable=False),
        sa.Column("ends_at", sa.BigInteger(), nullable=False),
        sa.Column("footprint", registry_node.db.Uint256(), nullable=False),
        sa.Column("evidence_hash", sa.String(length=66), nullable=False),
        sa.Column("retired", registry_node.db.Uint256(), nullable=False),
        sa.Column("neutralised", sa.Boolean(), nullable=False),
        sa.Column("neutralised_block", sa.BigInteger(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_carbon_events")),
    )
    with op.batch_alter_table("carbon_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carbon_events_organiser"), ["organiser"], unique=False)

    op.create_table(
        "chain_settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_chain_settings")),
    )
    op.create_table(
        "claims",
        sa.Column("batch_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "account", name=op.f("pk_claims")),
    )
    op.create_table(
        "event_logs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("topics", sa.LargeBinary(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("args", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_logs")),
        sa.UniqueConstraint(
            "chain_id",
            "tx_hash",
            "log_index",
            name=op.f("uq_event_logs_chain_id_tx_hash_log_index"),
        ),
    )
    with op.batch_alter_table("event_logs", schema=None) as batch_op:
        batch_op.create_index("ix_event_logs_name", ["name"], unique=False)
        batch_op.create_index(
            "ix_event_logs_position", ["block_number", "tx_index", "log_index"], unique=False
        )

    op.create_table(
        "index_blocks",
        sa.Column("number", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_index_blocks")),
    )
    op.create_table(
        "index_cursor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("registry_address", sa.String(length=42), nullable=False),
        sa.Column("ledger_address", sa.String(length=42), nullable=False),
        sa.Column("deploy_block", sa.BigInteger(), nullable=False),
        sa.Column("deploy_block_hash", sa.String(length=66), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_cursor")),
    )
    op.create_table(
        "locks",
        sa.Column("lock_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=42), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(), nullable=False),
        sa.Column("destination_hash", sa.String(length=66), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("cancellation_id", registry_node.db.Uint256(), nullable=True),
        sa.Column("export_reference_hash", sa.String(length=66), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("lock_id", name=op.f("pk_locks")),
    )
    with op.batch_alter_table("locks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_locks_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_locks_holder"), ["holder"], unique=False)

    op.create_table(
        "methodologies",
        sa.Column("methodology_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("document_hash", sa.String(length=66), nullable=False),
        sa.Column("point_validity", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("methodology_id", name=op.f("pk_methodologies")),
    )
    with op.batch_alter_table("methodologies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_methodologies_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_methodologies_sector"), ["sector"], unique=False)

    op.create_table(
        "projects",
        sa.Column("project_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("methodology_id", sa.BigInteger(), nullable=False),
        sa.Column("proponent", sa.String(length=42), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("notice_ends_at", sa.BigInteger(), nullable=False),
        sa.Column("metadata_hash", sa.String(length=66), nullable=False),
        sa.Column("metadata_uri", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_projects")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_projects_methodology_id"), ["methodology_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_projects_proponent"), ["proponent"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_projects_status"), ["status"], unique=False)

    op.create_table(
        "recoveries",
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("lost", sa.String(length=42), nullable=False),
        sa.Column("replacement", sa.String(length=42), nullable=False),
        sa.Column("batches", sa.Text(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tx_hash", "log_index", name=op.f("pk_recoveries")),
    )
    with op.batch_alter_table("recoveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recoveries_lost"), ["lost"], unique=False)

    op.create_table(
        "reports",
        sa.Column("report_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("digest", sa.String(length=66), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("methodology_id", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.BigInteger(), nullable=False),
        sa.Column("period_end", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at", sa.BigInteger(), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("quantity", registry_node.db.Uint256(), nullable=False),
        sa.Column("data_root", sa.String(length=66), nullable=False),
        sa.Column("evidence_hash", sa.String(length=66), nullable=False),
        sa.Column("signers", sa.Text(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_reports")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reports_project_id"), ["project_id"], unique=False)

    op.create_table(
        "retirements",
        sa.Column("certificate_id", registry_node.db.Uint256(), nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=42), nullable=False),
        sa.Column("beneficiary", sa.String(length=42), nullable=False),
        sa.Column("amount", registry_node.db.Uint256(), nullable=False),
        sa.Column("purpose", sa.Integer(), nullable=False),
        sa.Column("reference_hash", sa.String(length=66), nullable=False),
        sa.Column("region", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_time", sa.BigInteger(), nullable=True),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_retirements")),
    )
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retirements_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            "ix_retirements_beneficiary", ["beneficiary", "certificate_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_retirements_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_retirements_holder"), ["holder"], unique=False)
        batch_op.create_index(batch_op.f("ix_retirements_purpose"), ["purpose"], unique=False)

    op.create_table(
        "status_changes",
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.String(length=78), nullable=False),
        sa.Column("previous", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tx_hash", "log_index", name=op.f("pk_status_changes")),
    )
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.create_index("ix_status_changes_subject", ["subject", "subject_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_status_changes_subject")

    op.drop_table("status_changes")
    with op.batch_alter_table("retirements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retirements_purpose"))
        batch_op.drop_index(batch_op.f("ix_retirements_holder"))
        batch_op.drop_index(batch_op.f("ix_retirements_event_id"))
        batch_op.drop_index("ix_retirements_beneficiary")
        batch_op.drop_index(batch_op.f("ix_retirements_batch_id"))

    op.drop_table("retirements")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_project_id"))

    op.drop_table("reports")
    with op.batch_alter_table("recoveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recoveries_lost"))

    op.drop_table("recoveries")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projects_status"))
        batch_op.drop_index(batch_op.f("ix_projects_region"))
        batch_op.drop_index(batch_op.f("ix_projects_proponent"))
        batch_op.drop_index(batch_op.f("ix_projects_methodology_id"))

    op.drop_table("projects")
    with op.batch_alter_table("methodologies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_methodologies_sector"))
        batch_op.drop_index(batch_op.f("ix_methodologies_code"))

    op.drop_table("methodologies")
    with op.batch_alter_table("locks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_locks_holder"))
        batch_op.drop_index(batch_op.f("ix_locks_batch_id"))

    op.drop_table("locks")
    op.drop_table("index_cursor")
    op.drop_table("index_blocks")
    with op.batch_alter_table("event_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_event_logs_position")
        batch_op.drop_index("ix_event_logs_name")

    op.drop_table("event_logs")
    op.drop_table("claims")
    op.drop_table("chain_settings")
    with op.batch_alter_table("carbon_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carbon_events_organiser"))

    op.drop_table("carbon_events")
    with op.batch_alter_table("cancellations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cancellations_batch_id"))

    op.drop_table("cancellations")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batches_vintage"))
        batch_op.drop_index(batch_op.f("ix_batches_report_id"))
        batch_op.drop_index(batch_op.f("ix_batches_project_id"))

    op.drop_table("batches")
    with op.batch_alter_table("balances", schema=None) as batch_op:
        batch_op.drop_index("ix_balances_holder")

    op.drop_table("balances")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_region"))

    op.drop_table("accounts")
