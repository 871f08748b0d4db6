"""The exchange pages of a park: the marketplace of offers and wants, the match inbox with
its decisions, and the exchange tracker from proposal to running and stopped.

Every page asks a service for what the caller may see (``services.marketplace``,
``services.inbox``, ``services.tracker``) and every form goes through the service the
command line uses for the same change, which checks who is writing and logs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from parkloop import units
from parkloop.domain.enums import Confidentiality, ExchangeStatus, ListingKind
from parkloop.domain.models import Organisation
from parkloop.errors import NotAllowed, NotFound, UserError
from parkloop.services import inbox, marketplace, registry, tracker
from parkloop.services.importing import ImportProblems
from parkloop.web.access import Caller, anyone, operator, signed_in
from parkloop.web.i18n import said_in, said_problems
from parkloop.web.render import page

INBOX_PAGE = 50  # proposals a page of the inbox shows
router = APIRouter()
HIDDEN = "confidential"  # what the matching service names a side the viewer may not see
NOTICES = ("added", "closed", "accepted", "rejected", "changed")


def _notice(request: Request) -> str:
    done = request.query_params.get("done", "")
    return done if done in NOTICES else ""


def _back(request: Request, name: str, done: str, **params: Any) -> RedirectResponse:
    return RedirectResponse(str(request.url_for(name, **params)) + f"?done={done}", 303)


def _parties(
    request: Request, views: Iterable[dict[str, Any]]
) -> dict[tuple[str, str], Organisation]:
    """The organisations the views of proposals name, by (park, code), for their names."""
    return registry.organisations_named(
        request.app.state.engine,
        (
            (str(v[side].get("park", "")), str(v[side].get("code", "")))
            for v in views
            for side in ("supplier", "receiver")
        ),
    )


def _party_name(orgs: dict[tuple[str, str], Organisation], lang: str) -> Any:
    def name(party: dict[str, Any]) -> str:
        org = orgs.get((str(party.get("park", "")), str(party.get("code", ""))))
        return org.display_name(lang) if org is not None else str(party.get("name", ""))

    return name


# -- the marketplace --------------------------------------------------------------------------


def _marketplace_page(
    request: Request,
    caller: Caller,
    code: str,
    status_code: int = 200,
    problems: list[dict[str, Any]] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    params = {
        k: request.query_params.get(k, "").strip()[:200] for k in ("kind", "class", "q", "status")
    }
    params["status"] = params["status"] if params["status"] in marketplace.STATUSES else "open"
    found = marketplace.marketplace(
        request.app.state.engine,
        code,
        caller.viewer,
        kind=params["kind"] if params["kind"] in marketplace.KINDS else "",
        material_class=params["class"],
        text=params["q"],
        status=params["status"],
    )
    return page(
        request,
        caller,
        "marketplace.html",
        status_code=status_code,
        title="Marketplace",
        park=found.park,
        market=found,
        params=params,
        kinds=list(ListingKind),
        classes=found.classes,
        levels=list(Confidentiality),
        unit=units.display,
        notice=_notice(request),
        problems=problems or [],
        form=form or {},
    )


@router.get("/parks/{code}/marketplace", name="marketplace")
def marketplace_page(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str
) -> Response:
    return _marketplace_page(request, caller, code)


@router.post("/parks/{code}/marketplace", name="listing_add")
def listing_add(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    enterprise: Annotated[str, Form(max_length=64)],
    kind: Annotated[str, Form(max_length=16)],
    material: Annotated[str, Form(max_length=500)],
    quantity: Annotated[str, Form(max_length=40)],
    unit: Annotated[str, Form(max_length=40)],
    price: Annotated[str, Form(max_length=40)] = "",
    quality: Annotated[str, Form(max_length=500)] = "",
    description: Annotated[str, Form(max_length=1000)] = "",
    confidentiality: Annotated[str, Form(max_length=16)] = "park",
) -> Response:
    """One offer or want, typed as a row of the workbook would be."""
    form = {
        "enterprise": enterprise,
        "kind": kind,
        "material": material,
        "quantity": quantity,
        "unit": unit,
        "price": price,
        "quality": quality,
        "description": description,
        "confidentiality": confidentiality,
    }
    try:
        marketplace.add_listing(
            request.app.state.engine,
            code,
            caller.viewer,
            form,
            actor=caller.viewer.name,
            lang=caller.lang,
        )
    except ImportProblems as exc:
        return _marketplace_page(
            request,
            caller,
            code,
            status_code=422,
            problems=said_problems(caller.lang, exc.problems),
            form=form,
        )
    return _back(request, "marketplace", "added", code=code)


@router.post("/parks/{code}/marketplace/{listing_id}/close", name="listing_close")
def listing_close(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, listing_id: int
) -> Response:
    marketplace.close_listing(
        request.app.state.engine, code, listing_id, caller.viewer, actor=caller.viewer.name
    )
    return _back(request, "marketplace", "closed", code=code)


# -- the match inbox --------------------------------------------------------------------------


@router.get("/parks/{code}/matches", name="matches")
def matches(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    status: str = "",
    page_at: int = 1,
) -> Response:
    status = status if status in inbox.STATUSES else ""
    at = max(page_at, 1)
    found = inbox.inbox(
        request.app.state.engine,
        code,
        caller.viewer,
        status,
        offset=(at - 1) * INBOX_PAGE,
        limit=INBOX_PAGE,
    )
    method: dict[str, str] = next(
        (v["accounting"]["method"] for v in found.matches if "method" in v["accounting"]), {}
    )
    return page(
        request,
        caller,
        "matches.html",
        title="Matches",
        park=registry.require_park(request.app.state.engine, code),
        inbox=found,
        status=status,
        statuses=inbox.STATUSES,
        at=at,
        pages=max((found.total + INBOX_PAGE - 1) // INBOX_PAGE, 1),
        method=method,
        party=_party_name(_parties(request, found.matches), caller.lang),
        hidden=HIDDEN,
        unit=units.display,
    )


@router.post("/parks/{code}/matches/run", name="match_run")
def match_run(
    request: Request, caller: Annotated[Caller, Depends(operator)], code: str
) -> Response:
    """Match the park again in the background; its job page shows the progress."""
    job_id = inbox.run_matching(request.app.state.engine, code, caller.viewer, caller.user_id)
    return RedirectResponse(str(request.url_for("job", job_id=job_id)), 303)


def _match_page(
    request: Request,
    caller: Caller,
    code: str,
    match_id: int,
    status_code: int = 200,
    error: str = "",
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    view = inbox.match_detail(engine, code, match_id, caller.viewer)
    return page(
        request,
        caller,
        "match.html",
        status_code=status_code,
        title="Match",
        park=park,
        m=view,
        party=_party_name(_parties(request, [view]), caller.lang),
        hidden=HIDDEN,
        unit=units.display,
        notice=_notice(request),
        error=error,
    )


@router.get("/parks/{code}/matches/{match_id}", name="match")
def match(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, match_id: int
) -> Response:
    return _match_page(request, caller, code, match_id)


@router.post("/parks/{code}/matches/{match_id}/accept", name="match_accept")
def match_accept(
    request: Request, caller: Annotated[Caller, Depends(signed_in)], code: str, match_id: int
) -> Response:
    """Accept a proposal: it becomes an exchange in negotiation between its two parties."""
    inbox.decide(request.app.state.engine, code, match_id, caller.viewer, accept=True)
    return _back(request, "match", "accepted", code=code, match_id=match_id)


@router.post("/parks/{code}/matches/{match_id}/reject", name="match_reject")
def match_reject(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    match_id: int,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Reject a proposal with a reason; it is not proposed again unless its data change."""
    try:
        inbox.decide(
            request.app.state.engine, code, match_id, caller.viewer, accept=False, reason=reason
        )
    except (NotAllowed, NotFound):
        raise
    except UserError as exc:
        return _match_page(request, caller, code, match_id, 400, error=said_in(caller.lang, exc))
    return _back(request, "match", "rejected", code=code, match_id=match_id)


# -- the exchange tracker ---------------------------------------------------------------------


@router.get("/parks/{code}/exchanges", name="exchanges")
def exchanges(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, status: str = ""
) -> Response:
    stages = [s.value for s in tracker.STAGES]
    status = status if status in stages else ""
    found = tracker.tracker(request.app.state.engine, code, caller.viewer, status)
    return page(
        request,
        caller,
        "exchanges.html",
        title="Exchanges",
        park=registry.require_park(request.app.state.engine, code),
        track=found,
        status=status,
        stages=stages,
        unit=units.display,
    )


@router.get("/parks/{code}/exchanges/{exchange_id}", name="exchange")
def exchange(
    request: Request, caller: Annotated[Caller, Depends(anyone)], code: str, exchange_id: int
) -> Response:
    engine = request.app.state.engine
    park = registry.require_park(engine, code)
    found = tracker.exchange_detail(engine, code, exchange_id, caller.viewer)
    return page(
        request,
        caller,
        "exchange.html",
        title="Exchange",
        park=park,
        x=found["tracked"],
        detail=found,
        statuses=[s for s in ExchangeStatus if s.value in found["statuses"]],
        unit=units.display,
        notice=_notice(request),
    )


@router.post("/parks/{code}/exchanges/{exchange_id}/status", name="exchange_status")
def exchange_status(
    request: Request,
    caller: Annotated[Caller, Depends(signed_in)],
    code: str,
    exchange_id: int,
    status: Annotated[str, Form(max_length=16)],
) -> Response:
    """Move an exchange to another stage (the service of `parkloop exchanges set-status`)."""
    tracker.set_status(
        request.app.state.engine, code, exchange_id, caller.viewer, status, actor=caller.viewer.name
    )
    return _back(request, "exchange", "changed", code=code, exchange_id=exchange_id)
