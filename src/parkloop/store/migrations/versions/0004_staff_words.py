"""Staff's own words beside coded values: the material, sector and destination text with
how it was read, price provenance (the staff's or filled from the catalog), the current
province of a park, and the reference of the imported row a flow came from

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), server_default="", nullable=False)


def _recognition(prefix: str) -> list[sa.Column[object]]:
    return [
        _text(f"{prefix}_text"),
        sa.Column(f"{prefix}_confidence", sa.Float(), nullable=True),
        _text(f"{prefix}_basis"),
    ]


def _suggestions() -> sa.Column[object]:
    return sa.Column("material_suggestions", sa.JSON(), server_default="[]", nullable=False)


def _price() -> list[sa.Column[object]]:
    return [
        sa.Column("price_status", sa.String(16), server_default="", nullable=False),
        _text("price_source"),
    ]


def _added() -> dict[str, list[sa.Column[object]]]:
    return {
        "parks": [
            sa.Column("province_code", sa.String(64), server_default="", nullable=False),
            _text("province_text"),
        ],
        "organisations": _recognition("sector"),
        "flows": [
            *_recognition("material"),
            _suggestions(),
            _text("destination_text"),
            *_price(),
            _text("import_ref"),
        ],
        "listings": [*_recognition("material"), _suggestions(), *_price(), _text("import_ref")],
        "exchanges": _recognition("material"),
    }


def upgrade() -> None:
    for table, columns in _added().items():
        with op.batch_alter_table(table, recreate="never") as batch:
            for column in columns:
                batch.add_column(column)
    for table in ("flows", "listings"):
        op.execute(
            f"UPDATE {table} SET price_status = 'reported' WHERE price_vnd_per_unit IS NOT NULL"
        )


def downgrade() -> None:
    for table, columns in _added().items():
        with op.batch_alter_table(table, recreate="never") as batch:
            for column in reversed(columns):
                batch.drop_column(column.name)
