"""The stage: the frames of one trace, stepped through in the browser.

Python computes every frame (one HTML view per step of a ``cnnviz.steps`` trace) and sends them
in one message; the browser plays, pauses, steps and scrubs them, and answers the keys
(→ ← space Home End) with no kernel message at all. A stage keeps its current step when new
frames come, and shows a bad setting's message above the last good frames.

``static_stage_html(state)`` is a copy that plays with no kernel and no network: the same module
inline, the frames as JSON and a read-only stand-in for the model. ``make site`` makes one for
every stage from the widget state saved in a notebook (tools/site.py).

The stage's own words (its buttons, the speeds, the step slider's label) come from the catalog
(``cnnviz.words``, ids ``stage.*``): the kernel's StageCode carries them in every language once,
and each stage names its language (``lang``), so stage.js holds no words of its own.
"""
import html
import itertools
import json
import re
from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

from .. import i18n
from ..render.conv import CSS as VIEW_CSS
from ..words import WORDS, say

__all__ = ["Stage", "STAGE_CSS", "STAGE_JS", "static_stage_html", "static_page_parts", "frame_html",
           "pack_frames", "unpack_frames"]

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


def stage_labels(lang):
    """The stage's words in ``lang``: {"play": "▶ play", ...} (the catalog's ``stage.*``)."""
    return {key.split(".", 1)[1]: say(key, lang) for key in WORDS if key.startswith("stage.")
            and key != "stage.open_to_edit"}


class StageCode(widgets.Widget):
    """The stage module, its stylesheet and its words in every language, once per kernel.
    Every stage refers to it, so a notebook's saved widget state holds them once, not once per
    stage."""

    source = traitlets.Unicode(STAGE_JS).tag(sync=True)
    css = traitlets.Unicode(STAGE_CSS).tag(sync=True)
    labels = traitlets.Dict({lang: stage_labels(lang) for lang in i18n.LANGS}).tag(sync=True)


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


_PIECE = re.compile(r"(?=<)")


def pack_frames(frames, widget=None):
    """The frames as a stage sends and saves them: every piece of HTML (cut before each tag)
    once, and each frame as the numbers of its pieces ("0 1 2 7 ..."). A step's view is mostly
    the view of the step before, so this is about half the size of the frames written out."""
    pieces, numbered = {}, []
    for frame in frames:
        numbered.append(" ".join(str(pieces.setdefault(piece, len(pieces)))
                                 for piece in _PIECE.split(frame) if piece))
    return {"pieces": list(pieces), "frames": numbered}


def unpack_frames(packed, widget=None):
    """The frames written out again (the inverse of ``pack_frames``)."""
    if isinstance(packed, list):
        return packed
    return ["".join(packed["pieces"][int(number)] for number in frame.split())
            for frame in packed["frames"]]


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

    frames = traitlets.List(traitlets.Unicode()).tag(sync=True, to_json=pack_frames,
                                                     from_json=unpack_frames)
    captions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    interval = traitlets.Int(SPEEDS["medium"]).tag(sync=True)
    loop = traitlets.Bool(False).tag(sync=True)
    lang = traitlets.Unicode("en").tag(sync=True)  # the language of the stage's own words

    def __init__(self, title="", css_class=None, lang=None, **kwargs):
        super().__init__(title=title, code=stage_code(), lang=i18n.resolve(lang), **kwargs)
        self.add_class("cnnviz-stage-widget")
        if css_class:
            self.add_class(css_class)

    @traitlets.validate("step")
    def _valid_step(self, proposal):
        step = proposal["value"]
        if self.frames and not 0 <= step < len(self.frames):
            raise ValueError(say("explorer.step_range", self.lang, name="step",
                                 last=len(self.frames) - 1, value=step))
        return step

    def show(self, frames, captions=None, error=""):
        """New frames (and their captions) in one message; a step past the end moves back."""
        frames = list(frames)
        captions = list(captions) if captions is not None else [""] * len(frames)
        if len(captions) != len(frames):
            raise ValueError(say("explorer.captions", self.lang, frames=len(frames),
                                 captions=len(captions)))
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
    frames, captions, title, error, step, interval, loop, lang: e.g. the widget state saved in a
    notebook): the module inline, the frames as JSON and a read-only stand-in for the model.
    The stage's words are the catalog's in the state's ``lang`` (English if it names none)."""
    key = f"s{next(_static_ids)}"
    names = ("frames", "captions", "title", "error", "step", "interval", "loop")
    data = {name: state.get(name) for name in names}
    data["labels"] = stage_labels(state.get("lang") or "en")
    return (f'<div class="cnnviz-stage-static" data-cnnviz-stage="{key}"></div>'
            f'<script type="application/json" data-cnnviz-stage-data="{key}">'
            f"{_json_for_script(data)}</script>"
            f'<script type="module">{STAGE_JS}\n'
            f'const host = document.querySelector(\'[data-cnnviz-stage="{key}"]\');\n'
            f'const data = document.querySelector(\'[data-cnnviz-stage-data="{key}"]\');\n'
            "const state = JSON.parse(data.textContent);\n"
            "render({ model: staticModel(state), el: host, labels: state.labels });\n"
            "</script>")


def static_page_parts():
    """The stylesheet a static copy needs once (views and stage)."""
    return f"<style>{STAGE_CSS}</style>"


def static_slider(label, value):
    """An inert slider, for a copy with no kernel."""
    return (f'<label class="cnnviz-static-slider">{html.escape(label)} '
            f'<input type="range" disabled value="{html.escape(str(value))}"> '
            f"<b>{html.escape(str(value))}</b></label>")


def open_to_edit(lang="en"):
    """The note above a static copy's inert sliders, in ``lang``."""
    return f'<div class="cnnviz-static-note">{html.escape(say("stage.open_to_edit", lang))}</div>'


OPEN_TO_EDIT = open_to_edit("en")
