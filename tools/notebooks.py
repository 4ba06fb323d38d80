"""Build the notebooks from their sources, and check the committed ones.

    python tools/notebooks.py build [NAME ...]   # tools/nbsrc/*.py -> notebooks/*.ipynb, executed
    python tools/notebooks.py check              # committed notebooks match their sources

A source is a Python file in jupytext's "percent" format (read by jupytext): cells start with a
line ``# %%`` (code) or ``# %% [markdown]`` (markdown, every line prefixed with ``# ``);
``# %% tags=["a", "b"]`` adds cell tags. The first line of the file, ``# title: ...``, names the notebook for navigation;
the second, ``# about: ...``, is its line in the map of the collection, which replaces the
line ``<!-- notebook map -->`` wherever a markdown cell has it (in 00_start_here).

The navigation bar (previous | index | next) at the top and bottom of every notebook is
generated here from the order of the sources, never edited by hand. Notebooks are executed
with a fresh kernel in the installed environment, with widget state saved and no timing
metadata, so a rebuild is deterministic (widget model ids aside, which nbval ignores).
"""
import sys
from pathlib import Path

import jupytext
import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the tools beside this one
import widget_state  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tools" / "nbsrc"
NOTEBOOKS = ROOT / "notebooks"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def source_files():
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def _header(path, number, key):
    line = path.read_text(encoding="utf-8").splitlines()[number]
    if not line.startswith(f"# {key}:"):
        raise ValueError(f"{path.name}: line {number + 1} must be '# {key}: ...'")
    return line[len(f"# {key}:"):].strip()


def title_of(path):
    return _header(path, 0, "title")


def about_of(path):
    return _header(path, 1, "about") if _has_about(path) else ""


def _has_about(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return len(lines) > 1 and lines[1].startswith("# about:")


def notebook_map(paths):
    """A markdown table: every notebook, linked, with its one-line description."""
    rows = ["| notebook | what you will do there |", "|---|---|"]
    rows += [f"| [{title_of(p)}]({p.stem}.ipynb) | {about_of(p)} |" for p in paths]
    return "\n".join(rows)


def parse_cells(path):
    """The cells of a percent-format source as nbformat cells (read by jupytext)."""
    lines = path.read_text(encoding="utf-8").splitlines()[2 if _has_about(path) else 1:]
    if lines and lines[0].strip() and not lines[0].startswith("# %%"):
        raise ValueError(f"{path.name}: text before the first '# %%' cell: {lines[0]!r}")
    notebook = jupytext.reads("\n".join(lines) + "\n", fmt="py:percent")
    cells = []
    for cell in notebook.cells:
        tags = cell.metadata.get("tags", [])
        made = (nbformat.v4.new_markdown_cell(cell.source) if cell.cell_type == "markdown"
                else nbformat.v4.new_code_cell(cell.source))
        if tags:
            made.metadata["tags"] = tags
        cells.append(made)
    return cells


def navigation(index, paths):
    """The generated navigation line of notebook ``index`` among ``paths``."""
    def link(path):
        name = path.stem + ".ipynb"
        return f"[{title_of(path)}]({name})"
    parts = []
    parts.append(f"← {link(paths[index - 1])}" if index > 0 else "← (first)")
    parts.append(f"[Index](00_start_here.ipynb)" if index > 0 else "**Index**")
    parts.append(f"{link(paths[index + 1])} →" if index + 1 < len(paths) else "(last) →")
    return " &nbsp;|&nbsp; ".join(parts)


def expected_cells(index, paths):
    """Navigation on top, the source's cells, navigation at the bottom."""
    nav = navigation(index, paths)
    top = nbformat.v4.new_markdown_cell(nav)
    top.metadata["tags"] = ["navigation"]
    bottom = nbformat.v4.new_markdown_cell(nav)
    bottom.metadata["tags"] = ["navigation"]
    cells = parse_cells(paths[index])
    for cell in cells:
        if cell.cell_type == "markdown" and "<!-- notebook map -->" in cell.source:
            cell.source = cell.source.replace("<!-- notebook map -->", notebook_map(paths))
    return [top, *cells, bottom]


def new_notebook(cells):
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
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


def build(names):
    paths = source_files()
    for index, path in enumerate(paths):
        if names and not any(n in path.stem for n in names):
            continue
        target = NOTEBOOKS / (path.stem + ".ipynb")
        nb = new_notebook(expected_cells(index, paths))
        _ids_stable(nb)
        print(f"executing {target.relative_to(ROOT)} ...", flush=True)
        execute(nb, target)
        nbformat.write(nb, target)


def _comparable(cells):
    return [(c.cell_type, c.source, sorted(c.metadata.get("tags", []))) for c in cells]


def check():
    """Problems with the committed notebooks (sources out of date, not executed in order)."""
    problems = []
    paths = source_files()
    committed = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if [p.stem for p in committed] != [p.stem for p in paths]:
        problems.append(f"notebooks {[p.name for p in committed]} do not match sources "
                        f"{[p.name for p in paths]}")
    for index, path in enumerate(paths):
        target = NOTEBOOKS / (path.stem + ".ipynb")
        if not target.exists():
            continue
        nb = nbformat.read(target, as_version=4)
        if _comparable(nb.cells) != _comparable(expected_cells(index, paths)):
            problems.append(f"{target.name} differs from tools/nbsrc/{path.name}: run `make notebooks`")
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        if counts != list(range(1, len(counts) + 1)):
            problems.append(f"{target.name}: execution counts {counts} are not 1..N: run `make notebooks`")
        if "kernelspec" not in nb.metadata:
            problems.append(f"{target.name}: no kernelspec")
    return problems


def main(argv):
    if not argv or argv[0] not in ("build", "check"):
        print(__doc__)
        return 2
    if argv[0] == "build":
        build(argv[1:])
        return 0
    problems = check()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
