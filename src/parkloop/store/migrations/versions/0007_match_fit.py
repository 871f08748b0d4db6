"""Proposed matches keep how well they fit and the factors that make it (sector, quality,
quantity, distance) and what needs confirming, beside what they are worth

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FIT = ("fit", "fit_sector", "fit_quality", "fit_quantity", "fit_distance")


def upgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        for name in FIT:
            batch.add_column(sa.Column(name, sa.Float(), server_default="1", nullable=False))
        batch.add_column(sa.Column("fit_note", sa.String(64), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        batch.drop_column("fit_note")
        for name in reversed(FIT):
            batch.drop_column(name)
