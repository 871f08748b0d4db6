"""The application as an ASGI server starts it in each worker process: the database and
the tile settings come from the environment `parkloop serve` sets."""

from __future__ import annotations

from fastapi import FastAPI

from parkloop.services.session import Database
from parkloop.settings import seconds, setting
from parkloop.web.app import create_app


def create() -> FastAPI:
    engine = Database(setting("database_url")).engine()
    read_url = setting("database_read_url")
    return create_app(
        engine,
        tiles_url=setting("tiles_url"),
        tiles_attribution=setting("tiles_attribution"),
        read_engine=Database(read_url).engine() if read_url else None,
        stick_s=seconds("replica_stick_s"),
    )
