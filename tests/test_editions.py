"""The Chinese edition (notebooks/zh/): built from the same sources as the English one, its code
the English code, its prose Chinese, up to date, tested by nbval like the English notebooks, opened
by `make lab-zh` with JupyterLab's own menus in Chinese, and part of `make site` (site/zh/).
"""
import importlib.metadata
import io
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tokenize
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ZH = sorted((NOTEBOOKS / "zh").glob("[0-9][0-9]_*.ipynb"))
PACK = "jupyterlab-language-pack-zh-CN"
TRANSLATION = "@jupyterlab/translation-extension:plugin"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


builder = _load("notebooks_tool_editions", ROOT / "tools" / "notebooks.py")


# --- what counts as Chinese prose ---------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_PROSE = [
    re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", flags=re.S | re.M),  # fenced code
    re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", flags=re.S),  # code spans
    re.compile(r"\$\$.+?\$\$", flags=re.S),  # display math
    re.compile(r"(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$"),  # inline math
    re.compile(r"<!--.*?-->", flags=re.S),  # HTML comments
    re.compile(r"<[^<>]*>"),  # HTML tags (their attributes)
    re.compile(r"\]\([^)]*\)"),  # link targets
]


def prose(markdown):
    """A markdown cell's text without code, math, HTML tags and link targets."""
    for pattern in _NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def has_chinese(markdown):
    """Some Chinese outside code, math, tags and link targets (every cell of the edition)."""
    return bool(_CJK.search(prose(markdown)))


def is_chinese(markdown):
    """Chinese prose: at least as many Chinese characters as Latin words outside code, math,
    tags and link targets. An English cell quoting the Chinese derivation has a few Chinese
    characters among hundreds of English words; a Chinese cell naming a few English terms has
    hundreds of Chinese characters."""
    text = prose(markdown)
    chinese = len(_CJK.findall(text))
    return chinese > 0 and chinese >= len(_LATIN_WORD.findall(text))


def test_what_counts_as_chinese_prose():
    assert is_chinese("## 记号\n\n下标从 1 开始：$x_{11}$ 是左上角的元素。")
    assert is_chinese("| 步长 | stride | $s$ |") and has_chinese("the stride (步长)")
    assert not is_chinese("The stride (步长) is how far the window moves at each step.")
    # Chinese only inside code, math, a tag, a comment or a link target is no Chinese prose
    for english in ("Indices start at 1: `X[0, 0]  # 左上角`", "The sum $\\text{总和} = 1$ is",
                    "$$\\text{损失} L$$", "<span title='中文'>English</span>", "<!-- 中文 --> English",
                    "see [the notebook](zh/中文.ipynb)", "```python\n# 中文\n```\nEnglish"):
        assert not is_chinese(english), english


def test_an_english_cell_left_in_the_chinese_edition_fails():
    """Every English markdown cell of every source is caught (those quoting the Chinese
    derivation included), and so is a zh notebook holding one."""
    english = [c for path in builder.source_files() for c in builder.parse_cells(path)
               if c.cell_type == "markdown"]
    assert english and not any(is_chinese(c.source) for c in english)
    assert any(has_chinese(c.source) for c in english)  # the quotes: has_chinese is not enough
    nb = nbformat.read(ZH[0], as_version=4)
    nb.cells.insert(2, nbformat.v4.new_markdown_cell(english[1].source))
    assert _english_cells(nb) == [english[1].source[:60]]
    nb.cells[2].source = "Only `中文` in code, $\\text{中文}$ in math, <b title='中文'>in a tag</b>."
    assert _english_cells(nb) == [nb.cells[2].source[:60]]


def _english_cells(nb):
    """The markdown cells of a notebook that are not Chinese prose (the navigation, generated,
    only needs its Chinese words: its links name notebooks not translated yet in English)."""
    return [c.source[:60] for c in nb.cells if c.cell_type == "markdown" and not (
        has_chinese(c.source) if "navigation" in c.metadata.get("tags", []) else is_chinese(c.source))]


# --- the committed Chinese notebooks -------------------------------------------------------------


def test_the_chinese_edition_has_every_fully_translated_source():
    translated = [p.stem for p in builder.source_files() if builder.has_edition(p, "zh")]
    assert "00_start_here" in translated
    assert [p.stem for p in ZH] == translated


@pytest.mark.parametrize("path", ZH, ids=[p.stem for p in ZH])
def test_zh_code_cells_are_the_english_code_cells(path):
    zh = nbformat.read(path, as_version=4)
    en = nbformat.read(NOTEBOOKS / path.name, as_version=4)
    code = [c.source for c in zh.cells if c.cell_type == "code"]
    assert code and code == [c.source for c in en.cells if c.cell_type == "code"]
    assert len(zh.cells) == len(en.cells)  # every English markdown cell has its one twin
    assert zh.metadata["language"] == "zh" and "language" not in en.metadata


@pytest.mark.parametrize("path", ZH, ids=[p.stem for p in ZH])
def test_zh_markdown_cells_are_chinese(path):
    nb = nbformat.read(path, as_version=4)
    assert _english_cells(nb) == []
    # the twins in the source are too (the notebook could hide none, but say where one is)
    source = builder.SOURCES / f"{path.stem}.py"
    twins = [c for c in builder.read_cells(source) if c.metadata.get("lang") == "zh"]
    assert twins and all(is_chinese(c.source) for c in twins)


def _python_names(source):
    """The names a cell's code uses (not the words inside its strings or comments)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {token.string for token in tokens if token.type == tokenize.NAME}


@pytest.mark.parametrize("path", ZH, ids=[p.stem for p in ZH])
def test_what_a_zh_cell_prints_has_no_english_but_its_own_names(path):
    """The code is shared, so what it prints is too: labels are math and the cell's own Python
    names (``L(W = 0) =``, ``test_accuracy =``, ``np.argmax(window) =``), never English words.
    A printed listing of source code (05 prints ``tinycnn.backward``) is code."""
    from zh_words import english_words
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        names = _python_names(cell.source) if cell.cell_type == "code" else set()
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            if text.lstrip().startswith("def "):
                continue
            words = [w for w in english_words(text) if w not in names]
            assert words == [], f"{path.name}, cell {index} prints {words}: {text[:200]!r}"


def test_zh_notebooks_are_up_to_date_with_their_sources():
    assert builder.check(langs=("zh",)) == []


@pytest.mark.parametrize("path", ZH, ids=[p.stem for p in ZH])
def test_zh_navigation_and_links_lead_to_existing_notebooks(path):
    nb = nbformat.read(path, as_version=4)
    nav = [c for c in nb.cells if "navigation" in c.metadata.get("tags", [])]
    assert len(nav) == 2 and nb.cells[0] is nav[0] and nb.cells[-1] is nav[1]
    assert "目录" in nav[0].source
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for target in re.findall(r"\]\(([^)#\s]+)", cell.source):
            if not re.match(r"[a-z]+:", target):
                assert (path.parent / target).resolve().is_file(), f"{path.name}: {target}"


def test_the_chinese_map_lists_every_notebook():
    start = nbformat.read(NOTEBOOKS / "zh" / "00_start_here.ipynb", as_version=4)
    text = "".join(c.source for c in start.cells if c.cell_type == "markdown")
    for source in builder.source_files():
        href = (f"({source.stem}.ipynb)" if builder.has_edition(source, "zh")
                else f"(../{source.stem}.ipynb)")
        assert href in text, source.name


def test_nbval_collects_the_zh_notebooks():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "notebooks" in config["testpaths"] and "--nbval" in config["addopts"]
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
                           "no:cacheprovider", "notebooks"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    for path in ZH:
        name = path.relative_to(ROOT).as_posix()
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert done.stdout.count(f"{name}::") == len(cells), name


# --- the edition's cells, from a source ---------------------------------------------------------


def _source(tmp_path, text):
    path = tmp_path / "01_one.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_twins_replace_their_cells_and_code_is_shared(tmp_path):
    path = _source(tmp_path, '# title: 01 · One\n# about: one\n# about-zh: 一\n'
                   '# %% [markdown] tags=["intro"]\n# # 01 · One: the first\n\n'
                   '# %% [markdown] lang="zh"\n# # 01 · 第一篇：开头\n\n# %%\nx = 1\n\n'
                   '# %% [markdown]\n# Done.\n\n# %% [markdown] lang="zh"\n# 完。\n')
    en, zh = builder.parse_cells(path), builder.parse_cells(path, "zh")
    assert [c.source for c in en] == ["# 01 · One: the first", "x = 1", "Done."]
    assert [c.source for c in zh] == ["# 01 · 第一篇：开头", "x = 1", "完。"]
    assert zh[0].metadata["tags"] == ["intro"] and "lang" not in zh[0].metadata
    assert builder.has_edition(path, "zh") and builder.editions(path) == ["en", "zh"]
    assert builder.title_of(path, "zh") == "01 · 第一篇" and builder.title_of(path) == "01 · One"
    assert builder.about_of(path, "zh") == "一" and builder.about_of(path) == "one"
    nav = builder.navigation(0, [path], "zh")
    assert nav == "← （第一篇） &nbsp;|&nbsp; **目录** &nbsp;|&nbsp; （最后一篇） →"


def test_a_source_half_translated_has_no_chinese_edition(tmp_path):
    path = _source(tmp_path, '# title: 01 · One\n# %% [markdown]\n# # One\n\n'
                   '# %% [markdown] lang="zh"\n# # 一\n\n# %% [markdown]\n# Not yet.\n')
    assert not builder.has_edition(path, "zh") and builder.editions(path) == ["en"]
    assert builder.title_of(path, "zh") == "01 · One"
    other = tmp_path / "00_start.py"
    other.write_text("# title: 00 · Start\n# %% [markdown]\n# # Start\n\n"
                     '# %% [markdown] lang="zh"\n# # 开始\n', encoding="utf-8")
    assert builder.notebook_map([other, path], "zh").splitlines()[2:] == [
        "| [开始](00_start.ipynb) |  |", "| [01 · One](../01_one.ipynb)（英文） |  |"]


@pytest.mark.parametrize("text,message", [
    ('# %%\nx = 1\n\n# %% [markdown] lang="zh"\n# 一\n', "must follow the English markdown cell"),
    ('# %% lang="zh"\nx = 1\n', "only markdown cells have twins"),
    ('# %% [markdown]\n# One\n\n# %% [markdown] lang="fr"\n# Un\n', "lang='fr'"),
    ('# %% [markdown]\n# One\n\n# %% [markdown] lang="zh"\n# 一\n\n# %% [markdown] lang="zh"\n# 一\n',
     "must follow the English markdown cell"),
    ('# %% [markdown]\n# One\n\n# %% [markdown] lang="zh" tags=["x"]\n# 一\n', "takes the tags"),
])
def test_misplaced_twins_are_refused_with_the_cell_named(tmp_path, text, message):
    path = _source(tmp_path, "# title: 01 · One\n" + text)
    with pytest.raises(ValueError, match=re.escape(message)):
        builder.read_cells(path)


# --- make lab-zh: JupyterLab's menus in Chinese, make lab in English ----------------------------


def _pin(name, requirements):
    for line in requirements.read_text().splitlines():
        match = re.match(rf"^{re.escape(name)}==(\S+)", line.strip(), flags=re.I)
        if match:
            return match.group(1)
    return None


def test_the_language_pack_is_pinned_locked_and_installed():
    from jupyterlab_server.translation_utils import get_language_pack, get_language_packs

    pinned = _pin(PACK, ROOT / "requirements.txt")
    assert pinned, f"{PACK} is not pinned in requirements.txt"
    assert _pin(PACK, ROOT / "requirements-lock.txt") == pinned
    assert importlib.metadata.version(PACK) == pinned
    assert "zh_CN" in get_language_packs()[0]
    pack, message = get_language_pack("zh_CN")
    assert not message and pack["jupyterlab"]["menu\x04Kernel"] == ["内核"]


def _make_dry_run(target):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    lab = [line for line in done.stdout.replace("\\\n", " ").splitlines() if "jupyter lab" in line]
    assert len(lab) == 1, done.stdout
    return lab[0]


def _locale(app_settings_dir, tmp_path):
    """The locale JupyterLab's front end gets from these application settings (no user settings)."""
    from jupyterlab_server.settings_utils import get_settings

    schemas = ROOT / ".venv" / "share" / "jupyter" / "lab" / "schemas"
    if not schemas.is_dir():
        schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    result, _ = get_settings(str(app_settings_dir), str(schemas), str(tmp_path / "user"),
                             schema_name=TRANSLATION)
    return result["settings"].get("locale", result["schema"]["properties"]["locale"]["default"]), \
        result


def test_make_lab_zh_opens_the_chinese_edition_with_the_locale_zh_CN(tmp_path):
    command = _make_dry_run("lab-zh")
    assert command.startswith("cd notebooks && ")
    assert command.split()[-1] == "zh/00_start_here.ipynb"
    assert (NOTEBOOKS / "zh" / "00_start_here.ipynb").is_file()
    assert "--ServerApp.root_dir=." in command.split()  # the server's root stays notebooks/
    settings = Path(re.search(r"--LabApp\.app_settings_dir=(\S+)", command).group(1))
    assert settings.parent == ROOT / ".venv" / "share" / "jupyter" / "lab"  # beside static/
    assert settings.is_dir(), f"{settings} is missing: make lab-zh (or make test) installs it"
    locale, _ = _locale(settings, tmp_path)
    assert locale == "zh_CN"
    for name in ("cnnviz.json", "cnnviz-zh.json"):  # what is installed is the repository's
        assert json.loads((settings / "overrides.d" / name).read_text()) == \
            json.loads((ROOT / "jupyter" / name).read_text())
    news = json.loads((settings / "overrides.d" / "cnnviz.json").read_text())
    assert news["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_make_lab_stays_english(tmp_path):
    command = _make_dry_run("lab")
    assert "app_settings_dir" not in command and command.split()[-1] == "00_start_here.ipynb"
    default = ROOT / ".venv" / "share" / "jupyter" / "lab" / "settings"
    locale, _ = _locale(default, tmp_path)
    assert locale == "default"  # the server's locale (English here), not the pack's
    assert TRANSLATION not in (ROOT / "jupyter" / "cnnviz.json").read_text()


def test_the_zh_settings_file_selects_zh_CN_on_its_own(tmp_path):
    """jupyter/cnnviz-zh.json, as make installs it, read by JupyterLab's own settings code."""
    overrides = tmp_path / "settings" / "overrides.d"
    overrides.mkdir(parents=True)
    shutil.copy(ROOT / "jupyter" / "cnnviz-zh.json", overrides)
    assert _locale(tmp_path / "settings", tmp_path)[0] == "zh_CN"


# --- make site: site/zh/ -----------------------------------------------------------------------


def test_the_site_has_the_chinese_edition_linked_from_the_index(tmp_path):
    site = _load("cnnviz_site_editions", ROOT / "tools" / "site.py")
    notebooks = tmp_path / "notebooks"
    (notebooks / "zh").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "00_start_here.ipynb", notebooks)
    shutil.copy(NOTEBOOKS / "zh" / "00_start_here.ipynb", notebooks / "zh")
    shutil.copy(NOTEBOOKS / "derivation.md", notebooks)
    shutil.copy(NOTEBOOKS / "zh" / "derivation.md", notebooks / "zh")
    editions = {}
    out = tmp_path / "site"
    pages = site.build_site(out, notebooks, editions)
    zh_pages = editions["zh"]
    assert [p.html for p in zh_pages] == [out / "zh" / "00_start_here.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="zh/index.html"' in index
    assert re.findall(r'<ol class="cnnviz-site-notebooks">(.*?)</ol>', index, flags=re.S)[0].count(
        "<li>") == len(pages)  # the English list holds the English pages only
    zh_index = (out / "zh" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in zh_index and 'href="00_start_here.html"' in zh_index
    assert 'href="derivation.html"' in zh_index and 'href="../index.html"' in zh_index
    assert 'href="../derivation.html"' not in zh_index  # the derivation's Chinese page, not the English
    assert (out / "zh" / "derivation.html").is_file()
    page = zh_pages[0].html.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "全部笔记本" in page
    assert zh_pages[0].title.startswith("00 · 从这里开始")
    assert zh_pages[0].math_failures == [] and zh_pages[0].widgets_missing == []
    assert zh_pages[0].stages >= 1
    assert site.external_references(page) == [] and site.external_references(zh_index) == []
    assert 'href="../00_start_here.html"' in page
    # the derivation: its Chinese page beside (derivation.html), or, from a notebook built before
    # the Chinese page existed, the English one (../derivation.html); both are there
    derivation = re.findall(r'href="((?:\.\./)?derivation\.html)"', page)
    assert derivation and all((out / "zh" / href).resolve().is_file() for href in derivation)
    assert not re.search(r'href="(?![a-z]+:|#)[^"]*\.(ipynb|md)"', page)
