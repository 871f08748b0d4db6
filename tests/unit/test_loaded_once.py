"""What a web worker loads once and shares between its threads: the catalog, the page
templates and the translations, also when its first requests ask for them at the same
time; and numbers written through parsed patterns kept for reuse, exactly as Babel writes
them."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from babel.numbers import format_decimal, format_percent

import parkloop.catalog as catalog_module
from parkloop import formats
from parkloop.web import i18n, render


def at_once(ask: Callable[[], Any], threads: int = 8) -> list[Any]:
    """``ask()`` from several threads released together; what each got."""
    gate = threading.Barrier(threads)
    got: list[Any] = []

    def run() -> None:
        gate.wait()
        got.append(ask())

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return got


def slow(load: Callable[..., Any], calls: list[int]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while it loads
        return load(*args, **kwargs)

    return wrapped


def test_the_catalog_is_loaded_once_when_threads_ask_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(catalog_module, "_SHIPPED", [])
    monkeypatch.setattr(catalog_module, "load_catalog", slow(catalog_module.load_catalog, calls))
    got = at_once(catalog_module.catalog)
    assert len(calls) == 1
    assert all(c is got[0] for c in got)
    assert catalog_module.catalog() is got[0]


def test_the_templates_and_the_translations_are_made_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[int] = []
    monkeypatch.setattr(render, "_ENVIRONMENT", [])
    monkeypatch.setattr(render, "_make_environment", slow(render._make_environment, made))
    environments = at_once(render.environment)
    assert len(made) == 1 and all(e is environments[0] for e in environments)

    read: list[int] = []
    monkeypatch.setattr(i18n, "_TRANSLATIONS", {})
    monkeypatch.setattr(i18n, "_read", slow(i18n._read, read))
    words = at_once(lambda: i18n.translations("vi"))
    assert len(read) == 1 and all(w is words[0] for w in words)
    assert i18n.gettext("vi", "Sign in") == "Đăng nhập"


def test_numbers_read_as_babel_writes_them() -> None:
    rng = random.Random(20261130)
    values: list[Any] = [0, 1, -1, 0.5, 1.5, 2.5, -2.5, 1e15, 10**20, -(10**12), 123456789.987]
    values += [float("inf"), float("-inf"), float("nan")]
    values += [rng.uniform(-1e9, 1e9) for _ in range(300)] + [rng.random() for _ in range(100)]
    values += [rng.randint(-(10**9), 10**9) for _ in range(100)]
    for value in values:
        for lang, where in formats.LOCALES.items():
            for digits in (0, 1, 3):
                for fixed in (True, False):
                    decimals = ("0" if fixed else "#") * digits
                    pattern = "#,##0" + ("." + decimals if digits else "")
                    assert formats.number(value, lang, digits, fixed) == format_decimal(
                        value, format=pattern, locale=where
                    ), (value, lang, digits, fixed)
                if isinstance(value, float) and abs(value) < 1e6:
                    shown = "#,##0" + ("." + "0" * digits if digits else "")
                    shown += " %" if lang == "vi" else "%"
                    assert formats.percent(value, lang, digits) == format_percent(
                        value, format=shown, locale=where
                    )
    assert formats.number(None) == formats.MISSING and formats.number(True) == formats.MISSING


def test_a_request_reads_a_repeated_read_once_and_no_other_request_sees_it() -> None:
    from contextvars import copy_context

    from parkloop.services import memo

    reads: list[str] = []

    def read() -> str:
        reads.append("read")
        return f"answer {len(reads)}"

    # Outside a request (a job, a command) every read is done.
    assert memo.once("park", read) == "answer 1"
    assert memo.once("park", read) == "answer 2"

    def one_request() -> list[str]:
        memo.remember_reads()
        return [memo.once("park", read), memo.once("park", read), memo.once("other", read)]

    first = copy_context().run(one_request)
    second = copy_context().run(one_request)
    assert first == ["answer 3", "answer 3", "answer 4"]
    assert second == ["answer 5", "answer 5", "answer 6"]  # nothing carried over
    assert memo.once("park", read) == "answer 7"  # and nothing left behind
