"""Where the time of one slider move goes: a timeline per key press, kernel and browser.

Run:  python bench/trace_browser.py NOTEBOOK EXPLORER_CLASS SLIDER [--presses N] [--tasks]
e.g.  python bench/trace_browser.py 02_conv_backward.ipynb cnnviz-conv-backward dy11 --tasks

For a diagnosis, not a verdict (``bench_browser.py`` measures the latency). The notebook is
run in JupyterLab and headless Chromium as in the browser tests, with a first cell added that
logs, in the kernel, when a widget receives the browser's change and when each widget message
leaves. The page logs the key press and the first DOM change of each widget. Both clocks are
the machine's wall clock, so one timeline shows, in ms after the key press:

  K recv / K send    the kernel gets the slider's value / sends a widget's new state
  K message          any other message the kernel sends (status busy / idle ...)
  B change           a widget's DOM changed in the page (the first change per widget)
  B task (--tasks)   the browser's main thread was busy >= 0.3 ms (Chromium tracing): frames
                     (layout, paint, hit test, layerize) and message handling
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from lab import CHROMIUM_FLAGS, NOTEBOOKS, Lab, find_chromium  # noqa: E402
from notebook_ui import NotebookUI  # noqa: E402

KERNEL_LOG_CELL = """# timeline logging for bench/trace_browser.py
import json as _json, time as _time, ipywidgets as _widgets
_log = open({path!r}, "a")
def _classes(w):
    return " ".join(getattr(w, "_dom_classes", ()))
_send = _widgets.Widget._send
def _logged_send(self, msg, buffers=None):
    _log.write(_json.dumps([_time.time() * 1e3, "K send", type(self).__name__, _classes(self),
                            msg.get("method", "")]) + "\\n"); _log.flush()
    return _send(self, msg, buffers)
_widgets.Widget._send = _logged_send
_set_state = _widgets.Widget.set_state
def _logged_set_state(self, sync_data):
    _log.write(_json.dumps([_time.time() * 1e3, "K recv", type(self).__name__, _classes(self),
                            ",".join(sync_data)]) + "\\n"); _log.flush()
    return _set_state(self, sync_data)
_widgets.Widget.set_state = _logged_set_state
_session = get_ipython().kernel.session
_session_send = _session.send
def _logged_session_send(stream, msg_or_type, *args, _log=_log, _json=_json, _time=_time,
                         _session_send=_session_send, **kwargs):
    kind = msg_or_type if isinstance(msg_or_type, str) else msg_or_type.get("msg_type", "?")
    if kind != "comm_msg":  # widget messages are logged above
        content = kwargs.get("content") or (args[0] if args else None) or {{}}
        _log.write(_json.dumps([_time.time() * 1e3, "K message", kind,
                                str(content.get("execution_state", ""))]) + "\\n"); _log.flush()
    return _session_send(stream, msg_or_type, *args, **kwargs)
_session.send = _logged_session_send
"""

PAGE_LOG = """root => {
    window.__timeline = [];
    if (!window.__timelineKeys) {
        window.__timelineKeys = true;
        document.addEventListener('keydown', e => window.__timeline.push(
            [performance.timeOrigin + e.timeStamp, 'B key', e.key]), true);
    }
    new MutationObserver(records => {
        const t = performance.timeOrigin + performance.now();
        for (const r of records) {
            const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
            const widget = el && el.closest('.jupyter-widgets');
            const names = widget ? [...widget.classList].filter(c => c.startsWith('cnnviz-')) : [];
            const what = names.join(' ') || 'other';
            if (!window.__timeline.some(e => e[1] === 'B change' && e[2] === what))
                window.__timeline.push([t, 'B change', what]);
        }
    }).observe(root, {subtree: true, childList: true, characterData: true, attributes: true});
}"""

RESET = "() => { window.__timeline = []; }"


def _main_thread_tasks(trace_path):
    """([(start ms, duration ms, name) of the main thread's tasks >= 0.3 ms and websocket
    messages], [start ms of each key press]) on the trace's own clock."""
    events = json.loads(Path(trace_path).read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name"}
    wanted = {"RunTask", "HitTest", "Layout", "Paint", "Layerize", "Commit", "ParseHTML",
              "WebSocketReceive", "UpdateLayoutTree"}
    out = []
    for e in events:
        if e.get("ph") not in ("X", "I", "n") or e.get("name") not in wanted:
            continue
        if names.get((e["pid"], e["tid"])) != "CrRendererMain":
            continue
        start = e["ts"] / 1000  # trace clock: microseconds since an arbitrary origin
        if e.get("dur", 0) >= 300 or e["name"] == "WebSocketReceive":
            out.append((start, e.get("dur", 0) / 1000, e["name"]))
    keys = [e["ts"] / 1000 for e in events if e.get("name") == "EventDispatch"
            and e.get("args", {}).get("data", {}).get("type") == "keydown"]
    return out, keys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("explorer_class")
    parser.add_argument("slider")
    parser.add_argument("--presses", type=int, default=4)
    parser.add_argument("--tasks", action="store_true", help="add the browser's main-thread tasks")
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print("trace_browser: Chromium not found (apt-get install chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as scratch:
        lab = Lab(scratch)
        log_path = Path(scratch) / "kernel_log.jsonl"
        nb = json.loads((NOTEBOOKS / args.notebook).read_text(encoding="utf-8"))
        nb["cells"].insert(0, {"cell_type": "code", "metadata": {}, "execution_count": None,
                               "outputs": [], "source": KERNEL_LOG_CELL.format(path=str(log_path))})
        name = "_trace_" + args.notebook
        (lab.root / name).write_text(json.dumps(nb), encoding="utf-8")
        trace_path = Path(scratch) / "chrome_trace.json"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1300})
                context.set_default_timeout(60_000)
                ui = NotebookUI(context.new_page(), lab, name).open()
                ui.run_all()
                explorer = ui.page.locator(f".{args.explorer_class}").first
                explorer.scroll_into_view_if_needed()
                explorer.evaluate(PAGE_LOG)
                handle = explorer.locator(f".cnnviz-slider-{args.slider} .noUi-handle").first
                handle.focus()
                if args.tasks:
                    browser.start_tracing(page=ui.page, path=str(trace_path),
                                          categories=["devtools.timeline", "blink",
                                                      "disabled-by-default-devtools.timeline"])
                timelines = []
                for n in range(args.presses + 1):  # the first press warms up
                    ui.page.evaluate(RESET)
                    ui.page.keyboard.press("ArrowRight" if n % 2 == 0 else "ArrowLeft")
                    time.sleep(0.8)
                    timelines.append(ui.page.evaluate("() => window.__timeline"))
                if args.tasks:
                    browser.stop_tracing()
                context.close()
                browser.close()
        finally:
            lab.stop()
        kernel = [json.loads(line) for line in log_path.read_text().splitlines()]
        tasks = _main_thread_tasks(trace_path) if args.tasks else None

    for n, timeline in enumerate(timelines[1:], 1):
        keys = [e for e in timeline if e[1] == "B key"]
        if not keys:
            continue
        t0 = keys[0][0]
        rows = [(t - t0, " ".join(str(x) for x in rest)) for t, *rest in timeline]
        rows += [(k[0] - t0, " ".join(str(x) for x in k[1:])) for k in kernel
                 if -5 < k[0] - t0 < 200]
        if tasks:
            found, key_ts = tasks
            if n < len(key_ts):
                k0 = key_ts[n]
                rows += [(start - k0, f"B task {dur:5.2f} ms {name}") for start, dur, name in found
                         if -1 < start - k0 < 60]
        print(f"--- key press {n}")
        for t, what in sorted(rows):
            print(f"{t:8.2f}  {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
