"""The pages of the web application, one module per part of the product."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from parkloop.web.pages import analysis, auth, data, exchange, inventory, parks, pictures, users
    from parkloop.web.pages.facilitation import router as facilitation_router
    from parkloop.web.pages.monitoring import router as monitoring_router
    from parkloop.web.pages.reports import router as reports_router

    return [
        auth.router,
        parks.router,
        inventory.router,
        data.router,
        pictures.router,
        users.router,
        exchange.router,
        analysis.router,
        facilitation_router,
        reports_router,
        monitoring_router,
    ]
