"""The message catalogue: every printed text in Chinese and English, looked up in one place."""

import pytest

from sim import messages


def test_every_entry_has_a_text_in_each_language_with_the_same_fields():
    import string

    for key, entry in messages.catalogue().items():
        assert all(entry[lang] for lang in messages.LANGS), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f}
                  for lang in messages.LANGS]
        assert fields[0] == fields[1], key


def test_text_fills_the_template_in_the_language_asked():
    assert messages.text("written_to", "zh", path="outputs/x") == "输出: outputs/x"
    assert messages.text("written_to", "en", path="outputs/x") == "written to: outputs/x"
    assert messages.text("targets_met", "en", met=9, n=14) == "9 of 14 modelled targets met"
    assert messages.text("note", "zh", text="t") == messages.text("note", "en", text="t") \
        == "note: t"
    with pytest.raises(ValueError, match="language 'fr'"):
        messages.text("written_to", "fr", path="x")
