"""Shipped reference data: codes, units, factors, materials and knowledge, with sources."""

from __future__ import annotations

import threading
from pathlib import Path

from parkloop.catalog import (
    knowledge,  # noqa: F401  (registers the knowledge-base checks)
    profiles,  # noqa: F401  (registers the sector-profile checks)
)
from parkloop.catalog.checks import CatalogError, Finding, run_checks
from parkloop.catalog.loader import Catalog, CodeEntry, Factor, default_data_dir, fold

__all__ = [
    "Catalog",
    "CatalogError",
    "CodeEntry",
    "Factor",
    "Finding",
    "catalog",
    "fold",
    "load_catalog",
]


def load_catalog(data_dir: Path | None = None) -> Catalog:
    """Load and validate a catalog; raises :class:`CatalogError` listing every finding."""
    cat = Catalog(data_dir or default_data_dir())
    if data_dir is None:
        # The shipped data is checked once per state of the package, not in every process.
        from parkloop.kept import kept

        findings = kept("catalog-findings", lambda: run_checks(cat))
    else:
        findings = run_checks(cat)
    if findings:
        raise CatalogError(findings)
    return cat


_SHIPPED: list[Catalog] = []
_LOADING = threading.Lock()


def catalog() -> Catalog:
    """The shipped catalog, loaded and validated once per process: threads asking for it
    at the same time (a web worker's first requests) wait for the one load and share it."""
    if not _SHIPPED:
        with _LOADING:
            if not _SHIPPED:
                _SHIPPED.append(load_catalog())
    return _SHIPPED[0]
