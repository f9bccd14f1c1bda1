"""Configuration: every setting reads its CHM_ variable and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented_in_the_readme(name: str) -> None:
    field = Settings.model_fields[name]
    assert field.description, f"Settings.{name} has no description"
    assert f"`CHM_{name.upper()}`" in README.read_text(encoding="utf-8")


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHM_DATA", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("CHM_VOCAB", str(tmp_path))
    settings = Settings()
    assert settings.data == tmp_path / "elsewhere"
    assert settings.vocab == tmp_path
