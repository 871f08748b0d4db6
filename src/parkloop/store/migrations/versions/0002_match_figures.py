"""Proposed matches keep their figures in columns (accounting, quantities, similarity);
their reasons are worded from those columns when shown

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FIGURES = (
    "avoided_disposal_vnd",
    "avoided_haul_vnd",
    "avoided_purchase_vnd",
    "foregone_revenue_vnd",
    "transport_cost_vnd",
    "treatment_cost_vnd",
    "co2e_avoided_virgin_t",
    "co2e_avoided_disposal_t",
    "co2e_avoided_haul_t",
    "co2e_transport_t",
    "co2e_treatment_t",
    "water_reused_m3",
    "energy_recovered_mwh",
    "virgin_material_avoided_t",
    "tkm",
)


def upgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        batch.add_column(sa.Column("similarity", sa.Float(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("supply_quantity", sa.Float(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("demand_quantity", sa.Float(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("year", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("attribution", sa.Float(), server_default="1", nullable=False))
        batch.add_column(sa.Column("deadweight", sa.Float(), server_default="0", nullable=False))
        for name in FIGURES:
            batch.add_column(sa.Column(name, sa.Float(), server_default="0", nullable=False))
        batch.drop_column("accounting")
        batch.drop_column("reasons")


def downgrade() -> None:
    with op.batch_alter_table("matches") as batch:
        batch.add_column(sa.Column("accounting", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("reasons", sa.JSON(), nullable=True))
        for name in (
            *FIGURES,
            "deadweight",
            "attribution",
            "year",
            "demand_quantity",
            "supply_quantity",
            "similarity",
        ):
            batch.drop_column(name)
