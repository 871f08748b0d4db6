"""Initial schema: registry, inventory, listings, exchanges, matches, evidence, assessments

Revision ID: 0001
Revises:
Create Date: 2026-11-25 19:57:56.227300
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("actor", sa.Text(), server_default="", nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_key", sa.Text(), server_default="", nullable=False),
        sa.Column("park_code", sa.String(length=64), server_default="", nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    op.create_table(
        "materials",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("material_class", sa.String(length=32), nullable=False),
        sa.Column("canonical_unit", sa.String(length=16), nullable=False),
        sa.Column("hazardous", sa.Boolean(), nullable=False),
        sa.Column("parent", sa.String(length=64), server_default="", nullable=False),
        sa.Column("vn_waste_group", sa.String(length=8), server_default="", nullable=False),
        sa.Column("ewc_code", sa.String(length=16), server_default="", nullable=False),
        sa.Column("hs_code", sa.String(length=32), server_default="", nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_materials")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "optimisation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("objective", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("objective_value", sa.Float(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_optimisation_runs")),
    )
    op.create_table(
        "parks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), server_default="", nullable=False),
        sa.Column("country", sa.String(length=2), server_default="VN", nullable=False),
        sa.Column("province", sa.Text(), server_default="", nullable=False),
        sa.Column("region", sa.String(length=64), server_default="", nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("boundary_geojson", sa.Text(), nullable=True),
        sa.Column("total_area_ha", sa.Float(), nullable=True),
        sa.Column("wwtp_capacity_m3_per_day", sa.Float(), nullable=True),
        sa.Column("operator", sa.Text(), server_default="", nullable=False),
        sa.Column("established_year", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("data_status", sa.String(length=32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parks")),
        sa.UniqueConstraint("code", name=op.f("uq_parks_code")),
    )
    op.create_table(
        "land_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("land_class", sa.String(length=32), nullable=False),
        sa.Column("area_ha", sa.Float(), nullable=False),
        sa.Column("data_status", sa.String(length=32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("area_ha >= 0", name=op.f("ck_land_use_area_not_negative")),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_land_use_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_land_use")),
        sa.UniqueConstraint("park_id", "land_class", name=op.f("uq_land_use_park_id_land_class")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), server_default="enterprise", nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), server_default="", nullable=False),
        sa.Column("tax_code", sa.String(length=32), server_default="", nullable=False),
        sa.Column("vsic", sa.String(length=8), server_default="", nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("inside_park", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("certifications", sa.JSON(), nullable=False),
        sa.Column("recp_status", sa.String(length=16), server_default="unaware", nullable=False),
        sa.Column("clubs", sa.JSON(), nullable=False),
        sa.Column("plans_symbiosis", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("data_status", sa.String(length=32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_organisations_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("park_id", "code", name=op.f("uq_organisations_park_id_code")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index("ix_organisations_park_kind", ["park_id", "kind"], unique=False)

    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("ruleset", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("overall_percent", sa.Float(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_assessments_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_assessments_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("indicator_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("value_text", sa.Text(), server_default="", nullable=False),
        sa.Column("file_name", sa.Text(), server_default="", nullable=False),
        sa.Column("file_sha256", sa.String(length=64), server_default="", nullable=False),
        sa.Column("file_content", sa.LargeBinary(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("confirmed_by", sa.Text(), server_default="", nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_evidence_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_evidence_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evidence_park_indicator", ["park_id", "indicator_id"], unique=False
        )

    op.create_table(
        "exchanges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("material_code", sa.String(length=64), nullable=False),
        sa.Column("receiver_material_code", sa.String(length=64), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("entered_quantity", sa.Float(), nullable=True),
        sa.Column("entered_unit", sa.String(length=32), nullable=True),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("transport_mode", sa.String(length=16), server_default="truck", nullable=False),
        sa.Column("rate_vnd_per_tkm", sa.Float(), nullable=True),
        sa.Column("tonnes_per_trip", sa.Float(), nullable=True),
        sa.Column("trips_per_day", sa.Float(), nullable=True),
        sa.Column("operating_days_per_year", sa.Float(), server_default="365", nullable=False),
        sa.Column("price_vnd_per_unit", sa.Float(), nullable=True),
        sa.Column("treatment", sa.Text(), server_default="", nullable=False),
        sa.Column("treatment_cost_vnd_per_unit", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="proposed", nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("route", sa.String(length=200), server_default="", nullable=False),
        sa.Column("origin", sa.String(length=16), server_default="recorded", nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("data_status", sa.String(length=32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_exchanges_quantity_not_negative")),
        sa.CheckConstraint("supplier_id <> receiver_id", name=op.f("ck_exchanges_not_self")),
        sa.ForeignKeyConstraint(
            ["material_code"], ["materials.code"], name=op.f("fk_exchanges_material_code_materials")
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_exchanges_park_id_parks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["organisations.id"],
            name=op.f("fk_exchanges_receiver_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_material_code"],
            ["materials.code"],
            name=op.f("fk_exchanges_receiver_material_code_materials"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_exchanges_supplier_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchanges")),
        sa.UniqueConstraint("park_id", "key", name=op.f("uq_exchanges_park_id_key")),
    )
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.create_index("ix_exchanges_receiver", ["receiver_id"], unique=False)
        batch_op.create_index("ix_exchanges_supplier", ["supplier_id"], unique=False)

    op.create_table(
        "flows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period_months", sa.Integer(), server_default="12", nullable=False),
        sa.Column("first_month", sa.Integer(), server_default="1", nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("material_code", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("waste_code", sa.String(length=16), server_default="", nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("entered_quantity", sa.Float(), nullable=True),
        sa.Column("entered_unit", sa.String(length=32), nullable=True),
        sa.Column("frequency", sa.String(length=16), server_default="continuous", nullable=False),
        sa.Column("quality", sa.Text(), server_default="", nullable=False),
        sa.Column("price_vnd_per_unit", sa.Float(), nullable=True),
        sa.Column("destination", sa.String(length=32), nullable=True),
        sa.Column("confidentiality", sa.String(length=8), server_default="park", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("data_status", sa.String(length=32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("direction in ('in', 'out')", name=op.f("ck_flows_direction")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_flows_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["material_code"], ["materials.code"], name=op.f("fk_flows_material_code_materials")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_flows_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_flows_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flows")),
        sa.UniqueConstraint("park_id", "key", name=op.f("uq_flows_park_id_key")),
    )
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flows_material_direction", ["material_code", "direction"], unique=False
        )
        batch_op.create_index("ix_flows_org", ["org_id"], unique=False)

    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("material_code", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("waste_code", sa.String(length=16), server_default="", nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("entered_quantity", sa.Float(), nullable=True),
        sa.Column("entered_unit", sa.String(length=32), nullable=True),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("available_until", sa.Date(), nullable=True),
        sa.Column("quality", sa.Text(), server_default="", nullable=False),
        sa.Column("price_vnd_per_unit", sa.Float(), nullable=True),
        sa.Column("max_distance_km", sa.Float(), nullable=True),
        sa.Column("confidentiality", sa.String(length=8), server_default="park", nullable=False),
        sa.Column("status", sa.String(length=8), server_default="open", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("data_status", sa.String(length=32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint("kind in ('offer', 'want')", name=op.f("ck_listings_kind")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_listings_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["material_code"], ["materials.code"], name=op.f("fk_listings_material_code_materials")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_listings_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_listings_park_id_parks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
        sa.UniqueConstraint("park_id", "key", name=op.f("uq_listings_park_id_key")),
    )
    op.create_table(
        "recp_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column(
            "category", sa.String(length=32), server_default="energy_efficiency", nullable=False
        ),
        sa.Column("implemented", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("electricity_saved_mwh", sa.Float(), server_default="0", nullable=False),
        sa.Column("fuel_saved_gj", sa.Float(), server_default="0", nullable=False),
        sa.Column("water_saved_m3", sa.Float(), server_default="0", nullable=False),
        sa.Column("materials_saved_t", sa.Float(), server_default="0", nullable=False),
        sa.Column("cost_saved_vnd", sa.Float(), server_default="0", nullable=False),
        sa.Column("investment_vnd", sa.Float(), server_default="0", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("data_status", sa.String(length=32), server_default="reported", nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_recp_measures_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["parks.id"],
            name=op.f("fk_recp_measures_park_id_parks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recp_measures")),
        sa.UniqueConstraint("park_id", "key", name=op.f("uq_recp_measures_park_id_key")),
    )
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("supply_kind", sa.String(length=8), nullable=False),
        sa.Column("supply_id", sa.Integer(), nullable=False),
        sa.Column("demand_kind", sa.String(length=8), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("material_code", sa.String(length=64), nullable=False),
        sa.Column("receiver_material_code", sa.String(length=64), nullable=False),
        sa.Column("rule_id", sa.String(length=64), server_default="", nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), server_default="0", nullable=False),
        sa.Column("net_benefit_vnd_per_year", sa.Float(), nullable=False),
        sa.Column("co2e_t_per_year", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("accounting", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="proposed", nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), server_default="", nullable=False),
        sa.Column("decision_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("exchange_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["exchange_id"],
            ["exchanges.id"],
            name=op.f("fk_matches_exchange_id_exchanges"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name=op.f("fk_matches_park_id_parks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["organisations.id"],
            name=op.f("fk_matches_receiver_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["organisations.id"],
            name=op.f("fk_matches_supplier_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint(
            "supply_kind",
            "supply_id",
            "demand_kind",
            "demand_id",
            name=op.f("uq_matches_supply_kind_supply_id_demand_kind_demand_id"),
        ),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index("ix_matches_park_status", ["park_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("ix_matches_park_status")

    op.drop_table("matches")
    op.drop_table("recp_measures")
    op.drop_table("listings")
    with op.batch_alter_table("flows", schema=None) as batch_op:
        batch_op.drop_index("ix_flows_org")
        batch_op.drop_index("ix_flows_material_direction")

    op.drop_table("flows")
    with op.batch_alter_table("exchanges", schema=None) as batch_op:
        batch_op.drop_index("ix_exchanges_supplier")
        batch_op.drop_index("ix_exchanges_receiver")

    op.drop_table("exchanges")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_park_indicator")

    op.drop_table("evidence")
    op.drop_table("assessments")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_park_kind")

    op.drop_table("organisations")
    op.drop_table("land_use")
    op.drop_table("parks")
    op.drop_table("optimisation_runs")
    op.drop_table("meta")
    op.drop_table("materials")
    op.drop_table("change_log")
