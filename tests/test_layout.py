"""The package's layout: each part imports only the parts above it, and every module a notebook
uses is reachable right after ``import cnnviz``."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PARTS = ["layers", "derivation", "render", "explorers"]  # each may import the ones before it
# The language and its catalog (cnnviz/i18n.py, cnnviz/words*.py): every part speaks to the
# student, so every part may import them. The layers take only the catalog's say (cnnviz.words,
# which imports nothing but cnnviz.i18n and its data modules) for their ValueError texts.
LANGUAGE = {"i18n", "words", "words_chain", "words_derivation", "words_general", "words_layers",
            "words_matrix"}


def _cnnviz_imports(path):
    """The cnnviz parts a module imports (relative imports, resolved)."""
    text = path.read_text(encoding="utf-8")
    found = set()
    for dots, name in re.findall(r"^\s*from (\.+)(\w*)", text, flags=re.M):
        if len(dots) == 1:
            found.add(path.parent.name)
        elif len(dots) == 2 and name:
            found.add(name)
    return found


@pytest.mark.parametrize("part", PARTS)
def test_each_part_imports_only_the_parts_above_it(part):
    allowed = set(PARTS[:PARTS.index(part) + 1]) | (LANGUAGE if part != "layers" else {"words"})
    for path in sorted((ROOT / "cnnviz" / part).glob("*.py")):
        assert _cnnviz_imports(path) <= allowed, f"{path.name} imports {_cnnviz_imports(path)}"


def test_the_layers_import_numpy_and_nothing_else_of_note():
    code = ("import sys, cnnviz.layers.ops, cnnviz.layers.naive, cnnviz.layers.steps, "
            "cnnviz.layers.gradcheck\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('ipywidgets', 'matplotlib', 'anywidget', 'IPython')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _modules_the_notebooks_use():
    names = set()
    for source in (ROOT / "tools" / "nbsrc").glob("*.py"):
        names |= set(re.findall(r"\bcnnviz\.([a-z_]+)\.", source.read_text(encoding="utf-8")))
    return sorted(names)


def test_every_module_a_notebook_uses_is_there_right_after_import_cnnviz():
    names = _modules_the_notebooks_use()
    assert "pitfalls" in names
    code = ("import types, cnnviz\n"
            f"for name in {names!r}:\n"
            "    assert isinstance(getattr(cnnviz, name), types.ModuleType), name\n")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
