"""Every notebook, opened in JupyterLab in headless Chromium, runs clean and its explorers respond.

For each notebooks/*.ipynb (one test each): clear outputs, Run > Run All Cells, wait for the
kernel, then assert
  * no error output, no stderr output, no widget that failed to display;
  * every explorer (``.cnnviz-explorer``, including each section an explorer shows on its own)
    shows its sliders, each with a handle and a readout, and, if it has a player, its play button;
  * pressing play runs the player on to the last step and changes the views (if the only thing
    that changes is the step line, that is reported as a warning: no view there follows the step);
  * an arrow key on a focused slider handle moves that slider one way and, when the explorer
    shows numbers, changes the views;
  * for the explorer kinds this file knows (keyed on their CSS class), the numbers shown equal
    cnnviz.ops for the values on the sliders, read from the readouts:
      cnnviz-conv-forward   every y_ij at the last step = conv2d_forward(X, W, b), X as shown;
      cnnviz-conv-backward  running ∂L/∂X, ∂L/∂W, ∂L/∂b at the last step = conv2d_backward;
      cnnviz-pool-forward   Y at the last step = maxpool2d_forward(X);
      cnnviz-pool-windows   Y = maxpool2d_forward(X shown, size, stride);
      cnnviz-pool-backward  running ∂L/∂X at the last step = maxpool2d_backward(.., ties);
    other kinds get the generic checks only;
  * afterwards the copies of a slider that an explorer shows in several sections (its twins)
    all show the same value (they follow a moment after the views, in one batch), and the page
    runs no animation while nobody interacts (code editors without the focus do not blink);
  * afterwards there is still no error output and nothing went to the Log Console (where an
    exception raised in a widget callback ends up in JupyterLab).
All explorers of a notebook are checked; what failed is reported together. Screenshots of each
notebook and of each explorer go to artifacts/browser/ (and <notebook>--FAILED.png on failure).
"""
import warnings

import numpy as np
import pytest

import cnnviz
from cnnviz.formulas import format_number
from lab import NOTEBOOKS
from notebook_ui import (
    NotebookUI,
    explorer_kind,
    matrix,
    number,
    panels,
    poll,
    press_slider,
    scrubber,
    settle,
    shows_numbers,
    sliders,
    views_html,
    wait_views_change,
    watch,
)

NOTEBOOK_NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
CHANGE_TIMEOUT = 20  # s for the kernel to answer a click or a key (a busy 2-core machine)


def test_notebooks_are_found():
    assert NOTEBOOK_NAMES, f"no notebooks in {NOTEBOOKS}"


# --- checks every explorer gets ------------------------------------------------------------------
def check_controls(explorer, where):
    """Sliders with a handle and a readout are on screen; a player, if any, has a play button."""
    info = sliders(explorer)
    shown = {name: s for name, s in info.items() if s["shown"]}
    assert shown, f"{where}: no slider is visible"
    for name, s in shown.items():
        assert s["now"] is not None and (s["readout"] or "").strip(), \
            f"{where}: slider {name} has no handle value or no readout: {s}"
    if explorer.locator(".cnnviz-play, .cnnviz-player").count():
        play = explorer.locator(".cnnviz-play")
        assert play.count() and play.first.is_visible(), f"{where}: the player shows no play control"
        assert play.first.locator("button:has(.fa-play)").count(), \
            f"{where}: the play control has no play button"
    return shown


def check_play(explorer, where):
    """Play runs to the last step (where the totals are complete) and changes the views."""
    if not explorer.locator(".cnnviz-play").count():
        return
    fast = explorer.locator(".cnnviz-speed button[data-value='fast']")
    if fast.count():
        fast.first.click()
    has_scrubber = explorer.locator(".cnnviz-scrubber .noUi-handle").count() > 0
    if has_scrubber and scrubber(explorer)[1] == 0:
        warnings.warn(f"{where}: the player has a single step, so play has nothing to show "
                      f"(message: {_message(explorer)!r})")
        return
    watcher = watch(explorer)
    explorer.locator(".cnnviz-play button:has(.fa-play)").first.click()
    if has_scrubber:
        # Playing shows a pause icon; the play icon is back once it stopped (at the end, or early).
        def state():
            step, last = scrubber(explorer)
            return step, last, explorer.locator(".cnnviz-play button:has(.fa-play)").count() > 0

        step, last, _ = poll(state, lambda s: s[0] == s[1] or s[2],
                             what=f"{where}: play to reach the last step or stop (step, last, stopped)")
    changes = settle(explorer, watcher)
    if has_scrubber:
        assert step == last, (f"{where}: play stopped at step {step + 1} of {last + 1} "
                              "instead of running on to the last step")
    if not changes["views"]:
        assert changes["status"], f"{where}: pressing play changed nothing"
        warnings.warn(f"{where}: play changes only the step line; no view of this explorer "
                      "follows the step")


def go_to_last_step(explorer):
    """With the keyboard on the step scrubber (End), so that later checks see complete totals."""
    handle = explorer.locator(".cnnviz-scrubber .noUi-handle")
    if not handle.count() or scrubber(explorer)[0] == scrubber(explorer)[1]:
        return
    handle.first.focus()
    explorer.page.keyboard.press("End")
    poll(lambda: scrubber(explorer), lambda s: s[0] == s[1], timeout=CHANGE_TIMEOUT,
         what="the scrubber's End key to reach the last step")


# The slider moved in each known kind: one whose change reaches every view at the last step.
SLIDER_TO_MOVE = {
    "cnnviz-conv-forward": "x22",    # in all four windows (times w22, w21, w12, w11)
    "cnnviz-conv-backward": "dy22",  # changes ∂L/∂X, ∂L/∂W and ∂L/∂b
    "cnnviz-pool-forward": "x22",    # the maximum of three of the four windows (seed)
    "cnnviz-pool-backward": "dy22",  # the gradient window X′4 sends back
    "cnnviz-pool-windows": "size",
}


def check_keyboard_slider(explorer, kind, shown, where):
    """Focus a slider's handle, press an arrow key: the readout moves one way, the views follow."""
    name = SLIDER_TO_MOVE.get(kind)
    if name not in shown:
        name = next(iter(shown))
    old = number(shown[name]["readout"])
    numbers = shows_numbers(explorer)
    before = views_html(explorer)
    watcher = watch(explorer)
    key = press_slider(explorer, name)
    new = poll(lambda: number(sliders(explorer)[name]["readout"]), lambda v: v != old,
               timeout=CHANGE_TIMEOUT, what=f"{where}: slider {name} to move with {key}")
    assert (new > old) == (key == "ArrowRight"), f"{where}: {key} moved {name} from {old} to {new}"
    if numbers:
        try:
            wait_views_change(explorer, before, timeout=CHANGE_TIMEOUT)
        except Exception as err:
            raise AssertionError(f"{where}: moving {name} from {old} to {new} with {key} "
                                 "changed no view") from err
    elif not settle(explorer, watcher)["views"]:
        warnings.warn(f"{where}: shows no numbers, and moving {name} changed none of its views")


# --- numbers shown against cnnviz.ops ------------------------------------------------------------
def _bias(info):
    """b from the sliders in use: the per-position matrix if it is shown, else the shared b."""
    if any(s["shown"] for n, s in info.items() if n[:1] == "b" and n[1:].replace("_", "").isdigit()):
        return np.array(matrix(info, "b"))
    return number(info["b"]["readout"])


def _integers(info):
    return all(number(s["readout"]).is_integer() for s in info.values() if s["shown"])


def _same(shown, expected, exact, pending_ok=False):
    """Shown strings equal format_number(expected) (integer inputs), or are close to it.

    ``pending_ok``: cells shown as '?' (not computed yet) are skipped, if any cell is shown.
    """
    expected = np.atleast_2d(np.asarray(expected, dtype=float))
    if shown is None or np.shape(shown) != expected.shape:
        return False
    pairs = [(s, e) for s_row, e_row in zip(shown, expected) for s, e in zip(s_row, e_row)
             if not (pending_ok and s == "?")]
    if not pairs:
        return False
    if exact:
        return all(s == format_number(e) for s, e in pairs)
    try:
        # Readouts of non-integers are rounded (".2g"), so only a loose match is fair.
        return all(np.isclose(number(s), e, rtol=0.05, atol=0.05) for s, e in pairs)
    except ValueError:
        return False


def _panel_table(explorer, view_class, title_start=None):
    """The first table of the panel whose title starts with ``title_start``, else the last table."""
    found = panels(explorer, view_class)
    if not found:
        return None
    for panel in found:
        if title_start and panel["title"].startswith(title_start) and panel["tables"]:
            return panel["tables"][0]
    tables = [t for panel in found for t in panel["tables"]]
    return tables[-1] if tables else None


def _pool_geometry(x_shape, window_table, out_shape):
    """(size, strides that fit): size from the window table shown, stride(s) from Y's shape."""
    if window_table is None or out_shape is None:
        return None, []
    size = len(window_table)
    return size, [s for s in range(1, size + 2)
                  if cnnviz.output_size(x_shape, size, s) == tuple(out_shape)]


def _message(explorer):
    """The explorer's message text as shown (innerText leaves the inlined <style> out)."""
    message = explorer.locator(".cnnviz-message")
    return message.first.inner_text().strip() if message.count() else ""


def check_conv_forward(explorer, where):
    """At the last step every y_ij is shown and equals cnnviz.conv2d_forward(X, W, b)."""
    def read():
        info = sliders(explorer)
        x, w, b = np.array(matrix(info, "x")), np.array(matrix(info, "w")), _bias(info)
        return dict(x=x, w=w, b=b, exact=_integers(info), y_expected=cnnviz.conv2d_forward(x, w, b),
                    y_shown=_panel_table(explorer, "cnnviz-conv-output", "Y"),
                    x_shown=_panel_table(explorer, "cnnviz-conv-input", "X"))

    def ok(s):
        return _same(s["y_shown"], s["y_expected"], s["exact"]) and _same(s["x_shown"], s["x"], s["exact"])

    poll(read, ok, timeout=CHANGE_TIMEOUT,
         what=f"{where}: X shown = the sliders, and every y_ij shown = conv2d_forward(X, W, b)")


def check_conv_backward(explorer, where):
    """At the last step the running ∂L/∂X, ∂L/∂W, ∂L/∂b shown equal cnnviz.conv2d_backward."""
    views = {"dx": "cnnviz-conv-dx", "dw": "cnnviz-conv-dw", "db": "cnnviz-conv-db"}
    present = {k: v for k, v in views.items() if explorer.locator(f".{v}").count()}
    if not present:
        return  # a section without these totals (gather view, matrix form, gradient check)

    def read():
        # A section shows only the sliders its views depend on (∂L/∂X: W and ∂L/∂Y; ∂L/∂W:
        # X and ∂L/∂Y; ∂L/∂b: ∂L/∂Y): a missing X or W stands in as zeros, a missing b as the
        # bias mode the ∂L/∂b panel names, and only the views it cannot change are compared.
        info = sliders(explorer)
        dy = np.array(matrix(info, "dy"))
        x, w = matrix(info, "x"), matrix(info, "w")
        kernel = np.shape(w) if w is not None else (2, 2)
        x = np.array(x) if x is not None else np.zeros(np.add(dy.shape, kernel) - 1)
        w = np.array(w) if w is not None else np.zeros(kernel)
        if any(n[:1] == "b" for n in info):
            b = _bias(info)
        else:
            db_titles = [p["title"] for p in panels(explorer, "cnnviz-conv-db") or []]
            b = 0.0 if any("shared" in t for t in db_titles) else np.zeros(dy.shape)
        dx, dw, db = cnnviz.conv2d_backward(dy, x, w, b)
        state = dict(exact=_integers(info), expected=dict(dx=dx, dw=dw, db=db, dy=dy), shown={})
        needs = {"dx": matrix(info, "w"), "dw": matrix(info, "x"), "db": dy}
        for key, view in present.items():
            if needs[key] is not None:
                state["shown"][key] = _panel_table(explorer, view, "Running")
        if "dx" in present:
            state["shown"]["dy"] = _panel_table(explorer, "cnnviz-conv-dx", "∂L/∂Y")
        return state

    def ok(s):
        return all(_same(shown, s["expected"][k], s["exact"]) for k, shown in s["shown"].items())

    poll(read, ok, timeout=CHANGE_TIMEOUT,
         what=f"{where}: running {'/'.join(present)} shown = conv2d_backward of the sliders")


def check_pool_forward(explorer, where):
    """At the last step every y_ij is shown and equals cnnviz.maxpool2d_forward(X)."""
    def read():
        info = sliders(explorer)
        x = np.array(matrix(info, "x"))
        y_shown = _panel_table(explorer, "cnnviz-pool-input", "Y")
        size, strides = _pool_geometry(x.shape, _panel_table(explorer, "cnnviz-pool-input", "Window"),
                                       np.shape(y_shown) if y_shown else None)
        return dict(x=x, exact=_integers(info), size=size, strides=strides, y_shown=y_shown,
                    y_expected=[cnnviz.maxpool2d_forward(x, size, s) for s in strides])

    def ok(s):
        return any(_same(s["y_shown"], y, s["exact"]) for y in s["y_expected"])

    poll(read, ok, timeout=CHANGE_TIMEOUT,
         what=f"{where}: every y_ij shown = maxpool2d_forward(X of the sliders)")


def check_pool_windows(explorer, where):
    """Y shown = maxpool2d_forward(X shown, size, stride) for the size and stride sliders."""
    def read():
        info = sliders(explorer)
        size, stride = int(number(info["size"]["readout"])), int(number(info["stride"]["readout"]))
        x_shown = _panel_table(explorer, "cnnviz-pool-windows-view", "X")
        y_shown = _panel_table(explorer, "cnnviz-pool-windows-view", "Y")
        state = dict(size=size, stride=stride, message=_message(explorer), y_shown=y_shown)
        try:
            x = np.array([[number(v) for v in row] for row in x_shown])
            state["y_expected"] = cnnviz.maxpool2d_forward(x, size, stride)
        except (TypeError, ValueError) as err:
            state["y_expected"] = f"cannot compute: {err}"
        return state

    def ok(s):
        if s["message"]:
            return True  # the window does not fit: the message shows, the picture is the last good one
        return not isinstance(s["y_expected"], str) and _same(s["y_shown"], s["y_expected"], True)

    poll(read, ok, timeout=CHANGE_TIMEOUT,
         what=f"{where}: Y shown = maxpool2d_forward(X shown, size, stride of the sliders)")


def check_pool_backward(explorer, where):
    """At the last step the running ∂L/∂X shown equals cnnviz.maxpool2d_backward (ties as chosen)."""
    if not explorer.locator(".cnnviz-pool-dx").count():
        return  # a section without the running total (meeting, ties, overwrite bug)

    def read():
        info = sliders(explorer)
        x, dy = np.array(matrix(info, "x")), np.array(matrix(info, "dy"))
        active = explorer.locator(".cnnviz-ties button.mod-active")
        ties = (active.first.text_content() or "").split()[0] if active.count() else "first"
        mask = _panel_table(explorer, "cnnviz-pool-step", "Mask")
        size, strides = _pool_geometry(x.shape, mask, dy.shape)
        return dict(x=x, dy=dy, ties=ties, size=size, strides=strides, exact=_integers(info),
                    dx_shown=_panel_table(explorer, "cnnviz-pool-dx", "Running"),
                    dx_expected=[cnnviz.maxpool2d_backward(dy, x, size, s, ties=ties) for s in strides])

    def ok(s):
        return any(_same(s["dx_shown"], dx, s["exact"]) for dx in s["dx_expected"])

    poll(read, ok, timeout=CHANGE_TIMEOUT,
         what=f"{where}: running ∂L/∂X shown = maxpool2d_backward(∂L/∂Y, X of the sliders, ties)")


KIND_CHECKS = {
    "cnnviz-conv-forward": check_conv_forward,
    "cnnviz-conv-backward": check_conv_backward,
    "cnnviz-pool-forward": check_pool_forward,
    "cnnviz-pool-windows": check_pool_windows,
    "cnnviz-pool-backward": check_pool_backward,
}


# --- the page as a whole ----------------------------------------------------------------------------
# Copies of a slider: same explorer (its cnnviz-explorer-N class), same slider class, same rank
# among the section's sliders of that class (notebook 06's three kernel slices each have a w11).
_TWINS_THAT_DISAGREE = """() => {
    const groups = {};
    document.querySelectorAll('.cnnviz-explorer').forEach((section, index) => {
        const explorer = [...section.classList].find(c => /^cnnviz-explorer-\\d+$/.test(c));
        const seen = {};
        for (const slider of section.querySelectorAll('.cnnviz-slider')) {
            const name = [...slider.classList].find(c => c.startsWith('cnnviz-slider-'));
            const readout = slider.querySelector('.widget-readout');
            if (!explorer || !name || !readout) continue;
            seen[name] = (seen[name] ?? 0) + 1;
            (groups[`${explorer} ${name} #${seen[name]}`] ??= []).push(
                `section ${index + 1}: ${readout.textContent.trim()}`);
        }
    });
    return Object.entries(groups).filter(
        ([, shown]) => new Set(shown.map(s => s.split(': ')[1])).size > 1);
}"""


def check_twins_agree(page, where):
    """Every copy of a slider shows the value the explorer has (after the batch that follows
    the views, LATER_S after a move)."""
    try:
        page.wait_for_function(f"() => ({_TWINS_THAT_DISAGREE})().length === 0",
                               timeout=CHANGE_TIMEOUT * 1000, polling=100)
    except Exception as err:
        disagree = page.evaluate(_TWINS_THAT_DISAGREE)
        raise AssertionError(f"{where}: copies of a slider disagree: {disagree}") from err


def check_no_animation(page, where):
    """Nothing animates on the page while nobody interacts (every running animation is
    serviced in every frame, the frames a slider move waits for)."""
    page.locator(".cnnviz-explorer .noUi-handle").first.focus()  # no editor has the focus
    running = page.evaluate("""() => document.getAnimations()
        .filter(a => a.playState === 'running')
        .map(a => (a.animationName || a.transitionProperty) + ' on '
                  + (a.effect?.target?.className?.baseVal ?? a.effect?.target?.className))""")
    assert not running, f"{where}: animations run while nobody interacts: {running[:5]}"


# --- the test ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NOTEBOOK_NAMES, ids=lambda n: n.removesuffix(".ipynb"))
def test_notebook_in_browser(name, page, lab, artifacts):
    stem = name.removesuffix(".ipynb")
    for old in [*artifacts.glob(f"{stem}.png"), *artifacts.glob(f"{stem}--*.png")]:
        old.unlink()
    ui = NotebookUI(page, lab, name).open()
    try:
        ui.run_all()
        problems = ui.problems()
        assert not problems, f"{name}: error output after Run All:\n" + "\n---\n".join(problems)

        explorers = ui.explorers()
        failures = []
        for i in range(explorers.count()):
            explorer = explorers.nth(i)
            kind = explorer_kind(explorer)
            where = f"{name}, explorer {i + 1} ({kind})"
            ui.show(explorer)
            try:
                shown = check_controls(explorer, where)
                try:
                    check_play(explorer, where)
                except AssertionError as err:
                    failures.append(str(err))
                    go_to_last_step(explorer)
                check_keyboard_slider(explorer, kind, shown, where)
                KIND_CHECKS.get(kind, lambda *_: None)(explorer, where)
            except AssertionError as err:
                failures.append(str(err))
            ui.screenshot(artifacts / f"{stem}--{i + 1}-{kind.removeprefix('cnnviz-')}.png", explorer)

        if explorers.count():
            for check in (check_twins_agree, check_no_animation):
                try:
                    check(page, name)
                except AssertionError as err:
                    failures.append(str(err))
        ui.screenshot(artifacts / f"{stem}.png", page_at=explorers.first if explorers.count() else None)
        failures += [f"error output after using the explorers: {text}" for text in ui.problems()]
        failures += [f"a widget callback wrote to the Log Console: {text}" for text in ui.callback_log()]
        assert not failures, f"{name}: {len(failures)} problem(s):\n" + "\n---\n".join(failures)
    except BaseException:
        ui.screenshot(artifacts / f"{stem}--FAILED.png")
        raise
