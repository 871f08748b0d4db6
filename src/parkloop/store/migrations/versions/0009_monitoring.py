"""Monitoring stations (a park's central WWTP outlet, an enterprise's outlet, a stack) with
the parameters each measures and the hash of its push token

The readings themselves are not in these tables: they live in the readings store
(Parquet files beside an SQLite database, a table partitioned by month on PostgreSQL;
see parkloop.store.readings).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KINDS = "kind in ('wwtp-outlet', 'enterprise-outlet', 'stack')"


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("limit_set", sa.String(64), nullable=False),
        sa.Column("limit_column", sa.String(16), server_default="", nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("flow_m3_per_day", sa.Float(), nullable=True),
        sa.Column("receiving_water", sa.String(64), nullable=True),
        sa.Column("interval_s", sa.Integer(), server_default="300", nullable=False),
        sa.Column("gap_factor", sa.Integer(), server_default="3", nullable=False),
        sa.Column("accept_partial", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("commissioned_on", sa.Date(), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True),
        sa.Column("token_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("data_status", sa.String(32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(KINDS, name="ck_stations_kind"),
        sa.CheckConstraint("interval_s > 0", name="ck_stations_interval_positive"),
        sa.CheckConstraint("gap_factor > 0", name="ck_stations_gap_factor_positive"),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name="fk_stations_park_id_parks", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name="fk_stations_org_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stations"),
        sa.UniqueConstraint("code", name="uq_stations_code"),
        sa.UniqueConstraint("token_hash", name="uq_stations_token_hash"),
    )
    op.create_index("ix_stations_park_id", "stations", ["park_id"])
    op.create_table(
        "station_parameters",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("parameter", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name="fk_station_parameters_station_id_stations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("station_id", "parameter", name="pk_station_parameters"),
    )


def downgrade() -> None:
    op.drop_table("station_parameters")
    op.drop_index("ix_stations_park_id", table_name="stations")
    op.drop_table("stations")
