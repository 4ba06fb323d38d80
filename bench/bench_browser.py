"""The stages in a browser: stepping costs the kernel nothing; a slider move against a bare widget.

Run:  python bench/bench_browser.py [--presses N] [--only NAME ...]   (needs Chromium: the Debian package ``chromium``)

One JupyterLab (tests/browser/lab.py) and one headless system Chromium. A scratch notebook
shows each measured explorer (the conv ones: cnnviz.ConvForwardExplorer,
cnnviz.ConvBackwardExplorer) and, in the cell after it, a bare pair: an IntSlider whose
observer writes an HTML widget. Printed, not judged:

(a) play / step / scrub / keys, per explorer:
    * kernel frames: websocket frames sent and received on the kernel's channel during ten
      seconds of play (loop on, speed fast), and during the key presses below: expected 0;
    * timer -> painted: from a play tick changing the frame to the next animation frame
      (requestAnimationFrame after the change: the frame the browser paints it in);
    * key -> painted: from a → key's ``event.timeStamp`` (stage focused) to the same point;
    * scrub -> painted: from an ``input`` event on the scrubber to the same point;
    * button -> painted: from the click on "step ▶" (its ``event.timeStamp``) to the same point.
(b) slider -> stage: an arrow key on a focused slider handle (``event.timeStamp``) to the first
    DOM change inside the stepping stage of (a) (a MutationObserver), the next key pressed once
    the kernel is idle and the page quiet; the same for the bare IntSlider -> HTML pair in the
    cell after it, pressed in turn with the explorer's, so both see the same page and the same
    minutes. The ratio is explorer median / bare median.

``main()`` prints a table and returns the numbers as a dict.
"""
import argparse
import statistics
import sys
import tempfile
from pathlib import Path

# The browser tests' helpers (start Lab, drive a notebook); bench/ and tests/ are not packages.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from cnnviz.explorers.stage import SPEEDS  # noqa: E402
from lab import CHROMIUM_FLAGS, Lab, find_chromium  # noqa: E402
from notebook_ui import (EXPLORERS, KernelTraffic, NotebookUI, slider_handle,  # noqa: E402
                         stepping_stage)

PRESSES = 20
WARMUP = 2
PLAY_S = 10
VIEWPORT = {"width": 1400, "height": 1300}
BARE_CELL = """import ipywidgets
_slider = ipywidgets.IntSlider(value=5, min=0, max=10, description="n", continuous_update=True)
_slider.add_class("cnnviz-slider")
_slider.add_class("cnnviz-slider-n")
_view = ipywidgets.HTML("<b>5</b>")
_view.add_class("bench-bare-view")
_slider.observe(lambda change, view=_view: setattr(view, "value", f"<b>{change['new']}</b>"),
                names="value")
_box = ipywidgets.VBox([_slider, _view])
_box.add_class("bench-bare")
_box"""

# In the page: the time of each change of a watched element, and of the next animation frame
# after it; the time of each input event (keydown, click, input) on it.
_WATCH = """(el) => {
    const w = {changes: [], painted: [], events: []};
    new MutationObserver(() => {
        const t = performance.now();
        w.changes.push(t);
        requestAnimationFrame(() => w.painted.push([t, performance.now()]));
    }).observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
    for (const type of ['keydown', 'click', 'input'])
        el.addEventListener(type, e => w.events.push([type, e.timeStamp]), true);
    window.__bench = window.__bench || [];
    window.__bench.push(w);
    return window.__bench.length - 1;
}"""
_RESET = "i => { const w = window.__bench[i]; w.changes = []; w.painted = []; w.events = []; }"
_READ = "i => window.__bench[i]"


def _median(values):
    return statistics.median(values) if values else float("nan")


def _p90(values):
    return sorted(values)[max(0, int(round(0.9 * len(values))) - 1)] if values else float("nan")


def _summary(values):
    return dict(median_ms=_median(values), p90_ms=_p90(values), samples=len(values))


def _wait_painted(page, watcher, n, timeout_s=10):
    page.wait_for_function("([i, n]) => window.__bench[i].painted.length >= n", arg=[watcher, n],
                           timeout=timeout_s * 1000, polling=20)


def stepping(ui, traffic, stage, presses):
    """(a): kernel frames while playing and stepping; timer, key, scrub, button -> painted."""
    page = ui.page
    frame = stage.locator(".cnnviz-stage-frame")
    watcher = frame.evaluate(_WATCH)
    stage_watch = stage.evaluate(_WATCH)  # the events land on the stage root
    stage.locator(".cnnviz-stage-loop input").check()
    stage.locator(".cnnviz-stage-speed").select_option(str(SPEEDS["fast"]))
    traffic.wait_quiet(page)
    before = traffic.count()
    page.evaluate(_RESET, watcher)
    stage.locator(".cnnviz-stage-play").click()
    page.wait_for_timeout(PLAY_S * 1000)
    stage.locator(".cnnviz-stage-play").click()
    played = page.evaluate(_READ, watcher)
    play_frames = traffic.count() - before
    timer = [p - t for t, p in played["painted"]]
    ticks = played["changes"]
    spacing = [b - a for a, b in zip(ticks, ticks[1:])]
    stage.locator(".cnnviz-stage-loop input").uncheck()

    before = traffic.count()
    stage.focus()
    page.keyboard.press("Home")
    last = int(stage.locator(".cnnviz-stage-scrub").get_attribute("max"))

    def key(n):
        page.evaluate(_RESET, stage_watch)
        page.keyboard.press("ArrowRight" if (n // last) % 2 == 0 else "ArrowLeft")

    keys = _timed(page, watcher, stage_watch, key, presses)

    def scrub(n):
        page.evaluate(_RESET, stage_watch)
        stage.locator(".cnnviz-stage-scrub").evaluate(
            "(s, n) => { s.value = n; s.dispatchEvent(new Event('input', {bubbles: true})); }",
            (n + 1) % (last + 1))

    scrubs = _timed(page, watcher, stage_watch, scrub, presses, event="input")

    def click(n):
        page.evaluate(_RESET, stage_watch)
        if n % (last + 1) == last:
            stage.locator(".cnnviz-stage-first").click()
        else:
            stage.locator(".cnnviz-stage-forward").click()

    clicks = _timed(page, watcher, stage_watch, click, presses, event="click")
    page.wait_for_timeout(300)
    step_frames = traffic.count() - before
    return dict(play_kernel_frames=play_frames, play_seconds=PLAY_S, play_changes=len(ticks),
                play_spacing=_summary(spacing), timer_to_paint=_summary(timer),
                key_to_paint=_summary(keys), scrub_to_paint=_summary(scrubs),
                button_to_paint=_summary(clicks), stepping_kernel_frames=step_frames)


def _timed(page, frame_watch, stage_watch, act, presses, event="keydown"):
    """ms from the stage's last ``event`` to the animation frame after the frame changed."""
    out = []
    for n in range(presses + WARMUP):
        page.evaluate(_RESET, frame_watch)
        act(n)
        try:
            _wait_painted(page, frame_watch, 1, timeout_s=5)
        except Exception:
            continue  # this input showed the step already shown (an end of the range)
        page.wait_for_timeout(20)
        painted = page.evaluate(_READ, frame_watch)["painted"]
        events = [t for kind, t in page.evaluate(_READ, stage_watch)["events"] if kind == event]
        if n >= WARMUP and events and painted:
            out.append(painted[0][1] - events[-1])
    return out


_SETTLED = """([i, quiet]) => {
    const idle = document.querySelector('.jp-Notebook-ExecutionIndicator')
        ?.getAttribute('data-status') === 'idle';
    const w = window.__bench[i];
    return w.changes.length > 0 && idle && performance.now() - w.changes[w.changes.length - 1] > quiet;
}"""


def slider_to_first_change(page, root, target, slider, n, right_first, timeout_s=30):
    """One key press on ``slider`` under ``root``: ms from its keydown to the first change of
    ``target`` (waits until the kernel is idle and the target quiet)."""
    watcher = target.evaluate(_WATCH)
    handle = slider_handle(root, slider)
    handle.evaluate("""(h) => { if (!h.__benchKeys) { h.__benchKeys = [];
        h.addEventListener('keydown', e => h.__benchKeys.push(e.timeStamp), true); } }""")
    handle.focus()
    right = (n % 2 == 0) == right_first
    page.keyboard.press("ArrowRight" if right else "ArrowLeft")
    page.wait_for_function(_SETTLED, arg=[watcher, 300], timeout=timeout_s * 1000, polling=50)
    first = page.evaluate(_READ, watcher)["changes"][0]
    key = handle.evaluate("h => h.__benchKeys[h.__benchKeys.length - 1]")
    page.evaluate("i => { window.__bench[i] = {changes: [], painted: [], events: []}; }", watcher)
    return first - key


def slider_latency(ui, cell, stage, bare_cell, slider, presses):
    """(b): the explorer's slider -> first change of its stepping ``stage`` (a one-frame stage
    before it, such as the multichannel explorer's shapes, may not depend on the slider), and
    the bare pair's, pressed in turn."""
    page = ui.page
    view = bare_cell.locator(".bench-bare-view").first
    right = {}
    for name, root in (("explorer", cell), ("bare", bare_cell)):
        handle = slider_handle(root, slider if name == "explorer" else "n")
        right[name] = float(handle.get_attribute("aria-valuenow")) < float(handle.get_attribute("aria-valuemax"))
    explorer_ms, bare_ms = [], []
    for n in range(presses + WARMUP):
        ui.show(stage)
        e = slider_to_first_change(page, cell, stage, slider, n, right["explorer"])
        ui.show(view)
        b = slider_to_first_change(page, bare_cell, view, "n", n, right["bare"])
        if n >= WARMUP:
            explorer_ms.append(e)
            bare_ms.append(b)
    return dict(explorer=_summary(explorer_ms), bare=_summary(bare_ms),
                ratio=_median(explorer_ms) / _median(bare_ms))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=PRESSES)
    parser.add_argument("--only", nargs="*", choices=sorted(EXPLORERS), default=None,
                        help="measure only these explorers (default: all)")
    args = parser.parse_args(argv)
    explorers = {name: EXPLORERS[name] for name in (args.only or EXPLORERS)}
    chromium = find_chromium()
    if chromium is None:
        print("bench_browser: Chromium not found; install the Debian package chromium "
              "(apt-get install chromium) or set CNNVIZ_CHROMIUM")
        return {"error": "Chromium not found"}
    from playwright.sync_api import sync_playwright

    cells, where = ["import cnnviz"], {}
    for name, (source, _) in explorers.items():
        where[name] = len(cells)
        cells += [source, BARE_CELL]
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        lab = Lab(scratch)
        try:
            notebook = lab.write_notebook("_bench_stages.ipynb", cells)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
                context = browser.new_context(viewport=VIEWPORT)
                context.set_default_timeout(60_000)
                page = context.new_page()
                traffic = KernelTraffic(page)
                ui = NotebookUI(page, lab, notebook).open()
                ui.run_all()
                for name, (_, slider) in explorers.items():
                    cell, bare = ui.cell(where[name]), ui.cell(where[name] + 1)
                    stage = stepping_stage(cell)
                    print(f"  {name} ...", file=sys.stderr, flush=True)
                    try:
                        ui.show(stage)
                        result = stepping(ui, traffic, stage, args.presses)
                        result["slider"] = slider_latency(ui, cell, stage, bare, slider,
                                                          args.presses)
                    except Exception as err:  # a number we could not take is reported, not fatal
                        result = {"error": f"{type(err).__name__}: {err}"[:400]}
                    results[name] = result
                context.close()
                browser.close()
        finally:
            lab.stop()
    _print(results)
    return results


def _print(results):
    print("(a) stepping in the browser (ms: median / p90; kernel frames expected 0)")
    print(f"{'explorer':15} {'kernel frames':>13} {'play':>5} {'tick spacing':>13} "
          f"{'timer->paint':>13} {'key->paint':>11} {'scrub->paint':>13} {'click->paint':>13}")

    def mp(s):
        return f"{s['median_ms']:5.1f}/{s['p90_ms']:5.1f}"

    for name, r in results.items():
        if "error" in r:
            print(f"{name:15} not measured: {r['error']}")
            continue
        frames = f"{r['play_kernel_frames']} + {r['stepping_kernel_frames']}"
        print(f"{name:15} {frames:>13} {r['play_changes']:5d} {mp(r['play_spacing']):>13} "
              f"{mp(r['timer_to_paint']):>13} {mp(r['key_to_paint']):>11} "
              f"{mp(r['scrub_to_paint']):>13} {mp(r['button_to_paint']):>13}")
    print(f"  kernel frames: during {PLAY_S} s of play (loop, fast) + during the key, scrub and "
          "button steps; play: frame changes seen while playing")
    print("(b) slider key -> first change in the stage, next to a bare IntSlider -> HTML pair "
          "(ms: median / p90)")
    print(f"{'explorer':15} {'slider':>13} {'bare':>13} {'ratio':>6}")
    for name, r in results.items():
        if "slider" in r:
            s = r["slider"]
            print(f"{name:15} {mp(s['explorer']):>13} {mp(s['bare']):>13} {s['ratio']:6.2f}")


if __name__ == "__main__":
    main()
