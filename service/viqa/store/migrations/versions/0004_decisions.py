"""reviewers' decisions on flags

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("sentence_id", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("correction", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=True),
        sa.Column("reviewer_key_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"]),
        sa.ForeignKeyConstraint(["reviewer_key_id"], ["api_keys.id"]),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decisions_flag", "decisions",
                    ["tenant_id", "job_id", "sentence_id", "code"])
    op.create_index("ix_decisions_fingerprint", "decisions", ["tenant_id", "fingerprint"])


def downgrade() -> None:
    op.drop_table("decisions")
