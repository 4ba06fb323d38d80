"""The committed notebooks are what their sources build, executed in order, small, clean.

nbval (in the same `make test` run) re-executes each notebook and compares every output with
the committed one, so stale outputs fail there; this file checks the rest.
"""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from cnnviz.explorers.stage import unpack_frames

ROOT = Path(__file__).resolve().parents[1]
ENGLISH = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The Chinese edition (tools/notebooks.py): the sources translated so far, built the same way.
CHINESE = sorted((ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))
NOTEBOOKS = ENGLISH + CHINESE
IDS = [p.relative_to(ROOT / "notebooks").with_suffix("").as_posix() for p in NOTEBOOKS]
MAX_BYTES = 300_000
# All notebooks of one edition together: 2.9 MB with the ipywidgets-only explorers, 1.23 MB with
# the stages, 0.82 MB with default traits left out of the saved state and the frames packed;
# 1.06 MB (each edition) once the feature-map, Jacobian/im2col, learning, average-pooling and chain
# explorers and the colour scale came in. The limit keeps that in check.
COLLECTION_BYTES = 1_100_000


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
    for path in ENGLISH:
        assert f"({path.name})" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
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
                    frames = unpack_frames(stage["frames"])
                    assert frames or stage["error"], f"{path.name}: a stage with nothing"
                    assert len(stage["captions"]) == len(frames)


@pytest.mark.parametrize("edition", ["en", "zh"])
def test_the_collection_is_small(edition):
    paths = ENGLISH if edition == "en" else CHINESE
    total = sum(p.stat().st_size for p in paths)
    print(f"the collection ({edition}): {total:,} bytes in {len(paths)} notebooks")
    assert total < COLLECTION_BYTES, f"the {edition} notebooks add up to {total:,} bytes"


def test_saved_widget_state_leaves_out_only_what_the_browser_fills_in():
    """prune drops default traits and style models that set nothing; complete puts back every
    trait a reader needs, and the saved references all point at saved models."""
    sys.path.insert(0, str(ROOT / "tools"))
    import widget_state
    import ipywidgets as widgets

    slider = widgets.IntSlider(3, min=-5, max=5, description="x₁₁")
    grid = widgets.GridBox([slider], layout=widgets.Layout(grid_gap="4px"))
    models = {w.model_id: {"model_module": w._model_module, "model_module_version":
                           w._model_module_version, "model_name": w._model_name,
                           "state": w.get_state()}
              for w in (slider, slider.layout, slider.style, grid, grid.layout)}
    pruned = widget_state.prune(json.loads(json.dumps(models)))
    assert set(pruned) == {slider.model_id, grid.model_id, grid.layout.model_id}
    assert pruned[slider.model_id]["state"] == {"description": "x₁₁", "max": 5, "min": -5,
                                                "value": 3}
    assert pruned[grid.layout.model_id]["state"] == {"grid_gap": "4px"}
    assert pruned[grid.model_id]["state"]["layout"] == f"IPY_MODEL_{grid.layout.model_id}"
    completed = widget_state.complete(pruned)
    assert completed[slider.model_id]["state"]["_view_name"] == "IntSliderView"
    assert completed[slider.model_id]["state"]["readout"] is True
    for w in (slider, grid):
        w.close()
