"""The few words the pictures write themselves (legend headings, "other"), in Vietnamese
and English. A caller may pass its own (``words=``) to any picture; the rest of a
picture's text comes with its data, already in the viewer's language."""

from __future__ import annotations

from collections.abc import Mapping

WORDS: dict[str, dict[str, str]] = {
    "other": {"vi": "Khác", "en": "Other"},
    "other-firms": {"vi": "Doanh nghiệp khác", "en": "Other firms"},
    "other-classes": {"vi": "Nhóm vật liệu khác", "en": "Other material classes"},
    "other-destinations": {"vi": "Nơi đến khác", "en": "Other destinations"},
    "material-classes": {"vi": "Nhóm vật liệu", "en": "Material classes"},
    "lines": {"vi": "Đường nối", "en": "Lines"},
    "organisations": {"vi": "Tổ chức", "en": "Organisations"},
    "unlinked": {
        "vi": "{n} tổ chức chưa có trao đổi không được vẽ",
        "en": "{n} organisations without exchanges are not drawn",
    },
    "not-drawn": {
        "vi": "{n} tổ chức ít liên kết hơn không được vẽ",
        "en": "{n} organisations with fewer links are not drawn",
    },
    "labels-below": {"vi": "Trao đổi đánh số", "en": "Numbered exchanges"},
    "north": {"vi": "B", "en": "N"},
    "park": {"vi": "Khu công nghiệp", "en": "Industrial park"},
    "exchanges": {"vi": "Trao đổi", "en": "Exchanges"},
    "per-year": {"vi": "/năm", "en": "/yr"},
    "nothing": {"vi": "Không có số liệu để vẽ", "en": "Nothing to draw"},
    "exchanged": {"vi": "Khối lượng trao đổi", "en": "Quantity exchanged"},
    "co2": {"vi": "CO2e tránh được", "en": "CO2e avoided"},
    "water": {"vi": "Nước tái sử dụng", "en": "Water reused"},
    "energy": {"vi": "Năng lượng thu hồi", "en": "Energy recovered"},
    "money": {"vi": "Lợi ích ròng", "en": "Net benefit"},
    "materials": {"vi": "Nguyên liệu nguyên sinh tránh được", "en": "Virgin material avoided"},
    "running": {"vi": "Số trao đổi đang vận hành", "en": "Running exchanges"},
    "billion-vnd": {"vi": "tỷ đồng", "en": "billion VND"},
    "count": {"vi": "trao đổi", "en": "exchanges"},
    "no-value": {"vi": "không có số liệu", "en": "no data"},
    "outside-vn": {"vi": "Việt Nam", "en": "Viet Nam"},
}


def lookup(lang: str, words: Mapping[str, str] | None = None) -> dict[str, str]:
    """The words of ``lang`` (Vietnamese unless English), with ``words`` over them."""
    lang = "en" if lang == "en" else "vi"
    out = {key: texts[lang] for key, texts in WORDS.items()}
    out.update(words or {})
    return out
