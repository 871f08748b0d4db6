"""Many users on the web application: ``parkloop serve --workers 4`` and ``parkloop worker``
on a throw-away PostgreSQL, 50 people browsing and 5 importing small workbooks for two
minutes, over loopback.

The data: the example park ``nam-cau-kien`` and a generated park of 300 enterprises
(``parkloop examples generate --enterprises 300 --parks 1 --seed 7``), both matched
(``parkloop match --park``) so that dashboards, maps and the network have proposals to
show. The people: park operators and enterprise accounts of both parks, each signed in
with a session of its own.

The pages: every GET page route of the application (``parkloop.web.access.endpoints``),
but sign-in, set-up, language switches, downloads and the job page (which the importers
follow). Path parameters are filled for the person asking: their park, their own or a
neighbour's enterprise, their own flows (an operator: any of the park's), and for any
other parameter (a match, an exchange, an indicator) a link of that kind found on the
page above it as that person sees it. Each role opens every page once before the
measured window: a page that refuses the role (403), finds nothing for it (404) or
answers with a file is left out of that role's walk, and the report says so. After a
page, the data its charts and maps fetch (``data-src``/``data-geojson`` attributes) is
fetched at once, as the browser's scripts do. Between pages each person reads for a
while (``THINK_S``).

Importers upload a small workbook of ``IMPORT_ROWS`` new flows of their own enterprise
(keys known in advance) through ``POST /parks/{code}/import``, follow the job page as
htmx does (every second) until the job is done or failed, read a while and upload the
next. At the end every job's rows are looked up: a done job must have all of its rows in
the database, a failed one none.

While the load runs, py-spy (when installed) samples the web workers: the report shows
which endpoints and which parkloop functions took their time.

``python -m bench web`` runs it and replaces the ``web`` section of bench/RESULTS.md;
``python -m bench.bench_web --seconds 20`` is a short trial that prints and records
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.common import OUT, ROOT, record

PARKLOOP = Path(sys.executable).with_name("parkloop")
PY_SPY = Path(sys.executable).with_name("py-spy")
EXAMPLE = "nam-cau-kien"
GENERATED = {"enterprises": 300, "parks": 1, "seed": 7}
WEB_WORKERS = 4
JOB_CONCURRENCY = 2
SECONDS = 120.0
THINK_S = (2.0, 8.0)
SIGN_IN_SPREAD_S = 15.0
IMPORT_ROWS = 20
POLL_S = 1.0
JOB_WAIT_S = 180.0
REQUEST_TIMEOUT_S = 120.0
TARGET_P95_MS = 300.0
ALONE_RUNS = 3
# A page that takes longer than SLOW_S by itself (when each role first opens it) is left
# out of the load and listed apart: a handful of such requests would take both cores for
# the whole window and the figures would be about that page alone. PROBE_TIMEOUT_S bounds
# that first request; the web server is then started again, so that the work of a request
# given up on does not run on into the window.
SLOW_S = 10.0
PROBE_TIMEOUT_S = 30.0
PROFILE_RATE = 25
PREPARING = 8  # requests at a time while people find their links, before the window
# Per park: (operators, enterprise accounts browsing, enterprise accounts importing).
PEOPLE = {"generated": (4, 32, 3), EXAMPLE: (2, 12, 2)}
# How often a page is opened, relative to the others (1 for a page not named here).
WEIGHTS = {
    "/parks/{code}": 4,
    "/parks/{code}/flows": 4,
    "/parks/{code}/flows/{flow_id}": 3,
    "/parks/{code}/enterprises": 2,
    "/parks/{code}/enterprises/{org}": 3,
    "/parks/{code}/map": 2,
    "/parks/{code}/network": 2,
    "/parks/{code}/matches": 3,
    "/parks/{code}/matches/{match_id}": 2,
    "/parks/{code}/exchanges": 2,
    "/parks/{code}/exchanges/{exchange_id}": 2,
    "/parks/{code}/marketplace": 2,
}
LEFT_OUT = {
    "/sign-in": "signing in (measured on its own, before the window)",
    "/setup": "the first run only",
    "/lang/{lang}": "a language switch (a redirect)",
    "/jobs/{job_id}": "followed by the importers",
    "/docs/oauth2-redirect": "part of the API's documentation",
}
DOWNLOAD = re.compile(r"\.(xlsx|csv|zip|json|\{fmt\})$|/export|/template|/evidence/")
DATA_URL = re.compile(r'data-(?:src|geojson)="([^"]+)"')
HREF = re.compile(r'href="([^"#]*)"')
BADGE = re.compile(r"pl-badge-(queued|running|done|failed)\b")
PARAM = re.compile(r"\{([a-z_]+)\}")
FINISHED = ("done", "failed")
IMPORT_FORM = "/parks/{code}/import (the importer, before uploading)"
UPLOAD = "POST /parks/{code}/import (upload)"
JOB_PAGE = "/jobs/{job_id} (htmx, every second)"
OUTSIDE = "(outside the endpoints: the server, the sign-in check, static files)"
# Idle keep-alive connections are closed by the client before uvicorn closes them (after
# 5 s): a browser resends a request that met a connection closing under it, httpx does
# not, and the run would count that race as an error of the server.
KEEPALIVE_S = 2.0


# -- the database and the processes ----------------------------------------------------------------


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[str]:
    """A throw-away PostgreSQL cluster (scripts/pgtemp); the URL of a fresh database in it."""
    import sqlalchemy as sa

    from parkloop.store import db

    script = ROOT / "scripts" / "pgtemp"
    subprocess.run([str(script), "stop", str(folder)], check=False)
    out = subprocess.run(
        [str(script), "start", str(folder)], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"could not start PostgreSQL (scripts/pgtemp): {out.stderr.strip()}")
    try:
        server = out.stdout.strip()
        admin = sa.create_engine(db.resolve_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE "parkloop_web"'))
        admin.dispose()
        yield server.rsplit("/", 1)[0] + "/parkloop_web"
    finally:
        subprocess.run([str(script), "stop", str(folder)], check=False)


def parkloop(env: dict[str, str], *args: str) -> str:
    """Run a parkloop command on the benchmark's database (given in ``env``); its output."""
    out = subprocess.run(
        [str(PARKLOOP), *args], env=env, capture_output=True, text=True, cwd=ROOT, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"parkloop {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def say(text: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    """A parkloop process in a session of its own (so it and its children can be stopped)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(PARKLOOP), *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM (running jobs and requests end first), SIGKILL to its group if it hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_serving(base: str, serve: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    """Until every web worker has started and the sign-in page answers."""
    import httpx

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if serve.poll() is not None:
            raise RuntimeError(f"parkloop serve stopped:\n{log.read_text(errors='replace')}")
        text = log.read_text(errors="replace").rsplit("Started parent process", 1)[-1]
        if text.count("Application startup complete") >= workers:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/sign-in", timeout=10).status_code == 200:
                    return
        time.sleep(0.5)
    raise RuntimeError(f"parkloop serve did not start:\n{log.read_text(errors='replace')}")


class Server:
    """`parkloop serve --workers N` on a free port of loopback."""

    def __init__(self, env: dict[str, str], log: Path, workers: int) -> None:
        self.env, self.log, self.workers = env, log, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.process = start(self.env, self.log, *args)
        wait_serving(self.base, self.process, self.log, self.workers)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)

    def restart(self) -> None:
        """Stopped at once (the work it has is given up on), then started again."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.start()

    def web_workers(self) -> list[int]:
        """Process ids of the web workers (the children of `parkloop serve` that serve)."""
        import psutil

        assert self.process is not None
        return [
            p.pid
            for p in psutil.Process(self.process.pid).children()
            if "resource_tracker" not in " ".join(p.cmdline())
        ]


def cpu_seconds(pids: list[int]) -> float:
    import psutil

    used = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            t = psutil.Process(pid).cpu_times()
            used += t.user + t.system
    return used


def postgres_pids(folder: Path) -> list[int]:
    """The PostgreSQL server of the pgtemp cluster recorded in ``folder`` and its children."""
    import psutil

    with contextlib.suppress(OSError, ValueError, IndexError, psutil.Error):
        home = Path((folder / "cluster").read_text().strip())
        master = int((home / "data" / "postmaster.pid").read_text().split()[0])
        return [master, *(c.pid for c in psutil.Process(master).children(recursive=True))]
    return []


# -- data and accounts -----------------------------------------------------------------------------


@dataclass
class Person:
    email: str
    role: str
    park: str
    org: str = ""
    importer: bool = False
    flows: list[int] = field(default_factory=list)


@dataclass
class Park:
    code: str
    enterprises: list[tuple[int, str]]
    flows: list[tuple[int, int]]  # (flow id, organisation id)
    words: list[str]


def prepare(env: dict[str, str]) -> tuple[dict[str, str], dict[str, float]]:
    """Schema, the example park, the generated park and their matches: the park codes
    and the seconds each step took."""
    seconds: dict[str, float] = {}
    generate = ["examples", "generate", "--parks", str(GENERATED["parks"])]
    generate += ["--enterprises", str(GENERATED["enterprises"]), "--seed", str(GENERATED["seed"])]
    steps = [
        ("schema", ["db", "upgrade"]),
        ("example", ["examples", "load", EXAMPLE]),
        ("generated park", generate),
    ]
    for name, args in steps:
        begin = time.perf_counter()
        parkloop(env, *args)
        seconds[name] = time.perf_counter() - begin
    codes = {"generated": _generated_code(env["PARKLOOP_DATABASE_URL"]), EXAMPLE: EXAMPLE}
    for code in codes.values():
        begin = time.perf_counter()
        parkloop(env, "match", "--park", code, "--json")
        seconds[f"match {code}"] = time.perf_counter() - begin
    return codes, seconds


def _engine(url: str) -> Any:
    from parkloop.store import db

    return db.make_engine(url)


def _generated_code(url: str) -> str:
    import sqlalchemy as sa

    engine = _engine(url)
    with engine.connect() as conn:
        code = conn.scalar(sa.text("SELECT code FROM parks WHERE code <> :e"), {"e": EXAMPLE})
    engine.dispose()
    return str(code)


def load_park(engine: Any, code: str) -> Park:
    """A park's enterprises that report flows, its flows, and words to search them by."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        park_id = conn.scalar(sa.text("SELECT id FROM parks WHERE code = :c"), {"c": code})
        enterprises = [
            (int(i), str(c))
            for i, c in conn.execute(
                sa.text(
                    "SELECT o.id, o.code FROM organisations o WHERE o.park_id = :p AND "
                    "o.kind = 'enterprise' AND EXISTS (SELECT 1 FROM flows f WHERE "
                    "f.org_id = o.id) ORDER BY o.code"
                ),
                {"p": park_id},
            )
        ]
        flows = [
            (int(i), int(o))
            for i, o in conn.execute(
                sa.text("SELECT id, org_id FROM flows WHERE park_id = :p ORDER BY id"),
                {"p": park_id},
            )
        ]
        materials = conn.scalars(
            sa.text(
                "SELECT material_code FROM flows WHERE park_id = :p GROUP BY material_code "
                "ORDER BY count(*) DESC LIMIT 8"
            ),
            {"p": park_id},
        ).all()
    return Park(code, enterprises, flows, [str(m).split("-")[0] for m in materials])


def make_people(engine: Any, parks: dict[str, Park], password: str) -> list[Person]:
    """Operators and enterprise accounts of both parks (each enterprise account of an
    enterprise of its own; the importers apart from those who browse)."""
    from parkloop.domain.permissions import Viewer
    from parkloop.services import accounts

    rng = random.Random(20261130)
    people: list[Person] = []
    for key, (operators, browsers, importers) in PEOPLE.items():
        park = parks[key]
        chosen = rng.sample(park.enterprises, browsers + importers)
        for n in range(operators):
            people.append(Person(f"operator{n + 1}@{park.code}.test", "operator", park.code))
        for n, (org_id, org) in enumerate(chosen):
            own = [f for f, o in park.flows if o == org_id]
            email = f"{org.lower()}@{park.code}.test"
            people.append(Person(email, "enterprise", park.code, org, n >= browsers, own))
    admin = Viewer.admin()
    for p in people:
        accounts.add_user(
            engine, p.email, p.role, admin, park_code=p.park, org_code=p.org or None,
            password=password,
        )  # fmt: skip
    return people


def workbook(person: Person, keys: list[str], rng: random.Random) -> bytes:
    """A small flows workbook as staff fill it: the template's flows sheet with its
    Vietnamese headers, directions and materials in words, units per day or month."""
    import xlsxwriter

    from parkloop.catalog.sheets import sheet_spec

    spec = sheet_spec("flows")
    columns = [c.key for c in spec.columns]
    materials = [
        ("đầu ra", "Xỉ thép", "tấn"),
        ("đầu ra", "Phế liệu nhựa", "tấn"),
        ("đầu ra", "Giấy vụn", "kg"),
        ("đầu vào", "Nước sạch", "m3"),
        ("đầu ra", "Nước thải công nghiệp", "m3/ngày"),
        ("đầu vào", "Điện", "kWh/tháng"),
    ]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(spec.label("vi"))
    for c, spec_column in enumerate(spec.columns):
        sheet.write_string(0, c, spec_column.label("vi"))
    for r, key in enumerate(keys, start=1):
        direction, material, unit = rng.choice(materials)
        row: dict[str, Any] = {
            "park": person.park,
            "enterprise": person.org,
            "key": key,
            "period": "2024",
            "direction": direction,
            "material": material,
            "quantity": round(rng.uniform(1, 5000), 1),
            "unit": unit,
            "confidentiality": "trong khu",
            "source": "báo cáo tháng",
        }
        for c, column in enumerate(columns):
            value = row.get(column)
            if isinstance(value, float):
                sheet.write_number(r, c, value)
            elif value is not None:
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


# -- routes ----------------------------------------------------------------------------------------


@dataclass
class Routes:
    pages: list[str]
    left_out: dict[str, str]
    patterns: list[tuple[re.Pattern[str], str]]

    def template_of(self, url: str) -> str:
        path = urlsplit(url).path
        for pattern, template in self.patterns:
            if pattern.fullmatch(path):
                return template
        return path

    def pattern(self, template: str) -> re.Pattern[str]:
        return next(p for p, t in self.patterns if t == template)


def discover(engine: Any) -> Routes:
    """The GET routes of the application as it is now."""
    from parkloop.web.access import endpoints
    from parkloop.web.app import create_app

    app = create_app(engine)
    pages, left_out, patterns = [], {}, []
    for path, route in endpoints(app):
        if "GET" not in (getattr(route, "methods", None) or ()):
            continue
        # Longer literal parts first, so /parks/{code}/flows is not read as /parks/{code}.
        regex = PARAM.sub("[^/]+?", re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
        patterns.append((re.compile(regex), path))
        if path in LEFT_OUT:
            left_out[path] = LEFT_OUT[path]
        elif path.startswith("/api/"):
            continue
        elif DOWNLOAD.search(path):
            left_out[path] = "a download"
        else:
            pages.append(path)
    patterns.sort(key=lambda p: -len(PARAM.sub("", p[1])))
    return Routes(sorted(pages, key=lambda t: (len(PARAM.findall(t)), t)), left_out, patterns)


def parent(template: str) -> str:
    """The page above a route: its path without the last part that holds a parameter."""
    parts = template.split("/")
    while parts and PARAM.search(parts[-1]) and len(parts) > 1:
        parts.pop()
        if not PARAM.search(parts[-1]):
            break
    return "/".join(parts) or "/"


class Walk:
    """One person's way of filling in routes: their park, enterprises and flows, and the
    links of other kinds they found on the pages above."""

    FILLED = ("code", "org", "flow_id", "kind", "row_id")

    def __init__(self, person: Person, park: Park) -> None:
        self.person = person
        self.park = park
        self.flow_ids = person.flows if person.role == "enterprise" else [f for f, _ in park.flows]
        self.found: dict[str, list[str]] = {}

    def needs_links(self, template: str) -> bool:
        return any(n not in self.FILLED for n in PARAM.findall(template))

    def url(self, template: str, rng: random.Random, plain: bool = False) -> tuple[str, str] | None:
        """A URL of ``template`` for this person and its label (the template and its kind
        of query); None when a parameter cannot be filled."""
        if self.needs_links(template):
            links = self.found.get(template)
            return (rng.choice(links), template) if links else None
        park, person = self.park, self.person
        own = bool(person.org) and rng.random() < 0.5
        flow = str(rng.choice(self.flow_ids)) if self.flow_ids else ""
        values = {
            "code": park.code,
            "org": person.org if own else rng.choice(park.enterprises)[1],
            "flow_id": flow,
            "kind": "flow",
            "row_id": flow,
        }
        path = template
        for name in PARAM.findall(template):
            if not values[name]:
                return None
            path = path.replace("{" + name + "}", values[name])
        query, variant = ({}, "") if plain else self.query(template, rng)
        return path + (f"?{urlencode(query)}" if query else ""), template + variant

    def query(self, template: str, rng: random.Random) -> tuple[dict[str, str], str]:
        park = self.park
        if template == "/parks/{code}/flows":
            draw = rng.random()
            if draw < 0.35:
                pages = max(len(park.flows) // 100, 2)
                return {"page": str(rng.randint(2, pages))}, " ?page=N"
            if draw < 0.7:
                choice: dict[str, str] = {}
                if rng.random() < 0.5:
                    choice["direction"] = rng.choice(["in", "out"])
                if rng.random() < 0.5 and park.words:
                    choice["q"] = rng.choice(park.words)
                if rng.random() < 0.4 or not choice:
                    choice["enterprise"] = rng.choice(park.enterprises)[1]
                return choice, " ?filters"
        if template == "/parks/{code}/enterprises" and rng.random() < 0.3:
            return {"q": rng.choice(park.enterprises)[1][-2:]}, " ?q=…"
        return {}, ""


# -- the load --------------------------------------------------------------------------------------


@dataclass
class Sample:
    label: str
    role: str
    ms: float
    ok: bool
    at: float = field(default_factory=time.monotonic)


@dataclass
class Job:
    job_id: int
    keys: list[str]
    status: str = ""
    submitted: float = 0.0
    finished: float = 0.0


@dataclass
class Load:
    samples: list[Sample] = field(default_factory=list)
    alone: list[Sample] = field(default_factory=list)
    sign_ins: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    excluded: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    data_of_pages: set[str] = field(default_factory=set)
    slow: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    gave_up: bool = False
    window: tuple[float, float] = (0.0, 0.0)
    cpu: dict[str, float] = field(default_factory=dict)


async def timed(
    into: list[Sample],
    load: Load,
    client: Any,
    method: str,
    url: str,
    label: str,
    role: str,
    expect: tuple[int, ...] = (200,),
    **kwargs: Any,
) -> Any:
    """One request, its time to the last byte recorded in ``into``; the response, or None
    when it failed on the way."""
    begin = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
        await response.aread()
    except Exception as exc:  # a timeout, a closed connection: an error of the run
        into.append(Sample(label, role, (time.perf_counter() - begin) * 1000, False))
        load.errors.append(f"{method} {url}: {type(exc).__name__} {exc}")
        return None
    ok = response.status_code in expect
    into.append(Sample(label, role, (time.perf_counter() - begin) * 1000, ok))
    if not ok:
        load.errors.append(f"{method} {url}: HTTP {response.status_code}")
    return response


async def sign_in(client: Any, person: Person, password: str) -> float:
    await client.get("/sign-in")
    begin = time.perf_counter()
    response = await client.post(
        "/sign-in",
        data={"email": person.email, "password": password, "csrf": client.cookies["parkloop_csrf"]},
    )
    if response.status_code != 303:
        raise RuntimeError(f"{person.email} could not sign in: HTTP {response.status_code}")
    return (time.perf_counter() - begin) * 1000


def data_urls(response: Any) -> list[str]:
    """What a page's scripts fetch: its data-src and data-geojson addresses."""
    if "text/html" not in response.headers.get("content-type", ""):
        return []
    found = (html.unescape(u) for u in DATA_URL.findall(response.text))
    return [u for u in found if not u.startswith("/static/")]


async def find_links(
    load: Load,
    routes: Routes,
    client: Any,
    walk: Walk,
    rng: random.Random,
    gate: asyncio.Semaphore,
) -> None:
    """For each route with a parameter that is not the person's own (a match, an
    exchange, an indicator), the links of that kind on the page above, as this person
    sees it."""
    import httpx

    for template in routes.pages:
        if not walk.needs_links(template):
            continue
        above = parent(template)
        made = walk.url(above, rng, plain=True) if above in routes.pages else None
        if made is None:
            continue
        try:
            async with gate:
                response = await client.get(made[0], timeout=PROBE_TIMEOUT_S)
        except httpx.TimeoutException:
            load.gave_up = True
            continue
        if response.status_code != 200:
            continue
        pattern = routes.pattern(template)
        links = {urlsplit(html.unescape(h)).path for h in HREF.findall(response.text)}
        walk.found[template] = sorted(h for h in links if pattern.fullmatch(h))


async def probe(
    load: Load, routes: Routes, client: Any, walk: Walk, rng: random.Random
) -> dict[str, int]:
    """Open each page once as ``walk``'s person: the weights of the pages this role may
    open, and which data the pages fetch for their scripts."""
    import httpx

    role = f"{walk.person.role}s of {walk.person.park}"
    chosen: dict[str, int] = {}
    for template in routes.pages:
        made = walk.url(template, rng, plain=True)
        if made is None:
            load.excluded[template][role] = "nothing of this kind to open"
            continue
        begin = time.perf_counter()
        try:
            response = await client.get(made[0], timeout=PROBE_TIMEOUT_S)
        except httpx.TimeoutException:
            load.slow[template][role] = float("inf")
            load.gave_up = True
            continue
        took = time.perf_counter() - begin
        kind = response.headers.get("content-type", "")
        if response.status_code < 400 and took > SLOW_S:
            load.slow[template][role] = took
        elif response.status_code >= 400:
            load.excluded[template][role] = f"HTTP {response.status_code} for this role"
        elif response.status_code < 300 and "text/html" not in kind:
            load.excluded[template][role] = f"a file ({kind.split(';')[0]})"
        else:
            chosen[template] = WEIGHTS.get(template, 1)
            load.data_of_pages.update(routes.template_of(u) for u in data_urls(response))
    return chosen


async def open_page(
    into: list[Sample], load: Load, routes: Routes, client: Any, made: tuple[str, str], role: str
) -> None:
    """A page and, at once and side by side, the data its scripts fetch."""
    url, label = made
    expect = (200, 303) if label == "/" else (200,)
    response = await timed(into, load, client, "GET", url, label, role, expect)
    if response is not None:
        subs = data_urls(response)
        await asyncio.gather(
            *(timed(into, load, client, "GET", u, routes.template_of(u), role) for u in subs)
        )


async def browse(
    load: Load,
    routes: Routes,
    client: Any,
    walk: Walk,
    weights: dict[str, int],
    window: tuple[float, float],
    rng: random.Random,
) -> None:
    begin, end = window
    pages = list(weights)
    chances = [weights[t] for t in pages]
    await asyncio.sleep(max(begin - time.monotonic(), 0) + rng.uniform(0, THINK_S[1]))
    while time.monotonic() < end:
        made = walk.url(rng.choices(pages, chances)[0], rng)
        if made is None:
            continue
        await open_page(load.samples, load, routes, client, made, walk.person.role)
        await asyncio.sleep(rng.uniform(*THINK_S))


async def import_loop(
    load: Load, client: Any, person: Person, window: tuple[float, float], rng: random.Random
) -> None:
    begin, end = window
    role, code, n = "importer", person.park, 0
    await asyncio.sleep(max(begin - time.monotonic(), 0) + rng.uniform(0, THINK_S[1]))
    while time.monotonic() < end:
        n += 1
        keys = [f"web-{person.org.lower()}-{n:03d}-{i:02d}" for i in range(IMPORT_ROWS)]
        data = workbook(person, keys, rng)
        form = f"/parks/{code}/import"
        await timed(load.samples, load, client, "GET", form, IMPORT_FORM, role)
        response = await timed(
            load.samples,
            load,
            client,
            "POST",
            form,
            UPLOAD,
            role,
            (303,),
            data={"csrf": client.cookies["parkloop_csrf"]},
            files={"file": (f"bao-cao-{n:03d}.xlsx", data, "application/octet-stream")},
        )
        if response is not None and response.status_code == 303:
            location = response.headers["location"]
            job = Job(int(location.rstrip("/").rsplit("/", 1)[1]), keys)
            job.submitted = time.monotonic()
            load.jobs.append(job)
            deadline = job.submitted + JOB_WAIT_S
            while time.monotonic() < deadline:
                await asyncio.sleep(POLL_S)
                page = await timed(
                    load.samples, load, client, "GET", location, JOB_PAGE, role,
                    headers={"HX-Request": "true"},
                )  # fmt: skip
                found = BADGE.search(page.text) if page is not None else None
                if found and found.group(1) in FINISHED:
                    job.status, job.finished = found.group(1), time.monotonic()
                    break
        await asyncio.sleep(rng.uniform(*THINK_S))


async def measure_cpu(load: Load, groups: dict[str, list[int]], pg: Path) -> None:
    """CPU seconds of each group of processes and of the machine over the window (``pg``:
    where the PostgreSQL cluster is recorded)."""
    import psutil

    begin, end = load.window
    await asyncio.sleep(max(begin - time.monotonic(), 0))
    # PostgreSQL starts a process per connection: its group is listed again at the end,
    # and a process started in the window counts whole.
    before = {k: {p: cpu_seconds([p]) for p in v} for k, v in groups.items()}
    machine = psutil.cpu_times()
    await asyncio.sleep(max(end - time.monotonic(), 0))
    groups["postgres"] = sorted(set(groups.get("postgres", [])) | set(postgres_pids(pg)))
    load.cpu = {
        k: sum(cpu_seconds([p]) - before[k].get(p, 0.0) for p in v if psutil.pid_exists(p))
        for k, v in groups.items()
    }
    after = psutil.cpu_times()
    spent = sum(after) - sum(machine)
    load.cpu["busy"] = 100 * (1 - (after.idle - machine.idle) / spent) if spent else 0.0


async def profile_later(
    load: Load, pids: list[int], spies: list[subprocess.Popen[bytes]], folder: Path
) -> None:
    """py-spy on each web worker through the middle half of the window, if installed."""
    if not PY_SPY.exists():
        return
    begin, end = load.window
    await asyncio.sleep(max(begin + (end - begin) / 4 - time.monotonic(), 0))
    spies.extend(spy(pid, (end - begin) / 2, folder) for pid in pids)


async def drive(
    server: Server,
    routes: Routes,
    people: list[Person],
    parks: dict[str, Park],
    password: str,
    seconds: float,
    groups: dict[str, list[int]],
    spies: list[subprocess.Popen[bytes]],
    folder: Path,
) -> Load:
    import httpx

    load = Load()
    rng = random.Random(7)
    by_code = {p.code: p for p in parks.values()}

    def client(cookies: Any = None) -> Any:
        return httpx.AsyncClient(
            base_url=server.base,
            timeout=REQUEST_TIMEOUT_S,
            cookies=cookies,
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_S),
        )

    clients = {p.email: client() for p in people}
    try:

        async def enter(p: Person, delay: float) -> None:
            await asyncio.sleep(delay)
            load.sign_ins.append(await sign_in(clients[p.email], p, password))

        await asyncio.gather(*(enter(p, rng.uniform(0, SIGN_IN_SPREAD_S)) for p in people))
        say(f"{len(people)} people signed in")
        walks = {p.email: Walk(p, by_code[p.park]) for p in people}
        # Enterprises each find their own links; the operators of a park see the same.
        gate = asyncio.Semaphore(PREPARING)
        finders: dict[Any, Person] = {}
        for p in people:
            if not p.importer and (p.role == "enterprise" or ("op", p.park) not in finders):
                finders[p.email if p.role == "enterprise" else ("op", p.park)] = p
        await asyncio.gather(
            *(
                find_links(
                    load, routes, clients[p.email], walks[p.email], random.Random(p.email), gate
                )
                for p in finders.values()
            )
        )
        for p in people:
            if p.role == "operator":
                walks[p.email].found = walks[finders[("op", p.park)].email].found
        say("links to matches, exchanges and indicators found")
        weights: dict[tuple[str, str], dict[str, int]] = {}
        for p in people:
            key = (p.role, p.park)
            if not p.importer and key not in weights:
                walk = walks[p.email]
                weights[key] = await probe(load, routes, clients[p.email], walk, rng)
        say(f"each role opened each page once; too slow for the load: {sorted(load.slow)}")
        if load.gave_up:
            # Requests given up on may still be worked on: a new server, the same sessions.
            say("the web server starts again")
            await asyncio.to_thread(server.restart)
            for email, old in list(clients.items()):
                clients[email] = client(old.cookies)
                await old.aclose()
            # New web workers load parkloop's catalog and the rest on their first requests:
            # everyone opens the enterprises list once, all at the same time, unmeasured.
            say("the new web workers warm up")
            await asyncio.gather(
                *(
                    clients[p.email].get(f"/parks/{p.park}/enterprises")
                    for p in people
                    if not p.importer
                )
            )
        groups["web"] = server.web_workers()
        say(f"the measured window begins ({seconds:.0f} s)")
        begin = time.monotonic() + 1.0
        load.window = (begin, begin + seconds)
        tasks = [
            measure_cpu(load, groups, folder / "pg"),
            profile_later(load, groups["web"], spies, folder),
        ]
        for p in people:
            prng = random.Random(f"{p.email}:walk")
            if p.importer:
                tasks.append(import_loop(load, clients[p.email], p, load.window, prng))
            else:
                w = weights[(p.role, p.park)]
                tasks.append(
                    browse(load, routes, clients[p.email], walks[p.email], w, load.window, prng)
                )
        await asyncio.gather(*tasks)
        load.window = (begin, max(begin + seconds, time.monotonic()))
        say("the window ended; each page alone")
        await alone(load, routes, clients, walks, people, weights)
    finally:
        for c in clients.values():
            await c.aclose()
    return load


async def alone(
    load: Load,
    routes: Routes,
    clients: dict[str, Any],
    walks: dict[str, Walk],
    people: list[Person],
    weights: dict[tuple[str, str], dict[str, int]],
) -> None:
    """After the load: every page (and the data it fetches) asked for ``ALONE_RUNS``
    times in a row by one operator and one enterprise account of the generated park,
    nothing else running: the cost of a page by itself."""
    rng = random.Random(1)
    done: set[tuple[str, str]] = set()
    for p in people:
        key = (p.role, p.park)
        if p.importer or key in done or p.park != people[0].park:
            continue
        done.add(key)
        for template in weights[key]:
            for _ in range(ALONE_RUNS):
                made = walks[p.email].url(template, rng, plain=True)
                if made is not None:
                    await open_page(load.alone, load, routes, clients[p.email], made, p.role)


# -- after the load --------------------------------------------------------------------------------


def check_rows(engine: Any, jobs: list[Job], baseline: int) -> dict[str, Any]:
    """Every done job's rows are there, no failed job's row is; the flows add up."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        keys = conn.scalars(sa.text("SELECT key FROM flows WHERE key LIKE 'web-%'")).all()
        total = int(conn.scalar(sa.text("SELECT count(*) FROM flows")) or 0)
        rows = {
            int(i): (s, r, m)
            for i, s, r, m in conn.execute(
                sa.text("SELECT id, status, result, message FROM jobs WHERE kind = 'import'")
            )
        }
    present = Counter(str(k).rsplit("-", 1)[0] for k in keys)
    out: dict[str, Any] = {
        "submitted": len(jobs),
        "done": 0,
        "failed": 0,
        "unfinished": 0,
        "created": 0,
        "lost": 0,
        "half_written": 0,
        "messages": [],
        "total": total,
        "baseline": baseline,
    }
    for job in jobs:
        status, result, message = rows.get(job.job_id, ("missing", {}, ""))
        found = present.get(job.keys[0].rsplit("-", 1)[0], 0)
        if status == "done":
            out["done"] += 1
            sheets = (result or {}).get("sheets") or {}
            created = int(sheets.get("flows", {}).get("created", 0))
            out["created"] += created
            out["lost"] += max(len(job.keys) - found, 0)
        elif status == "failed":
            out["failed"] += 1
            out["half_written"] += found
            out["messages"].append(message)
        else:
            out["unfinished"] += 1
            out["half_written"] += found
    out["unexplained"] = total - baseline - out["created"]
    return out


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0-100) of ``values``; NaN for none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(-(-q * len(ordered) // 100), 1)
    return ordered[min(int(rank), len(ordered)) - 1]


def profiled(paths: list[Path]) -> tuple[int, Counter[str], dict[str, Counter[str]]]:
    """From py-spy's raw samples of the web workers' threads (idle ones are not sampled):
    all samples, samples per endpoint (the first frame in parkloop/web/pages or
    parkloop/api) and, per endpoint, samples per parkloop function on the stack below it
    (each function counted once per sample)."""
    total = 0
    endpoints: Counter[str] = Counter()
    inside: dict[str, Counter[str]] = defaultdict(Counter)
    frame = re.compile(r"^(.*) \((.*?)(?::\d+)?\)$")
    for path in paths:
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            endpoint, seen = "", set()
            for part in stack.split(";"):
                m = frame.match(part.strip())
                if not m or "/parkloop/" not in m.group(2):
                    continue
                module = m.group(2).split("/parkloop/")[-1].removesuffix(".py").replace("/", ".")
                name = f"{module}.{m.group(1)}"
                if not endpoint and module.startswith(("web.pages.", "api.")):
                    endpoint = name
                elif endpoint and name not in seen and _telling(module, m.group(1)):
                    seen.add(name)
                    inside[endpoint][name] += n
            endpoints[endpoint or OUTSIDE] += n
    return total, endpoints, inside


def _telling(module: str, function: str) -> bool:
    """Whether a function says where an endpoint's time went: not the endpoint's own
    helpers, template frames or comprehensions."""
    return not module.startswith(("web.pages.", "api.", "web.templates.")) and "<" not in function


# -- the report ------------------------------------------------------------------------------------


def _ms(v: float) -> str:
    return "–" if v != v else f"{v:,.0f}"


def _stats(ms: list[float]) -> str:
    return " | ".join(_ms(percentile(ms, q)) for q in (50, 95, 99)) + f" | {_ms(max(ms))}"


def report(
    load: Load,
    routes: Routes,
    rows: dict[str, Any],
    setup: dict[str, Any],
    profile: tuple[int, Counter[str], dict[str, Counter[str]]],
) -> str:
    begin, end = load.window
    seconds = end - begin
    by_label: dict[str, list[Sample]] = defaultdict(list)
    for s in load.samples:
        by_label[s.label].append(s)
    alone_ms: dict[str, list[float]] = defaultdict(list)
    for s in load.alone:
        if s.ok:
            alone_ms[s.label].append(s.ms)
    importing = (IMPORT_FORM, UPLOAD, JOB_PAGE)
    pages = sorted(
        (k for k in by_label if k not in importing),
        key=lambda k: (-percentile([s.ms for s in by_label[k]], 95), k),
    )
    errors = sum(1 for s in load.samples if not s.ok)
    pages_ms = [s.ms for k in pages for s in by_label[k]]
    over = [k for k in pages if percentile([s.ms for s in by_label[k]], 95) > TARGET_P95_MS]

    def line(label: str) -> str:
        got = by_label[label]
        ms = [s.ms for s in got]
        by_role = [percentile([s.ms for s in got if s.role == r], 95) for r in ROLES]
        alone = sorted(alone_ms.get(label, []))
        data = " (page data)" if label in load.data_of_pages else ""
        return (
            f"| `{label}`{data} | {len(got):,} | {_stats(ms)} | {_ms(by_role[0])} | "
            f"{_ms(by_role[1])} | {_ms(alone[len(alone) // 2]) if alone else ''} | "
            f"{sum(1 for s in got if not s.ok)} |"
        )

    people = setup["people"]
    operators = sum(1 for p in people if p.role == "operator")
    browsers = sum(1 for p in people if not p.importer)
    cpu = load.cpu
    turnaround = [(j.finished - j.submitted) * 1000 for j in load.jobs if j.finished]
    verdict = (
        "**met**"
        if not over and not load.slow
        else f"**not met** for {len(over)} of the {len(pages)} pages and page data in the "
        f"load" + (f", and {len(load.slow)} pages were too slow to be in it" if load.slow else "")
    )
    out = [
        "- command: `python -m bench web` (bench/bench_web.py)",
        f"- server: `parkloop serve --workers {WEB_WORKERS}` and `parkloop worker "
        f"--concurrency {JOB_CONCURRENCY}` on PostgreSQL {setup['pg_version']} "
        "(scripts/pgtemp, fsync off), the load generator beside them on the same machine, "
        "over loopback",
        f"- data: example `{EXAMPLE}` ({setup['flows'][EXAMPLE]:,} flows) and a generated "
        f"park `{setup['codes']['generated']}` (`parkloop examples generate --enterprises "
        f"{GENERATED['enterprises']} --parks 1 --seed {GENERATED['seed']}`: "
        f"{setup['enterprises']['generated']} enterprises, {setup['flows']['generated']:,} "
        f"flows), both matched with `parkloop match --park` ({setup['matches']:,} proposals "
        "saved)",
        f"- people: {browsers} browsing ({operators} park operators, {browsers - operators} "
        f"enterprise accounts, in both parks) and {len(people) - browsers} enterprise "
        f"accounts importing, each with a session of its own; reading time between pages "
        f"uniform {THINK_S[0]:g}–{THINK_S[1]:g} s",
        f"- measured window: {seconds:.0f} s (the importers' last jobs followed to their "
        f"end); {len(load.samples):,} requests ({len(load.samples) / seconds:.1f} a second); "
        f"**{errors} errors**",
        f"- target p95 < {TARGET_P95_MS:.0f} ms for every page: {verdict}; all pages "
        f"together p50 {_ms(percentile(pages_ms, 50))} ms, p95 "
        f"{_ms(percentile(pages_ms, 95))} ms, p99 {_ms(percentile(pages_ms, 99))} ms",
        "",
        "Pages, in milliseconds from sending the request to the last byte of the answer, "
        "slowest p95 first. *Alone*: the median of "
        f"{ALONE_RUNS} requests one after another after the run, nothing else of the load "
        "running (the page's own cost, without the plain form of a route's variants; other "
        "programs on the machine may be running: see the load average above).",
        "",
        "| page | requests | p50 | p95 | p99 | max | p95 operators | p95 enterprises | "
        "alone | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(line(k) for k in pages),
        "",
        f"Importing: small workbooks of {IMPORT_ROWS} new flows of the importer's own "
        "enterprise, one after another per importer.",
        "",
        "| step | requests | p50 | p95 | p99 | max | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label in importing:
        got = by_label.get(label, [])
        if got:
            bad = sum(1 for s in got if not s.ok)
            out.append(f"| `{label}` | {len(got):,} | {_stats([s.ms for s in got])} | {bad} |")
    if turnaround:
        out.append(
            f"| from the upload to the job page showing the job finished | "
            f"{len(turnaround)} | {_stats(turnaround)} | |"
        )
    out += [
        f"| signing in (argon2), {len(load.sign_ins)} people spread over "
        f"{SIGN_IN_SPREAD_S:g} s before the window | {len(load.sign_ins)} | "
        f"{_stats(load.sign_ins)} | |",
        "",
        f"Rows: {rows['submitted']} imports submitted, {rows['done']} done, {rows['failed']} "
        f"failed, {rows['unfinished']} not finished; the done ones created "
        f"{rows['created']:,} flows. **Lost rows: {rows['lost']}** (rows of done jobs "
        f"missing from the database); rows of failed or unfinished jobs in the database: "
        f"{rows['half_written']}; flows at the end {rows['total']:,} = {rows['baseline']:,} "
        f"before + {rows['created']:,} imported"
        + ("" if rows["unexplained"] == 0 else f" **{rows['unexplained']:+,} unexplained**")
        + ".",
    ]
    if rows["messages"]:
        out.append("Failed jobs said: " + "; ".join(sorted(set(rows["messages"])))[:400])
    if cpu:
        window = cpu.get("window", SECONDS)
        cores = os.cpu_count() or 1
        answered = [s for s in load.samples if s.at <= begin + window]
        per = 1000 * cpu["web"] / max(len(answered), 1)
        mean_think = sum(THINK_S) / 2
        ours = sum(cpu.get(k, 0.0) for k in ("web", "jobs", "postgres", "load"))
        others = max(cpu["busy"] / 100 * cores * window - ours, 0.0)
        out += [
            "",
            f"CPU over the {window:.0f} s of browsing ({cores} cores: at most "
            f"{cores * window:.0f} CPU seconds): web workers {cpu['web']:.0f} s, "
            f"job worker {cpu['jobs']:.0f} s, PostgreSQL {cpu['postgres']:.0f} s, this load "
            f"generator {cpu['load']:.0f} s; the machine was busy {cpu['busy']:.0f} % of the "
            f"time (other programs on it included: about {others:.0f} s). The web workers "
            f"spent {per:,.0f} ms of "
            f"CPU per request answered in that time: {cores} cores answer at most "
            f"{1000 * cores / per:.1f} requests a second at that cost, while {browsers} "
            f"people reading {mean_think:g} s between pages ask for about "
            f"{browsers / mean_think:.0f} pages a second (and the data some of them fetch).",
        ]
    total, endpoints, inside = profile
    if total:
        out += [
            "",
            f"Where the web workers' time went: py-spy, {PROFILE_RATE} samples a second of "
            "each web worker's thread holding the GIL, through the middle half of the window, "
            f"{total:,} samples; per endpoint its share of them, and the parkloop functions "
            "under it that were on the stack most often (share of the endpoint's samples).",
            "",
            "| endpoint | share | most of it in |",
            "|---|---:|---|",
        ]
        for name, n in endpoints.most_common(10):
            top = inside.get(name, Counter()).most_common(4)
            where = ", ".join(f"`{f}` {100 * c / n:.0f} %" for f, c in top)
            out.append(f"| `{name}` | {100 * n / total:.0f} % | {where} |")
    if load.slow:
        out += [
            "",
            f"Pages left out of the load: one request alone took longer than {SLOW_S:g} s "
            f"when each role first opened it (given up on after {PROBE_TIMEOUT_S:g} s):",
            "",
        ]
        for template, by in sorted(load.slow.items()):
            took = "; ".join(
                f"{r}: " + (f"> {PROBE_TIMEOUT_S:g} s" if t == float("inf") else f"{t:.0f} s")
                for r, t in sorted(by.items())
            )
            out.append(f"- `{template}`: {took}")
    refused = sorted(
        (t, "; ".join(f"{r}: {why}" for r, why in sorted(by.items())))
        for t, by in load.excluded.items()
    )
    out += ["", "Routes not walked:", ""]
    out += [f"- `{t}`: {why}" for t, why in sorted(routes.left_out.items())]
    out += [f"- `{t}`: {why}" for t, why in refused]
    if load.errors:
        out += ["", "First errors:", ""]
        out += [f"- {e[:200]}" for e in load.errors[:10]]
    return "\n".join(out)


ROLES = ("operator", "enterprise")


# -- the run ---------------------------------------------------------------------------------------


def run(seconds: float = SECONDS, save: bool = True) -> None:
    import sqlalchemy as sa

    folder = OUT / "web"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    password = secrets.token_urlsafe(16)
    with postgres(folder / "pg") as url:
        # The database URL (with its password) goes by the environment, not the command line.
        env = {**os.environ, "PARKLOOP_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
        env.pop("PARKLOOP_JOB_STALE_AFTER", None)
        began = time.perf_counter()
        codes, steps = prepare(env)
        engine = _engine(url)
        parks = {key: load_park(engine, code) for key, code in codes.items()}
        people = make_people(engine, parks, password)
        routes = discover(engine)
        with engine.connect() as conn:
            baseline = int(conn.scalar(sa.text("SELECT count(*) FROM flows")) or 0)
            matches = int(conn.scalar(sa.text("SELECT count(*) FROM matches")) or 0)
            pg_version = str(conn.scalar(sa.text("SHOW server_version"))).split()[0]
        took = ", ".join(f"{k} {v:.0f} s" for k, v in steps.items())
        print(f"data and {len(people)} accounts in {time.perf_counter() - began:.0f} s ({took})")
        server = Server(env, folder / "serve.log", WEB_WORKERS)
        worker = start(env, folder / "worker.log", "worker", "--concurrency", str(JOB_CONCURRENCY))
        spies: list[subprocess.Popen[bytes]] = []
        try:
            server.start()
            print(f"serving at {server.base}; {len(people)} people sign in", flush=True)
            groups = {
                "web": server.web_workers(),
                "jobs": [worker.pid],
                "postgres": postgres_pids(folder / "pg"),
                "load": [os.getpid()],
            }
            load = asyncio.run(
                drive(server, routes, people, parks, password, seconds, groups, spies, folder)
            )
            for s in spies:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    s.wait(60)
            load.cpu["window"] = seconds
            replaced = [w for w in groups["web"] if w not in server.web_workers()]
            if replaced:
                load.errors.append(f"web workers {replaced} were replaced during the run")
        finally:
            for s in spies:
                if s.poll() is None:
                    s.kill()
            server.stop()
            stop(worker)
        rows = check_rows(engine, load.jobs, baseline)
        setup = {
            "codes": codes,
            "flows": {key: len(p.flows) for key, p in parks.items()},
            "enterprises": {key: len(p.enterprises) for key, p in parks.items()},
            "matches": matches,
            "people": people,
            "pg_version": pg_version,
        }
        engine.dispose()
    body = report(load, routes, rows, setup, profiled(sorted(folder.glob("profile-*.txt"))))
    if save:
        record("web", "web: 50 people browsing and 5 importing on PostgreSQL", body)
    else:
        print(body)


def spy(pid: int, seconds: float, folder: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling one web worker's threads for ``seconds``, raw stacks into a file."""
    command = [str(PY_SPY), "record", "--pid", str(pid), "--rate", str(PROFILE_RATE)]
    command += ["--duration", str(int(seconds)), "--format", "raw", "--nonblocking"]
    command += ["--gil", "--full-filenames", "--output", str(folder / f"profile-{pid}.txt")]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seconds"]:
        run(float(sys.argv[2]), save=False)
    else:
        run()
