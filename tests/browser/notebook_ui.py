"""Drive a notebook in JupyterLab the way a student does, and read the explorers back.

Used by ``test_notebooks_in_browser.py`` and ``bench/bench_browser.py``. Everything here
goes through the page (menus, clicks, keys, the DOM); nothing talks to the kernel directly.
Waits are on conditions (prompts, kernel status, DOM changes), never fixed sleeps.

JupyterLab 4.6 facts this relies on:
  * a code cell's input prompt reads ``[ ]:`` (not run), ``[*]:`` (queued / running), ``[7]:``;
  * ``.jp-Notebook-ExecutionIndicator[data-status]`` is the kernel status (idle / busy ...);
  * stream stderr and error outputs both render as
    ``.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`` (an error is
    told apart by its "Traceback" / ``SomeError:`` text), and a widget whose model is missing
    renders the text "Error displaying widget";
  * Lumino menu items carry ``data-command`` (e.g. ``runmenu:run-all``).
ipywidgets 8 sliders are noUiSlider: ``.noUi-handle`` is focusable (role=slider, aria-value*)
and moves with the arrow keys; the readout is ``.widget-readout``.
"""
import json
import re
import time

STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
WIDGET_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'
VIEWS = ".cnnviz-view, .cnnviz-formula"
# Generous: a 2-core machine running Lab, a kernel and Chromium at once.
TIMEOUT_S = 60


def number(text):
    """A number as shown in a readout or a cell ('−2' with a unicode minus, '0.5', '3')."""
    return float(text.strip().replace("\u2212", "-"))


def clip(text, head=300, tail=1200):
    """A long traceback shortened in the middle: its start and its last lines (the error)."""
    return text if len(text) <= head + tail else f"{text[:head]}\n[...]\n{text[-tail:]}"


def poll(read, ok, timeout=TIMEOUT_S, interval=0.1, what="condition"):
    """Call ``read()`` until ``ok(value)``; return the value, or raise AssertionError with it."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if ok(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last: {value!r}")
        time.sleep(interval)


class NotebookUI:
    """One notebook open in a fresh page of a JupyterLab served by ``lab.Lab``."""

    def __init__(self, page, lab, name):
        self.page, self.lab, self.name = page, lab, name
        self.n_cells = len(json.loads((lab.root / name).read_text(encoding="utf-8"))["cells"])

    # --- opening and running ------------------------------------------------------------
    def open(self):
        """Load the notebook, wait until every cell is in the DOM and the kernel is idle."""
        page = self.page
        page.goto(self.lab.url(self.name), timeout=TIMEOUT_S * 1000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=TIMEOUT_S * 1000)
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= n",
            arg=self.n_cells, timeout=TIMEOUT_S * 1000)
        self.wait_kernel_idle()
        # More room for the notebook: fold the file browser away.
        current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
        if current.count():
            current.first.click()
        return self

    def wait_kernel_idle(self, timeout=TIMEOUT_S):
        self.page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                                    state="attached", timeout=timeout * 1000)

    def _menu(self, menu, command):
        self.page.locator("li.lm-MenuBar-item", has_text=menu).first.click()
        item = self.page.locator(f"li.lm-Menu-item[data-command='{command}']")
        item.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
        item.click()

    def prompts(self):
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]"
            ".map(e => e.textContent.trim())")

    def run_all(self, timeout=180):
        """Clear every output, then Run > Run All Cells; wait until all ran and the kernel is idle.

        Clearing first makes the prompts read ``[ ]:``, so a finished run (numbers, no ``[*]``)
        cannot be confused with the committed outputs.
        """
        page = self.page
        # Make the notebook the current widget without clicking into a cell (or a slider).
        page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=self.name).first.click()
        self._menu("Edit", "editmenu:clear-all")
        code_cells = poll(self.prompts, lambda ps: all(p == "[ ]:" for p in ps), what="cleared prompts")
        self._menu("Run", "runmenu:run-all")
        if not code_cells:
            return []
        page.wait_for_function(
            """() => {
                const ps = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
                    .map(e => e.textContent.trim());
                const status = document.querySelector('.jp-Notebook-ExecutionIndicator')
                    ?.getAttribute('data-status');
                return ps.length > 0 && /^\\[\\d+\\]:$/.test(ps[0]) && !ps.includes('[*]:')
                    && status === 'idle';
            }""", timeout=timeout * 1000, polling=200)
        # Widgets render after their output arrived: wait until each one is a widget or an error.
        page.wait_for_function(
            """sel => [...document.querySelectorAll(sel)].every(o =>
                    o.querySelector('.jupyter-widgets') || /Error displaying widget/.test(o.textContent))""",
            arg=WIDGET_OUTPUT, timeout=TIMEOUT_S * 1000, polling=200)
        return self.prompts()

    # --- what went wrong ------------------------------------------------------------------
    def problems(self):
        """Texts of error outputs, stderr outputs and widgets that failed to display."""
        found = self.page.evaluate(
            """([stderr, widgetOut]) => {
                const found = [];
                for (const o of document.querySelectorAll(stderr)) {
                    const text = o.textContent;
                    const kind = /Traceback|^\\s*\\w+(Error|Exception)\\b/m.test(text) ? 'error' : 'stderr';
                    found.push(kind + ': ' + text);
                }
                for (const o of document.querySelectorAll(widgetOut)) {
                    if (/Error displaying widget/.test(o.textContent))
                        found.push('widget: ' + o.textContent);
                }
                return found;
            }""", [STDERR, WIDGET_OUTPUT])
        return [clip(text) for text in found]

    def callback_log(self):
        """Texts of the Log Console's entries for this page: output of widget callbacks.

        An exception in an ipywidgets callback (a slider's observer) prints no cell output in
        JupyterLab; it goes to the Log Console, whose status bar item then shows up. Empty list
        when that item is hidden (nothing logged).
        """
        item = self.page.locator(".jp-LogConsoleStatusItem:not(.lm-mod-hidden)")
        if not item.count():
            return []
        item.first.click()
        entries = self.page.locator(".jp-LogConsolePanel .jp-OutputArea-output")
        entries.first.wait_for(state="attached", timeout=TIMEOUT_S * 1000)
        return [clip(text) for text in entries.all_text_contents()] or ["(log console entry)"]

    # --- explorers --------------------------------------------------------------------------
    def explorers(self):
        return self.page.locator(".cnnviz-explorer")

    def show(self, element):
        """Scroll ``element`` into view and wait until the browser actually renders it.

        Lab 4.6 notebooks use ``content-visibility: auto`` for cells (windowing mode
        "contentVisibility"): a cell just scrolled to may not be painted yet.
        """
        element.scroll_into_view_if_needed()
        element.evaluate("""e => new Promise(resolve => {
            const check = () => e.checkVisibility({contentVisibilityAuto: true})
                ? requestAnimationFrame(() => requestAnimationFrame(resolve))
                : requestAnimationFrame(check);
            check();
        })""")

    def screenshot(self, path, element=None, page_at=None):
        """``element``'s picture, or the page's (scrolled to ``page_at`` if given)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if element is not None:
            # The notebook scrolls inside its panel: a part taller than the panel would be cut
            # off, so the window grows for the picture (and shrinks back).
            viewport = self.page.viewport_size
            room = self.page.evaluate(
                "() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')?.clientHeight || 0")
            height = element.evaluate("e => e.getBoundingClientRect().height")
            grow = int(height - room + 60) if room and height > room - 60 else 0
            if grow:
                self.page.set_viewport_size({"width": viewport["width"], "height": viewport["height"] + grow})
            try:
                self.show(element)
                element.screenshot(path=str(path), animations="disabled")
            finally:
                if grow:
                    self.page.set_viewport_size(viewport)
            return
        if page_at is not None:
            self.show(page_at)
        self.page.screenshot(path=str(path), animations="disabled")


def explorer_kind(explorer):
    """The explorer's own class, e.g. 'cnnviz-conv-forward' (the class next to cnnviz-explorer)."""
    classes = explorer.evaluate("e => [...e.classList]")
    own = [c for c in classes if c.startswith("cnnviz-") and c != "cnnviz-explorer"
           and not re.fullmatch(r"cnnviz-explorer-\d+", c)]  # the explorer's number
    return own[0] if own else "cnnviz-explorer"


# --- reading an explorer's DOM ---------------------------------------------------------------
_READ_EDITORS = """root => {
    const shown = e => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
    const out = {};
    for (const s of root.querySelectorAll('.widget-slider[class*="cnnviz-slider-"]')) {
        const handle = s.querySelector('.noUi-handle');
        const readout = s.querySelector('.widget-readout');
        const cls = [...s.classList].find(c => c.startsWith('cnnviz-slider-'));
        if (!cls || !handle) continue;
        const name = cls.slice('cnnviz-slider-'.length);
        if (out[name] && (out[name].shown || !shown(s))) continue;  // first shown one wins
        out[name] = {
            shown: shown(s), readout: readout ? readout.textContent : null,
            now: handle.getAttribute('aria-valuenow'), min: handle.getAttribute('aria-valuemin'),
            max: handle.getAttribute('aria-valuemax'),
        };
    }
    return out;
}"""


def sliders(explorer):
    """{name: {shown, readout, now, min, max}} of every cnnviz slider (name like 'x22', 'dy11').

    Where two sliders share a name (e.g. w11 of each channel), the first visible one counts,
    the one ``press_slider`` presses.
    """
    return explorer.evaluate(_READ_EDITORS)


def matrix(slider_info, symbol):
    """The matrix a group of sliders edits, from their readouts: matrix(info, 'x') -> 2-D list.

    Slider names are '<symbol><row><col>' (or '<symbol><row>_<col>' past 9), 1-based.
    """
    cells = {}
    for name, info in slider_info.items():
        m = re.fullmatch(rf"{re.escape(symbol)}(\d)(\d)|{re.escape(symbol)}(\d+)_(\d+)", name)
        if m:
            r, c = (int(g) for g in (m.groups()[:2] if m.group(1) else m.groups()[2:]))
            cells[(r, c)] = number(info["readout"])
    if not cells:
        return None
    rows, cols = max(r for r, _ in cells), max(c for _, c in cells)
    return [[cells[(r, c)] for c in range(1, cols + 1)] for r in range(1, rows + 1)]


_READ_PANELS = """view => [...view.querySelectorAll('.cv-panel')].map(p => ({
    title: (p.querySelector('.cv-title') || {}).textContent || '',
    tables: [...p.querySelectorAll('table.cv-m')].map(t =>
        [...t.rows].map(r => [...r.cells].map(c => c.getAttribute('data-value')))),
}))"""


def panels(explorer, view_class):
    """[{title, tables: [rows of data-value strings]}] of the view with ``view_class``, or None."""
    view = explorer.locator(f".{view_class}")
    if not view.count():
        return None
    return view.first.evaluate(_READ_PANELS)


def views_html(explorer):
    """The HTML of every view of the explorer, to tell whether the picture changed."""
    return explorer.evaluate(
        f"e => [...e.querySelectorAll({json.dumps(VIEWS)})].map(v => v.innerHTML).join('\\n')")


def wait_views_change(explorer, before, timeout=TIMEOUT_S):
    explorer.page.wait_for_function(
        f"""([e, before]) => [...e.querySelectorAll({json.dumps(VIEWS)})]
                .map(v => v.innerHTML).join('\\n') !== before""",
        arg=[explorer.element_handle(), before], timeout=timeout * 1000, polling=100)


def shows_numbers(explorer):
    """Whether the explorer's views show numbers (matrix cells, or formulas)."""
    return explorer.evaluate(
        f"""e => [...e.querySelectorAll({json.dumps(VIEWS)})].some(v =>
                v.querySelector('td[data-value]') ||
                (v.classList.contains('cnnviz-formula') && v.textContent.trim()))""")


_WATCH = """(root, viewsSel) => {
    const w = {views: 0, status: 0, last: performance.now()};
    const options = {subtree: true, childList: true, characterData: true, attributes: true};
    const observers = [];
    const observe = (el, key) => {
        const o = new MutationObserver(() => { if (key) w[key]++; w.last = performance.now(); });
        o.observe(el, options);
        observers.push(o);
    };
    root.querySelectorAll(viewsSel).forEach(v => observe(v, 'views'));
    root.querySelectorAll('.cnnviz-step-status').forEach(s => observe(s, 'status'));
    observe(root, null);
    w.stop = () => observers.forEach(o => o.disconnect());
    window.__cnnvizWatch = window.__cnnvizWatch || [];
    window.__cnnvizWatch.push(w);
    return window.__cnnvizWatch.length - 1;
}"""


def watch(explorer):
    """Start counting DOM changes in the explorer's views and step line; returns a handle."""
    return explorer.evaluate(_WATCH, VIEWS)


def settle(explorer, watcher, quiet_ms=400, timeout=TIMEOUT_S):
    """Wait until the kernel is idle and nothing in the explorer changed for ``quiet_ms``.

    Returns {'views': n, 'status': n}: how many DOM changes the views and the step line saw
    since ``watch``. (Kernel status 'idle' is published after the replies of a comm message,
    so once it shows and the DOM is quiet, the explorer has caught up.)
    """
    page = explorer.page
    page.wait_for_function(
        """([i, quiet]) => {
            const w = window.__cnnvizWatch[i];
            const idle = document.querySelector('.jp-Notebook-ExecutionIndicator')
                ?.getAttribute('data-status') === 'idle';
            return idle && performance.now() - w.last > quiet;
        }""", arg=[watcher, quiet_ms], timeout=timeout * 1000, polling=100)
    return page.evaluate("i => { const w = window.__cnnvizWatch[i]; w.stop(); "
                         "return {views: w.views, status: w.status}; }", watcher)


def scrubber(explorer):
    """(step, last step) of the explorer's step scrubber, from its handle's aria values."""
    handle = explorer.locator(".cnnviz-scrubber .noUi-handle").first
    return (int(float(handle.get_attribute("aria-valuenow"))),
            int(float(handle.get_attribute("aria-valuemax"))))


def press_slider(explorer, name, key=None):
    """Focus slider ``name``'s handle and press an arrow key (Right, or Left at the maximum).

    Returns the key pressed.
    """
    slider = explorer.locator(f".cnnviz-slider-{name}:visible").first
    handle = slider.locator(".noUi-handle")
    if key is None:
        now, high = float(handle.get_attribute("aria-valuenow")), float(handle.get_attribute("aria-valuemax"))
        key = "ArrowLeft" if now >= high else "ArrowRight"
    handle.focus()
    explorer.page.keyboard.press(key)
    return key
