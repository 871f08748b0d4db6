"""Matches, on PostgreSQL: the rows a statement wrote are read once to check their
references, instead of six times

The statement-level trigger of migration 0013 read the rows a statement wrote (its
transition table, which holds whole rows: about 430 bytes each, two million of them in
a national save) once for each lock and each reference. It now reads them once, keeping
the distinct parks and firms they name, and locks and checks those. Same rules, same
error (the foreign key's code and name).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# (constraint, column, referenced table, the variable holding the column's distinct ids)
REFERENCES = (
    ("fk_matches_park_id_parks", "park_id", "parks", "parks_named"),
    ("fk_matches_supplier_id_organisations", "supplier_id", "organisations", "suppliers"),
    ("fk_matches_receiver_id_organisations", "receiver_id", "organisations", "receivers"),
)


def _violation(constraint: str, column: str, table: str, ids: str) -> str:
    return (
        f"IF EXISTS (SELECT 1 FROM unnest({ids}) AS w(id) WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} r WHERE r.id = w.id)) THEN "
        f'RAISE EXCEPTION \'insert or update on table "matches" violates foreign key '
        f"constraint \"{constraint}\"' USING ERRCODE = 'foreign_key_violation', "
        f"DETAIL = 'Key ({column}) is not present in table \"{table}\".'; END IF;"
    )


CHECK = f"""
CREATE OR REPLACE FUNCTION matches_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parks_named integer[];
  suppliers integer[];
  receivers integer[];
BEGIN
  SELECT array_agg(DISTINCT park_id), array_agg(DISTINCT supplier_id),
         array_agg(DISTINCT receiver_id)
    INTO parks_named, suppliers, receivers FROM written;
  PERFORM 1 FROM parks WHERE id IN (SELECT unnest(parks_named)) FOR KEY SHARE;
  PERFORM 1 FROM organisations
    WHERE id IN (SELECT unnest(suppliers) UNION SELECT unnest(receivers))
    FOR KEY SHARE;
  {" ".join(_violation(*r) for r in REFERENCES)}
  RETURN NULL;
END $$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CHECK)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    import importlib.util
    from pathlib import Path

    # The function as migration 0013 wrote it (alembic loads migrations by their path).
    path = Path(__file__).with_name("0013_match_references_per_statement.py")
    spec = importlib.util.spec_from_file_location("match_references_0013", path)
    assert spec is not None and spec.loader is not None
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    op.execute(before.CHECK.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
