"""The parks, a park's dashboard and its enterprises: what each role sees first."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from parkloop.catalog import catalog
from parkloop.domain.models import Enterprise
from parkloop.domain.permissions import Role, Viewer, sees_everything_of
from parkloop.errors import NotFound, UserError
from parkloop.services import dashboard, matching, memo, records, registry, summary
from parkloop.web.access import Caller, anyone, signed_in
from parkloop.web.i18n import said_in
from parkloop.web.pages.inventory import org_names
from parkloop.web.render import page

router = APIRouter()
OPEN_MATCHES = ("proposed", "accepted")
SHOWN_MATCHES = 10  # the open matches a dashboard lists, best first


@router.get("/", name="home")
def home(request: Request, caller: Annotated[Caller, Depends(anyone)]) -> Response:
    """Operators and enterprises go to their park, facilitators to their parks' work;
    others see the parks (an authority of a province or a region, those of it)."""
    user = caller.user
    if user is not None and user.park_code and user.role in ("operator", "enterprise"):
        return RedirectResponse(str(request.url_for("park", code=user.park_code)), 303)
    if user is not None and user.role == "facilitator":
        return RedirectResponse(str(request.url_for("facilitation")), 303)
    engine = request.app.state.engine
    rows = []
    for park in registry.parks(engine, viewer=caller.viewer):
        glance = summary.park_summary(engine, park.code, caller.viewer)
        rows.append({"park": park, "summary": glance})
    return page(request, caller, "home.html", title="Parks", parks=rows)


@router.get("/parks/{code}", name="park")
def park(request: Request, caller: Annotated[Caller, Depends(anyone)], code: str) -> Response:
    """A park's dashboard, as its viewer may see it."""
    engine = request.app.state.engine
    own = _org_code(caller)
    values = memo.shared(
        engine,
        ("dashboard", code, memo.scope_of(caller.viewer), own),
        lambda: _dashboard(engine, code, caller.viewer, own),
    )
    # The park's own row as this request reads it: a change of its name or area is seen
    # at once, whatever wrote it.
    park = registry.require_park(engine, code)
    glance = replace(values["summary"], park=park)
    orgs = registry.organisations(engine, code)
    return page(
        request,
        caller,
        "park.html",
        title=park.name_vi,
        org_name=org_names(orgs, caller.lang),
        **{**values, "summary": glance, "park": park},
    )


def _dashboard(engine: Engine, code: str, viewer: Viewer, own: str) -> dict[str, Any]:
    """What a park's dashboard shows ``viewer`` (``own``: the code of an enterprise
    account's enterprise), but words."""
    glance = summary.park_summary(engine, code, viewer)
    park_id = glance.park.id
    values: dict[str, Any] = {"summary": glance, "park": glance.park}
    in_park = viewer.role is Role.ADMIN or (park_id is not None and viewer.park_id == park_id)
    if in_park:
        shown = matching.shown_matches(engine, code, viewer, OPEN_MATCHES)
        values["matches"] = matching.match_views(
            engine, code, shown[:SHOWN_MATCHES], viewer, explained=False
        )
        values["match_count"] = len(shown)
    if park_id is not None and sees_everything_of(viewer, park_id):
        orgs = registry.organisations(engine, code)
        values["completeness"] = completeness(orgs, registry.flow_figures(engine, code, viewer))
    values["rates"] = dashboard.assessment_rates(engine, code, viewer)
    if viewer.role is Role.ENTERPRISE and own:
        values["own"] = dashboard.enterprise_glance(engine, code, own, viewer)
        values["own_flows"] = registry.flows_of(engine, code, own, viewer)
        values["own_listings"] = registry.listings_of(engine, code, own, viewer)
        values["own_exchanges"] = registry.exchanges(engine, code, viewer=viewer, party=own)
    return values


def _org_code(caller: Caller) -> str:
    return caller.user.org_code if caller.user is not None and caller.user.org_code else ""


def completeness(orgs: list[Any], flows: list[registry.FlowFigures]) -> list[dict[str, Any]]:
    """Per enterprise: how many flows it reported, how many of their materials are still
    unclassified, how many prices are the staff's (not filled from the catalog)."""
    by_org: dict[str, list[registry.FlowFigures]] = defaultdict(list)
    for f in flows:
        by_org[f.org_code].append(f)
    out: list[dict[str, Any]] = []
    for org in orgs:
        if not isinstance(org, Enterprise):
            continue
        own = by_org.get(org.code, [])
        years = Counter(f.year for f in own)
        out.append(
            {
                "org": org,
                "flows": len(own),
                "inputs": sum(1 for f in own if f.direction == "in"),
                "outputs": sum(1 for f in own if f.direction == "out"),
                "unclassified": sum(1 for f in own if f.material_code == "unclassified"),
                "reported_prices": sum(1 for f in own if f.price_status == "reported"),
                "latest_year": max(years) if years else None,
            }
        )
    out.sort(key=lambda r: (r["flows"] > 0, r["flows"]))
    return out


@router.get("/parks/{code}/enterprises", name="enterprises")
def enterprises(
    request: Request,
    caller: Annotated[Caller, Depends(anyone)],
    code: str,
    q: str = "",
    sector: str = "",
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    orgs = registry.organisations(engine, code)
    cat = catalog()
    sectors = sorted(
        {
            (d.code, d.name_vi if caller.lang == "vi" else d.name_en)
            for o in orgs
            if isinstance(o, Enterprise) and o.vsic and (d := cat.vsic_division(o.vsic))
        }
    )
    wanted = q.strip().casefold()
    shown = [
        o
        for o in orgs
        if (not wanted or wanted in f"{o.code} {o.name_vi} {o.name_en}".casefold())
        and (not sector or (isinstance(o, Enterprise) and o.vsic.startswith(sector)))
    ]
    return page(
        request,
        caller,
        "enterprises.html",
        title="Enterprises",
        park=park,
        orgs=shown,
        total=len(orgs),
        sectors=sectors,
        q=q,
        sector=sector,
        division=lambda vsic: cat.vsic_division(vsic) if vsic else None,
    )


@router.get("/parks/{code}/enterprises/{org}", name="enterprise")
def enterprise(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, org: str
) -> Response:
    return _enterprise_page(request, caller, code, org)


def _enterprise_page(
    request: Request,
    caller: Caller,
    code: str,
    org: str,
    status_code: int = 200,
    error: str = "",
    notice: str = "",
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    found = registry.organisation(engine, code, org)
    flows = registry.flows_of(engine, code, org, caller.viewer)
    listings = registry.listings_of(engine, code, org, caller.viewer)
    from parkloop.domain.permissions import can_write

    may_edit = found.id is not None and can_write(caller.viewer, park.id, found.id)
    cat = catalog()
    return page(
        request,
        caller,
        "enterprise.html",
        status_code=status_code,
        title=found.display_name(caller.lang),
        park=park,
        org=found,
        flows=flows,
        listings=listings,
        may_edit=may_edit,
        error=error,
        notice=notice,
        division=cat.vsic_division(found.vsic)
        if isinstance(found, Enterprise) and found.vsic
        else None,
    )


@router.post("/parks/{code}/enterprises/{org}", name="enterprise_save")
def enterprise_save(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    org: str,
    name: Annotated[str, Form(max_length=500)] = "",
    sector: Annotated[str, Form(max_length=500)] = "",
    employees: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    try:
        records.set_organisation(
            request.app.state.engine,
            code,
            org,
            caller.viewer,
            name=name or None,
            sector=sector or None,
            employees=employees or None,
            actor=caller.viewer.name,
            lang=caller.lang,
        )
    except NotFound:
        raise
    except UserError as exc:
        if exc.__class__ is not UserError:
            raise
        return _enterprise_page(request, caller, code, org, 400, error=said_in(caller.lang, exc))
    return RedirectResponse(
        str(request.url_for("enterprise", code=code, org=org)) + "?saved=1", status_code=303
    )
