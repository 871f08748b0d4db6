"""Matches: on PostgreSQL, the references to the park and the two firms checked once per
statement instead of once per row

A national match saves about two million proposals at once. A foreign key checks each
row by a query of its own (three per proposal); here the same rules are kept by
statement-level triggers over the rows a statement wrote: the referenced parks and firms
are locked as a foreign key locks them (FOR KEY SHARE, so nobody deletes them before
this transaction ends), then one anti-join finds any row whose park or firm does not
exist and fails the statement with the foreign key's error code and name. Deleting (or
truncating) a park or a firm deletes its matches, as ON DELETE CASCADE did; changing
the id of one that matches refer to fails. SQLite keeps its foreign keys: its checks
are cheap lookups inside the insert itself.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# (constraint, column, referenced table): the foreign keys of matches replaced here.
REFERENCES = (
    ("fk_matches_park_id_parks", "park_id", "parks"),
    ("fk_matches_supplier_id_organisations", "supplier_id", "organisations"),
    ("fk_matches_receiver_id_organisations", "receiver_id", "organisations"),
)


def _violation(constraint: str, column: str, table: str) -> str:
    return (
        f"IF EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table} r WHERE r.id = w.{column})) THEN "
        f'RAISE EXCEPTION \'insert or update on table "matches" violates foreign key '
        f"constraint \"{constraint}\"' USING ERRCODE = 'foreign_key_violation', "
        f"DETAIL = 'Key ({column}) is not present in table \"{table}\".'; END IF;"
    )


CHECK = f"""
CREATE FUNCTION matches_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM parks WHERE id IN (SELECT park_id FROM written) FOR KEY SHARE;
  PERFORM 1 FROM organisations
    WHERE id IN (SELECT supplier_id FROM written UNION SELECT receiver_id FROM written)
    FOR KEY SHARE;
  {" ".join(_violation(*r) for r in REFERENCES)}
  RETURN NULL;
END $$
"""

CASCADE = """
CREATE FUNCTION matches_follow_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM matches;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM matches WHERE {where};
  ELSIF EXISTS (SELECT id FROM gone EXCEPT SELECT id FROM kept) THEN
    IF EXISTS (SELECT 1 FROM matches WHERE {changed}) THEN
      RAISE EXCEPTION 'update on table "{table}" changes an id that matches refer to'
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
  RETURN NULL;
END $$
"""

# Per referenced table: the matches a deleted row takes with it, and the test of an
# update that would leave matches pointing at an id that no longer exists.
FOLLOW = {
    "parks": (
        "park_id IN (SELECT id FROM gone)",
        "park_id IN (SELECT id FROM gone EXCEPT SELECT id FROM kept)",
    ),
    "organisations": (
        "supplier_id IN (SELECT id FROM gone) OR receiver_id IN (SELECT id FROM gone)",
        "supplier_id IN (SELECT id FROM gone EXCEPT SELECT id FROM kept) "
        "OR receiver_id IN (SELECT id FROM gone EXCEPT SELECT id FROM kept)",
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for constraint, _, _ in REFERENCES:
        op.drop_constraint(constraint, "matches", type_="foreignkey")
    op.execute(CHECK)
    for event in ("INSERT", "UPDATE"):
        op.execute(
            f"CREATE TRIGGER matches_references_{event.lower()} AFTER {event} ON matches "
            "REFERENCING NEW TABLE AS written FOR EACH STATEMENT "
            "EXECUTE FUNCTION matches_check_references()"
        )
    for table, (where, changed) in FOLLOW.items():
        op.execute(CASCADE.format(table=table, where=where, changed=changed))
        follow = f"EXECUTE FUNCTION matches_follow_{table}()"
        op.execute(
            f"CREATE TRIGGER matches_follow_delete AFTER DELETE ON {table} "
            f"REFERENCING OLD TABLE AS gone FOR EACH STATEMENT {follow}"
        )
        op.execute(
            f"CREATE TRIGGER matches_follow_update AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS gone NEW TABLE AS kept FOR EACH STATEMENT {follow}"
        )
        op.execute(f"CREATE TRIGGER matches_follow_truncate AFTER TRUNCATE ON {table} {follow}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in FOLLOW:
        for event in ("delete", "update", "truncate"):
            op.execute(f"DROP TRIGGER matches_follow_{event} ON {table}")
        op.execute(f"DROP FUNCTION matches_follow_{table}()")
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER matches_references_{event} ON matches")
    op.execute("DROP FUNCTION matches_check_references()")
    op.execute("DELETE FROM matches WHERE park_id NOT IN (SELECT id FROM parks)")
    op.execute(
        "DELETE FROM matches WHERE supplier_id NOT IN (SELECT id FROM organisations) "
        "OR receiver_id NOT IN (SELECT id FROM organisations)"
    )
    for constraint, column, table in REFERENCES:
        op.create_foreign_key(constraint, "matches", table, [column], ["id"], ondelete="CASCADE")
