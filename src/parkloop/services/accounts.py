"""Accounts: who may sign in to the web application, as whom they see the data, and how.

A user is an administrator, a park operator (one park), an enterprise (one organisation
of one park), an authority (aggregates only: the ministry over every park, a provincial
board over the parks of its province, a regional body over those of its region) or a
facilitator (the shared records of the parks that engaged it). The user's :class:`Viewer`
is what every service filters by: the web application never decides confidentiality
itself.

Passwords are hashed with argon2 (pwdlib). Sessions and API tokens are random 32-byte
values; only their SHA-256 hash is stored. Sign-in attempts are counted in the database,
so the limit holds across web workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pwdlib import PasswordHash
from sqlalchemy import Connection, Engine

from parkloop.domain.permissions import Role, Viewer
from parkloop.errors import Message, NotAllowed, NotFound, UserError, Word, msg
from parkloop.settings import setting
from parkloop.store import accounts as store
from parkloop.store import changes, registry
from parkloop.store.accounts import User

ROLES = ("admin", "operator", "enterprise", "authority", "facilitator")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FAILURE_WINDOW = dt.timedelta(minutes=15)
SETUP_HOURS = 24

_hasher = PasswordHash.recommended()


@cache
def _dummy_hash() -> str:
    """Checked against when the e-mail is unknown, so a wrong address costs as long as a
    wrong password and timing does not tell which addresses have accounts. Made on first
    use: hashing costs most of a second, which no command should pay at start."""
    return _hasher.hash("parkloop: no such user")


class SignInRefused(UserError):
    """Wrong e-mail or password, a disabled account, or too many attempts."""


@dataclass(frozen=True, slots=True)
class Session:
    token: str  # the cookie's value, given to the browser once
    user: User


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def viewer_of(user: User) -> Viewer:
    """What ``user`` sees and may change: the role, park and organisation of the account,
    a facilitator's parks, the parks a scoped authority may open."""
    return Viewer(
        Role(user.role),
        park_id=user.park_id,
        org_id=user.org_id,
        name=user.shown,
        parks=frozenset(park_id for park_id, _ in user.engaged),
        scope=None if user.scope is None else frozenset(user.scope),
    )


def _number(name: str) -> int:
    text = setting(name)
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise UserError(
            msg("setting {name}='{text}': give a whole number of at least 1", name=name, text=text)
        )
    return value


def min_password_length() -> int:
    return _number("password_min_length")


def check_password(password: str) -> None:
    least = min_password_length()
    if len(password) < least:
        raise UserError(
            msg("the password is too short: use at least {least} characters", least=least)
        )
    if len(password) > 1024:
        raise UserError(msg("the password is too long: use at most 1,024 characters"))


def normal_email(email: str) -> str:
    text = email.strip().lower()
    if not EMAIL.match(text) or len(text) > 254:
        raise UserError(msg("'{email}' is not an e-mail address (name@example.vn)", email=email))
    return text


# -- users -----------------------------------------------------------------------------------


def add_user(
    engine: Engine,
    email: str,
    role: str,
    by: Viewer,
    park_code: str | None = None,
    org_code: str | None = None,
    name: str = "",
    password: str | None = None,
    lang: str = "vi",
    parks: Sequence[str] = (),
    province: str | None = None,
    region: str | None = None,
) -> User:
    """Create an account. The administrator creates any; a park operator creates
    enterprise accounts of its own park. An account without a password cannot sign in
    until one is set.

    A facilitator works for one or more parks (``park_code`` and ``parks``); an authority
    oversees one province (``province``: its current name or code, or a name from before
    2025), one region (``region``: its code or name), or, with neither, the whole country."""
    email = normal_email(email)
    if role not in ROLES:
        raise UserError(msg("role '{role}': choose one of {roles}", role=role, roles=ROLES))
    if password is not None:
        check_password(password)
    codes = list(dict.fromkeys([c for c in (park_code, *parks) if c]))
    province_code, region_code = _scope(role, province, region)
    with engine.begin() as conn:
        engaged: list[int] = []
        if role == "facilitator":
            engaged = _engaged(conn, codes, org_code)
            park_id, org_id = None, None
        else:
            if len(codes) > 1:
                raise UserError(
                    msg(
                        "a {role} account belongs to one park at most: give one --park",
                        role=Word(role),
                    )
                )
            park_id, org_id = _place(conn, role, codes[0] if codes else None, org_code)
        if by.role is not Role.ADMIN and not (
            by.role is Role.OPERATOR and role == "enterprise" and by.park_id == park_id
        ):
            raise NotAllowed(
                msg(
                    "{who} may not create a {role} account: the administrator creates "
                    "accounts, a park operator those of its enterprises",
                    who=by.name or Word(by.role.value),
                    role=role,
                )
            )
        if store.user_by_email(conn, email) is not None:
            raise UserError(msg("there is already an account for {email}", email=email))
        values = {
            "email": email,
            "name": name.strip(),
            "role": role,
            "park_id": park_id,
            "org_id": org_id,
            "lang": lang if lang in ("vi", "en") else "vi",
            "password_hash": _hasher.hash(password) if password else "",
            "password_changed_at": now() if password else None,
            "province_code": province_code,
            "region": region_code,
        }
        user_id = store.insert_user(conn, values)
        if engaged:
            store.set_user_parks(conn, user_id, engaged)
        logged: dict[str, object] = {k: v for k, v in values.items() if k != "password_hash"}
        if engaged:
            logged["parks"] = codes
        changes.record(
            conn,
            "create",
            "user",
            email,
            codes[0] if len(codes) == 1 else "",
            {"new": logged},
            who=changes.actor_of(by),
        )
        user = store.user_by_id(conn, user_id)
    assert user is not None
    return user


def _scope(role: str, province: str | None, region: str | None) -> tuple[str, str]:
    """The province code or the region code an authority oversees ('' for neither)."""
    province, region = (province or "").strip(), (region or "").strip()
    if not province and not region:
        return "", ""
    if role != "authority":
        raise UserError(
            msg(
                "a {role} account has no province or region: leave out --province and "
                "--region (they say which parks an authority oversees)",
                role=role,
            )
        )
    if province and region:
        raise UserError(
            msg(
                "an authority oversees one province or one region: give --province or "
                "--region, not both"
            )
        )
    if province:
        return province_code(province), ""
    return "", region_code(region)


def province_code(text: str) -> str:
    """The current code of a province typed as people type it: its name or code since
    2025, or a name from before (read as the importer reads a park's province)."""
    from parkloop.catalog.places import resolve_province, suggest_provinces

    found = resolve_province(text)
    if found is None:
        near = ", ".join(suggest_provinces(text))
        raise UserError(
            msg(
                "province '{text}' is not one of Viet Nam's 34 provinces and cities (or "
                "a former name); the nearest: {near}",
                text=text,
                near=near,
            )
        )
    return found.code


def region_code(text: str) -> str:
    """The code of a region typed as its code or its name in either language."""
    from parkloop.catalog import catalog, fold

    regions = catalog().regions
    wanted = fold(text)
    for r in regions.values():
        if wanted in (fold(r.code), fold(r.name_vi), fold(r.name_en)):
            return r.code
    known = ", ".join(r.code for r in regions.values() if r.country == "VN")
    raise UserError(msg("region '{text}': use one of {known}", text=text, known=known))


def regions() -> list[Any]:
    """The regions of Viet Nam an authority may oversee."""
    from parkloop.catalog import catalog

    return [r for r in catalog().regions.values() if r.country == "VN"]


def scope_named(user: User) -> str:
    """What a scoped authority oversees, named: 'Hải Phòng', 'Red River Delta'."""
    from parkloop.catalog import catalog
    from parkloop.catalog.places import current_provinces

    if user.province_code:
        found = current_provinces().get(user.province_code)
        return found.name_vi if found else user.province_code
    if user.region:
        region = catalog().regions.get(user.region)
        return region.name_en if region else user.region
    return ""


def _engaged(conn: Connection, codes: list[str], org_code: str | None) -> list[int]:
    """The ids of the parks a facilitator works for."""
    if org_code:
        raise UserError(
            msg("a facilitator works for parks, not for one enterprise: leave out --org")
        )
    if not codes:
        raise UserError(msg("a facilitator works for one or more parks: give --park (repeatable)"))
    found = registry.park_ids(conn, codes)
    missing = [c for c in codes if c not in found]
    if missing:
        raise NotFound(msg("no park {items}", items=", ".join(repr(c) for c in missing)))
    return [found[c] for c in codes]


def require_in_scope(engine: Engine, user: User | None, viewer: Viewer, park_code: str) -> None:
    """Refuse a park outside the scope of an authority of one province or one region; a
    park that does not exist is left for the page to say so."""
    if viewer.scope is None:
        return
    with engine.connect() as conn:
        park_id = registry.park_ids(conn, [park_code]).get(park_code)
    if park_id is None or park_id in viewer.scope:
        return
    oversees = scope_named(user) if user is not None else ""
    if oversees:
        raise NotAllowed(
            msg(
                "park '{park_code}' is outside the scope of this account, which oversees the "
                "parks of {oversees}: an authority of a province or a region sees only its own "
                "parks; ask the administrator to change the account's scope",
                park_code=park_code,
                oversees=oversees,
            )
        )
    raise NotAllowed(
        msg(
            "park '{park_code}' is outside the scope of this account: an authority of a "
            "province or a region sees only its own parks; ask the administrator to change "
            "the account's scope",
            park_code=park_code,
        )
    )


def _place(
    conn: Connection, role: str, park_code: str | None, org_code: str | None
) -> tuple[int | None, int | None]:
    """The park and organisation ids an account of ``role`` belongs to."""
    if role in ("admin", "authority"):
        if park_code or org_code:
            raise UserError(
                msg(
                    "a {role} account belongs to no park: leave out --park and --org",
                    role=Word(role),
                )
            )
        return None, None
    if not park_code:
        raise UserError(msg("a {role} account belongs to a park: give --park", role=Word(role)))
    park_id = registry.park_ids(conn, [park_code]).get(park_code)
    if park_id is None:
        raise NotFound(msg("no park '{park_code}'", park_code=park_code))
    if role == "operator":
        if org_code:
            raise UserError(msg("an operator account belongs to the whole park: leave out --org"))
        return park_id, None
    if not org_code:
        raise UserError(msg("an enterprise account belongs to one enterprise: give --org"))
    org_id = store.organisation_id(conn, park_id, org_code)
    if org_id is None:
        raise NotFound(
            msg(
                "park '{park_code}' has no enterprise '{org_code}'",
                park_code=park_code,
                org_code=org_code,
            )
        )
    return park_id, org_id


def users(engine: Engine, by: Viewer) -> list[User]:
    """The accounts ``by`` may see: all for the administrator, its park's for an operator
    (the facilitators its park engaged among them)."""
    with engine.connect() as conn:
        if by.role is Role.ADMIN:
            return store.list_users(conn)
        if by.role is Role.OPERATOR and by.park_id is not None:
            return store.list_users(conn, by.park_id)
    raise NotAllowed(msg("{who} may not list accounts", who=by.name or Word(by.role.value)))


def set_active(engine: Engine, email: str, active: bool, by: Viewer) -> User:
    """Disable an account (its sessions end at once) or enable it again."""
    email = normal_email(email)
    with engine.begin() as conn:
        user = _managed(conn, email, by)
        store.update_user(conn, user.id, {"active": active})
        if not active:
            store.delete_sessions_of(conn, user.id)
        changes.record(
            conn,
            "update",
            "user",
            email,
            user.park_code or "",
            {"old": {"active": user.active}, "new": {"active": active}},
            who=changes.actor_of(by),
        )
        updated = store.user_by_id(conn, user.id)
    assert updated is not None
    return updated


def set_password(engine: Engine, email: str, password: str, by: Viewer) -> None:
    """Set a password: one's own, or (the administrator) anyone's. Other sessions end."""
    email = normal_email(email)
    check_password(password)
    with engine.begin() as conn:
        user = store.user_by_email(conn, email)
        if user is None:
            raise NotFound(msg("no account for {email}", email=email))
        if by.role is not Role.ADMIN and by.name != user.shown:
            raise NotAllowed(
                msg(
                    "{who} may not set the password of {email}",
                    who=by.name or Word(by.role.value),
                    email=email,
                )
            )
        store.update_user(
            conn, user.id, {"password_hash": _hasher.hash(password), "password_changed_at": now()}
        )
        store.delete_sessions_of(conn, user.id)
        changes.record(
            conn,
            "update",
            "user",
            email,
            user.park_code or "",
            {"new": {"password": "changed"}},
            who=changes.actor_of(by) or user.shown,
        )


def change_own_password(engine: Engine, user: User, current: str, new: str) -> None:
    """A signed-in user changes its password, giving the current one."""
    if not _hasher.verify(current, user.password_hash or _dummy_hash()) or not user.password_hash:
        raise SignInRefused(msg("the current password is not right"))
    set_password(engine, user.email, new, viewer_of(user))


def _managed(conn: Connection, email: str, by: Viewer) -> User:
    user = store.user_by_email(conn, email)
    if user is None:
        raise NotFound(msg("no account for {email}", email=email))
    if by.role is Role.ADMIN or (
        by.role is Role.OPERATOR and user.role == "enterprise" and user.park_id == by.park_id
    ):
        return user
    raise NotAllowed(
        msg(
            "{who} may not change the account {email}",
            who=by.name or Word(by.role.value),
            email=email,
        )
    )


# -- signing in ------------------------------------------------------------------------------


def authenticate(engine: Engine, email: str, password: str, ip: str) -> User:
    """The user whose e-mail and password these are; refused after too many failures
    from the address or for the account within 15 minutes."""
    try:
        email = normal_email(email)
    except UserError:
        email = email.strip().lower()[:254]
    at = now()
    refusal: Message | None = None
    with engine.begin() as conn:
        # The attempt is recorded in this transaction, which commits even when the
        # sign-in is refused: the refusal is raised after it.
        by_email, by_ip = store.failures_since(conn, at - FAILURE_WINDOW, email, ip)
        user = store.user_by_email(conn, email)
        if by_email >= _number("login_max_failures") or by_ip >= 10 * _number("login_max_failures"):
            store.record_attempt(conn, email, ip, False, at)
            refusal = msg(
                "too many failed sign-ins: wait 15 minutes and try again, or ask the "
                "administrator to set a new password"
            )
        else:
            hashed = (user.password_hash if user is not None else "") or _dummy_hash()
            valid, rehashed = _hasher.verify_and_update(password, hashed)
            ok = bool(valid and user is not None and user.active and user.password_hash)
            store.record_attempt(conn, email, ip, ok, at)
            if not ok or user is None:
                refusal = msg("wrong e-mail address or password")
            else:
                if rehashed:
                    store.update_user(conn, user.id, {"password_hash": rehashed})
                changes.record(
                    conn,
                    "sign_in",
                    "user",
                    email,
                    user.park_code or "",
                    {"ip": ip},
                    who=user.shown,
                )
    if refusal is not None or user is None:
        raise SignInRefused(refusal or msg("wrong e-mail address or password"))
    return user


def start_session(engine: Engine, user: User, ip: str) -> Session:
    token = secrets.token_urlsafe(32)
    at = now()
    with engine.begin() as conn:
        store.insert_session(conn, digest(token), user.id, at + session_length(), ip)
        store.forget_attempts(conn, at - dt.timedelta(days=30))
    return Session(token, user)


def session_length() -> dt.timedelta:
    return dt.timedelta(hours=_number("session_hours"))


SESSION_TOUCH_EVERY = dt.timedelta(minutes=1)


def session_user(engine: Engine, token: str) -> User | None:
    """The user of a live session; its use moves the expiry on (sliding sessions), written
    at most once a minute so that reading pages does not write to the database."""
    if not token or len(token) > 128:
        return None
    at = now()
    with engine.connect() as conn:
        found = store.session_user(conn, digest(token), at)
    if found is None:
        return None
    session_id, user, last_seen = found
    if at - last_seen >= SESSION_TOUCH_EVERY:
        with engine.begin() as conn:
            store.touch_session(conn, session_id, at, at + session_length())
    return user


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        store.delete_session(conn, digest(token))


# -- API tokens and the first-run link ---------------------------------------------------


def create_token(engine: Engine, email: str, name: str, days: int | None, by: Viewer) -> str:
    """A new API token for ``email``'s account (shown once; only its hash is kept)."""
    email = normal_email(email)
    token = "plk_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user = store.user_by_email(conn, email)
        if user is None:
            raise NotFound(msg("no account for {email}", email=email))
        if by.role is not Role.ADMIN and by.name != user.shown:
            raise NotAllowed(
                msg(
                    "{who} may not create a token for {email}",
                    who=by.name or Word(by.role.value),
                    email=email,
                )
            )
        expires = now() + dt.timedelta(days=days) if days else None
        store.insert_token(conn, digest(token), "api", user.id, name, expires)
        changes.record(
            conn,
            "create",
            "api_token",
            f"{email}: {name}",
            user.park_code or "",
            {"new": {"name": name, "expires_at": expires.isoformat() if expires else None}},
            who=changes.actor_of(by) or user.shown,
        )
    return token


def token_user(engine: Engine, token: str) -> User | None:
    """The active user of a live API token. When it was last used is written at most once
    a minute (the session rule), so reading through the API does not write each time."""
    if not token.startswith("plk_") or len(token) > 128:
        return None
    at = now()
    with engine.connect() as conn:
        found = store.live_token(conn, digest(token), "api", at)
        if found is None or found[1] is None:
            return None
        last_used = store.token_last_used(conn, found[0])
        user = store.user_by_id(conn, found[1])
    if last_used is None or at - last_used >= SESSION_TOUCH_EVERY:
        with engine.begin() as conn:
            store.mark_token_used(conn, found[0], at)
    return user if user is not None and user.active else None


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return store.count_users(conn) > 0


def setup_link_token(engine: Engine) -> str | None:
    """A one-time token for the first-run page that creates the administrator, valid for
    a day; None once any account exists. Earlier setup tokens stop working."""
    with engine.begin() as conn:
        if store.count_users(conn):
            return None
        at = now()
        store.revoke_tokens(conn, "setup", at)
        token = secrets.token_urlsafe(32)
        store.insert_token(
            conn, digest(token), "setup", None, "first run", at + dt.timedelta(hours=SETUP_HOURS)
        )
    return token


def setup_token_valid(engine: Engine, token: str) -> bool:
    with engine.connect() as conn:
        return store.count_users(conn) == 0 and (
            store.live_token(conn, digest(token), "setup", now()) is not None
        )


def create_first_admin(
    engine: Engine, token: str, email: str, password: str, name: str = ""
) -> User:
    """The first administrator, from the first-run link; the link then stops working."""
    email = normal_email(email)
    check_password(password)
    at = now()
    with engine.begin() as conn:
        found = store.live_token(conn, digest(token), "setup", at)
        if found is None or store.count_users(conn):
            raise NotAllowed(
                msg(
                    "this first-run link is no longer valid: an administrator exists or the "
                    "link expired; run `parkloop serve` again for a new one, or `parkloop "
                    "users add`"
                )
            )
        store.revoke_token(conn, found[0], at)
        values = {
            "email": email,
            "name": name.strip(),
            "role": "admin",
            "password_hash": _hasher.hash(password),
            "password_changed_at": at,
        }
        user_id = store.insert_user(conn, values)
        changes.record(
            conn,
            "create",
            "user",
            email,
            "",
            {"new": {"email": email, "role": "admin"}},
            who=email,
        )
        user = store.user_by_id(conn, user_id)
    assert user is not None
    return user
