"""A park's own intake limits: what its central wastewater plant accepts from enterprises

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "park_intake_limits",
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("changed_by", sa.Text(), server_default="", nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name="fk_park_intake_limits_park_id_parks",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("park_id", name="pk_park_intake_limits"),
    )


def downgrade() -> None:
    op.drop_table("park_intake_limits")
