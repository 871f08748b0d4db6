"""parkloop serve, users ..., tokens ...: the web application and its accounts."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from parkloop.cli.render import console, print_json, table
from parkloop.cli.speech import t
from parkloop.cli.state import state
from parkloop.errors import Word
from parkloop.services import accounts
from parkloop.settings import setting

# Seconds a web worker may take to answer the server's health check before it is killed
# and started again. A new worker first imports parkloop, several seconds of CPU; with
# uvicorn's default of 5 s, workers starting together on a busy two-core machine were
# killed and started again without end, and the server never answered.
WORKER_ANSWER_S = 60

users_app = typer.Typer(help="Accounts of the web application.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Web worker processes (more than 1 needs PostgreSQL).", min=1)
    ] = 1,
    tiles: Annotated[
        str | None,
        typer.Option(
            help="Map tile URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png; "
            "empty: the offline base map only. Default: the tiles_url setting."
        ),
    ] = None,
    attribution: Annotated[
        str | None,
        typer.Option(help="Credit shown for the tiles. Default: the tiles_attribution setting."),
    ] = None,
    proxy: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-* headers from a reverse proxy on this host.")
    ] = False,
) -> None:
    """Run the web application: pages at /, the REST API at /api/v1."""
    import uvicorn

    st = state(ctx)
    engine = st.engine(create=True)
    sqlite = engine.dialect.name == "sqlite"
    if workers > 1 and sqlite:
        raise typer.BadParameter(
            t(
                "several workers need PostgreSQL (PARKLOOP_DATABASE_URL=postgresql://...); on "
                "SQLite run one"
            ),
            param_hint="--workers",
        )
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown_host}:{port}"
    console.print(
        t("parkloop: {base}  (database {database})", base=base, database=st.database.shown),
        highlight=False,
    )
    token = accounts.setup_link_token(engine)
    if token is not None:
        console.print(
            t(
                "first run: create the administrator at {link}\n  (the link works once, for a "
                "day; or use `parkloop users add EMAIL --role admin`)",
                link=f"{base}/setup?token={token}",
            ),
            highlight=False,
        )
    os.environ["PARKLOOP_DATABASE_URL"] = st.database.resolved_url
    os.environ["PARKLOOP_TILES_URL"] = setting("tiles_url") if tiles is None else tiles
    os.environ["PARKLOOP_TILES_ATTRIBUTION"] = (
        setting("tiles_attribution") if attribution is None else attribution
    )
    uvicorn.run(
        "parkloop.web.asgi:create",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy,
        forwarded_allow_ips="127.0.0.1" if proxy else None,
        log_level="info",
        access_log=False,
        timeout_worker_healthcheck=WORKER_ANSWER_S,
    )


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The account's e-mail address.")],
    role: Annotated[
        str, typer.Option(help="admin, operator, enterprise, authority or facilitator.")
    ],
    park: Annotated[
        list[str] | None,
        typer.Option(
            help="Park of an operator or enterprise; the parks of a facilitator (repeat it)."
        ),
    ] = None,
    org: Annotated[str | None, typer.Option(help="Enterprise of an enterprise account.")] = None,
    province: Annotated[
        str | None,
        typer.Option(
            help="The province an authority oversees (its name since 2025, or the former one)."
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(help="The region an authority oversees, e.g. red-river-delta."),
    ] = None,
    name: Annotated[str, typer.Option(help="The person's name.")] = "",
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PARKLOOP_NEW_PASSWORD",
            help="First password (asked for when not given; or PARKLOOP_NEW_PASSWORD).",
        ),
    ] = "",
) -> None:
    """Create an account. An authority with neither --province nor --region oversees
    every park of the country."""
    st = state(ctx)
    user = accounts.add_user(
        st.engine(),
        email,
        role,
        st.viewer(),
        org_code=org,
        name=name,
        password=password or None,
        lang=st.lang,
        parks=park or (),
        province=province,
        region=region,
    )
    where = accounts.scope_named(user) or user.place
    if user.role == "authority" and not where:
        where = t("every park")
    console.print(
        t(
            "created {role} account {email} of {where}"
            if where
            else "created {role} account {email}",
            role=Word(user.role),
            email=user.email,
            where=where or "",
        ),
        highlight=False,
    )
    if province:
        from parkloop.catalog.places import resolve_province

        found = resolve_province(province)
        if found is not None and found.old_name:
            console.print(
                t(
                    "'{province}' is part of {name} since 2025: the account oversees the parks "
                    "of {name}",
                    province=province,
                    name=found.name_vi,
                ),
                highlight=False,
            )
    if user.scope is not None:
        console.print(t("parks it oversees now: {count}", count=len(user.scope)), highlight=False)


@users_app.command("list")
def users_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List accounts (an operator: those of its park)."""
    st = state(ctx)
    found = accounts.users(st.engine(), st.viewer())
    rows = [
        {
            "email": u.email,
            "name": u.name,
            "role": u.role,
            "park": u.park_code,
            "enterprise": u.org_code,
            "parks": [code for _, code in u.engaged],
            "province": u.province_code or None,
            "region": u.region or None,
            "active": u.active,
        }
        for u in found
    ]
    if as_json:
        print_json(rows)
        return
    table(
        t("Accounts"),
        [
            t("e-mail"),
            t("name"),
            t("role"),
            t("park"),
            t("enterprise"),
            t("province or region"),
            t("active"),
        ],
        [
            [
                r["email"],
                r["name"],
                t(r["role"]),
                r["park"] or ", ".join(r["parks"]),
                r["enterprise"] or "",
                r["province"] or r["region"] or "",
                t("yes") if r["active"] else t("no"),
            ]
            for r in rows
        ],
    )


@users_app.command("disable")
def users_disable(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="The account.")]
) -> None:
    """Disable an account: it cannot sign in, its sessions end at once."""
    st = state(ctx)
    accounts.set_active(st.engine(), email, False, st.viewer())
    console.print(t("disabled {email}", email=email), highlight=False)


@users_app.command("enable")
def users_enable(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="The account.")]
) -> None:
    """Enable a disabled account again."""
    st = state(ctx)
    accounts.set_active(st.engine(), email, True, st.viewer())
    console.print(t("enabled {email}", email=email), highlight=False)


@users_app.command("password")
def users_password(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The account.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PARKLOOP_NEW_PASSWORD",
            help="The new password (asked for when not given).",
        ),
    ],
) -> None:
    """Set an account's password; its sessions end."""
    st = state(ctx)
    accounts.set_password(st.engine(), email, password, st.viewer())
    console.print(t("password of {email} set", email=email), highlight=False)


@tokens_app.command("create")
def tokens_create(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The account the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "script",
    days: Annotated[int, typer.Option(help="Days it is valid (0: no end).", min=0)] = 90,
) -> None:
    """Create an API token (printed once; only its hash is kept)."""
    st = state(ctx)
    token = accounts.create_token(st.engine(), email, name, days or None, st.viewer())
    console.print(token, highlight=False, soft_wrap=True)
