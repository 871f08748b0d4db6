"""The material table mirrors the catalog's taxonomy, so flows can refer to it."""

from __future__ import annotations

from sqlalchemy import Connection, select

from parkloop.catalog import catalog
from parkloop.store.schema import materials
from parkloop.store.sql import upsert


def sync_materials(conn: Connection) -> int:
    """Upsert every catalog material; returns how many rows were written."""
    cat = catalog()
    rows = [
        {
            "code": m.code,
            "name_vi": m.name_vi,
            "name_en": m.name_en,
            "material_class": m.material_class.value,
            "canonical_unit": m.canonical_unit,
            "hazardous": m.hazardous,
            "parent": m.parent,
            "vn_waste_group": m.vn_waste_code,
            "ewc_code": m.ewc_code,
            "hs_code": m.hs_code,
            "status": m.status.value,
            "source": m.source,
        }
        for m in cat.materials.values()
    ]
    upsert(conn, materials, rows, key=["code"])
    return len(rows)


def material_codes(conn: Connection) -> set[str]:
    return set(conn.scalars(select(materials.c.code)))
