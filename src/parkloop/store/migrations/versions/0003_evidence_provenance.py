"""Evidence rows get their own data_status and source columns, like every other table
users fill in; provenance written at the end of the note moves into them

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# How revision 0002 kept provenance: a trailer at the end of the note.
_TRAILER = re.compile(r"\n?\[data_status: (?P<status>[a-z_]+)\]\[source: (?P<source>.*)\]\Z", re.S)

_evidence = sa.table(
    "evidence",
    sa.column("id", sa.Integer),
    sa.column("note", sa.Text),
    sa.column("data_status", sa.String),
    sa.column("source", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(
            sa.Column("data_status", sa.String(32), server_default="reported", nullable=False)
        )
        batch.add_column(sa.Column("source", sa.Text(), server_default="", nullable=False))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_evidence.c.id, _evidence.c.note)).all()
    for row_id, note in rows:
        m = _TRAILER.search(note or "")
        if m is None:
            continue
        conn.execute(
            _evidence.update()
            .where(_evidence.c.id == row_id)
            .values(note=note[: m.start()], data_status=m["status"], source=m["source"])
        )


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_evidence.c.id, _evidence.c.note, _evidence.c.data_status, _evidence.c.source)
    ).all()
    for row_id, note, status, source in rows:
        trailer = f"[data_status: {status}][source: {source}]"
        conn.execute(
            _evidence.update()
            .where(_evidence.c.id == row_id)
            .values(note=f"{note}\n{trailer}" if note else trailer)
        )
    with op.batch_alter_table("evidence") as batch:
        batch.drop_column("source")
        batch.drop_column("data_status")
