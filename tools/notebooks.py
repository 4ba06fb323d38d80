"""Build the notebooks from their sources, and check the committed ones.

    python tools/notebooks.py build [--lang en|zh] [NAME ...]   # tools/nbsrc/*.py -> notebooks, executed
    python tools/notebooks.py check                             # committed notebooks match their sources

A source is a Python file in jupytext's "percent" format (read by jupytext): cells start with a
line ``# %%`` (code) or ``# %% [markdown]`` (markdown, every line prefixed with ``# ``);
``# %% tags=["a", "b"]`` adds cell tags. The file opens with header lines ``# key: value``:
``# title: ...`` (first line) names the notebook for navigation; ``# about: ...`` is its line in
the map of the collection, which replaces the line ``<!-- notebook map -->`` wherever a markdown
cell has it (in 00_start_here); ``# about-zh: ...`` is that line in Chinese.

Two editions come from one source. A markdown cell may be followed directly by its Chinese twin,
``# %% [markdown] lang="zh"``; code cells are shared. The English edition (notebooks/NN_*.ipynb)
leaves the twins out. The Chinese edition (notebooks/zh/NN_*.ipynb) puts each twin in place of
the cell before it (which lends it its tags) and has ``"language": "zh"`` in its metadata; it is
made only for a source whose every markdown cell has a twin. Its navigation and map are in
Chinese: a notebook's Chinese title is the first heading of its first twin, up to the first
full-width colon "："; a notebook with no Chinese edition yet is linked in English (../NN_*.ipynb).

The navigation bar (previous | index | next) at the top and bottom of every notebook is
generated here from the order of the sources, never edited by hand. Notebooks are executed
with a fresh kernel in the installed environment, with widget state saved and no timing
metadata, so a rebuild is deterministic (widget model ids aside, which nbval ignores).
"""
import re
import sys
import time
from pathlib import Path

import jupytext
import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the tools beside this one
import widget_state  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tools" / "nbsrc"
NOTEBOOKS = ROOT / "notebooks"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

EN, ZH = "en", "zh"
LANGS = (EN, ZH)
# Where each edition lives, and the words of its generated cells.
FOLDERS = {EN: NOTEBOOKS, ZH: NOTEBOOKS / ZH}
WORDS = {
    EN: {"index": "Index", "first": "(first)", "last": "(last)",
         "map": "| notebook | what you will do there |", "english": ""},
    ZH: {"index": "目录", "first": "（第一篇）", "last": "（最后一篇）",
         "map": "| 笔记本 | 你将在其中做什么 |", "english": "（英文）"},
}
MAP_MARKER = "<!-- notebook map -->"
_HEADER = re.compile(r"^# ([a-z][a-z-]*): ?(.*)$")
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", flags=re.M)


def source_files():
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def folder(lang):
    return FOLDERS[lang]


def header(path):
    """The header lines of a source (``# key: value`` before the first cell), as a dict."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        found[match.group(1)] = match.group(2).strip()
    return found


def _header_length(path):
    return len(header(path))


def _header_value(path, key):
    value = header(path).get(key)
    if value is None:
        raise ValueError(f"{path.name}: no header line '# {key}: ...'")
    return value


def title_of(path, lang=EN):
    """The notebook's title in the navigation and the map, in ``lang`` if it has that edition."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if not first.startswith("# title:"):
        raise ValueError(f"{path.name}: line 1 must be '# title: ...'")
    if lang == EN or not has_edition(path, lang):
        return first[len("# title:"):].strip()
    twin = next(c for c in read_cells(path) if c.metadata.get("lang") == lang)
    match = _HEADING.search(twin.source)
    if not match:
        raise ValueError(f"{path.name}: the first {lang} cell has no heading to take a title from")
    return match.group(1).split("：")[0].strip()


def about_of(path, lang=EN):
    """The notebook's line in the map (the English one where there is none in ``lang``)."""
    head = header(path)
    return head.get("about" if lang == EN else f"about-{lang}", head.get("about", ""))


def _href(path, lang):
    """The link to ``path``'s notebook from a notebook of edition ``lang``, and whether it
    leads to the English edition from another one."""
    name = path.stem + ".ipynb"
    if lang == EN or has_edition(path, lang):
        return name, False
    return "../" + name, True


def _link(path, lang):
    href, english = _href(path, lang)
    return f"[{title_of(path, lang)}]({href})" + (WORDS[lang]["english"] if english else "")


def notebook_map(paths, lang=EN):
    """A markdown table: every notebook, linked, with its one-line description."""
    rows = [WORDS[lang]["map"], "|---|---|"]
    rows += [f"| {_link(p, lang)} | {about_of(p, lang)} |" for p in paths]
    return "\n".join(rows)


def read_cells(path):
    """Every cell of a percent-format source, the twins included (``metadata["lang"]``), as
    nbformat cells (read by jupytext)."""
    lines = path.read_text(encoding="utf-8").splitlines()[_header_length(path):]
    if lines and lines[0].strip() and not lines[0].startswith("# %%"):
        raise ValueError(f"{path.name}: text before the first '# %%' cell: {lines[0]!r}")
    notebook = jupytext.reads("\n".join(lines) + "\n", fmt="py:percent")
    cells = []
    for number, cell in enumerate(notebook.cells, start=1):
        tags = cell.metadata.get("tags", [])
        lang = cell.metadata.get("lang")
        made = (nbformat.v4.new_markdown_cell(cell.source) if cell.cell_type == "markdown"
                else nbformat.v4.new_code_cell(cell.source))
        if tags:
            made.metadata["tags"] = tags
        if lang is not None:
            before = cells[-1] if cells else None
            if lang not in LANGS or lang == EN:
                raise ValueError(f"{path.name}: cell {number} has lang={lang!r}; a twin is "
                                 f"one of {[x for x in LANGS if x != EN]}")
            if cell.cell_type != "markdown":
                raise ValueError(f"{path.name}: cell {number} is a {cell.cell_type} cell with "
                                 f"lang={lang!r}: only markdown cells have twins")
            if before is None or before.cell_type != "markdown" or "lang" in before.metadata:
                raise ValueError(f"{path.name}: cell {number} (lang={lang!r}) must follow the "
                                 "English markdown cell it translates")
            if tags:
                raise ValueError(f"{path.name}: cell {number} (lang={lang!r}) has tags: a twin "
                                 "takes the tags of the cell it translates")
            made.metadata["lang"] = lang
        cells.append(made)
    return cells


def has_edition(path, lang):
    """Whether every markdown cell of the source has its twin in ``lang``."""
    if lang == EN:
        return True
    cells = read_cells(path)
    for cell, after in zip(cells, cells[1:] + [None]):
        if cell.cell_type == "markdown" and "lang" not in cell.metadata:
            if after is None or after.metadata.get("lang") != lang:
                return False
    return True


def editions(path):
    return [lang for lang in LANGS if has_edition(path, lang)]


def parse_cells(path, lang=EN):
    """The cells of edition ``lang`` of a source: English cells replaced by their twins."""
    cells = read_cells(path)
    chosen = []
    for cell, after in zip(cells, cells[1:] + [None]):
        if "lang" in cell.metadata:
            continue
        if lang != EN and after is not None and after.metadata.get("lang") == lang:
            twin = nbformat.v4.new_markdown_cell(after.source)
            if "tags" in cell.metadata:
                twin.metadata["tags"] = cell.metadata["tags"]
            chosen.append(twin)
        else:
            chosen.append(cell)
    return chosen


def navigation(index, paths, lang=EN):
    """The generated navigation line of notebook ``index`` among ``paths``."""
    words = WORDS[lang]
    parts = []
    parts.append(f"← {_link(paths[index - 1], lang)}" if index > 0 else f"← {words['first']}")
    start = _href(paths[0], lang)[0] if paths else "00_start_here.ipynb"
    parts.append(f"[{words['index']}]({start})" if index > 0 else f"**{words['index']}**")
    parts.append(f"{_link(paths[index + 1], lang)} →" if index + 1 < len(paths)
                 else f"{words['last']} →")
    return " &nbsp;|&nbsp; ".join(parts)


def expected_cells(index, paths, lang=EN):
    """Navigation on top, the source's cells, navigation at the bottom."""
    nav = navigation(index, paths, lang)
    top = nbformat.v4.new_markdown_cell(nav)
    top.metadata["tags"] = ["navigation"]
    bottom = nbformat.v4.new_markdown_cell(nav)
    bottom.metadata["tags"] = ["navigation"]
    cells = parse_cells(paths[index], lang)
    for cell in cells:
        if cell.cell_type == "markdown" and MAP_MARKER in cell.source:
            cell.source = cell.source.replace(MAP_MARKER, notebook_map(paths, lang))
    return [top, *cells, bottom]


def new_notebook(cells, lang=EN):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    if lang != EN:
        nb.metadata["language"] = lang
    return nb


def execute(nb, path):
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                            store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    saved = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    widget_state.prune(saved.get("state", {}))  # traits at their defaults are not saved
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        for out in cell.outputs:
            if out.output_type == "error":
                raise RuntimeError(f"{path.name}: code cell {i + 1} raised {out.ename}: {out.evalue}")
    return nb


def _ids_stable(nb):
    """Cell ids derived from position, so that a rebuild gives the same file."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"


def build(names, langs=LANGS):
    """Build every edition in ``langs`` of the sources whose names contain one of ``names``
    (all sources if none)."""
    paths = source_files()
    for index, path in enumerate(paths):
        if names and not any(n in path.stem for n in names):
            continue
        for lang in langs:
            if not has_edition(path, lang):
                continue
            target = folder(lang) / (path.stem + ".ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            nb = new_notebook(expected_cells(index, paths, lang), lang)
            _ids_stable(nb)
            print(f"executing {target.relative_to(ROOT)} ...", flush=True)
            started = time.perf_counter()
            execute(nb, target)
            nbformat.write(nb, target)
            print(f"  {target.relative_to(ROOT)} built in {time.perf_counter() - started:.1f} s",
                  flush=True)


def _comparable(cells):
    return [(c.cell_type, c.source, sorted(c.metadata.get("tags", []))) for c in cells]


def committed(lang):
    """The committed notebooks of edition ``lang`` (NN_*.ipynb), in order."""
    where = folder(lang)
    return sorted(where.glob("[0-9][0-9]_*.ipynb")) if where.is_dir() else []


def check(langs=LANGS):
    """Problems with the committed notebooks (sources out of date, not executed in order)."""
    problems = []
    paths = source_files()
    for lang in langs:
        wanted = [p for p in paths if has_edition(p, lang)]
        found = committed(lang)
        where = folder(lang).relative_to(ROOT)
        if [p.stem for p in found] != [p.stem for p in wanted]:
            problems.append(f"{where}: notebooks {[p.name for p in found]} do not match sources "
                            f"{[p.name for p in wanted]}")
        for index, path in enumerate(paths):
            target = folder(lang) / (path.stem + ".ipynb")
            if path not in wanted or not target.exists():
                continue
            name = target.relative_to(NOTEBOOKS)
            nb = nbformat.read(target, as_version=4)
            if _comparable(nb.cells) != _comparable(expected_cells(index, paths, lang)):
                problems.append(f"{name} differs from tools/nbsrc/{path.name}: run `make notebooks`")
            counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
            if counts != list(range(1, len(counts) + 1)):
                problems.append(f"{name}: execution counts {counts} are not 1..N: run `make notebooks`")
            if "kernelspec" not in nb.metadata:
                problems.append(f"{name}: no kernelspec")
            if nb.metadata.get("language", EN) != lang:
                problems.append(f"{name}: metadata language {nb.metadata.get('language')!r}, "
                                f"not {lang!r}")
    return problems


def main(argv):
    if not argv or argv[0] not in ("build", "check"):
        print(__doc__)
        return 2
    if argv[0] == "build":
        names, langs = list(argv[1:]), LANGS
        if "--lang" in names:
            at = names.index("--lang")
            if at + 1 >= len(names) or names[at + 1] not in LANGS:
                print(f"--lang takes one of {', '.join(LANGS)}")
                return 2
            langs = (names[at + 1],)
            del names[at:at + 2]
        build(names, langs)
        return 0
    problems = check()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
