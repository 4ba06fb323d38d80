"""The derivation page (notebooks/derivation.md): the original quoted, an English rendering in the
same order, the errata; the notebooks 01-04 open their sections with a box quoting it; the site
renders it as derivation.html with its math as MathML. Its Chinese page (notebooks/zh/derivation.md,
the one the Chinese notebooks link): the same original, the errata and the remarks in Chinese, no
English outside code and math; the site renders it as zh/derivation.html, linked from zh/index.html."""
import html
import importlib.util
import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from zh_words import english_words, visible_text

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "notebooks" / "derivation.md"
ZH_DIR = ROOT / "notebooks" / "zh"
ZH_PAGE = ZH_DIR / "derivation.md"
SOURCES = ROOT / "tools" / "nbsrc"
BOXED = ["01_conv_forward.py", "02_conv_backward.py", "03_maxpool_forward.py",
         "04_maxpool_backward.py"]

# Lines of the original, verbatim (typos included: the quote keeps them, the errata name them).
ORIGINAL_LINES = [
    "卷积神经网络的前向传播、反向传播算法理论推导",
    "根据卷积运算的定义,卷积层的前向传播可以通过滑动卷积核在输入特征图上进行**逐元素相乘、叠加求和**得到。",
    r"$$y_{ij} = \sum_{m=1}^2 \sum_{n=1}^2 w_{mn} \cdot x_{(i+m-1)(j+n-1)} + b_{ij}$$",
    "这样,我们就完成了卷积层的前向传播计算。",
    r"设损失函数为L,卷积层的梯度输出为 $\frac{\partial L}{\partial V}$ 。",
    r"$$\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} \cdot \frac{\partial Y}{\partial X}$$",
    r"\frac{\partial L}{\partial x_{22}} = \frac{\partial L}{\partial y_{11}} \cdot w_{22} + "
    r"\frac{\partial L}{\partial y_{12}} \cdot w_{21} + \frac{\partial L}{\partial y_{21}} \cdot w_{12} + "
    r"\frac{\partial L}{\partial y_{22}} \cdot w_{11}",
    "不过,卷积层的同一个通道一般使用**相同的偏置值**,即 $b_{11}=b_{12}=b_{21}=b_{22}$ 。"
    "在这种情况下,关于偏置的梯度可进一步化为:",
    r"$$\frac{\partial L}{\partial b} = \sum_{i=1}^{2} \sum_{j=1}^{2} \frac{\partial L}{\partial y_{ij}}$$",
    "综上所述, 我们完成了卷积层的反向传播计算。",
    "由于使用的是最大池化层, 池化核尺寸为 2×2 , 步长为1, 无填充, 因此池化层的前向传播可以通过滑动池化窗口的"
    "方式进行。对 于最大池化层,它的作用是对输入特征图进行下采样,保留特征图中每个池化窗口中的最大值作为输出。",
    r"设函数 $max(\cdot)$ 返回的是**矩阵中的最大元素的值**,则可得到输出特征图Y的结果为",
    r"已知池化层输出Y的梯度为 $\frac{\partial L}{\partial Y}$,其中L是损失函数。",
    "池化层的反向传播计算可以通过使用**具有相同的池化窗口大小但将最大值位置标记为1、其他位置标记为0**的掩码矩阵来实现。",
    r"$\frac{\partial L}{\partial X_k'}=\frac{\partial L}{\partial y_{ij}}\cdot M_k$",
]
ORIGINAL_HEADINGS = ["卷积神经网络的前向传播、反向传播算法理论推导", "1 卷积层前向传播", "2 卷积层反向传播",
                     "3 池化层前向传播", "4 池化层反向传播"]
# The English headings, one per heading of the original, in its order.
ENGLISH_HEADINGS = [r"^Theory: the forward and backward passes", r"^1 Convolution layer: forward",
                    r"^2 Convolution layer: backward", r"^3 Max-pooling layer: forward",
                    r"^4 Max-pooling layer: backward"]
# Each typo of the original (as the errata quote it) and its correction.
ERRATA = [
    (r"\partial V", r"\partial Y"),
    (r"\partial u_i", r"\partial y_{ij}"),
    (r"$rac{\partial L}{\partial X}$", r"\frac{\partial L}{\partial X}"),
    (r"$rac{\partial L}{\partial W}$", r"\frac{\partial L}{\partial W}"),
    ("egin{pmatrix}", r"\begin{pmatrix}"),
    (r"x_{12} \ x_{21}", r"x_{12} \\ x_{21}"),
    ("X_{k'}^{'}", "X'_k"),
    ("X_k'", "X'_k"),
    ("计算过 (", "计算过程"),
    ("max(X_1^{'})", r"\max"),
]


def page_text():
    assert PAGE.is_file(), "notebooks/derivation.md is missing"
    return PAGE.read_text(encoding="utf-8")


def sections(text):
    """The page's level-2 sections: heading -> body."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def original_part(text):
    return next(body for head, body in sections(text).items() if head.startswith("原文"))


def headings(body):
    return [h.strip() for h in re.findall(r"^### (.+)$", body, flags=re.M)]


def test_the_page_quotes_the_original():
    original = original_part(page_text())
    for line in ORIGINAL_LINES:
        assert line in original, f"not quoted verbatim: {line[:60]}"


def test_the_english_follows_the_original_section_by_section():
    parts = sections(page_text())
    assert list(parts)[:2] == ["原文 (the original, in Chinese)", "In English"]
    assert headings(parts["原文 (the original, in Chinese)"]) == ORIGINAL_HEADINGS
    english = headings(parts["In English"])
    assert len(english) == len(ENGLISH_HEADINGS)
    for heading, pattern in zip(english, ENGLISH_HEADINGS):
        assert re.match(pattern, heading), (heading, pattern)
    body = parts["In English"]
    for symbol in ("x_{11}", "x_{33}", "w_{22}", "b_{ij}", r"\partial y_{ij}", "X'_1", "X'_4", "M_k"):
        assert symbol in body, symbol
    for typo in (r"\\partial V", r"\\partial u_i", r"(?<![A-Za-z])rac\{", r"(?<![A-Za-z])egin\{", r"X_k'",
                 r"X_\{k'\}", r"[^\\]max\("):
        assert not re.search(typo, body), f"the English keeps the typo {typo}"


def test_the_errata_name_every_typo_and_its_correction():
    text = page_text()
    errata = sections(text)["Errata"]
    rows = [line for line in errata.splitlines() if line.startswith("|")
            and not re.match(r"^\|[-| ]+\|$", line)]
    for typo, fix in ERRATA:
        assert any(typo in row and fix in row for row in rows), f"no erratum {typo} -> {fix}"
    assert "The notebooks use the corrected forms" in text


def markdown_cells(source):
    lines = source.read_text(encoding="utf-8").splitlines()[2:]  # the title and about lines
    nb = jupytext.reads("\n".join(lines) + "\n", fmt="py:percent")
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def box_of(source):
    for cell in markdown_cells(source):
        match = re.search(r"^> \*\*From the derivation\*\*.*(?:\n>.*)*", cell, flags=re.M)
        if match:
            return match.group()
    return None


@pytest.mark.parametrize("name", BOXED)
def test_every_notebook_opens_with_a_box_from_the_derivation(name):
    box = box_of(SOURCES / name)
    assert box, f"{name}: no 'From the derivation' box"
    section = int(name[:2])
    assert f"section {section}, {ORIGINAL_HEADINGS[section].split(' ', 1)[1]}" in box
    assert "*In English:*" in box and "*What this notebook adds:*" in box
    assert len(box.splitlines()) <= 16, f"{name}: the box is long ({len(box.splitlines())} lines)"
    original = original_part(page_text())
    quoted = [line[2:].rstrip(" …") for line in box.splitlines()[1:]
              if re.search(r"[\u4e00-\u9fff]", line)]
    assert quoted, f"{name}: the box quotes no line of the original"
    for line in quoted:
        assert line in original, f"{name}: not a line of the original: {line[:60]}"


def test_02_shows_how_the_product_becomes_a_sum():
    cell = next(c for c in markdown_cells(SOURCES / "02_conv_backward.py")
                if c.startswith("## What flows back"))
    assert r"\frac{\partial L}{\partial Y} \cdot \frac{\partial Y}{\partial X}" in cell
    assert r"\sum_{i,j} \frac{\partial L}{\partial y_{ij}}\,\frac{\partial y_{ij}}{\partial x_{uv}}" in cell
    assert "m = u - i + 1" in cell and "n = v - j + 1" in cell


def test_start_here_links_the_derivation():
    text = "\n".join(markdown_cells(SOURCES / "00_start_here.py"))
    assert ("the derivation itself, in chinese and english, with its errata: [derivation.md](derivation.md)"
            in text.lower())


# --- the site ---------------------------------------------------------------------------------


def load_builder():
    spec = importlib.util.spec_from_file_location("cnnviz_site_builder", ROOT / "tools" / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def text_outside_code(page):
    page = re.sub(r"<(script|style|code|pre|kbd|samp|math)\b.*?</\1\s*>", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_site_renders_the_derivation(tmp_path):
    site = load_builder()
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# One $a$\n\nThe derivation: [derivation.md](derivation.md).")])
    nbformat.write(nb, notebooks / "01_one.ipynb")
    (notebooks / "derivation.md").write_text(page_text(), encoding="utf-8")
    out = tmp_path / "site"
    pages = site.build_site(out, notebooks)
    assert [p.html.name for p in pages] == ["01_one.html"]
    derivation = out / "derivation.html"
    assert site.derivation_page(out) == derivation
    page = derivation.read_text(encoding="utf-8")
    text = text_outside_code(page)
    assert not re.search(r"\$(?!\d)", text), [text[max(0, m.start() - 40):m.start() + 20]
                                              for m in re.finditer(r"\$", text)][:3]
    assert "CNNVIZMATH" not in page and page.count("<math") > 100
    assert site.external_references(page) == []
    assert "逐元素相乘、叠加求和" in text and "Max-pooling layer: backward" in text
    built = site.build_markdown_page(site.make_exporter(), notebooks / "derivation.md", tmp_path)
    assert built.math_failures == []
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="derivation.html"' in index
    assert 'href="derivation.html"' in (out / "01_one.html").read_text(encoding="utf-8")


def test_a_site_without_the_derivation_has_no_derivation_page(tmp_path):
    site = load_builder()
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# One")]),
                   notebooks / "01_one.ipynb")
    site.build_site(tmp_path / "site", notebooks)
    assert site.derivation_page(tmp_path / "site") is None
    assert "derivation.html" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


# --- the Chinese page -------------------------------------------------------------------------

ZH_SECTIONS = ["原文", "勘误", "两点说明"]
NOTEBOOK_TOOL = ROOT / "tools" / "notebooks.py"
_FENCED = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", flags=re.S | re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", flags=re.S)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def zh_page_text():
    assert ZH_PAGE.is_file(), "notebooks/zh/derivation.md is missing (the Chinese notebooks link it)"
    return ZH_PAGE.read_text(encoding="utf-8")


def errata_rows(body):
    """The rows of the errata table (not its header, not its rule), as lists of cells."""
    lines = [line for line in body.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines[2:]]


def code_spans(cell):
    return [match.group(2) for match in _CODE_SPAN.finditer(cell)]


def markdown_prose(markdown):
    """What a reader sees of a markdown text, without code (fenced, spans), link targets, HTML
    tags and math."""
    text = _CODE_SPAN.sub(" ", _FENCED.sub(" ", markdown))
    return visible_text(re.sub(r"\]\([^)]*\)", "] ", text))


def test_the_chinese_page_exists():
    text = zh_page_text()
    assert re.match(r"# \S", text) and re.search(r"[\u4e00-\u9fff]", text.splitlines()[0])
    assert list(sections(text)) == ZH_SECTIONS


def test_the_chinese_page_quotes_the_original_as_the_english_page_does():
    quoted = sections(zh_page_text())["原文"]
    assert quoted.strip("\n") == original_part(page_text()).strip("\n")
    assert headings(quoted) == ORIGINAL_HEADINGS


def test_the_chinese_errata_are_the_english_errata():
    english = errata_rows(sections(page_text())["Errata"])
    chinese = errata_rows(sections(zh_page_text())["勘误"])
    header = [line for line in sections(zh_page_text())["勘误"].splitlines() if line.startswith("|")][0]
    assert [cell.strip() for cell in header.strip("|").split("|")] == ["#", "位置（§）", "原文写作", "更正"]
    assert len(chinese) == len(english) == 12
    for en_row, zh_row in zip(english, chinese):
        assert zh_row[0] == en_row[0], (zh_row[0], en_row[0])
        # the same code spans (in the order Chinese puts them: `\f` of `\frac` is `\frac` 的 `\f`)
        assert sorted(code_spans(zh_row[2])) == sorted(code_spans(en_row[2])), f"erratum {zh_row[0]}"
        assert re.search(r"[\u4e00-\u9fff]", zh_row[1] + zh_row[2] + zh_row[3]), f"erratum {zh_row[0]}"
    for typo, fix in ERRATA:
        if typo == "计算过 (":
            typo = "计算过（"
        assert any(typo in row[2] and fix in row[3] for row in chinese), f"no erratum {typo} -> {fix}"


def test_the_chinese_page_says_what_the_english_rendering_adds():
    text = zh_page_text()
    assert "笔记本一律使用更正后的写法" in text
    assert "互相关" in text  # the kernel is not flipped
    remarks = sections(text)["两点说明"]
    assert r"\sum_{i,j} \frac{\partial L}{\partial y_{ij}} \frac{\partial y_{ij}}{\partial x_{uv}}" in remarks
    assert "题目中给出的" in remarks
    for term in ("卷积核", "偏置", "池化", "掩码", "局部梯度", "累加", "窗口"):
        assert term in text.replace(sections(text)["原文"], ""), term
    for symbol in ("x_{11}", r"\partial L/\partial y_{ij}", "X'_k", "M_k"):
        assert symbol in text, symbol


def test_the_chinese_page_has_no_english_outside_code_and_math():
    text = zh_page_text()
    found = english_words(markdown_prose(text))
    assert found == [], f"English words on the Chinese page: {sorted(set(found))}"


def test_the_chinese_page_links_the_english_page():
    links = _LINK.findall(zh_page_text())
    assert "../derivation.md" in links
    for link in links:
        if not re.match(r"[a-z]+:|#", link):
            assert (ZH_DIR / link.split("#")[0]).resolve().is_file(), link


def zh_source_markdown():
    """{source name: the markdown of its Chinese edition} from tools/nbsrc (what the zh notebooks
    are built from), for every source with a notebook in notebooks/zh/."""
    spec = importlib.util.spec_from_file_location("notebooks_tool_derivation", NOTEBOOK_TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return {source.name: "\n".join(c.source for c in tool.parse_cells(source, "zh")
                                   if c.cell_type == "markdown")
            for source in tool.source_files() if (ZH_DIR / f"{source.stem}.ipynb").is_file()}


def derivation_links(markdown):
    return [link for link in _LINK.findall(markdown) if "derivation.md" in link]


def test_the_chinese_notebooks_link_a_derivation_page_that_exists():
    """In the sources (tools/nbsrc) and in the committed zh notebooks (rebuilt from them later),
    every link to derivation.md leads to a file, from notebooks/zh/."""
    sources = zh_source_markdown()
    assert sources, "no source of a Chinese notebook"
    committed = {path.name: "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                                      if c.cell_type == "markdown")
                 for path in sorted(ZH_DIR.glob("[0-9][0-9]_*.ipynb"))}
    for name, markdown in {**sources, **committed}.items():
        for link in derivation_links(markdown):
            assert (ZH_DIR / link.split("#")[0]).resolve().is_file(), f"{name}: {link}"
    # the start page of the Chinese edition leads to the Chinese page
    assert "derivation.md" in derivation_links(sources["00_start_here.py"])


def test_the_site_renders_the_chinese_derivation(tmp_path):
    site = load_builder()
    notebooks = tmp_path / "notebooks"
    (notebooks / "zh").mkdir(parents=True)
    for folder, text in ((notebooks, "# One\n\nThe derivation: [derivation.md](derivation.md)."),
                         (notebooks / "zh", "# 一\n\n推导原文：[derivation.md](derivation.md)。")):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)]),
                       folder / "01_one.ipynb")
    (notebooks / "derivation.md").write_text(page_text(), encoding="utf-8")
    (notebooks / "zh" / "derivation.md").write_text(zh_page_text(), encoding="utf-8")
    out = tmp_path / "site"
    site.build_site(out, notebooks)
    derivation = out / "zh" / "derivation.html"
    assert site.derivation_page(out / "zh") == derivation
    page = derivation.read_text(encoding="utf-8")
    text = text_outside_code(page)
    assert '<html lang="zh-CN">' in page and "全部笔记本" in page
    assert not re.search(r"\$(?!\d)", text)
    assert "CNNVIZMATH" not in page and page.count("<math") > 50
    assert site.external_references(page) == []
    assert english_words(visible_text(page)) == []
    assert "逐元素相乘、叠加求和" in text and "勘误" in text
    assert 'href="../derivation.html"' in page  # the English page, with its English rendering
    built = site.build_markdown_page(site.make_exporter("zh"), notebooks / "zh" / "derivation.md", tmp_path)
    assert built.math_failures == []
    zh_index = (out / "zh" / "index.html").read_text(encoding="utf-8")
    link = re.search(r'<p class="cnnviz-site-derivation">(.*?)</p>', zh_index, flags=re.S).group(1)
    assert 'href="derivation.html"' in link and "../derivation.html" not in zh_index
    assert english_words(visible_text(re.sub(r'<span class="cnnviz-site-file">.*?</span>', "", link))) == []
    assert 'href="derivation.html"' in (out / "zh" / "01_one.html").read_text(encoding="utf-8")
    assert 'href="derivation.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_a_chinese_edition_without_its_derivation_links_the_english_page(tmp_path):
    site = load_builder()
    notebooks = tmp_path / "notebooks"
    (notebooks / "zh").mkdir(parents=True)
    for folder in (notebooks, notebooks / "zh"):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# One")]),
                       folder / "01_one.ipynb")
    (notebooks / "derivation.md").write_text(page_text(), encoding="utf-8")
    (notebooks / "zh" / "derivation.md").write_text(zh_page_text(), encoding="utf-8")
    out = tmp_path / "site"
    site.build_site(out, notebooks)
    assert site.derivation_page(out / "zh") is not None
    (notebooks / "zh" / "derivation.md").unlink()
    site.build_site(out, notebooks)  # the page made before is gone with its source
    assert site.derivation_page(out / "zh") is None
    assert 'href="../derivation.html"' in (out / "zh" / "index.html").read_text(encoding="utf-8")
