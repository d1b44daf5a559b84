"""The message catalogue: every printed text in Chinese and English, looked up in one place."""

import pytest

from sim import messages


def test_every_entry_reads_in_both_languages_or_is_the_same_in_both():
    for key, entry in messages.MESSAGES.items():
        assert isinstance(entry, str) or set(entry) == set(messages.LANGS), key


def test_text_fills_the_template_in_the_language_asked():
    assert messages.text("written_to", "zh", path="outputs/x") == "输出: outputs/x"
    assert messages.text("written_to", "en", path="outputs/x") == "written to: outputs/x"
    assert messages.text("targets_met", "en", met=9, n=14) == "9 of 14 modelled targets met"
    assert messages.text("note", "zh", text="t") == messages.text("note", "en", text="t") \
        == "note: t"
    with pytest.raises(ValueError, match="language 'fr'"):
        messages.text("written_to", "fr", path="x")
