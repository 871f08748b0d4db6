from pathlib import Path

from parkloop.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"| {setting.name} |" in text, setting.name
        assert setting.env in text, setting.env
