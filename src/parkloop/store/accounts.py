"""Accounts of the web application: users, sessions, API tokens and sign-in attempts.

Tokens and session ids are stored only as their SHA-256 hash, so a copy of the database
lets no one sign in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, func, or_, select, update

from parkloop.store.schema import (
    api_tokens,
    login_attempts,
    organisations,
    parks,
    user_parks,
    users,
    web_sessions,
)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    name: str
    role: str
    park_id: int | None
    org_id: int | None
    park_code: str | None
    org_code: str | None
    org_name: str | None
    active: bool
    lang: str
    password_hash: str
    province_code: str = ""  # an authority of one province
    region: str = ""  # an authority of one region
    engaged: tuple[tuple[int, str], ...] = ()  # a facilitator's parks: (id, code)
    scope: tuple[int, ...] | None = None  # the parks a scoped authority may open

    @property
    def shown(self) -> str:
        """How the change log and the pages name this user."""
        return self.name or self.email

    @property
    def place(self) -> str:
        """Where the account works, as a list of accounts shows it: its park (and
        enterprise), a facilitator's parks, an authority's province or region."""
        if self.engaged:
            return ", ".join(code for _, code in self.engaged)
        if self.park_code:
            return self.park_code + (f":{self.org_code}" if self.org_code else "")
        return self.province_code or self.region


def _user_query() -> Any:
    return (
        select(
            users,
            parks.c.code.label("park_code"),
            organisations.c.code.label("org_code"),
            organisations.c.name_vi.label("org_name"),
        )
        .select_from(users)
        .outerjoin(parks, parks.c.id == users.c.park_id)
        .outerjoin(organisations, organisations.c.id == users.c.org_id)
    )


def _user(row: Any) -> User:
    m = row._mapping
    return User(
        id=m["id"],
        email=m["email"],
        name=m["name"],
        role=m["role"],
        park_id=m["park_id"],
        org_id=m["org_id"],
        park_code=m["park_code"],
        org_code=m["org_code"],
        org_name=m["org_name"],
        active=bool(m["active"]),
        lang=m["lang"],
        password_hash=m["password_hash"],
        province_code=m["province_code"],
        region=m["region"],
    )


def _placed(conn: Connection, found: Sequence[User]) -> list[User]:
    """``found`` with each facilitator's parks, and each scoped authority's parks."""
    out = list(found)
    ids = [u.id for u in out if u.role == "facilitator"]
    engaged: dict[int, list[tuple[int, str]]] = {}
    if ids:
        rows = conn.execute(
            select(user_parks.c.user_id, parks.c.id, parks.c.code)
            .join(parks, parks.c.id == user_parks.c.park_id)
            .where(user_parks.c.user_id.in_(ids))
            .order_by(parks.c.code)
        )
        for user_id, park_id, code in rows:
            engaged.setdefault(user_id, []).append((park_id, code))
    scopes: dict[tuple[str, str], tuple[int, ...]] = {}
    for i, u in enumerate(out):
        if u.role == "facilitator":
            out[i] = replace(u, engaged=tuple(engaged.get(u.id, ())))
        elif u.province_code or u.region:
            key = (u.province_code, u.region)
            if key not in scopes:
                scopes[key] = parks_in_scope(conn, *key)
            out[i] = replace(u, scope=scopes[key])
    return out


def parks_in_scope(conn: Connection, province_code: str, region: str) -> tuple[int, ...]:
    """The parks of a province (by its current code) or of a region."""
    query = select(parks.c.id).order_by(parks.c.id)
    if province_code:
        query = query.where(parks.c.province_code == province_code)
    else:
        query = query.where(parks.c.region == region)
    return tuple(conn.execute(query).scalars())


def set_user_parks(conn: Connection, user_id: int, park_ids: Iterable[int]) -> None:
    conn.execute(user_parks.delete().where(user_parks.c.user_id == user_id))
    rows = [{"user_id": user_id, "park_id": p} for p in sorted(set(park_ids))]
    if rows:
        conn.execute(user_parks.insert(), rows)


def organisation_id(conn: Connection, park_id: int, code: str) -> int | None:
    return conn.scalar(
        select(organisations.c.id).where(
            organisations.c.park_id == park_id, organisations.c.code == code
        )
    )


def count_users(conn: Connection) -> int:
    return int(conn.scalar(select(func.count()).select_from(users)) or 0)


def insert_user(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(users.insert().values(**values).returning(users.c.id)).scalar_one())


def update_user(conn: Connection, user_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def user_by_email(conn: Connection, email: str) -> User | None:
    row = conn.execute(_user_query().where(users.c.email == email)).first()
    return _placed(conn, [_user(row)])[0] if row else None


def user_by_id(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(_user_query().where(users.c.id == user_id)).first()
    return _placed(conn, [_user(row)])[0] if row else None


def list_users(conn: Connection, park_id: int | None = None) -> list[User]:
    """Every account; with ``park_id``, those of the park (its operator and enterprises,
    and the facilitators it engaged)."""
    query = _user_query().order_by(users.c.email)
    if park_id is not None:
        engaged = select(user_parks.c.user_id).where(user_parks.c.park_id == park_id)
        query = query.where(or_(users.c.park_id == park_id, users.c.id.in_(engaged)))
    return _placed(conn, [_user(r) for r in conn.execute(query)])


# -- sessions ------------------------------------------------------------------------------


def insert_session(
    conn: Connection, token_hash: str, user_id: int, expires_at: dt.datetime, ip: str
) -> None:
    conn.execute(
        web_sessions.insert().values(
            token_hash=token_hash, user_id=user_id, expires_at=expires_at, ip=ip[:64]
        )
    )


def session_user(
    conn: Connection, token_hash: str, now: dt.datetime
) -> tuple[int, User, dt.datetime] | None:
    """The session's id, its active user and when it was last used, if the session exists
    and has not expired."""
    row = conn.execute(
        select(
            web_sessions.c.id,
            web_sessions.c.user_id,
            web_sessions.c.expires_at,
            web_sessions.c.last_seen_at,
        ).where(web_sessions.c.token_hash == token_hash)
    ).first()
    if row is None or _aware(row.expires_at) <= now:
        return None
    user = user_by_id(conn, row.user_id)
    if user is None or not user.active:
        return None
    return row.id, user, _aware(row.last_seen_at)


def touch_session(
    conn: Connection, session_id: int, now: dt.datetime, expires_at: dt.datetime
) -> None:
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.id == session_id)
        .values(last_seen_at=now, expires_at=expires_at)
    )


def delete_session(conn: Connection, token_hash: str) -> None:
    conn.execute(web_sessions.delete().where(web_sessions.c.token_hash == token_hash))


def delete_sessions_of(conn: Connection, user_id: int) -> None:
    conn.execute(web_sessions.delete().where(web_sessions.c.user_id == user_id))


# -- tokens --------------------------------------------------------------------------------


def insert_token(
    conn: Connection,
    token_hash: str,
    purpose: str,
    user_id: int | None,
    name: str,
    expires_at: dt.datetime | None,
) -> int:
    return int(
        conn.execute(
            api_tokens.insert()
            .values(
                token_hash=token_hash,
                purpose=purpose,
                user_id=user_id,
                name=name,
                expires_at=expires_at,
            )
            .returning(api_tokens.c.id)
        ).scalar_one()
    )


def live_token(
    conn: Connection, token_hash: str, purpose: str, now: dt.datetime
) -> tuple[int, int | None] | None:
    """(token id, user id) of a token neither revoked nor expired."""
    row = conn.execute(
        select(api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.expires_at).where(
            api_tokens.c.token_hash == token_hash,
            api_tokens.c.purpose == purpose,
            api_tokens.c.revoked_at.is_(None),
        )
    ).first()
    if row is None or (row.expires_at is not None and _aware(row.expires_at) <= now):
        return None
    return row.id, row.user_id


def token_last_used(conn: Connection, token_id: int) -> dt.datetime | None:
    used = conn.scalar(select(api_tokens.c.last_used_at).where(api_tokens.c.id == token_id))
    return None if used is None else _aware(used)


def mark_token_used(conn: Connection, token_id: int, now: dt.datetime) -> None:
    conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=now))


def revoke_token(conn: Connection, token_id: int, now: dt.datetime) -> bool:
    done = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(done.rowcount)


def revoke_tokens(conn: Connection, purpose: str, now: dt.datetime) -> None:
    conn.execute(
        update(api_tokens)
        .where(api_tokens.c.purpose == purpose, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def tokens_of(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    query = (
        select(
            api_tokens.c.id,
            api_tokens.c.name,
            api_tokens.c.created_at,
            api_tokens.c.expires_at,
            api_tokens.c.last_used_at,
            api_tokens.c.revoked_at,
        )
        .where(api_tokens.c.user_id == user_id, api_tokens.c.purpose == "api")
        .order_by(api_tokens.c.id)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


# -- sign-in attempts ------------------------------------------------------------------------


def record_attempt(conn: Connection, email: str, ip: str, ok: bool, at: dt.datetime) -> None:
    conn.execute(login_attempts.insert().values(email=email[:254], ip=ip[:64], ok=ok, at=at))


def failures_since(conn: Connection, since: dt.datetime, email: str, ip: str) -> tuple[int, int]:
    """Failed sign-ins since ``since``: for this e-mail address, and from this address."""
    failed = login_attempts.c.ok.is_(False) & (login_attempts.c.at >= since)
    by_email = conn.scalar(
        select(func.count())
        .select_from(login_attempts)
        .where(failed, login_attempts.c.email == email)
    )
    by_ip = conn.scalar(
        select(func.count()).select_from(login_attempts).where(failed, login_attempts.c.ip == ip)
    )
    return int(by_email or 0), int(by_ip or 0)


def forget_attempts(conn: Connection, before: dt.datetime) -> None:
    conn.execute(login_attempts.delete().where(login_attempts.c.at < before))


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back; they were written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
