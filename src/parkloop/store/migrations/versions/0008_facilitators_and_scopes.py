"""Facilitator accounts with the parks that engaged them, and authorities scoped to one
province or one region

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OLD_ROLES = "role in ('admin', 'operator', 'enterprise', 'authority')"
NEW_ROLES = "role in ('admin', 'operator', 'enterprise', 'authority', 'facilitator')"
# Tables whose rows point to an account. SQLite changes a constraint by copying the table
# and dropping the old one, and with foreign keys enforced that drop would remove the
# sessions and API tokens of every account and forget who started each job: they are put
# aside and put back.
CHILDREN = ("web_sessions", "api_tokens")


def _recreate_users(check: str, add: bool) -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    kept: dict[str, list[dict[str, object]]] = {}
    owners: list[tuple[int, int]] = []
    if sqlite:
        for table in CHILDREN:
            kept[table] = [
                dict(r._mapping) for r in bind.execute(sa.text(f"select * from {table}"))
            ]
        owners = [
            (r.id, r.user_id)
            for r in bind.execute(sa.text("select id, user_id from jobs where user_id is not null"))
        ]
    with op.batch_alter_table("users", recreate="always" if sqlite else "auto") as batch:
        batch.drop_constraint("ck_users_role", type_="check")
        batch.create_check_constraint("ck_users_role", sa.text(check))
        if add:
            batch.add_column(
                sa.Column("province_code", sa.String(64), server_default="", nullable=False)
            )
            batch.add_column(sa.Column("region", sa.String(64), server_default="", nullable=False))
        else:
            batch.drop_column("region")
            batch.drop_column("province_code")
    if not sqlite:
        return
    for table, rows in kept.items():
        present = {r[0] for r in bind.execute(sa.text(f"select id from {table}"))}
        missing = [r for r in rows if r["id"] not in present]
        if missing:
            columns = list(missing[0])
            bind.execute(
                sa.text(
                    f"insert into {table} ({', '.join(columns)}) "
                    f"values ({', '.join(':' + c for c in columns)})"
                ),
                missing,
            )
    if owners:
        bind.execute(
            sa.text("update jobs set user_id = :user_id where id = :id and user_id is null"),
            [{"id": job_id, "user_id": user_id} for job_id, user_id in owners],
        )


def upgrade() -> None:
    _recreate_users(NEW_ROLES, add=True)
    op.create_table(
        "user_parks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_user_parks_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["parks.id"], name="fk_user_parks_park_id_parks", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "park_id", name="pk_user_parks"),
    )
    op.create_index("ix_user_parks_park_id", "user_parks", ["park_id"])


def downgrade() -> None:
    bind = op.get_bind()
    # The older schema has no facilitators, and would make a scoped authority national.
    held = bind.scalar(
        sa.text(
            "select count(*) from users where role = 'facilitator' "
            "or province_code <> '' or region <> ''"
        )
    )
    if held:
        raise RuntimeError(
            f"{held} account(s) are facilitators or authorities of one province or region, "
            "which the older schema cannot hold; remove them first"
        )
    op.drop_index("ix_user_parks_park_id", table_name="user_parks")
    op.drop_table("user_parks")
    _recreate_users(OLD_ROLES, add=False)
