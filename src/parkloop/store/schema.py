"""The database schema, in SQLAlchemy Core. Alembic migrations are written against it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# The accounting of a proposed match, one column per figure (see accounting/pairs.py).
# How well a proposal fits and the factors that make it (docs/methods/matching.md).
FIT_COLUMNS = ("fit", "fit_sector", "fit_quality", "fit_quantity", "fit_distance")
ACCOUNT_COLUMNS = (
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


def _recognition(prefix: str = "material") -> list[Column[object]]:
    """The staff's own words for a coded value, and how they were read (never overwritten)."""
    return [
        Column(f"{prefix}_text", Text, nullable=False, server_default=""),
        Column(f"{prefix}_confidence", Float),
        Column(f"{prefix}_basis", Text, nullable=False, server_default=""),
    ]


def _price_provenance() -> list[Column[object]]:
    """Whether a price is the staff's own (``reported``) or filled from the catalog."""
    return [
        Column("price_status", String(16), nullable=False, server_default=""),
        Column("price_source", Text, nullable=False, server_default=""),
    ]


def _provenance() -> list[Column[str]]:
    """How sure a row is and where it comes from: on every table users fill in."""
    return [
        Column("data_status", String(32), nullable=False, server_default="reported"),
        Column("source", Text, nullable=False, server_default=""),
    ]


meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

parks = Table(
    "parks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name_vi", Text, nullable=False),
    Column("name_en", Text, nullable=False, server_default=""),
    Column("country", String(2), nullable=False, server_default="VN"),
    Column("province", Text, nullable=False, server_default=""),
    Column("region", String(64), nullable=False, server_default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("boundary_geojson", Text),
    Column("total_area_ha", Float),
    Column("wwtp_capacity_m3_per_day", Float),
    Column("operator", Text, nullable=False, server_default=""),
    Column("established_year", Integer),
    Column("notes", Text, nullable=False, server_default=""),
    Column("province_code", String(64), nullable=False, server_default=""),
    Column("province_text", Text, nullable=False, server_default=""),
    *_provenance(),
)

land_use = Table(
    "land_use",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("land_class", String(32), nullable=False),
    Column("area_ha", Float, nullable=False),
    *_provenance(),
    UniqueConstraint("park_id", "land_class"),
    CheckConstraint("area_ha >= 0", name="area_not_negative"),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("kind", String(32), nullable=False, server_default="enterprise"),
    Column("name_vi", Text, nullable=False),
    Column("name_en", Text, nullable=False, server_default=""),
    Column("tax_code", String(32), nullable=False, server_default=""),
    Column("vsic", String(8), nullable=False, server_default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("inside_park", Boolean, nullable=False, server_default="1"),
    Column("employees", Integer),
    Column("certifications", JSON, nullable=False, default=list),
    Column("recp_status", String(16), nullable=False, server_default="unaware"),
    Column("clubs", JSON, nullable=False, default=list),
    Column("plans_symbiosis", Boolean, nullable=False, server_default="0"),
    Column("notes", Text, nullable=False, server_default=""),
    *_recognition("sector"),
    *_provenance(),
    UniqueConstraint("park_id", "code"),
)
Index("ix_organisations_park_kind", organisations.c.park_id, organisations.c.kind)

materials = Table(
    "materials",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name_vi", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("material_class", String(32), nullable=False),
    Column("canonical_unit", String(16), nullable=False),
    Column("hazardous", Boolean, nullable=False),
    Column("parent", String(64), nullable=False, server_default=""),
    Column("vn_waste_group", String(8), nullable=False, server_default=""),
    Column("ewc_code", String(16), nullable=False, server_default=""),
    Column("hs_code", String(32), nullable=False, server_default=""),
    Column("status", String(32), nullable=False),
    Column("source", Text, nullable=False),
)

flows = Table(
    "flows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("period_months", Integer, nullable=False, server_default="12"),
    Column("first_month", Integer, nullable=False, server_default="1"),
    Column("direction", String(3), nullable=False),
    Column("material_code", ForeignKey("materials.code"), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("waste_code", String(16), nullable=False, server_default=""),
    Column("quantity", Float, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("entered_quantity", Float),
    Column("entered_unit", String(32)),
    Column("frequency", String(16), nullable=False, server_default="continuous"),
    Column("quality", Text, nullable=False, server_default=""),
    Column("price_vnd_per_unit", Float),
    Column("destination", String(32)),
    Column("confidentiality", String(8), nullable=False, server_default="park"),
    Column("note", Text, nullable=False, server_default=""),
    *_recognition(),
    Column("material_suggestions", JSON, nullable=False, default=list),
    Column("destination_text", Text, nullable=False, server_default=""),
    *_price_provenance(),
    Column("import_ref", Text, nullable=False, server_default=""),
    *_provenance(),
    UniqueConstraint("park_id", "key"),
    CheckConstraint("direction in ('in', 'out')", name="direction"),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
)
Index("ix_flows_org", flows.c.org_id)
Index("ix_flows_material_direction", flows.c.material_code, flows.c.direction)

listings = Table(
    "listings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("material_code", ForeignKey("materials.code"), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("waste_code", String(16), nullable=False, server_default=""),
    Column("quantity", Float, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("entered_quantity", Float),
    Column("entered_unit", String(32)),
    Column("available_from", Date),
    Column("available_until", Date),
    Column("quality", Text, nullable=False, server_default=""),
    Column("price_vnd_per_unit", Float),
    Column("max_distance_km", Float),
    Column("confidentiality", String(8), nullable=False, server_default="park"),
    Column("status", String(8), nullable=False, server_default="open"),
    Column("note", Text, nullable=False, server_default=""),
    *_recognition(),
    Column("material_suggestions", JSON, nullable=False, default=list),
    *_price_provenance(),
    Column("import_ref", Text, nullable=False, server_default=""),
    *_provenance(),
    UniqueConstraint("park_id", "key"),
    CheckConstraint("kind in ('offer', 'want')", name="kind"),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
)

exchanges = Table(
    "exchanges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("supplier_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("receiver_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("material_code", ForeignKey("materials.code"), nullable=False),
    Column("receiver_material_code", ForeignKey("materials.code")),
    Column("description", Text, nullable=False, server_default=""),
    Column("quantity", Float, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("entered_quantity", Float),
    Column("entered_unit", String(32)),
    Column("distance_km", Float),
    Column("transport_mode", String(16), nullable=False, server_default="truck"),
    Column("rate_vnd_per_tkm", Float),
    Column("tonnes_per_trip", Float),
    Column("trips_per_day", Float),
    Column("operating_days_per_year", Float, nullable=False, server_default="365"),
    Column("price_vnd_per_unit", Float),
    Column("treatment", Text, nullable=False, server_default=""),
    Column("treatment_cost_vnd_per_unit", Float),
    Column("status", String(16), nullable=False, server_default="proposed"),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("route", String(200), nullable=False, server_default=""),
    Column("origin", String(16), nullable=False, server_default="recorded"),
    Column("match_id", Integer),
    Column("run_id", Integer),
    Column("note", Text, nullable=False, server_default=""),
    *_recognition(),
    *_provenance(),
    UniqueConstraint("park_id", "key"),
    CheckConstraint("supplier_id <> receiver_id", name="not_self"),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
)
Index("ix_exchanges_supplier", exchanges.c.supplier_id)
Index("ix_exchanges_receiver", exchanges.c.receiver_id)

recp_measures = Table(
    "recp_measures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("year", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("category", String(32), nullable=False, server_default="energy_efficiency"),
    Column("implemented", Boolean, nullable=False, server_default="1"),
    Column("electricity_saved_mwh", Float, nullable=False, server_default="0"),
    Column("fuel_saved_gj", Float, nullable=False, server_default="0"),
    Column("water_saved_m3", Float, nullable=False, server_default="0"),
    Column("materials_saved_t", Float, nullable=False, server_default="0"),
    Column("cost_saved_vnd", Float, nullable=False, server_default="0"),
    Column("investment_vnd", Float, nullable=False, server_default="0"),
    Column("note", Text, nullable=False, server_default=""),
    *_provenance(),
    Column("fuel_type", String(32), nullable=False, server_default=""),
    Column("fuel_text", Text, nullable=False, server_default=""),
    Column("chemicals_saved_t", Float, nullable=False, server_default="0"),
    UniqueConstraint("park_id", "key"),
)

matches = Table(
    "matches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("supply_kind", String(8), nullable=False),
    Column("supply_id", Integer, nullable=False),
    Column("demand_kind", String(8), nullable=False),
    Column("demand_id", Integer, nullable=False),
    Column("supplier_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("receiver_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("material_code", String(64), nullable=False),
    Column("receiver_material_code", String(64), nullable=False),
    Column("rule_id", String(64), nullable=False, server_default=""),
    Column("quantity", Float, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("distance_km", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("rank", Integer, nullable=False, server_default="0"),
    Column("net_benefit_vnd_per_year", Float, nullable=False),
    Column("co2e_t_per_year", Float, nullable=False),
    Column("similarity", Float, nullable=False, server_default="0"),
    Column("supply_quantity", Float, nullable=False, server_default="0"),
    Column("demand_quantity", Float, nullable=False, server_default="0"),
    Column("year", Integer, nullable=False, server_default="0"),
    Column("attribution", Float, nullable=False, server_default="1"),
    Column("deadweight", Float, nullable=False, server_default="0"),
    *[Column(name, Float, nullable=False, server_default="0") for name in ACCOUNT_COLUMNS],
    *[Column(name, Float, nullable=False, server_default="1") for name in FIT_COLUMNS],
    Column("fit_note", String(64), nullable=False, server_default=""),
    Column("fingerprint", String(64), nullable=False),
    Column("status", String(16), nullable=False, server_default="proposed"),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", Text, nullable=False, server_default=""),
    Column("decision_reason", Text, nullable=False, server_default=""),
    Column("exchange_id", ForeignKey("exchanges.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("supply_kind", "supply_id", "demand_kind", "demand_id"),
)
Index("ix_matches_park_status", matches.c.park_id, matches.c.status)

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE")),
    Column("indicator_id", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("value", Float),
    Column("value_text", Text, nullable=False, server_default=""),
    Column("file_name", Text, nullable=False, server_default=""),
    Column("file_sha256", String(64), nullable=False, server_default=""),
    Column("file_content", LargeBinary),
    Column("note", Text, nullable=False, server_default=""),
    Column("confirmed_by", Text, nullable=False, server_default=""),
    Column("confirmed_on", Date),
    *_provenance(),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
Index("ix_evidence_park_indicator", evidence.c.park_id, evidence.c.indicator_id)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE")),
    Column("ruleset", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("overall_percent", Float),
    Column("result", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

optimisation_runs = Table(
    "optimisation_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", Text, nullable=False),
    Column("objective", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("objective_value", Float),
    Column("result", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

change_log = Table(
    "change_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("actor", Text, nullable=False, server_default=""),
    Column("action", String(32), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("object_key", Text, nullable=False, server_default=""),
    Column("park_code", String(64), nullable=False, server_default=""),
    Column("detail", JSON, nullable=False, default=dict),
)

# -- accounts of the web application -------------------------------------------------------

ACCOUNT_ROLES = ("admin", "operator", "enterprise", "authority", "facilitator")

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),  # stored lower-case
    Column("name", Text, nullable=False, server_default=""),
    Column("role", String(16), nullable=False),
    Column("park_id", ForeignKey("parks.id", ondelete="SET NULL")),
    Column("org_id", ForeignKey("organisations.id", ondelete="SET NULL")),
    Column("password_hash", Text, nullable=False, server_default=""),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("lang", String(2), nullable=False, server_default="vi"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("password_changed_at", DateTime(timezone=True)),
    CheckConstraint(
        "role in ('admin', 'operator', 'enterprise', 'authority', 'facilitator')", name="role"
    ),
    # An authority of one province or one region (codes of catalog/data/provinces_2025.csv
    # and regions.csv); neither: the whole country.
    Column("province_code", String(64), nullable=False, server_default=""),
    Column("region", String(64), nullable=False, server_default=""),
)

# The parks that engaged a facilitator.
user_parks = Table(
    "user_parks",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_user_parks_park_id", "park_id"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ip", String(64), nullable=False, server_default=""),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE")),
    # 'api': a script's token; 'setup': the one-time link that creates the administrator.
    Column("purpose", String(16), nullable=False, server_default="api"),
    Column("name", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    CheckConstraint("purpose in ('api', 'setup')", name="purpose"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("ip", String(64), nullable=False, server_default=""),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("ok", Boolean, nullable=False),
    Index("ix_login_attempts_email_at", "email", "at"),
    Index("ix_login_attempts_ip_at", "ip", "at"),
)

# -- background jobs -------------------------------------------------------------------------

JOB_STATUSES = ("queued", "running", "done", "failed")

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("params", JSON, nullable=False, default=dict),
    # An uploaded file the job reads (a workbook to import), kept in the database so a
    # worker on another machine can read it; cleared when the job ends.
    Column("payload", LargeBinary),
    Column("status", String(16), nullable=False, server_default="queued"),
    Column("stage", Text, nullable=False, server_default=""),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("total", Integer, nullable=False, server_default="0"),
    Column("message", Text, nullable=False, server_default=""),
    Column("result", JSON, nullable=False, default=dict),
    Column("actor", Text, nullable=False, server_default=""),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("park_code", String(64), nullable=False, server_default=""),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("worker", Text, nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("heartbeat_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    CheckConstraint("status in ('queued', 'running', 'done', 'failed')", name="status"),
    Index("ix_jobs_status", "status"),
)
