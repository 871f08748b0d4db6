"""The change log: every write says who changed what and the old and new values, an
import's changes included, and nothing can rewrite or remove an entry (both databases)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from parkloop.domain.permissions import Role, Viewer
from parkloop.examples import example
from parkloop.services import history
from parkloop.services.importing import import_path
from parkloop.store.schema import change_log

ADMIN = Viewer(Role.ADMIN, name="admin")


def copy_example(tmp_path: Path) -> Path:
    return Path(shutil.copytree(example("nam-cau-kien").path, tmp_path / "nck"))


def change_first_flow(folder: Path, quantity: str) -> None:
    path = folder / "flows.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("quantity")] = quantity
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def log(engine: sa.Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(change_log).order_by(change_log.c.id))
        return [dict(r._mapping) for r in rows]


def test_an_import_logs_each_record_it_changes_with_old_and_new_values(
    engine: sa.Engine, tmp_path: Path
) -> None:
    folder = copy_example(tmp_path)
    import_path(engine, folder, actor="officer@kcn")
    import_path(engine, folder, actor="officer@kcn")  # the same file again changes nothing
    assert [e["action"] for e in log(engine)] == ["import", "import"]
    change_first_flow(folder, "1.200.000")
    import_path(engine, folder, actor="officer@kcn", decimal=",")
    updates = [e for e in log(engine) if e["action"] == "update"]
    assert len(updates) == 1
    entry = updates[0]
    assert entry["actor"] == "officer@kcn" and entry["object_type"] == "flow"
    assert entry["detail"]["changed"]["quantity"] == [1150000.0, 1200000.0]
    # The record's own history shows it, and the import that created it.
    flow_id = entry["detail"]["id"]
    seen = history.record_history(engine, "flow", flow_id, ADMIN)
    assert [e["id"] for e in seen if e["action"] == "update"] == [entry["id"]]
    assert any(e["action"] == "import" for e in seen)


def test_the_log_cannot_be_rewritten_or_emptied(engine: sa.Engine, tmp_path: Path) -> None:
    import_path(engine, copy_example(tmp_path), actor="officer@kcn")
    before = log(engine)
    for statement in (
        "update change_log set actor = 'someone else'",
        "delete from change_log",
    ):
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert log(engine) == before
