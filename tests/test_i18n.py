"""The notebooks' language (cnnviz.i18n) and the catalog of the package's words (cnnviz.words)."""
import re
import string

import pytest

from cnnviz import i18n, words


@pytest.fixture
def rules(monkeypatch):
    """The automatic rules (no forced language, no CNNVIZ_LANG) for one test."""
    monkeypatch.delenv(i18n.ENV, raising=False)
    monkeypatch.setattr(i18n, "_forced", None)
    return monkeypatch


def test_a_folder_named_zh_means_chinese(rules, tmp_path):
    (tmp_path / "zh").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "zhx").mkdir()
    rules.chdir(tmp_path / "zh")
    assert i18n.language() == "zh"
    for other in (tmp_path / "en", tmp_path / "zhx", tmp_path):
        rules.chdir(other)
        assert i18n.language() == "en"


def test_the_environment_variable_wins_over_the_folder(rules, tmp_path):
    (tmp_path / "zh").mkdir()
    rules.chdir(tmp_path / "zh")
    rules.setenv(i18n.ENV, "en")
    assert i18n.language() == "en"
    rules.chdir(tmp_path)
    rules.setenv(i18n.ENV, "zh")
    assert i18n.language() == "zh"
    rules.setenv(i18n.ENV, "")  # set but empty: as if unset
    assert i18n.language() == "en"


@pytest.mark.parametrize("value", ["fr", "zh-CN", "ZH", "english"])
def test_a_bad_environment_variable_is_a_clear_error(rules, value):
    rules.setenv(i18n.ENV, value)
    with pytest.raises(ValueError, match=f"CNNVIZ_LANG must be one of 'en', 'zh', got '{value}'"):
        i18n.language()


def test_set_language_and_using_win_and_restore(rules):
    rules.setenv(i18n.ENV, "en")
    with i18n.using("zh"):
        assert i18n.language() == "zh"
        with i18n.using("en"):
            assert i18n.language() == "en"
        assert i18n.language() == "zh"
    assert i18n.language() == "en"
    with pytest.raises(RuntimeError), i18n.using("zh"):
        raise RuntimeError
    assert i18n.language() == "en"
    i18n.set_language("zh")
    assert i18n.language() == "zh"
    i18n.set_language(None)
    assert i18n.language() == "en"
    with pytest.raises(ValueError, match="set_language's lang"):
        i18n.set_language("cn")


def test_pick():
    text = {"en": "add the bias", "zh": "加上偏置"}
    assert i18n.pick(text, "zh") == "加上偏置" and i18n.pick(text, "en") == "add the bias"
    with i18n.using("zh"):
        assert i18n.pick(text) == "加上偏置"
        assert i18n.pick({"en": "only English"}) == "only English"  # falls back to en
        assert i18n.pick("a str as it is") == "a str as it is"
    for bad in (None, 3, ["en", "zh"], b"bytes"):
        with pytest.raises(TypeError, match="a str or a dict"):
            i18n.pick(bad)
    with pytest.raises(ValueError, match="keys 'en'"):
        i18n.pick({"zh": "没有英文"})
    with pytest.raises(ValueError, match="keys 'en'"):
        i18n.pick({"en": "x", "cn": "错键"})
    with pytest.raises(TypeError, match=r"text\['zh'\] must be a str"):
        i18n.pick({"en": "x", "zh": None})
    with pytest.raises(ValueError, match="lang must be one of"):
        i18n.pick("x", "de")


def test_i18n_imports_nothing_of_the_package():
    source = open(i18n.__file__, encoding="utf-8").read()
    imports = re.findall(r"^\s*(?:from\s+(\S+)\s+import|import\s+(\S+))", source, re.M)
    assert sorted(a or b for a, b in imports) == ["contextlib", "os"]


# ---------------------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------------------
def test_no_catalog_entry_misses_a_language():
    assert words._missing() == []
    for key, entry in words.WORDS.items():
        assert set(entry) == set(i18n.LANGS), key
        assert all(isinstance(v, str) and v for v in entry.values()), key


def test_no_catalog_key_is_written_twice():
    """A dict literal keeps the last of two equal keys without a word: read the source."""
    import ast
    import collections
    counts = collections.Counter()
    for module in (words, *words.PARTS):
        tree = ast.parse(open(module.__file__, encoding="utf-8").read())
        catalog = next(node.value for node in tree.body if isinstance(node, ast.Assign)
                       and getattr(node.targets[0], "id", "") == "WORDS")
        counts.update(key.value for key in catalog.keys)
    assert [key for key, n in counts.items() if n > 1] == []
    assert len(counts) == len(words.WORDS)


def _fields(template):
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


def test_both_languages_of_an_entry_take_the_same_fields():
    for key, entry in words.WORDS.items():
        en, zh = set(_fields(entry["en"])), set(_fields(entry["zh"]))
        assert zh <= en and en - zh <= {"article"}, key  # Chinese has no "a"/"an"


def test_the_chinese_entries_are_chinese():
    from zh_words import english_words, visible_text
    for key, entry in words.WORDS.items():
        text = visible_text(string.Formatter().vformat(entry["zh"], (), _Blank()))
        # Chinese, or only punctuation around the fields ("{term}（{why}）")
        assert re.search(r"[\u4e00-\u9fff]", text) or not re.search(r"[A-Za-z]{2,}", text), key
        assert english_words(text) == [], (key, english_words(text))


class _Blank(dict):
    def __missing__(self, key):
        return ""


def test_say_and_join():
    assert words.say("check.right", "en", value="7") == "Right: 7."
    assert words.say("check.right", "zh", value="7") == "正确：7。"
    assert words.join(["a", "b", "c"], "en", last_and=True) == "a, b and c"
    assert words.join(["a", "b", "c"], "zh", last_and=True) == "a、b和c"
    assert words.join(["a"], "en", last_and=True) == "a"
    with i18n.using("zh"):
        assert words.say("terms.none") == "没有给出任何项"
    with pytest.raises(KeyError):
        words.say("no.such.key")


def test_every_id_the_package_says_is_in_the_catalog():
    """A message id missing from the catalog would be a KeyError where a student should read a
    message (often in place of a ValueError): read every say("...") in the package's source."""
    import ast
    import pathlib
    package = pathlib.Path(words.__file__).parent
    used = {}
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and node.args
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) == "say"
                    and isinstance(node.args[0], ast.Constant)):
                used.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    assert len(used) > 100  # the scan finds the package's messages
    assert {key: where for key, where in used.items() if key not in words.WORDS} == {}
