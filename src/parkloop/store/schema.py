"""The database schema, in SQLAlchemy Core. Alembic migrations are written against it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
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
    # A hash of the values a save of proposals wrote (store.matching.save_proposals): a
    # proposal saved again with the same hash is left as it is. Any other write clears it.
    Column("saved_hash", BigInteger),
    UniqueConstraint("supply_kind", "supply_id", "demand_kind", "demand_id"),
)
Index("ix_matches_park_status", matches.c.park_id, matches.c.status)
# On PostgreSQL these three references of matches are kept by statement-level triggers
# (migration 0013: a national save writes two million rows, one check per statement
# instead of three per row); SQLite keeps them as foreign keys.
STATEMENT_CHECKED_KEYS = frozenset(
    {
        "fk_matches_park_id_parks",
        "fk_matches_supplier_id_organisations",
        "fk_matches_receiver_id_organisations",
    }
)

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

# -- monitoring stations ---------------------------------------------------------------------
# The readings are not here: see parkloop.store.readings (Parquet beside SQLite, a table
# partitioned by month on PostgreSQL).

STATION_KINDS = ("wwtp-outlet", "enterprise-outlet", "stack")

stations = Table(
    "stations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    # The enterprise owning the station; none for the park's own (its central WWTP).
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE")),
    # Unique across parks: a reading names its station by code alone.
    Column("code", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("limit_set", String(64), nullable=False),
    Column("limit_column", String(16), nullable=False, server_default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("flow_m3_per_day", Float),
    Column("receiving_water", String(64)),
    Column("interval_s", Integer, nullable=False, server_default="300"),
    Column("gap_factor", Integer, nullable=False, server_default="3"),
    Column("accept_partial", Boolean, nullable=False, server_default="0"),
    # The day the source started discharging (transitional rules of the limit sets); none:
    # an existing facility.
    Column("commissioned_on", Date),
    # The station's push token, only as its SHA-256 hash (like api_tokens).
    Column("token_hash", String(64), unique=True),
    Column("token_created_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    *_provenance(),
    CheckConstraint("kind in ('wwtp-outlet', 'enterprise-outlet', 'stack')", name="kind"),
    CheckConstraint("interval_s > 0", name="interval_positive"),
    CheckConstraint("gap_factor > 0", name="gap_factor_positive"),
    Index("ix_stations_park_id", "park_id"),
)

station_parameters = Table(
    "station_parameters",
    metadata,
    Column("station_id", ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True),
    Column("parameter", String(32), primary_key=True),
    Column("position", Integer, nullable=False, server_default="0"),
)

# -- alerts of monitoring findings, and periodic input/output records -----------------------
# docs/methods/alerts.md and docs/methods/io-monitoring.md

ALERT_CHANNELS = ("log", "webhook", "email")
ALERT_EVENTS = ("alert", "reminder", "resolved")

# Who is told of what in a park; changed only by its operator (services/alerts.py).
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("kinds", JSON, nullable=False, default=list),  # FindingKind values
    Column("stations", JSON, nullable=False, default=list),  # station codes; empty: all
    Column("channel", String(16), nullable=False),
    Column("target", Text, nullable=False, server_default=""),
    Column("reminder_s", Integer),  # none: no reminders
    Column("lang", String(2), nullable=False, server_default="vi"),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("changed_by", Text, nullable=False, server_default=""),
    UniqueConstraint("park_id", "name"),
    CheckConstraint("channel in ('log', 'webhook', 'email')", name="channel"),
    CheckConstraint("reminder_s is null or reminder_s > 0", name="reminder_positive"),
)

# One row per episode a check found (station, parameter, kind, start), with what was last
# known of it; ``open``: still going on at the last check that saw it.
alert_episodes = Table(
    "alert_episodes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(300), nullable=False),
    Column("station", String(64), nullable=False),
    Column("parameter", String(32)),
    Column("kind", String(32), nullable=False),
    Column("start_at", DateTime(timezone=True), nullable=False),
    Column("end_at", DateTime(timezone=True), nullable=False),
    Column("peak", Float),
    Column("limit_value", Float),
    Column("window", String(16)),
    Column("source", Text, nullable=False, server_default=""),
    Column("status", String(32), nullable=False, server_default=""),
    Column("open", Boolean, nullable=False, server_default="1"),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("park_id", "key"),
    Index("ix_alert_episodes_park_open", "park_id", "open"),
)

# Every message tried: for which rule and episode, when, by which channel, and how it went.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False),
    Column("episode_id", ForeignKey("alert_episodes.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(16), nullable=False),
    Column("open", Boolean, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("target", Text, nullable=False, server_default=""),
    Column("outcome", String(8), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    CheckConstraint("event in ('alert', 'reminder', 'resolved')", name="event"),
    CheckConstraint("outcome in ('sent', 'failed')", name="outcome"),
    Index("ix_alert_deliveries_rule_episode", "rule_id", "episode_id"),
    Index("ix_alert_deliveries_episode_id", "episode_id"),
)

IO_STREAMS = ("electricity", "fuel", "water-in", "wastewater-out", "material", "chemical")

# Monthly input/output records of an enterprise (Decree 82/2018 and 35/2022, criterion 7):
# one row per enterprise, month, stream and item (a fuel, a material, a chemical).
io_records = Table(
    "io_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("stream", String(16), nullable=False),
    Column("item", String(64), nullable=False),  # code: electricity, a fuel, a material …
    Column("item_text", Text, nullable=False, server_default=""),  # the staff's words
    Column("quantity", Float, nullable=False),  # in ``unit``, the canonical unit
    Column("unit", String(16), nullable=False),
    Column("entered_quantity", Float),
    Column("entered_unit", String(32)),
    Column("note", Text, nullable=False, server_default=""),
    Column("import_ref", Text, nullable=False, server_default=""),
    Column("changed_by", Text, nullable=False, server_default=""),
    *_provenance(),
    UniqueConstraint("org_id", "year", "month", "stream", "item"),
    CheckConstraint("month between 1 and 12", name="month"),
    CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    CheckConstraint(
        "stream in ('electricity', 'fuel', 'water-in', 'wastewater-out', 'material', 'chemical')",
        name="stream",
    ),
    Index("ix_io_records_park_year", "park_id", "year"),
)

# -- a park's intake limits (the limit set of stations whose limit_set is "park-intake") -------

# The park's own limits of what its central WWTP accepts, kept as the YAML document the
# operator gave (the format of the QCVN limit sets: monitoring/data/limits.schema.yaml).
park_intake_limits = Table(
    "park_intake_limits",
    metadata,
    Column("park_id", ForeignKey("parks.id", ondelete="CASCADE"), primary_key=True),
    Column("document", Text, nullable=False),
    Column("source", Text, nullable=False, server_default=""),
    Column("changed_by", Text, nullable=False, server_default=""),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)
