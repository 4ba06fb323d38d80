"""The committed notebooks are what their sources build, executed in order, small, clean.

nbval (in the same `make test` run) re-executes each notebook and compares every output with
the committed one, so stale outputs fail there; this file checks the rest.
"""
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_BYTES = 1_000_000
# All notebooks together: 2.9 MB with the ipywidgets-only explorers, 1.23 MB with the stages.
COLLECTION_BYTES = 1_300_000


def _builder():
    spec = importlib.util.spec_from_file_location("notebooks_tool", ROOT / "tools" / "notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_source_has_its_committed_notebook_and_they_match():
    builder = _builder()
    assert NOTEBOOKS, "no notebooks committed"
    assert builder.check() == []


def test_the_collection_starts_at_00_start_here_and_its_map_lists_every_notebook():
    start = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in start["cells"] if c["cell_type"] == "markdown")
    for path in NOTEBOOKS:
        assert f"({path.name})" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_executed_clean_and_small(path):
    nb = json.loads(path.read_text())
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name}: {out.get('ename')}: {out.get('evalue')}"
            assert out.get("name") != "stderr", f"{path.name}: stderr output {''.join(out['text'])[:200]}"
            for mime, data in out.get("data", {}).items():
                assert len(json.dumps(data)) < 200_000, f"{path.name}: a {mime} output is too large"
    nav = [c for c in nb["cells"] if "navigation" in c.get("metadata", {}).get("tags", [])]
    assert len(nav) == 2 and nb["cells"][0] is nav[0] and nb["cells"][-1] is nav[1]


def _descendants(states, model_id):
    """The saved models under ``model_id`` (children, layouts aside), itself included."""
    found, todo = [], [model_id]
    while todo:
        state = states[todo.pop()]["state"]
        found.append(state)
        todo += [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_widgets_have_saved_state_and_every_explorer_its_stages_frames(path):
    """Widgets render from saved state in Lab (before the kernel runs); the stages' frames are
    in that state, which is what make site draws a static, playing copy from."""
    nb = json.loads(path.read_text())
    states = nb["metadata"].get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if not view:
                continue
            assert view["model_id"] in states
            shown = _descendants(states, view["model_id"])
            if "cnnviz-explorer" in shown[0].get("_dom_classes", []):
                stages = [s for s in shown if "cnnviz-stage-widget" in s.get("_dom_classes", [])]
                assert stages or any("cnnviz-gradient-check" in s.get("_dom_classes", [])
                                     for s in shown), f"{path.name}: an explorer with no stage"
                for stage in stages:  # no frames only for an explorer made with a bad setting
                    assert stage["frames"] or stage["error"], f"{path.name}: a stage with nothing"
                    assert len(stage["captions"]) == len(stage["frames"])


def test_the_collection_is_small():
    total = sum(p.stat().st_size for p in NOTEBOOKS)
    print(f"the collection: {total:,} bytes in {len(NOTEBOOKS)} notebooks")
    assert total < COLLECTION_BYTES, f"the notebooks add up to {total:,} bytes"
