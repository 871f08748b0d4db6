"""What a figure rests on, written for a reader of a document: the data status of a value
and its source as a sentence ("số liệu doanh nghiệp tự báo cáo"), never an internal code,
a file of the catalog or an identifier."""

from __future__ import annotations

import re

from parkloop.reports.words import say

STATUS_NOTES = {
    "measured": "measured by the enterprise or the park",
    "reported": "figures reported by the enterprises themselves",
    "seed": "taken from the study the park's records come from",
    "read": "taken from the legal text or an official publication",
    "read_secondary": (
        "taken from a secondary copy of the text, not yet checked against the original"
    ),
    "derived": "computed from the other figures of this document",
    "estimate": "estimated",
    "recalled_unverified": "not yet checked against a source document",
    "synthetic": "generated data for trials, not real figures",
    "not_found": "no source document found yet",
    "": "no source document found yet",
}
STATUS_WORDS = {
    "measured": "Measured figures",
    "reported": "Figures reported by enterprises",
    "seed": "Figures from the source study",
    "read": "Legal texts",
    "read_secondary": "Texts read in a secondary copy",
    "derived": "Computed figures",
    "estimate": "Estimates",
    "recalled_unverified": "Unverified figures",
    "synthetic": "Generated data",
    "not_found": "Without a source",
    "": "Without a source",
}
_CODES = re.compile(
    r"\b(read_secondary|recalled_unverified|not_found|read|seed|derived|estimate|measured|"
    r"reported|synthetic)\b"
)
_INTERNAL = re.compile(r"\b\w+_\w+\b|\.csv\b|\.ya?ml\b|\brows?\b [a-z]")


def status_note(status: str, lang: str) -> str:
    """The data status of a figure as a reader is told it."""
    return say(lang, STATUS_NOTES.get(status, STATUS_NOTES[""]))


def status_word(status: str, lang: str) -> str:
    return say(lang, STATUS_WORDS.get(status, STATUS_WORDS[""]))


def readable_source(text: str) -> str:
    """A source a reader can look up, without the internal notes it may carry: bits in
    brackets that name a status code or a catalog file are dropped; a source that is only
    internal reads as empty."""
    if not text:
        return ""
    out = re.sub(
        r"\s*\(([^()]*)\)", lambda m: "" if _CODES.search(m.group(1)) else m.group(0), text
    )
    out = re.sub(r"\s*\[[^\]]*\]", "", out)
    out = " ".join(out.split()).strip(" ;,.")
    if _INTERNAL.search(out) or _CODES.fullmatch(out):
        return ""
    return out


def co2_note(lang: str) -> str:
    return say(
        lang,
        "estimated with the IPCC 2006 emission factors and the grid emission factor of "
        "Viet Nam published by the Ministry of Natural Resources and Environment",
    )
