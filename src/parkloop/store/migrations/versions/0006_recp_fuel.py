"""RECP measures name the fuel they save (the code read and the words typed) and the
chemicals they save

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _added() -> list[sa.Column[object]]:
    return [
        sa.Column("fuel_type", sa.String(32), server_default="", nullable=False),
        sa.Column("fuel_text", sa.Text(), server_default="", nullable=False),
        sa.Column("chemicals_saved_t", sa.Float(), server_default="0", nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("recp_measures", recreate="never") as batch:
        for column in _added():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("recp_measures", recreate="never") as batch:
        for column in reversed(_added()):
            batch.drop_column(column.name)
