from __future__ import annotations

import pytest

from storyline.errors import SettingError
from storyline.settings import SETTINGS, Options, load_options

from .conftest import ROOT


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, setting.name
        assert setting.help


def test_every_setting_is_an_option_field():
    assert {s.name for s in SETTINGS} == set(Options.__dataclass_fields__)


def test_environment_overrides_and_types(monkeypatch):
    monkeypatch.setenv("STORYLINE_STORY_THRESHOLD", "0.5")
    monkeypatch.setenv("STORYLINE_PROGRESS", "no")
    options = load_options()
    assert options.story_threshold == 0.5 and options.progress is False


def test_bad_values_and_names_are_named_errors():
    with pytest.raises(SettingError):
        Options().with_(story_threshold="high")
    with pytest.raises(SettingError):
        Options().with_(nonsense=1)
