"""callback vault and daily counts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "callback_vault",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=False),
        sa.Column("caller_key", sa.String(length=64), nullable=True),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("callback_vault", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callback_vault_call_id"), ["call_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_callback_vault_caller_key"), ["caller_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_callback_vault_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "daily_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "language", "topic", "tier", "outcome"),
    )


def downgrade() -> None:
    op.drop_table("daily_counts")
    with op.batch_alter_table("callback_vault", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_vault_created_at"))
        batch_op.drop_index(batch_op.f("ix_callback_vault_caller_key"))
        batch_op.drop_index(batch_op.f("ix_callback_vault_call_id"))

    op.drop_table("callback_vault")
