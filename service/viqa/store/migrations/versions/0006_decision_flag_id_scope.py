"""decisions on one flag (flag_id) and the scope of a dismissal (article or tenant)

Revision ID: 0006
Revises: 0005

Rows recorded before keep flag_id NULL (they cover every flag of their check on the sentence)
and get scope "article": a dismissal no longer reaches other articles unless a reviewer chose
"dismiss everywhere".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("flag_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("scope", sa.String(length=10), nullable=False,
                                   server_default="article"))
    op.create_index("ix_decisions_flag_id", "decisions", ["tenant_id", "job_id", "flag_id"])


def downgrade() -> None:
    op.drop_index("ix_decisions_flag_id", table_name="decisions")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("scope")
        batch.drop_column("flag_id")
