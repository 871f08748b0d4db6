"""The seed of the web tests: a small park where two enterprises keep private records.

:func:`make_seeded` writes a migrated SQLite file with park ``kcn-l`` (six enterprises,
public and park-wide flows, running exchanges, the proposals of a matching run) and park
``kcn-m``; enterprise ``thep`` (A) and enterprise ``nhiet-dien`` (B) each hold private
flows and offers whose names and figures are markers no other party may ever receive.
``ACCOUNTS`` are users of every role, all with ``PASSWORD``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from parkloop.domain.permissions import Role, Viewer
from parkloop.services import accounts
from parkloop.services.importing import import_path
from parkloop.store import db
from parkloop.web.access import CSRF_COOKIE

P = "kcn-l"
PASSWORD = "mật khẩu đủ dài 2026"
# What each private party holds, as it may appear in any response: digits with and
# without separators, in both languages' number formats.
MARKERS_A = (
    "777777",
    "777,777",
    "777.777",
    "4321",
    "4,321",
    "4.321",
    "MARKER-A-7c1",
    "555555",
    "555,555",
    "555.555",
)
MARKERS_B = (
    "868686",
    "868,686",
    "868.686",
    "9191",
    "9,191",
    "9.191",
    "MARKER-B-9d2",
    "646464",
    "646,646",
    "646.464",
)
ACCOUNTS = {
    "admin": ("admin@kcn.vn", "admin", None, None),
    "operator": ("operator@kcn-l.vn", "operator", P, None),
    "operator_m": ("operator@kcn-m.vn", "operator", "kcn-m", None),
    "a": ("a@thep.vn", "enterprise", P, "thep"),
    "b": ("b@nhiet-dien.vn", "enterprise", P, "nhiet-dien"),
    "c": ("c@xi-mang.vn", "enterprise", P, "xi-mang"),
    "authority": ("authority@hai-phong.gov.vn", "authority", None, None),
    # A facilitator (a cleaner-production centre) engaged by park P: its shared records,
    # never A's or B's private ones.
    "facilitator": ("recp@cpc.vn", "facilitator", P, None),
}

SHEETS: dict[str, list[list[str]]] = {
    "parks": [
        ["code", "name_vi", "province", "lat", "lon"],
        [P, "KCN L", "Hải Phòng", "20.93", "106.62"],
        ["kcn-m", "KCN M", "Hải Phòng", "20.80", "106.50"],
    ],
    "enterprises": [
        ["park", "code", "name_vi", "vsic", "lat", "lon", "recp_status"],
        [P, "thep", "Thép", "24", "20.931", "106.621", "applying"],
        [P, "xi-mang", "Xi măng", "23", "20.935", "106.625", "aware"],
        # No sector recorded: its private want meets A's private fly ash only as a pair that
        # needs confirmation (a power station with a sector does not take ash as sand).
        [P, "nhiet-dien", "Nhiệt điện", "", "20.925", "106.615", "applying"],
        [P, "nhua", "Nhựa", "22", "20.928", "106.63", "aware"],
        [P, "giay", "Giấy", "17", "20.94", "106.61", "unaware"],
        [P, "bia", "Bia", "11", "20.92", "106.6", "applying"],
        ["kcn-m", "khac", "Khác", "25", "20.8", "106.5", "aware"],
    ],
    "flows": [
        [
            "park",
            "enterprise",
            "period",
            "direction",
            "material",
            "quantity",
            "unit",
            "price_vnd_per_unit",
            "destination",
            "confidentiality",
            "description",
        ],
        [P, "thep", "2024", "out", "steel-slag", "50000", "t", "", "landfill", "park", ""],
        [P, "thep", "2024", "in", "steel-scrap", "200000", "t", "", "", "park", ""],
        [P, "xi-mang", "2024", "in", "natural-gypsum", "20000", "t", "", "", "park", ""],
        [P, "xi-mang", "2024", "in", "coal", "50000", "t", "", "", "public", ""],
        [P, "nhiet-dien", "2024", "out", "fly-ash", "60000", "t", "", "landfill", "public", ""],
        [P, "nhiet-dien", "2024", "out", "fgd-gypsum", "15000", "t", "", "landfill", "park", ""],
        [P, "nhiet-dien", "2024", "in", "coal", "300000", "t", "", "", "park", ""],
        [P, "giay", "2024", "out", "industrial-sludge", "4000", "t", "", "landfill", "park", ""],
        [P, "bia", "2024", "out", "brewers-spent-grain", "8000", "t", "", "landfill", "park", ""],
        ["kcn-m", "khac", "2024", "in", "natural-sand", "5000", "t", "", "", "public", ""],
        # A's private records
        [
            P,
            "thep",
            "2024",
            "out",
            "fly-ash",
            "777777",
            "t",
            "4321",
            "landfill",
            "private",
            "MARKER-A-7c1",
        ],
        # B's private records
        [
            P,
            "nhiet-dien",
            "2024",
            "out",
            "bottom-ash",
            "868686",
            "t",
            "9191",
            "landfill",
            "private",
            "MARKER-B-9d2",
        ],
    ],
    "listings": [
        ["park", "enterprise", "kind", "material", "quantity", "unit", "confidentiality"],
        [P, "thep", "offer", "steel-slag", "555555", "t", "private"],
        [P, "nhiet-dien", "want", "natural-sand", "646464", "t", "private"],
        [P, "xi-mang", "want", "fgd-gypsum", "12000", "t", "public"],
    ],
    "exchanges": [
        [
            "park",
            "key",
            "supplier",
            "receiver",
            "material",
            "quantity",
            "unit",
            "distance_km",
            "status",
        ],
        [P, "ex-1", "nhiet-dien", "xi-mang", "fly-ash", "30000", "t", "1.2", "running"],
        [P, "ex-2", "thep", "xi-mang", "steel-slag", "20000", "t", "0.8", "running"],
    ],
}


def write_sheets(directory: Path, sheets: dict[str, list[list[str]]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return directory


def make_seeded(path: Path, work: Path) -> Path:
    """Write the seeded database to ``path`` (``work``: a folder for the sheets)."""
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    import_path(engine, write_sheets(work / "sheets", SHEETS))
    admin = Viewer(Role.ADMIN, name="admin")
    from parkloop.services.matching import run_matching

    run_matching(engine, park=P, viewer=admin)  # the broker's proposals, saved
    for email, role, park, org in ACCOUNTS.values():
        accounts.add_user(
            engine, email, role, admin, park_code=park, org_code=org, password=PASSWORD, lang="en"
        )
    engine.dispose()
    return path


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    client.get("/sign-in")
    reply = client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf": client.cookies.get(CSRF_COOKIE)},
        follow_redirects=False,
    )
    assert reply.status_code == 303, reply.text[:500]
    return client


def post_form(
    client: TestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    """POST a form the way a browser does after showing the page: with the CSRF token."""
    if client.cookies.get(CSRF_COOKIE) is None:
        client.get("/")
    return client.post(
        url,
        data={**(data or {}), "csrf": client.cookies.get(CSRF_COOKIE)},
        follow_redirects=False,
        **kwargs,
    )
