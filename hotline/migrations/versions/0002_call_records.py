"""call records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "call_records",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("caller_key", sa.String(length=64), nullable=True),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("tier", sa.String(length=20), nullable=True),
        sa.Column("speech_used", sa.Boolean(), nullable=False),
        sa.Column("ivr_seconds", sa.Integer(), nullable=True),
        sa.Column("queue_seconds", sa.Integer(), nullable=True),
        sa.Column("talk_seconds", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=True),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("script_version", sa.String(length=64), nullable=False),
        sa.Column("disposition", sa.JSON(), nullable=True),
        sa.Column("risk_level", sa.String(length=20), nullable=True),
        sa.Column("referral_given", sa.Boolean(), nullable=True),
        sa.Column("emergency_contacted", sa.Boolean(), nullable=True),
        sa.Column("follow_up_agreed", sa.Boolean(), nullable=True),
        sa.Column("follow_up_consent", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["counselor_id"], ["counselors.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("call_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_call_records_caller_key"), ["caller_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_call_records_started_at"), ["started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("call_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_records_started_at"))
        batch_op.drop_index(batch_op.f("ix_call_records_caller_key"))

    op.drop_table("call_records")
