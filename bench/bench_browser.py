"""Slider -> view latency in the browser, as a student feels it, against a bare one-slider widget.

Run:  python bench/bench_browser.py        (needs Chromium: the Debian package ``chromium``)

One JupyterLab (tests/browser/lab.py) and one headless system Chromium for everything. For each
explorer kind found in notebooks/*.ipynb (its CSS class, e.g. cnnviz-conv-forward; the first
explorer of that kind), the notebook is run (Run > Run All Cells) and a slider handle of the
explorer gets >= 20 arrow-key presses, alternately right and left. In the page, a keydown
listener takes the key's ``event.timeStamp`` and a MutationObserver the ``performance.now()``
of the first DOM change of the explorer's key view (the numbers the slider feeds, e.g. Y); the
latency is the difference. "settled" is the time to the last change of any of the explorer's
views (formulas included) before the page is quiet again; formulas and other sections follow
the views next to the slider LATER_S (50 ms) later by design (cnnviz.widgets_base), so an
explorer with formulas in the measured section settles after about 60 ms. The next key is
pressed only once the kernel is idle and the page quiet.

The reference is measured the same way in the same Lab session: a scratch notebook with an
IntSlider whose observer writes an HTML widget. It is measured at the start and after each
notebook, so that every explorer has a reference taken in the same minutes (a shared machine's
speed drifts over a run). Target: explorer key-view median <= 1.5x the median of the bare
widget's presses just before and just after its notebook.

"Bare next to it" splits an explorer's latency into the page's share and its own: after a
notebook's explorers are measured, a copy of the notebook with the same bare widget in a cell
right after each measured explorer's cell is run, and each of those bare widgets is measured.
A long chapter page makes every widget on it slower (more for the browser to lay out, paint and
hit-test in each frame), so the explorer's ratio to the bare widget next to it is what the
explorer itself adds. It is reported, not the target.

``main()`` prints a table and returns the numbers as a dict.
"""
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path

# The browser tests' helpers (start Lab, drive a notebook); bench/ and tests/ are not packages.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from lab import CHROMIUM_FLAGS, NOTEBOOKS, Lab, find_chromium  # noqa: E402
from notebook_ui import VIEWS, NotebookUI, explorer_kind, sliders  # noqa: E402

TARGET_RATIO = 1.5
PRESSES = 24
WARMUP = 2
VIEWPORT = {"width": 1400, "height": 1300}

# kind -> (slider to press, the view that shows what it feeds). At step 1 (where a freshly run
# notebook starts) each of these sliders changes that view with the seed numbers.
KEY_VIEWS = {
    "cnnviz-conv-forward": ("x11", ".cnnviz-conv-output"),      # y11 = w11·x11 + ..., w11 = 1
    "cnnviz-conv-backward": ("dy11", ".cnnviz-conv-dx"),        # step 1 adds ∂L/∂y11 · W
    "cnnviz-pool-forward": ("x22", ".cnnviz-pool-input"),       # x22 = max of X′1
    "cnnviz-pool-windows": ("stride", ".cnnviz-pool-windows-view"),
    "cnnviz-pool-backward": ("dy11", ".cnnviz-pool-dx"),        # X′1 sends ∂L/∂y11 to its max
}

# A function, so that the cell can also sit inside a chapter notebook (see main): its names stay
# local, and each copy's observer writes its own view.
BARE_CELL = """def _bench_bare_slider():
    import ipywidgets
    slider = ipywidgets.IntSlider(value=5, min=0, max=10, description="n", continuous_update=True)
    slider.add_class("cnnviz-slider")
    slider.add_class("cnnviz-slider-n")
    view = ipywidgets.HTML("<b>5</b>")
    view.add_class("cnnviz-view")
    slider.observe(lambda change: setattr(view, "value", f"<b>{change['new']}</b>"), names="value")
    box = ipywidgets.VBox([slider, view])
    box.add_class("cnnviz-explorer")
    box.add_class("bench-bare")
    return box

_bench_bare_slider()"""

_CELL_INDEX = """e => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
    .indexOf(e.closest('.jp-Cell'))"""

_INSTALL = """(root, [keySel, allSel]) => {
    const st = window.__lat = {t0: null, key: null, last: null, quietSince: performance.now()};
    if (!window.__latKeydown) {
        window.__latKeydown = true;
        document.addEventListener('keydown', e => {
            if (window.__lat && window.__lat.t0 === null) window.__lat.t0 = e.timeStamp;
        }, true);
    }
    // measure() may be called again on this page: its observers replace the earlier ones.
    (window.__latObservers || []).forEach(o => o.disconnect());
    const observers = window.__latObservers = [];
    const observe = (node, callback) => {
        const o = new MutationObserver(callback);
        o.observe(node, {subtree: true, childList: true, characterData: true, attributes: true});
        observers.push(o);
    };
    root.querySelectorAll(keySel).forEach(view => observe(view, () => {
        const s = window.__lat;
        if (s.t0 !== null && s.key === null) s.key = performance.now();
    }));
    observe(root, () => { window.__lat.quietSince = performance.now(); });
    root.querySelectorAll(allSel).forEach(view => observe(view, () => {
        const s = window.__lat;
        if (s.t0 !== null) s.last = performance.now();
    }));
}"""

_ARM = "() => Object.assign(window.__lat, {t0: null, key: null, last: null})"
_SETTLED = """quiet => {
    const idle = document.querySelector('.jp-Notebook-ExecutionIndicator')
        ?.getAttribute('data-status') === 'idle';
    const s = window.__lat;
    return s.key !== null && idle && performance.now() - s.quietSince > quiet;
}"""


def _median(values):
    return statistics.median(values) if values else float("nan")


def _p90(values):
    return sorted(values)[max(0, int(round(0.9 * len(values))) - 1)] if values else float("nan")


def measure(explorer, slider, key_view, presses=PRESSES, warmup=WARMUP, timeout_s=30):
    """Key-view latencies and settled times (ms) of ``presses`` arrow keys on ``slider``."""
    page = explorer.page
    explorer.scroll_into_view_if_needed()
    explorer.evaluate(_INSTALL, [key_view, VIEWS])
    handle = explorer.locator(f".cnnviz-slider-{slider} .noUi-handle").first
    info = sliders(explorer)[slider]
    right_first = float(info["now"]) < float(info["max"])
    handle.focus()
    key_ms, settled_ms = [], []
    for n in range(presses + warmup):
        page.evaluate(_ARM)
        right = (n % 2 == 0) == right_first
        page.keyboard.press("ArrowRight" if right else "ArrowLeft")
        try:
            page.wait_for_function(_SETTLED, arg=300, timeout=timeout_s * 1000, polling=50)
        except Exception as err:
            st = page.evaluate("() => window.__lat")
            raise RuntimeError(f"slider {slider}: {key_view} did not change within {timeout_s} s "
                               f"of key press {n + 1} (state {st})") from err
        st = page.evaluate("() => window.__lat")
        if n >= warmup:
            key_ms.append(st["key"] - st["t0"])
            settled_ms.append(st["last"] - st["t0"])
    return key_ms, settled_ms


def _explorer_names(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return set(re.findall(r"\b([A-Z]\w*Explorer)\b", source))


def _code_cell(source):
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
            "source": source}


def _with_bare_cells_after(path, cell_indices):
    """The notebook at ``path``, a bare-widget cell inserted after each of ``cell_indices``."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for i in sorted(set(cell_indices), reverse=True):
        notebook["cells"].insert(i + 1, _code_cell(BARE_CELL))
    return notebook


def _open(browser, lab, name):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(60_000)
    ui = NotebookUI(context.new_page(), lab, name).open()
    ui.run_all()
    return context, ui


def main(presses=PRESSES):
    """Measure, print a table, return {'bare': {...}, 'kinds': {kind: {...}}, 'target_ratio'}."""
    chromium = find_chromium()
    if chromium is None:
        print("bench_browser: Chromium not found; install the Debian package chromium "
              "(apt-get install chromium) or set CNNVIZ_CHROMIUM")
        return {"error": "Chromium not found"}
    from playwright.sync_api import sync_playwright

    results = {"target_ratio": TARGET_RATIO, "presses": presses, "kinds": {}}
    bare_runs, bare_settled = [], []  # the bare widget's presses, run by run
    bare_name = "_bench_bare_slider.ipynb"
    with tempfile.TemporaryDirectory() as scratch:
        lab = Lab(scratch)
        bare_nb = {"cells": [_code_cell(BARE_CELL)],
                   "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                               "language": "python"}},
                   "nbformat": 4, "nbformat_minor": 5}
        (lab.root / bare_name).write_text(json.dumps(bare_nb), encoding="utf-8")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)

                def bare():
                    """Key-view latencies of the bare widget, in a page and a kernel of its own."""
                    context, ui = _open(browser, lab, bare_name)
                    k, s = measure(ui.explorers().first, "n", ".cnnviz-view", presses)
                    bare_settled.extend(s)
                    context.close()
                    lab.shutdown_kernels()
                    bare_runs.append(k)
                    return k

                def next_to(path, cells):
                    """The bare widget in a cell right after each explorer's, in its notebook."""
                    name = "_bench_next_to_" + path.name
                    notebook = _with_bare_cells_after(path, cells.values())
                    (lab.root / name).write_text(json.dumps(notebook), encoding="utf-8")
                    context, ui = _open(browser, lab, name)
                    bares, order = ui.page.locator(".bench-bare"), sorted(set(cells.values()))
                    for kind, cell in cells.items():
                        try:
                            k, _ = measure(bares.nth(order.index(cell)), "n", ".cnnviz-view",
                                           presses)
                        except RuntimeError as err:
                            results["kinds"][kind]["next_to_error"] = str(err)
                            continue
                        results["kinds"][kind]["bare_next_to_ms"] = _median(k)
                    context.close()
                    lab.shutdown_kernels()

                bare()
                seen_names = set()
                for path in sorted(NOTEBOOKS.glob("*.ipynb")):
                    names = _explorer_names(path)
                    if not names - seen_names:
                        continue  # no explorer class we have not met yet
                    seen_names |= names
                    context, ui = _open(browser, lab, path.name)
                    cells = {}  # kind -> index of the cell that shows its explorer
                    explorers = ui.explorers()
                    for i in range(explorers.count()):
                        explorer = explorers.nth(i)
                        kind = explorer_kind(explorer)
                        if kind in results["kinds"]:
                            continue
                        shown = [n for n, s in sliders(explorer).items() if s["shown"]]
                        # Unknown kinds: an entry of a matrix (x11, dy21, ...) before a setting.
                        shown.sort(key=lambda n: not re.fullmatch(r"[a-z]+\d+(_\d+)?", n))
                        slider, view = KEY_VIEWS.get(kind, (None, VIEWS))
                        if slider not in shown:
                            slider = shown[0]
                        print(f"  {path.name}: {kind}, slider {slider} -> {view}", file=sys.stderr)
                        try:
                            k, s = measure(explorer, slider, view, presses)
                        except RuntimeError as err:
                            results["kinds"][kind] = dict(notebook=path.name, slider=slider,
                                                          view=view, error=str(err))
                            continue
                        results["kinds"][kind] = dict(notebook=path.name, slider=slider, view=view,
                                                      median_ms=_median(k), p90_ms=_p90(k),
                                                      settled_median_ms=_median(s), samples=len(k))
                        cells[kind] = explorer.evaluate(_CELL_INDEX)
                    context.close()
                    lab.shutdown_kernels()
                    if cells:
                        next_to(path, cells)
                    # The reference for this notebook's explorers: the bare widget's runs
                    # just before and just after them.
                    before = bare_runs[-1]
                    after = bare()
                    for kind in cells:
                        results["kinds"][kind]["bare_around_ms"] = _median(before + after)
                browser.close()
        finally:
            lab.stop()

    bare_key = [ms for run in bare_runs for ms in run]
    bare_median = _median(bare_key)
    results["bare"] = dict(median_ms=bare_median, p90_ms=_p90(bare_key),
                           settled_median_ms=_median(bare_settled), samples=len(bare_key),
                           run_medians_ms=[_median(run) for run in bare_runs])
    for r in results["kinds"].values():
        if "error" in r:
            r["ratio"], r["met"] = float("nan"), False
            continue
        r["ratio"] = r["median_ms"] / r["bare_around_ms"]
        r["met"] = r["ratio"] <= TARGET_RATIO
        r["ratio_to_bare_all_runs"] = r["median_ms"] / bare_median
        if "bare_next_to_ms" in r:
            r["ratio_to_bare_next_to"] = r["median_ms"] / r["bare_next_to_ms"]

    print(f"slider -> view latency in Chromium, ms (median of {presses} key presses; target: "
          f"explorer <= {TARGET_RATIO}x the bare widget just before and after its notebook)")
    print(f"{'':61} {'':22} | the bare widget alone    | next to the explorer")
    print(f"{'explorer kind':24} {'slider':7} {'key view':28} {'median':>6} {'p90':>6} "
          f"{'settled':>7} | {'around':>6} {'ratio':>5} {'target':7} {'all':>5} | "
          f"{'bare':>5} {'ratio':>5}")
    b = results["bare"]
    print(f"{'bare IntSlider -> HTML':24} {'n':7} {'.cnnviz-view':28} {b['median_ms']:6.1f} "
          f"{b['p90_ms']:6.1f} {b['settled_median_ms']:7.1f} |")
    for kind, r in results["kinds"].items():
        if "error" in r:
            print(f"{kind:24} {r['slider']:7} not measured: {r['error']}")
            continue
        view = "(all its views)" if r["view"] == VIEWS else r["view"]
        next_to = (f"{r['bare_next_to_ms']:5.1f} {r['ratio_to_bare_next_to']:5.2f}"
                   if "bare_next_to_ms" in r else "not measured")
        print(f"{kind:24} {r['slider']:7} {view[:28]:28} {r['median_ms']:6.1f} "
              f"{r['p90_ms']:6.1f} {r['settled_median_ms']:7.1f} | "
              f"{r['bare_around_ms']:6.1f} {r['ratio']:5.2f} {'met' if r['met'] else 'NOT met':7} "
              f"{r['ratio_to_bare_all_runs']:5.2f} | {next_to}")
    runs = " ".join(f"{ms:.1f}" for ms in b["run_medians_ms"])
    print("the bare widget alone, in a notebook of its own: around = its runs just before and "
          f"after the explorer's notebook\n  (the target); all = all its runs ({runs} ms).\n"
          "next to the explorer: the bare widget in a cell right after the explorer's, on its "
          "notebook's page;\n  the ratio is the explorer's own share, the rest is the page's "
          "(not the target).")
    for kind, r in results["kinds"].items():
        if "next_to_error" in r:
            print(f"  bare next to {kind}: {r['next_to_error']}")
    return results


if __name__ == "__main__":
    main()
