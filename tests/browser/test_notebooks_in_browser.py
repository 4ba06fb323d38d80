"""The explorers' stages in JupyterLab in headless Chromium, and every notebook run clean.

Each of the eight explorers is shown by a cell of a scratch notebook written at test time
(independent of the committed notebooks), and run once (Run > Run All Cells). For each
explorer (one test each, so a failure names the explorer):
  * play: the step advances while not one frame goes over the kernel's websocket (~3 s);
  * keys: with the stage focused, → and ← step, Home and End jump, space plays and pauses; the
    keys stop at the stage (they do not bubble on to JupyterLab: the active cell stays);
  * projector: the toggle makes the frame's text at least 1.5x larger (and back);
  * a slider: an arrow key on a focused slider handle changes the frame, at the same step;
  * contrast, in JupyterLab Light and in JupyterLab Dark (Settings > Theme): every shown text
    in the explorer's stages, at every step, is at least 4.5:1 against what is behind it
    (WCAG 2); a failure lists the texts, their colours and where they are;
  * a bad setting (the conv explorers: made in code; pooling windows and output size: made with
    the sliders) shows its message in the stage, with no traceback in the cell; a slider-made
    one keeps the last good frame and goes away when the sliders go back.
Every committed notebooks/*.ipynb: Run All gives no error output, no stderr, no widget that
failed to display, every stage shows a frame or a message, and nothing went to the Log Console
(where an exception in a widget callback ends up in JupyterLab).
Screenshots of failures go to artifacts/browser/.
"""
import json
import re

import pytest

from cnnviz.explorers.stage import unpack_frames
from cnnviz.render import conv as views
from conftest import new_page
from lab import NOTEBOOKS
from notebook_ui import (
    EXPLORERS,
    STAGE,
    TIMEOUT_S,
    KernelTraffic,
    NotebookUI,
    frame_font_px,
    keys_past_stage,
    poll,
    press_slider,
    sliders,
    stage_state,
    stepping_stage,
    text_contrast,
    wait_step,
)

NOTEBOOK_NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
# The Chinese edition (notebooks/zh/): at least 01 and 04 open in JupyterLab like the English ones.
ZH_NAMES = ["zh/01_conv_forward.ipynb", "zh/04_maxpool_backward.ipynb"]
CJK = re.compile(r"[\u4e00-\u9fff]")
CHANGE_TIMEOUT = 20  # s for the kernel to answer a slider key (a busy 2-core machine)
PLAY_S = 3
MIN_CONTRAST = 4.5
THEMES = ("JupyterLab Light", "JupyterLab Dark")

# name -> a bad setting: ("code", an explorer made with it) or ("sliders", [(slider, key, presses)])
BAD_SETTINGS = {
    "conv-forward": ("code", "cnnviz.ConvForwardExplorer(x=[[1]], w=[[1, 2], [3, 4]], b=0)"),
    "conv-backward": ("code", "cnnviz.ConvBackwardExplorer(x=[[1]], w=[[1, 2], [3, 4]], b=0, "
                              "dy=[[1]])"),
    # size 2 -> 7 on a 6x6 input
    "pool-windows": ("sliders", [("size", "ArrowRight", 5)]),
    # padding 1 -> 0, then H 5 -> 1 under a 3x3 kernel
    "output-size": ("sliders", [("padding", "ArrowLeft", 1), ("height", "ArrowLeft", 4)]),
    "matrix-form": ("code", "cnnviz.MatrixFormExplorer(w=[[1, 2], [3, 4], [5, 6], [7, 8]])"),
    "learn-kernel": ("code", "cnnviz.LearnKernelExplorer(rate=-0.5)"),
    "chain": ("code", "cnnviz.ChainExplorer(dz=[[1]])"),
}
SCRATCH = "_explorers.ipynb"


def _shown(source):
    """A cell that shows what ``source`` makes, or prints the traceback (so the other cells run)."""
    return (f"try:\n    _made = {source}\nexcept Exception:\n    traceback.print_exc()\n"
            "else:\n    display(_made)")


CELLS = ["import traceback\nimport cnnviz"]
CELL_OF = {}        # explorer name -> its cell's index
ERROR_CELL_OF = {}  # explorer name -> the cell of its code-made bad setting
for _name, (_source, _) in EXPLORERS.items():
    CELL_OF[_name] = len(CELLS)
    CELLS.append(_shown(_source))
for _name, (_how, _what) in BAD_SETTINGS.items():
    if _how == "code":
        ERROR_CELL_OF[_name] = len(CELLS)
        CELLS.append(_shown(_what))


def test_notebooks_are_found():
    assert NOTEBOOK_NAMES, f"no notebooks in {NOTEBOOKS}"


def _save_screenshot(ui, artifacts, name):
    try:
        ui.screenshot(artifacts / f"{name}.png")
    except Exception:  # a picture is a help, not the verdict
        pass


# --- the committed notebooks ----------------------------------------------------------------------
@pytest.mark.parametrize("name", NOTEBOOK_NAMES + ZH_NAMES, ids=lambda n: n.removesuffix(".ipynb"))
def test_notebook_runs_clean(name, page, lab, artifacts):
    stem = name.removesuffix(".ipynb").replace("/", "-")
    for old in artifacts.glob(f"{stem}*.png"):
        old.unlink()
    ui = NotebookUI(page, lab, name).open()
    try:
        ui.run_all(timeout=max(180, TIMEOUT_S))
        problems = ui.problems()
        assert not problems, f"{name}: error output after Run All:\n" + "\n---\n".join(problems)
        empty = page.evaluate(
            """sel => [...document.querySelectorAll(sel)].map((s, i) => [i + 1, s])
                .filter(([, s]) => !s.querySelector('.cnnviz-stage-frame').innerHTML.trim()
                                   && !s.querySelector('.cnnviz-stage-error').textContent.trim())
                .map(([i]) => i)""", STAGE)
        assert not empty, f"{name}: stage(s) {empty} show neither a frame nor a message"
        if name.startswith("zh/"):  # the explorers speak the notebook's language
            words = page.evaluate(
                """sel => [...document.querySelectorAll(sel)].map((s) => [
                    s.querySelector('.cnnviz-stage-play').textContent,
                    s.querySelector('.cnnviz-stage-frame').textContent])""", STAGE)
            assert words and all(CJK.search(play) for play, _ in words), \
                f"{name}: a stage's buttons are not in Chinese: {[play for play, _ in words]}"
            assert any(CJK.search(frame) for _, frame in words), f"{name}: no Chinese in the stages"
        logged = ui.callback_log()
        assert not logged, f"{name}: a widget callback wrote to the Log Console:\n" + "\n---\n".join(logged)
        ui.screenshot(artifacts / f"{stem}.png")
    except BaseException:
        _save_screenshot(ui, artifacts, f"{stem}--FAILED")
        raise


@pytest.mark.parametrize("name", ["01_conv_forward.ipynb", "04_maxpool_backward.ipynb", *ZH_NAMES])
def test_notebook_shows_its_explorers_before_anything_runs(name, page, lab):
    """Opened and not run, a notebook shows its explorers from the widget state it saved (the
    state leaves out traits at their defaults): every stage plays, every slider shows its value.
    (JupyterLab shows saved widgets for a trusted notebook; an untrusted one shows each output's
    text line until it runs.)"""
    lab.trust(name)
    ui = NotebookUI(page, lab, name).open()
    nb = json.loads((lab.root / name).read_text(encoding="utf-8"))
    saved = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    stages = [{**m["state"], "frames": unpack_frames(m["state"]["frames"])} for m in saved.values()
              if "cnnviz-stage-widget" in m["state"].get("_dom_classes", [])]
    # The saved widgets draw after the cells are in the page (anywidget loads its module first):
    # wait for a stage that steps, then for every stage.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-NotebookPanel .cnnviz-stage-scrub')]
            .some(scrub => Number(scrub.max) >= 1)""", timeout=TIMEOUT_S * 1000, polling=200)
    ui.wait_stages()
    first = stepping_stage(page.locator(".jp-NotebookPanel"))
    assert first is not None and stages, f"{name}: no saved explorer is shown"
    assert all("*" not in p for p in ui.prompts())  # nothing runs
    ui.show(first)

    def numbers(frame):  # the numbers a frame shows (the browser rewrites its HTML a little)
        return [sorted(table.items()) for table in views.shown_tables(frame)]
    shown = numbers(stage_state(first)["frame"])
    matching = [s for s in stages if len(s["frames"]) > 1 and numbers(s["frames"][0]) == shown]
    assert shown and matching, f"{name}: the stage shows no saved stage's first frame"
    first.locator(".cnnviz-stage-forward").click()
    wait_step(first, 1)
    assert numbers(stage_state(first)["frame"]) in [numbers(s["frames"][1]) for s in matching]
    readouts = [s for s in sliders(page.locator(".jp-NotebookPanel")).values() if s["shown"]]
    assert readouts and all(s["readout"].strip() for s in readouts)


# --- the eight explorers, each in a cell of one scratch notebook ---------------------------------
@pytest.fixture(scope="module")
def scratch(browser, lab):
    """The scratch notebook, open and run in a page kept for the module (Light theme after)."""
    name = lab.write_notebook(SCRATCH, CELLS)
    before = lab.sessions()
    page = new_page(browser)
    traffic = KernelTraffic(page)
    ui = NotebookUI(page, lab, name).open()
    try:
        ui.run_all()
        keys_past_stage(page)
        yield ui, traffic
    finally:
        try:
            ui.set_theme(THEMES[0])  # the theme is a saved setting: later pages start Light
        finally:
            page.context.close()
            lab.shutdown_kernels(keep=before)


@pytest.fixture
def explorer(request, scratch, artifacts):
    """(ui, traffic, the explorer's cell, its stepping stage) for the test's explorer."""
    ui, traffic = scratch
    name = request.node.callspec.params["name"]
    cell = ui.cell(CELL_OF[name])
    problems = ui.problems(within=cell)
    assert not problems, f"{name}: the cell that shows it has an error output:\n" + "\n---\n".join(problems)
    assert cell.locator(".cnnviz-explorer").count(), f"{name}: its cell shows no explorer"
    stage = stepping_stage(cell)
    assert stage is not None, (f"{name}: no stage with more than one step in its cell "
                               f"({cell.locator(STAGE).count()} stage(s))")
    ui.show(stage)
    yield ui, traffic, cell, stage
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        _save_screenshot(ui, artifacts, f"{request.node.name}--FAILED")


def all_stages(cell):
    """The state of every stage in a cell (frame, caption, message, steps)."""
    stages = cell.locator(STAGE)
    return [stage_state(stages.nth(i)) for i in range(stages.count())]


class TestExplorers:
    @pytest.mark.parametrize("name", EXPLORERS)
    def test_play_sends_no_kernel_message(self, name, explorer):
        ui, traffic, cell, stage = explorer
        stage.locator(".cnnviz-stage-first").click()
        wait_step(stage, 0)
        traffic.wait_quiet(ui.page)
        before = traffic.count()
        stage.locator(".cnnviz-stage-play").click()
        steps, playing = [], []
        for _ in range(PLAY_S * 10):
            ui.page.wait_for_timeout(100)
            state = stage_state(stage)
            steps.append(state["step"])
            playing.append(state["playing"])
        frames = traffic.count() - before
        if stage_state(stage)["playing"]:
            stage.locator(".cnnviz-stage-play").click()
        assert any(playing), f"{name}: the stage never showed data-playing=true after Play"
        assert max(steps) >= 1, f"{name}: Play did not advance the step in {PLAY_S} s: {steps}"
        assert steps == sorted(steps), f"{name}: the step went back while playing: {steps}"
        assert frames == 0, (f"{name}: {frames} websocket frame(s) on the kernel's channel while "
                             f"playing for {PLAY_S} s (expected none)")

    @pytest.mark.parametrize("name", EXPLORERS)
    def test_stage_keys(self, name, explorer):
        ui, traffic, cell, stage = explorer
        stage.focus()
        last = stage_state(stage)["last"]
        active = ui.active_cell()
        keys_past_stage(ui.page, reset=True)
        traffic.wait_quiet(ui.page)
        before = traffic.count()
        for key, step in (("End", last), ("Home", 0), ("ArrowRight", 1), ("ArrowRight", min(2, last)),
                          ("ArrowLeft", min(1, last)), ("End", last), ("ArrowLeft", last - 1)):
            ui.page.keyboard.press(key)
            try:
                wait_step(stage, step, timeout=5)
            except Exception as err:
                raise AssertionError(f"{name}: {key} in the focused stage should show step "
                                     f"{step}; it shows {stage_state(stage)['step']}") from err
        ui.page.keyboard.press(" ")
        poll(lambda: stage_state(stage)["playing"], bool, timeout=5, what=f"{name}: space to play")
        ui.page.keyboard.press(" ")
        poll(lambda: stage_state(stage)["playing"], lambda p: not p, timeout=5,
             what=f"{name}: space to pause")
        ui.page.wait_for_timeout(200)
        assert stage.evaluate("s => s.contains(document.activeElement)"), \
            f"{name}: the stage lost the focus to its own keys"
        assert ui.active_cell() == active, (f"{name}: the stage's keys changed the active cell "
                                            f"from {active} to {ui.active_cell()}")
        leaked = keys_past_stage(ui.page, reset=True)
        assert not leaked, f"{name}: these keys went on past the stage to JupyterLab: {leaked}"
        assert traffic.count() == before, f"{name}: stepping with the keys sent kernel messages"

    @pytest.mark.parametrize("name", EXPLORERS)
    def test_projector(self, name, explorer):
        ui, traffic, cell, stage = explorer
        button = stage.locator(".cnnviz-stage-projector")
        normal, text = frame_font_px(stage)
        assert normal, f"{name}: the frame shows no text"
        button.click()
        try:
            assert stage.evaluate("s => s.classList.contains('cnnviz-stage-projector-on')"), \
                f"{name}: the projector toggle did not turn the projector on"
            large, _ = frame_font_px(stage)
            assert large >= 1.5 * normal, (f"{name}: with the projector on, the frame's text "
                                           f"{text!r} is {large}px, from {normal}px "
                                           f"(expected at least 1.5x)")
        finally:
            button.click()
        assert frame_font_px(stage)[0] == normal, f"{name}: the projector toggle did not turn off"

    @pytest.mark.parametrize("name", EXPLORERS)
    def test_slider_changes_frame_keeps_step(self, name, explorer):
        ui, traffic, cell, stage = explorer
        stage.focus()
        ui.page.keyboard.press("Home")
        ui.page.keyboard.press("ArrowRight")
        wait_step(stage, 1)
        before = stage_state(stage)
        shown = {n: s for n, s in sliders(cell).items() if s["shown"]}
        assert shown, f"{name}: no slider is shown"
        slider = EXPLORERS[name][1] if EXPLORERS[name][1] in shown else next(iter(shown))
        key = press_slider(cell, slider)
        try:
            after = poll(lambda: stage_state(stage), lambda s: s["frame"] != before["frame"] or s["error"],
                         timeout=CHANGE_TIMEOUT, what=f"{name}: {key} on slider {slider} to change the frame")
        finally:
            back = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            press_slider(cell, slider, back)
        assert not after["error"], f"{name}: moving {slider} with {key} gave an error: {after['error']}"
        assert after["step"] == before["step"], (f"{name}: moving {slider} changed the step from "
                                                 f"{before['step']} to {after['step']}")
        poll(lambda: stage_state(stage)["frame"], lambda f: f == before["frame"],
             timeout=CHANGE_TIMEOUT, what=f"{name}: the frame to come back with slider {slider}")
        problems = ui.problems(within=cell)
        assert not problems, f"{name}: error output after moving a slider:\n" + "\n---\n".join(problems)

    @pytest.mark.parametrize("theme", THEMES, ids=["light", "dark"])
    @pytest.mark.parametrize("name", EXPLORERS)
    def test_contrast(self, theme, name, explorer):
        ui, traffic, cell, stage = explorer
        ui.set_theme(theme)
        roots = [cell] + ([ui.cell(ERROR_CELL_OF[name])] if name in ERROR_CELL_OF else [])
        bad = {}
        for root in roots:
            stages = root.locator(STAGE)
            for i in range(stages.count()):
                each = stages.nth(i)
                ui.show(each)
                last = stage_state(each)["last"]
                for step in range(min(last, 11) + 1):
                    if last:
                        each.focus()
                        ui.page.keyboard.press("Home" if step == 0 else "ArrowRight")
                        wait_step(each, step, timeout=5)
                    for t in text_contrast(each.element_handle()):
                        if t["ratio"] < MIN_CONTRAST:
                            key = (t["where"], t["fg"], t["bg"])
                            bad.setdefault(key, dict(t, steps=[]))["steps"].append(step + 1)
        if bad:
            lines = [f"  {t['ratio']:.2f}:1  {t['fg']} on {t['bg']}  {t['text']!r}  at "
                     f"{t['where']}  (step {', '.join(map(str, sorted(set(t['steps']))[:6]))})"
                     for t in sorted(bad.values(), key=lambda t: t["ratio"])]
            pytest.fail(f"{name} in {theme}: {len(bad)} text(s) below {MIN_CONTRAST}:1 contrast:\n"
                        + "\n".join(lines[:40]), pytrace=False)

    @pytest.mark.parametrize("name", BAD_SETTINGS)
    def test_bad_setting_shows_in_cell(self, name, scratch):
        ui, traffic = scratch
        how, what = BAD_SETTINGS[name]
        if how == "code":
            cell = ui.cell(ERROR_CELL_OF[name])
            problems = ui.problems(within=cell)
            assert not problems, f"{name}: a bad setting in code gave an error output:\n" + "\n---\n".join(problems)
            stage = cell.locator(STAGE).first
            assert cell.locator(STAGE).count(), f"{name}: a bad setting in code shows no stage"
            ui.show(stage)
            state = stage_state(stage)
            assert state["error"].strip() and state["error_shown"], \
                f"{name}: made in code with {what}, the stage shows no message ({state['error']!r})"
            return
        cell = ui.cell(CELL_OF[name])
        assert not ui.problems(within=cell), f"{name}: its cell has an error output"
        stage = stepping_stage(cell)  # a one-frame stage may redraw with the message (a formula)
        ui.show(stage)
        done, message, kept = [], None, None
        try:
            for slider, key, presses in what:
                for _ in range(presses):
                    before, before_all = stage_state(stage), all_stages(cell)
                    press_slider(cell, slider, key)
                    done.append((slider, key))
                    # some moves change only another stage of the cell (the formula, the grid)
                    poll(lambda: all_stages(cell), lambda now: now != before_all,
                         timeout=CHANGE_TIMEOUT, what=f"{name}: {key} on {slider} to change a stage")
                    after = stage_state(stage)
                    if after["error"] and message is None:
                        message = after
                        kept = before["frame"] == after["frame"] and after["frame"].strip()
            assert message is not None, f"{name}: {what} made no message in the stage"
            assert message["error_shown"], f"{name}: the message {message['error']!r} is not shown"
            assert kept, f"{name}: with the message, the stage did not keep the last good frame"
            problems = ui.problems(within=cell) + ui.callback_log()
            assert not problems, (f"{name}: a bad setting made with the sliders gave output beyond "
                                  "the stage's message:\n" + "\n---\n".join(problems))
        finally:
            for slider, key in reversed(done):
                press_slider(cell, slider, "ArrowLeft" if key == "ArrowRight" else "ArrowRight")
        poll(lambda: stage_state(stage), lambda s: not s["error"] and not s["error_shown"],
             timeout=CHANGE_TIMEOUT, what=f"{name}: the message to go when the sliders went back")
