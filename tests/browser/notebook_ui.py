"""Drive a notebook in JupyterLab the way a student does, and read the explorers' stages back.

Used by ``test_notebooks_in_browser.py`` and ``bench/bench_browser.py``. Everything here
goes through the page (menus, clicks, keys, the DOM); nothing talks to the kernel directly,
except that ``KernelTraffic`` counts the frames of the kernel's websocket as the page sees them.
Waits are on conditions (prompts, kernel status, DOM changes), never fixed sleeps.

JupyterLab 4.6 facts this relies on:
  * a code cell's input prompt reads ``[ ]:`` (not run), ``[*]:`` (queued / running), ``[7]:``;
  * ``.jp-Notebook-ExecutionIndicator[data-status]`` is the kernel status (idle / busy ...);
  * stream stderr and error outputs both render as
    ``.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`` (an error is
    told apart by its "Traceback" / ``SomeError:`` text), and a widget whose model is missing
    renders the text "Error displaying widget";
  * Lumino menu items carry ``data-command`` (e.g. ``runmenu:run-all``,
    ``apputils:change-theme``); the theme shown is ``document.body.dataset.jpThemeName``;
  * the active cell has the class ``jp-mod-active``; a kernel's messages travel on the
    websocket ``/api/kernels/<id>/channels``.
ipywidgets 8 sliders are noUiSlider: ``.noUi-handle`` is focusable (role=slider, aria-value*)
and moves with the arrow keys; the readout is ``.widget-readout``.

A stage (cnnviz/explorers/stage.js) is ``.cnnviz-stage`` with ``data-step`` / ``data-playing``,
its buttons ``.cnnviz-stage-play`` ... ``.cnnviz-stage-projector``, the range
``.cnnviz-stage-scrub`` (its ``max`` is the last step), ``.cnnviz-stage-caption``,
``.cnnviz-stage-error`` and ``.cnnviz-stage-frame``.
"""
import json
import time

STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
WIDGET_OUTPUT = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'
STAGE = ".cnnviz-stage"

# Every explorer of the collection, for the browser tests and bench/bench_browser.py:
# name -> (the code that makes the explorer, the slider to move: one that changes the frame)
EXPLORERS = {
    "conv-forward": ("cnnviz.ConvForwardExplorer()", "x22"),
    "conv-backward": ("cnnviz.ConvBackwardExplorer()", "dy11"),
    "pool-forward": ("cnnviz.PoolForwardExplorer()", "x22"),
    "pool-windows": ("cnnviz.PoolWindowsExplorer()", "stride"),
    "pool-backward": ("cnnviz.PoolBackwardExplorer()", "dy11"),
    "output-size": ("cnnviz.OutputSizeExplorer()", "kernel"),
    "multichannel": ("cnnviz.MultiChannelExplorer()", "w11"),
    "strided-backward": ("cnnviz.StridedBackwardExplorer()", "dy11"),
    "matrix-form": ("cnnviz.MatrixFormExplorer()", "w12"),
    "learn-kernel": ("cnnviz.LearnKernelExplorer()", "rate"),
    "pool-forward-average": ("cnnviz.PoolForwardExplorer(mode='average')", "x22"),
    "pool-backward-average": ("cnnviz.PoolBackwardExplorer(mode='average')", "dy11"),
    "chain": ("cnnviz.ChainExplorer()", "dz11"),
}
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
        tab = self.name.rsplit("/", 1)[-1]  # a tab shows the file's name, not its folder
        page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=tab).first.click()
        self._menu("Edit", "editmenu:clear-all")
        code_cells = poll(self.prompts, lambda ps: all(p == "[ ]:" for p in ps), what="cleared prompts")
        self._menu("Run", "runmenu:run-all")
        if not code_cells:
            return []
        try:
            page.wait_for_function(
                """() => {
                    const ps = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
                        .map(e => e.textContent.trim());
                    const status = document.querySelector('.jp-Notebook-ExecutionIndicator')
                        ?.getAttribute('data-status');
                    return ps.length > 0 && /^\\[\\d+\\]:$/.test(ps[0]) && !ps.includes('[*]:')
                        && status === 'idle';
                }""", timeout=timeout * 1000, polling=200)
        except Exception as err:
            status = page.evaluate("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                                   "?.getAttribute('data-status')")
            raise AssertionError(f"{self.name}: Run All did not finish within {timeout} s; "
                                 f"prompts {self.prompts()}, kernel status {status!r}") from err
        # Widgets render after their output arrived: wait until each one is a widget or an error.
        page.wait_for_function(
            """sel => [...document.querySelectorAll(sel)].every(o =>
                    o.querySelector('.jupyter-widgets') || /Error displaying widget/.test(o.textContent))""",
            arg=WIDGET_OUTPUT, timeout=TIMEOUT_S * 1000, polling=200)
        self.wait_stages()
        return self.prompts()

    def wait_stages(self, timeout=TIMEOUT_S):
        """Wait until every stage widget drew its stage (anywidget loads its module first)."""
        self.page.wait_for_function(
            """() => [...document.querySelectorAll('.cnnviz-stage-widget')]
                .every(w => w.querySelector('.cnnviz-stage'))""",
            timeout=timeout * 1000, polling=200)

    # --- what went wrong ------------------------------------------------------------------
    def problems(self, within=None):
        """Texts of error outputs, stderr outputs and widgets that failed to display (on the
        page, or in the element ``within``, e.g. one cell)."""
        root = within.element_handle() if within is not None else None
        found = self.page.evaluate(
            """([stderr, widgetOut, root]) => {
                const found = [];
                root = root || document;
                for (const o of root.querySelectorAll(stderr)) {
                    const text = o.textContent;
                    const kind = /Traceback|^\\s*\\w+(Error|Exception)\\b/m.test(text) ? 'error' : 'stderr';
                    found.push(kind + ': ' + text);
                }
                for (const o of root.querySelectorAll(widgetOut)) {
                    if (/Error displaying widget/.test(o.textContent))
                        found.push('widget: ' + o.textContent);
                }
                return found;
            }""", [STDERR, WIDGET_OUTPUT, root])
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

    # --- cells ------------------------------------------------------------------------------
    def cell(self, index):
        """The cell at ``index`` (0-based, as in the .ipynb; every cell is in the DOM)."""
        return self.page.locator(".jp-NotebookPanel .jp-Cell").nth(index)

    def active_cell(self):
        """The index of the active cell (-1 if none)."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')]
                .findIndex(c => c.classList.contains('jp-mod-active'))""")

    def set_theme(self, name):
        """Settings > Theme > ``name`` (e.g. "JupyterLab Dark"), as a student does; waits until
        the theme is applied. The choice is saved in the Lab's settings: set it back."""
        page = self.page
        if page.evaluate("() => document.body.dataset.jpThemeName") == name:
            return
        page.keyboard.press("Escape")
        page.locator("li.lm-MenuBar-item", has_text="Settings").first.click()
        page.locator("li.lm-Menu-item[data-type='submenu']", has_text="Theme").first.hover()
        item = page.locator("li.lm-Menu-item[data-command='apputils:change-theme']",
                            has_text=name).first
        item.wait_for(state="visible", timeout=TIMEOUT_S * 1000)
        item.click()
        page.wait_for_function("n => document.body.dataset.jpThemeName === n", arg=name,
                               timeout=TIMEOUT_S * 1000, polling=100)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

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




# --- the kernel's websocket -------------------------------------------------------------------
class KernelTraffic:
    """Counts the frames sent and received on the page's kernel websockets.

    Make it before the page opens the notebook (it listens for websockets being opened).
    Playwright delivers the frame events while a Playwright call waits (e.g.
    ``page.wait_for_timeout``), so counts are read after such a wait.
    """

    def __init__(self, page):
        self.frames = []  # (monotonic time, 'sent' | 'received')
        page.on("websocket", self._opened)

    def _opened(self, ws):
        if "/api/kernels/" in ws.url and "/channels" in ws.url:
            ws.on("framesent", lambda _payload: self.frames.append((time.monotonic(), "sent")))
            ws.on("framereceived", lambda _payload: self.frames.append((time.monotonic(), "received")))

    def count(self):
        return len(self.frames)

    def wait_quiet(self, page, quiet_s=0.6, timeout=TIMEOUT_S):
        """Wait until no kernel frame came for ``quiet_s`` (the replies of a Run All are over)."""
        deadline = time.monotonic() + timeout
        while True:
            page.wait_for_timeout(100)
            last = self.frames[-1][0] if self.frames else 0.0
            if time.monotonic() - last >= quiet_s:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the kernel's websocket did not go quiet within {timeout} s")


# --- stages -------------------------------------------------------------------------------------
_STAGE_STATE = """s => {
    const shown = e => !!e && !e.hidden && e.checkVisibility();
    const error = s.querySelector('.cnnviz-stage-error');
    const scrub = s.querySelector('.cnnviz-stage-scrub');
    return {
        step: Number(s.dataset.step), playing: s.dataset.playing === 'true',
        last: scrub ? Number(scrub.max) : 0,
        frame: s.querySelector('.cnnviz-stage-frame').innerHTML,
        caption: s.querySelector('.cnnviz-stage-caption').textContent,
        error: error ? error.textContent : '', error_shown: shown(error),
        play_shown: shown(s.querySelector('.cnnviz-stage-play')),
    };
}"""


def stage_state(stage):
    """{step, playing, last, frame (HTML), caption, error, error_shown, play_shown}."""
    return stage.evaluate(_STAGE_STATE)


def stepping_stage(root):
    """The first stage under ``root`` with more than one step (a locator), or None."""
    stages = root.locator(STAGE)
    for i in range(stages.count()):
        if stage_state(stages.nth(i))["last"] >= 1:
            return stages.nth(i)
    return None


def wait_step(stage, step, timeout=TIMEOUT_S):
    stage.page.wait_for_function("([s, n]) => Number(s.dataset.step) === n",
                                 arg=[stage.element_handle(), step], timeout=timeout * 1000,
                                 polling=50)


def frame_font_px(stage):
    """The computed font-size (px) of the first shown text of the stage's frame."""
    return stage.evaluate("""s => {
        const frame = s.querySelector('.cnnviz-stage-frame');
        const walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (n.textContent.trim() && el.checkVisibility())
                return [parseFloat(getComputedStyle(el).fontSize), n.textContent.trim().slice(0, 30)];
        }
        return [null, ''];
    }""")


_KEY_WATCH = """() => {
    if (window.__cnnvizKeys) return;
    window.__cnnvizKeys = [];
    // Bubble phase on the window: a stage key that got here went on to JupyterLab.
    window.addEventListener('keydown', e => {
        if (e.target.closest && e.target.closest('.cnnviz-stage')) window.__cnnvizKeys.push(e.key);
    });
}"""


def keys_past_stage(page, reset=False):
    """Keys pressed in a stage that bubbled up to the window (JupyterLab's shortcuts see those)."""
    page.evaluate(_KEY_WATCH)
    return page.evaluate("reset => { const k = window.__cnnvizKeys.slice(); "
                         "if (reset) window.__cnnvizKeys.length = 0; return k; }", reset)


# --- sliders ------------------------------------------------------------------------------------
_READ_SLIDERS = """root => {
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


def sliders(root):
    """{name: {shown, readout, now, min, max}} of every cnnviz slider under ``root`` (name like
    'x22', 'dy11', 'size'); where two share a name, the first visible one."""
    return root.evaluate(_READ_SLIDERS)


def slider_handle(root, name):
    return root.locator(f".cnnviz-slider-{name}:visible .noUi-handle").first


def press_slider(root, name, key=None):
    """Focus slider ``name``'s handle and press a key (ArrowRight, or ArrowLeft at the maximum).

    Returns the key pressed.
    """
    handle = slider_handle(root, name)
    if key is None:
        now, high = float(handle.get_attribute("aria-valuenow")), float(handle.get_attribute("aria-valuemax"))
        key = "ArrowLeft" if now >= high else "ArrowRight"
    handle.focus()
    root.page.keyboard.press(key)
    return key


# --- contrast -----------------------------------------------------------------------------------
# For every shown text node under the root: its colour and the colour behind it, as WCAG 2
# relative luminances give the contrast ratio. Behind an HTML text: the first ancestor with an
# opaque background colour, the translucent ones above it blended in; a background image
# (a gradient) counts with each of its colours, the worst one wins. Behind an SVG text: the last
# filled shape of its <svg> drawn before it that contains the text's centre, else the <svg>'s
# HTML background. An <option> counts (as its <select>) when it is the one shown.
_CONTRAST = """(root) => {
    const parse = s => {
        const m = /rgba?\\(([^)]*)\\)/.exec(s || '');
        if (!m) return null;
        const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3]))
        .concat([1]);
    const lum = c => {
        const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
                              return (x + 0.05) / (y + 0.05); };
    const rgb = c => `rgb(${c.slice(0, 3).map(Math.round).join(',')})`;
    const canvas = () => parse(getComputedStyle(document.documentElement).backgroundColor)?.[3]
        ? parse(getComputedStyle(document.documentElement).backgroundColor) : [255, 255, 255, 1];
    // Backgrounds behind element el (HTML): a list of candidate colours (opaque).
    const htmlBehind = el => {
        const layers = [];  // from el outwards: [colour, [gradient colours]]
        for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
            const cs = getComputedStyle(e);
            const bg = parse(cs.backgroundColor) || [0, 0, 0, 0];
            const stops = cs.backgroundImage && cs.backgroundImage !== 'none'
                ? (cs.backgroundImage.match(/rgba?\\([^)]*\\)/g) || []).map(parse) : [];
            layers.push([bg, stops]);
            if (bg[3] >= 1) break;
        }
        let candidates = [layers.length && layers[layers.length - 1][0][3] >= 1
            ? null : canvas()];
        for (let i = layers.length - 1; i >= 0; i--) {
            const [bg, stops] = layers[i];
            candidates = candidates[0] === null ? [bg] : candidates.map(c => over(bg, c));
            if (stops.length) candidates = stops.flatMap(s => candidates.map(c => over(s, c)));
        }
        return candidates;
    };
    const svgBehind = text => {
        const svg = text.ownerSVGElement;
        const box = text.getBBox();
        const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
        let found = null;
        for (const shape of svg.querySelectorAll('rect, circle, ellipse, polygon, path')) {
            if (shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_PRECEDING) break;
            const fill = parse(getComputedStyle(shape).fill);
            if (!fill || fill[3] === 0) continue;
            const b = shape.getBBox();
            if (cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height) found = fill;
        }
        const base = htmlBehind(svg);
        return found ? base.map(c => over(found, c)) : base;
    };
    const results = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent.trim();
        if (!text) continue;
        let el = n.parentElement;
        if (el.closest('style, script')) continue;
        if (el.tagName === 'OPTION') {
            if (!el.selected) continue;
            el = el.closest('select');
        }
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        const cs = getComputedStyle(el);
        const isSvg = el instanceof SVGElement;
        const fg = parse(isSvg ? cs.fill : cs.color);
        const behind = isSvg ? svgBehind(el.closest('text') || el) : htmlBehind(el);
        if (!fg) { results.push({text, where: '', fg: isSvg ? cs.fill : cs.color, bg: '', ratio: 0}); continue; }
        let worst = null;
        for (const bg of behind) {
            const r = ratio(over(fg, bg), bg);
            if (!worst || r < worst.ratio) worst = {ratio: r, bg};
        }
        const where = [];
        for (let e = el; e && e !== root.parentElement && where.length < 3; e = e.parentElement) {
            const cls = [...(e.classList || [])].filter(c => /^(cv-|cnnviz-)/.test(c));
            where.push(e.tagName.toLowerCase() + cls.map(c => '.' + c).join(''));
        }
        results.push({text: text.slice(0, 40), where: where.reverse().join(' > '),
                      fg: rgb(fg), bg: rgb(worst.bg), ratio: Math.round(worst.ratio * 100) / 100});
    }
    return results;
}"""


def text_contrast(root):
    """[{text, where, fg, bg, ratio}] for every shown text under ``root`` (an element)."""
    return root.evaluate(_CONTRAST)
