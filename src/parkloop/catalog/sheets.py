"""The fill-in workbook's layout (``sheets.yaml``): sheets, columns, labels and help."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from functools import cache

import yaml

from parkloop.catalog.loader import default_data_dir, fold
from parkloop.domain.enums import ENUMS, LabelledEnum

TYPES = frozenset(
    {
        "text",
        "code",
        "number",
        "integer",
        "bool",
        "date",
        "period",
        "list",
        "region",
        "material",
        "unit",
        "vsic",
        "waste_code",
        "org",
        "org_ref",
        "province",
        "destination",
        "fuel",
        "material_code",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSpec:
    key: str
    type: str
    label_vi: str
    label_en: str
    required: bool = False
    help_vi: str = ""
    help_en: str = ""
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    references: str | None = None
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en

    def help(self, lang: str) -> str:
        return (self.help_vi if lang == "vi" else self.help_en) or ""

    @property
    def enum(self) -> builtins.type[LabelledEnum] | None:
        if self.type.startswith("enum:"):
            return ENUMS[self.type.removeprefix("enum:")]
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class SheetSpec:
    key: str
    label_vi: str
    label_en: str
    help_vi: str
    help_en: str
    natural_key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]

    def label(self, lang: str) -> str:
        return self.label_vi if lang == "vi" else self.label_en

    def column(self, key: str) -> ColumnSpec:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    def header_map(self) -> dict[str, str]:
        """Folded header text (key, Vietnamese or English label) -> column key."""
        out: dict[str, str] = {}
        for col in self.columns:
            for text in col.aliases:
                out[fold(text)] = col.key
        # Keys and labels win over the words staff use for headers.
        for col in self.columns:
            for text in (col.key, col.label_vi, col.label_en):
                out[fold(text)] = col.key
        return out

    def names(self) -> set[str]:
        """Folded names this sheet may be called by (file names, tab names)."""
        return {fold(self.key), fold(self.label_vi), fold(self.label_en)}


@cache
def sheet_specs() -> tuple[SheetSpec, ...]:
    with (default_data_dir() / "sheets.yaml").open(encoding="utf-8") as fh:
        # libyaml's parser when PyYAML has it: the same safe constructor, read in a tenth
        # of the time (every import reads this file first).
        raw = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    specs = []
    for sheet in raw["sheets"]:
        columns = tuple(
            ColumnSpec(**{**col, "aliases": tuple(col.get("aliases", ()))})
            for col in sheet["columns"]
        )
        for col in columns:
            if col.type not in TYPES and col.enum is None:
                raise ValueError(
                    f"sheets.yaml: column {sheet['key']}.{col.key} has unknown type {col.type}"
                )
        specs.append(
            SheetSpec(
                key=sheet["key"],
                label_vi=sheet["label_vi"],
                label_en=sheet["label_en"],
                help_vi=sheet["help_vi"],
                help_en=sheet["help_en"],
                natural_key=tuple(sheet["natural_key"]),
                columns=columns,
            )
        )
    return tuple(specs)


def sheet_spec(key: str) -> SheetSpec:
    for spec in sheet_specs():
        if spec.key == key:
            return spec
    raise KeyError(key)
