"""Alert rules of monitoring findings, the episodes found and the messages delivered;
monthly input/output records of enterprises

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STREAMS = "stream in ('electricity', 'fuel', 'water-in', 'wastewater-out', 'material', 'chemical')"


def _moment(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("stations", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), server_default="", nullable=False),
        sa.Column("reminder_s", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(2), server_default="vi", nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("changed_by", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("channel in ('log', 'webhook', 'email')", name="ck_alert_rules_channel"),
        sa.CheckConstraint(
            "reminder_s is null or reminder_s > 0", name="ck_alert_rules_reminder_positive"
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name="fk_alert_rules_park_id_parks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_rules"),
        sa.UniqueConstraint("park_id", "name", name="uq_alert_rules_park_id_name"),
    )
    op.create_table(
        "alert_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("parameter", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        _moment("start_at"),
        _moment("end_at"),
        sa.Column("peak", sa.Float(), nullable=True),
        sa.Column("limit_value", sa.Float(), nullable=True),
        sa.Column("window", sa.String(16), nullable=True),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(32), server_default="", nullable=False),
        sa.Column("open", sa.Boolean(), server_default="1", nullable=False),
        _moment("first_seen_at"),
        _moment("last_seen_at"),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name="fk_alert_episodes_park_id_parks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_episodes"),
        sa.UniqueConstraint("park_id", "key", name="uq_alert_episodes_park_id_key"),
    )
    op.create_index("ix_alert_episodes_park_open", "alert_episodes", ["park_id", "open"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        _moment("sent_at"),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("target", sa.Text(), server_default="", nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "event in ('alert', 'reminder', 'resolved')", name="ck_alert_deliveries_event"
        ),
        sa.CheckConstraint("outcome in ('sent', 'failed')", name="ck_alert_deliveries_outcome"),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["alert_rules.id"],
            name="fk_alert_deliveries_rule_id_alert_rules",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["alert_episodes.id"],
            name="fk_alert_deliveries_episode_id_alert_episodes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alert_deliveries"),
    )
    op.create_index(
        "ix_alert_deliveries_rule_episode", "alert_deliveries", ["rule_id", "episode_id"]
    )
    op.create_index("ix_alert_deliveries_episode_id", "alert_deliveries", ["episode_id"])
    op.create_table(
        "io_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(16), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("item_text", sa.Text(), server_default="", nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("entered_quantity", sa.Float(), nullable=True),
        sa.Column("entered_unit", sa.String(32), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("import_ref", sa.Text(), server_default="", nullable=False),
        sa.Column("changed_by", sa.Text(), server_default="", nullable=False),
        sa.Column("data_status", sa.String(32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("month between 1 and 12", name="ck_io_records_month"),
        sa.CheckConstraint("quantity >= 0", name="ck_io_records_quantity_not_negative"),
        sa.CheckConstraint(STREAMS, name="ck_io_records_stream"),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name="fk_io_records_park_id_parks", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name="fk_io_records_org_id_organisations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_io_records"),
        sa.UniqueConstraint(
            "org_id",
            "year",
            "month",
            "stream",
            "item",
            name="uq_io_records_org_id_year_month_stream_item",
        ),
    )
    op.create_index("ix_io_records_park_year", "io_records", ["park_id", "year"])


def downgrade() -> None:
    op.drop_index("ix_io_records_park_year", table_name="io_records")
    op.drop_table("io_records")
    op.drop_index("ix_alert_deliveries_episode_id", table_name="alert_deliveries")
    op.drop_index("ix_alert_deliveries_rule_episode", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_index("ix_alert_episodes_park_open", table_name="alert_episodes")
    op.drop_table("alert_episodes")
    op.drop_table("alert_rules")
