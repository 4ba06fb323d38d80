"""The stage: the frames of one trace, stepped through in the browser.

Python computes every frame (one HTML view per step of a ``cnnviz.steps`` trace) and sends them
in one message; the browser plays, pauses, steps and scrubs them, and answers the keys
(→ ← space Home End) with no kernel message at all. A stage keeps its current step when new
frames come, and shows a bad setting's message above the last good frames.

``static_stage_html(state)`` is a copy that plays with no kernel and no network: the same module
inline, the frames as JSON and a read-only stand-in for the model. ``make site`` makes one for
every stage from the widget state saved in a notebook (tools/site.py).
"""
import html
import itertools
import json
import re
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from ..render.conv import CSS as VIEW_CSS

__all__ = ["Stage", "STAGE_CSS", "STAGE_JS", "static_stage_html", "static_page_parts", "frame_html"]

HERE = Path(__file__).parent


def _compact_js(source):
    """The module without its comment lines and indentation (it is saved with every stage)."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def _compact_css(source):
    """The stylesheet without comments, line breaks and indentation."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return "".join(line.strip() for line in source.splitlines())


STAGE_JS = _compact_js((HERE / "stage.js").read_text(encoding="utf-8"))
STAGE_CSS = _compact_css(VIEW_CSS + (HERE / "stage.css").read_text(encoding="utf-8"))
LOADER_JS = _compact_js((HERE / "stage_loader.js").read_text(encoding="utf-8"))


class StageCode(widgets.Widget):
    """The stage module and stylesheet, once per kernel. Every stage refers to it, so a
    notebook's saved widget state holds them once, not once per stage."""

    source = traitlets.Unicode(STAGE_JS).tag(sync=True)
    css = traitlets.Unicode(STAGE_CSS).tag(sync=True)


_code = None


def stage_code():
    """The kernel's StageCode (made on first use, again if it was closed)."""
    global _code
    if _code is None or _code.comm is None:
        _code = StageCode()
    return _code
SPEEDS = {"slow": 1600, "medium": 900, "fast": 400}

_STYLE_BLOCK = re.compile(r"<style>.*?</style>", flags=re.S)
_static_ids = itertools.count(1)


def frame_html(*views):
    """The views of one step as one frame: their HTML without the inlined stylesheet (the stage
    carries it once)."""
    return _STYLE_BLOCK.sub("", "".join(views))


def _json_for_script(value):
    """JSON that can sit inside a <script> element (no "</" to end it early)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


class Stage(anywidget.AnyWidget):
    """Frames of a trace (HTML, one per step) with their captions, stepped in the browser.

    Set ``frames`` and ``captions`` together with ``show(frames, captions)`` (one message).
    ``step`` is the step Python asks for: the browser moves there; its own stepping is not
    sent back (no message while a student plays).
    """

    _esm = LOADER_JS
    code = traitlets.Instance(StageCode).tag(sync=True, **widgets.widget_serialization)

    frames = traitlets.List(traitlets.Unicode()).tag(sync=True)
    captions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    interval = traitlets.Int(SPEEDS["medium"]).tag(sync=True)
    loop = traitlets.Bool(False).tag(sync=True)

    def __init__(self, title="", css_class=None, **kwargs):
        super().__init__(title=title, code=stage_code(), **kwargs)
        self.add_class("cnnviz-stage-widget")
        if css_class:
            self.add_class(css_class)

    @traitlets.validate("step")
    def _valid_step(self, proposal):
        step = proposal["value"]
        if self.frames and not 0 <= step < len(self.frames):
            raise ValueError(f"step must be between 0 and {len(self.frames) - 1}, got {step}")
        return step

    def show(self, frames, captions=None, error=""):
        """New frames (and their captions) in one message; a step past the end moves back."""
        frames = list(frames)
        captions = list(captions) if captions is not None else [""] * len(frames)
        if len(captions) != len(frames):
            raise ValueError(f"{len(frames)} frames need {len(frames)} captions, got {len(captions)}")
        with self.hold_sync():
            if self.step >= len(frames):
                self.step = max(len(frames) - 1, 0)
            self.frames, self.captions, self.error = frames, captions, error

    @property
    def n_steps(self):
        return len(self.frames)

    @property
    def frame(self):
        """The HTML of the step Python last asked for."""
        return self.frames[self.step] if self.frames else ""

    def static_html(self):
        """A copy that plays with no kernel and no network (see ``static_stage_html``)."""
        return static_stage_html(self.get_state())


def static_stage_html(state):
    """A stage that plays with no kernel and no network, from a stage's state (a dict with
    frames, captions, title, error, step, interval, loop: e.g. the widget state saved in a
    notebook): the module inline, the frames as JSON and a read-only stand-in for the model."""
    key = f"s{next(_static_ids)}"
    names = ("frames", "captions", "title", "error", "step", "interval", "loop")
    data = {name: state.get(name) for name in names}
    return (f'<div class="cnnviz-stage-static" data-cnnviz-stage="{key}"></div>'
            f'<script type="application/json" data-cnnviz-stage-data="{key}">'
            f"{_json_for_script(data)}</script>"
            f'<script type="module">{STAGE_JS}\n'
            f'const host = document.querySelector(\'[data-cnnviz-stage="{key}"]\');\n'
            f'const data = document.querySelector(\'[data-cnnviz-stage-data="{key}"]\');\n'
            "render({ model: staticModel(JSON.parse(data.textContent)), el: host });\n"
            "</script>")


def static_page_parts():
    """The stylesheet a static copy needs once (views and stage)."""
    return f"<style>{STAGE_CSS}</style>"


def static_slider(label, value):
    """An inert slider, for a copy with no kernel."""
    return (f'<label class="cnnviz-static-slider">{html.escape(label)} '
            f'<input type="range" disabled value="{html.escape(str(value))}"> '
            f"<b>{html.escape(str(value))}</b></label>")


OPEN_TO_EDIT = ('<div class="cnnviz-static-note">The sliders need a running notebook: open it in '
                "JupyterLab (make lab) to edit the numbers. The steps play here too.</div>")
