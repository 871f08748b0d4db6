"""What a text was read as: the code, how sure, how it was read and the words that decided
it. Shared by the readers of materials, destinations and sectors."""

from __future__ import annotations

from dataclasses import dataclass

UNCLASSIFIED = "unclassified"

# How a reading was made; shown beside the recognised code.
METHODS = {
    "code": ("mã danh mục", "catalog code"),
    "name": ("tên hoặc từ đồng nghĩa", "name or synonym"),
    "name-without-qualifiers": ("tên, bỏ qua từ bổ nghĩa", "name, qualifiers set aside"),
    "term-core": ("tên chất thải, bỏ qua từ 'thải'", "waste name without its waste word"),
    "contains": ("chứa cụm từ", "contains the words"),
    "scattered": ("chứa các từ", "contains the words, in another order"),
    "context": ("từ chung, theo chiều và ngành", "bare word, read by direction and sector"),
    "fuzzy": ("gần giống", "similar to"),
    "ambiguous": ("nhiều khả năng", "ambiguous"),
    "mix": ("hỗn hợp, đọc theo thành phần chính", "a mix, read as its likely bulk"),
    "unknown": ("không nhận ra", "not recognised"),
    "origin": ("chỉ nói nguồn gốc", "says only where it came from"),
    "hazard": ("có dấu hiệu nguy hại", "marked hazardous"),
    "make-up": ("nước cấp bổ sung", "make-up water"),
    "lot": ("lô nhiều loại của một vật liệu", "a list of grades bought as one lot"),
    "pattern": ("bao bì hoặc vật dụng nhiễm chất nguy hại", "contaminated packaging or items"),
    "unit-mismatch": ("đơn vị không hợp", "unit does not fit"),
    "assigned": ("người dùng gán", "assigned by a person"),
}


@dataclass(frozen=True, slots=True)
class Recognised:
    """What a text was read as. ``code`` is ``unclassified`` when no reading is sure enough."""

    text: str
    code: str
    confidence: float
    method: str
    words: str
    suggestions: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()

    @property
    def basis(self) -> str:
        """The words that decided it, stored beside the code: ``method: words``."""
        return f"{self.method}: {self.words}" if self.words else self.method

    def describe(self, lang: str = "vi") -> str:
        label = METHODS.get(self.method, (self.method, self.method))[0 if lang == "vi" else 1]
        return f"{label} '{self.words}'" if self.words else label
