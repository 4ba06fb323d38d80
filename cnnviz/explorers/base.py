"""Reusable ipywidgets pieces: a matrix of sliders, a step player, and the explorer base.

No math here: explorers ask cnnviz.steps / cnnviz.ops for numbers and cnnviz.views for HTML.
Every widget a test or a browser needs to find carries a CSS class (``cnnviz-...``).
"""
import asyncio
import contextlib
import itertools
import re

import numpy as np
import ipywidgets as widgets
import traitlets

from ..render import general as general_views
from ..render import pool as pool_views
from ..render import conv as views
from ..render.conv import cell_name, message_html, subscript

__all__ = ["MatrixEditor", "StepPlayer", "Explorer", "View", "PAGE_STYLE"]

# Controls, restyled inside the explorers:
# - ipywidgets' slider CSS gives each handle ``backface-visibility: hidden`` and the moving
#   parts ``will-change: transform``: compositing work for every slider on the page, each
#   frame. On a notebook page with a hundred sliders that made a frame cost ~6 ms more
#   (measured in Chromium); plain 2-D sliders look the same without.
# - ToggleButtons put their description on a line of its own, above the buttons; in a row
#   it reads like the sliders' descriptions.
# - Each view and formula is a stacking context of its own (``isolation``, which draws
#   nothing): the browser keeps its painted picture between frames, so a frame in which only
#   a slider moved paints about half as much (Chromium, notebook 06: ~1.8 -> ~0.95 ms).
# - Descriptions, readouts and buttons clip their text (``overflow: hidden``, for an
#   ellipsis). No text of the explorers overflows them (checked in every notebook), and each
#   clip costs the browser's compositing a little every frame (notebook 06: ~0.3 ms).
CONTROL_STYLE = ("<style>.cnnviz-explorer .cnnviz-view,.cnnviz-explorer .cnnviz-formula{"
                 "isolation:isolate}"
                 ".cnnviz-explorer .widget-label,.cnnviz-explorer .widget-readout,"
                 ".cnnviz-explorer .jupyter-button,.cnnviz-explorer .noUi-connects{"
                 "overflow:visible}"
                 ".cnnviz-explorer .widget-slider .noUi-handle{"
                 "-webkit-backface-visibility:visible;backface-visibility:visible}"
                 ".cnnviz-explorer .widget-slider .noUi-connect,"
                 ".cnnviz-explorer .widget-slider .noUi-origin{will-change:auto}"
                 ".cnnviz-explorer .widget-toggle-buttons{display:flex;align-items:center}"
                 ".cnnviz-explorer .widget-toggle-buttons>.widget-label{text-align:right;"
                 "margin-right:4px;flex-shrink:0}"
                 "</style>")

# The notebook around the explorers: a code editor without the focus draws no cursor, yet
# JupyterLab keeps its cursor-blink animation running, and the browser services every running
# animation in every frame: ~1 ms per frame with notebook 02's 19 code cells, in the frames
# that a slider move waits for. Stopped in editors without the focus; a focused one blinks.
# (``!important``: the editor restarts the blink by setting the animation's name inline.)
NOTEBOOK_STYLE = ("<style>.jp-Notebook .cm-editor:not(.cm-focused) .cm-cursorLayer{"
                  "animation:none!important}</style>")

# Every stylesheet of the views, once per explorer section (see View).
PAGE_STYLE = (views.STYLE + pool_views.WIDE_STYLE + general_views.EXTRA_STYLE + CONTROL_STYLE
              + NOTEBOOK_STYLE)

_STYLE_BLOCK = re.compile(r"<style>.*?</style>", flags=re.S)


# After a change, in a kernel, only the number views of the section where the student moved
# a control go to the browser at once. Everything else (the other sections' views, formulas,
# players, copies of the controls) follows LATER_S later, in one batch: every message sent at
# the same moment shares the machine (kernel, server, browser) with the views being watched,
# and changes made in between, while a slider is dragged, join the batch instead of each
# sending its own. The batch's views are also worked out when it goes (``Explorer._show``),
# so the kernel is free right after a move, and a drag computes them once.
LATER_S = 0.05

# The order of a batch: views, formulas (MathJax holds the browser up for ~10 ms each),
# the players' bookkeeping, then copies of controls.
VIEWS, FORMULAS, PLAYERS, CONTROLS = range(4)


def _request_type():
    """The type of the kernel request being handled: 'comm_msg' while the browser's change
    of a widget is applied (a student moved a control), 'execute_request' while a cell runs;
    None outside a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None:
        return None
    return (kernel.get_parent() or {}).get("header", {}).get("msg_type")


def _later_loop():
    """The event loop that sends a change's held-back part LATER_S later: the kernel's, while
    it applies a change the browser sent. None otherwise (a cell's code, tests, scripts):
    the held-back part goes at the end of the change, so a cell's outputs and the widget
    state saved with the notebook are complete when the cell ends."""
    if _request_type() != "comm_msg":
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


# The controls of an explorer: their value comes from the student.
_CONTROL_TYPES = (widgets.IntSlider, widgets.FloatSlider, widgets.ToggleButtons, widgets.Play)


def without_echo(control):
    """``control``, its value no longer echoed back to the browser after the student moves it.

    ipywidgets sends every value a browser sets straight back ("echo_update"), so that other
    browser windows on the same kernel follow. With a single window, the echo is one more
    message the browser handles before the views the change feeds (about 0.5 ms on a page of
    explorers). Every view of a widget in one browser shares its state without it; a second
    window on the same kernel still gets every view, and the controls' values when they move
    from Python. (Per-instance trait metadata, read by ``Widget.set_state``.)
    """
    control._value_metadata = {"echo_update": False}
    return control


def _descendants(widget):
    """``widget`` and every widget inside it (boxes' children, recursively)."""
    found = [widget]
    for child in getattr(widget, "children", ()):
        found.extend(_descendants(child))
    return found


class _HeldBack:
    """Widgets whose changes are held back (``hold_sync``), then sent in one go, by rank
    (VIEWS, FORMULAS, PLAYERS, CONTROLS) and within a rank in the order they were held.

    A held widget's new value can wait too (``defer``): it is computed just before the
    batch goes, once, however many changes asked for it meanwhile.
    """

    def __init__(self):
        # id(widget) -> (rank, order, widget, entered hold_sync context); the widget is kept
        # so that its id stays its own until it is sent
        self._held = {}
        self._deferred = {}  # id(widget) -> the function that sets its value (the last given)

    def hold(self, widgets_, rank):
        for widget in widgets_:
            if id(widget) not in self._held:
                context = widget.hold_sync()
                context.__enter__()
                self._held[id(widget)] = (rank, len(self._held), widget, context)

    def holds(self, widget):
        return id(widget) in self._held

    def defer(self, widget, set_value):
        """Call ``set_value()`` (which sets the held ``widget``) just before sending, instead
        of any earlier function given for it."""
        self._deferred[id(widget)] = set_value

    def take(self, widgets_):
        """Those of ``widgets_`` held here, as a _HeldBack of their own (still held). Their
        deferred values are set now: a newer one may follow before they are sent."""
        taken = _HeldBack()
        for widget in widgets_:
            entry = self._held.pop(id(widget), None)
            if entry is not None:
                taken._held[id(widget)] = entry
            set_value = self._deferred.pop(id(widget), None)
            if set_value is not None:
                set_value()
        return taken

    def send(self):
        deferred, self._deferred = self._deferred, {}
        errors = []
        for set_value in deferred.values():
            try:
                set_value()
            except Exception as err:  # every widget is still released and sent
                errors.append(err)
        held, self._held = self._held, {}
        for _rank, _order, _widget, context in sorted(held.values(), key=lambda e: e[:2]):
            try:
                context.__exit__(None, None, None)
            except Exception as err:  # every widget is released even if one send fails
                errors.append(err)
        if errors:
            raise errors[0]


class View(widgets.HTML):
    """An HTML view of an explorer: the view functions' HTML without its ``<style>`` blocks.

    The view functions inline their stylesheet so that their HTML stands alone (tests, static
    notebook viewers). In a live page, a ``<style>`` element replaced on every update makes
    the browser re-match every stylesheet against the whole notebook; the explorer's
    sections carry PAGE_STYLE once instead (``Explorer._box``).
    """

    @traitlets.validate("value")
    def _drop_style(self, proposal):
        return _STYLE_BLOCK.sub("", proposal["value"])


class MatrixEditor(widgets.VBox):
    """A slider for every entry of a matrix, laid out as the matrix it edits.

    ``editor.value`` is the current matrix (float64 array); assigning an array sets every
    slider and fires ONE change. ``on_change(callback)`` registers callback(editor).
    Slider labels use the seed's notation (x₁₁, w₁₂, ∂L/∂y₂₁ ...); each slider has the CSS
    classes ``cnnviz-slider`` and ``cnnviz-slider-<css_name><rc>`` (e.g. cnnviz-slider-x22).
    """

    def __init__(self, values, symbol, title=None, low=-5, high=5, step=1, label=None,
                 css_class=None, css_name=None):
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"{symbol}: a matrix editor needs a 2-D array, got shape {values.shape}")
        self._settings = dict(symbol=symbol, title=title, low=low, high=high, step=step,
                              label=label, css_class=css_class, css_name=css_name)
        self.symbol = symbol
        self._label = label or symbol
        self._callbacks = []
        self._holding = False
        integer = step == int(step) and np.all(values == np.round(values))
        self.sliders = []
        symbol_css = css_name or self._label
        for r in range(values.shape[0]):
            row = []
            for c in range(values.shape[1]):
                name = cell_name(self._label, r, c)
                kwargs = dict(
                    value=values[r, c], min=min(low, values[r, c]), max=max(high, values[r, c]),
                    step=step, description=self._label + subscript(name[len(self._label):]),
                    continuous_update=True,
                    layout=widgets.Layout(width="250px"),
                    style={"description_width": "64px" if len(self._label) > 2 else "40px"},
                )
                if integer:
                    kwargs = {k: (int(v) if k in ("value", "min", "max", "step") else v)
                              for k, v in kwargs.items()}
                    slider = widgets.IntSlider(**kwargs)
                else:
                    slider = widgets.FloatSlider(readout_format=".2g", **kwargs)
                without_echo(slider)  # here too: an editor may join a built section (∂L/∂Y)
                slider.add_class("cnnviz-slider")
                slider.add_class(f"cnnviz-slider-{symbol_css}{name[len(self._label):].replace(',', '_')}")
                slider.observe(self._slider_moved, names="value")
                row.append(slider)
            self.sliders.append(row)
        grid = widgets.GridBox(
            [s for row in self.sliders for s in row],
            layout=widgets.Layout(grid_template_columns=f"repeat({values.shape[1]}, 254px)",
                                  grid_gap="2px 4px"),
        )
        heading = widgets.HTML(f"<b style='font-size:1.05em'>{title or symbol.upper()}</b>")
        super().__init__([heading, grid])
        self.add_class("cnnviz-editor")
        if css_class:
            self.add_class(css_class)

    @property
    def shape(self):
        return len(self.sliders), len(self.sliders[0])

    @property
    def value(self):
        return np.array([[s.value for s in row] for row in self.sliders], dtype=float)

    @value.setter
    def value(self, values):
        self.set_quietly(values)
        self._fire()

    def set_quietly(self, values):
        """Set every slider to ``values`` without calling the change callbacks."""
        values = np.asarray(values, dtype=float)
        if values.shape != self.shape:
            raise ValueError(
                f"{self.symbol}: expected a {self.shape[0]}x{self.shape[1]} matrix, got shape {values.shape}"
            )
        self._holding = True
        try:
            for row, vals in zip(self.sliders, values):
                for slider, v in zip(row, vals):
                    v = int(v) if isinstance(slider, widgets.IntSlider) else float(v)
                    if slider.value == v:
                        continue  # most entries, when a twin follows a single move
                    slider.min, slider.max = min(slider.min, v), max(slider.max, v)
                    slider.value = v
        finally:
            self._holding = False

    def all_sliders(self):
        """The sliders, row by row."""
        return [s for row in self.sliders for s in row]

    def twin(self):
        """A new editor with the same settings and values (for a section shown on its own).

        A slider displayed in several places gets every change echoed to all its views; a
        twin is a widget of its own, kept in step by the explorer after the views update.
        """
        return MatrixEditor(self.value, **self._settings)

    def slider(self, r, c):
        """The slider of entry (r, c), 0-based."""
        return self.sliders[r][c]

    def on_change(self, callback):
        self._callbacks.append(callback)

    def _slider_moved(self, _change):
        if not self._holding:
            self._fire()

    def _fire(self):
        for callback in self._callbacks:
            callback(self)


class StepPlayer(widgets.VBox):
    """Play / pause, step back / forward, a scrubber over the steps and a speed control.

    ``player.step`` is the current step (0-based), ``player.n_steps`` how many there are;
    ``on_change(callback)`` registers callback(step); ``describe(step, n_steps)`` gives the
    status line under the controls. The Play widget and the scrubber are
    linked in the browser (jslink), so scrubbing is smooth; the kernel sees one value.
    """

    SPEEDS = {"slow": 1600, "medium": 900, "fast": 400}

    def __init__(self, n_steps, label="step", describe=None):
        self._callbacks = []
        self._describe = describe or (lambda step, n: f"{label} {step + 1} of {n}")
        n = max(int(n_steps), 1)
        self.play = widgets.Play(value=0, min=0, max=n - 1, step=1, interval=self.SPEEDS["medium"],
                                 description="play", show_repeat=True, repeat=False)
        self.play.add_class("cnnviz-play")
        self.back = widgets.Button(description="◀ step", tooltip="previous step",
                                   layout=widgets.Layout(width="80px"))
        self.back.add_class("cnnviz-step-back")
        self.forward = widgets.Button(description="step ▶", tooltip="next step",
                                      layout=widgets.Layout(width="80px"))
        self.forward.add_class("cnnviz-step-forward")
        self.scrubber = widgets.IntSlider(value=0, min=0, max=n - 1, description=label,
                                          continuous_update=True, readout=False,
                                          layout=widgets.Layout(width="260px"),
                                          style={"description_width": "40px"})
        self.scrubber.add_class("cnnviz-scrubber")
        self.speed = widgets.ToggleButtons(options=list(self.SPEEDS), value="medium",
                                           description="speed",
                                           style={"button_width": "76px", "description_width": "44px"})
        self.speed.add_class("cnnviz-speed")
        self.status = widgets.HTML()
        self.status.add_class("cnnviz-step-status")
        widgets.jslink((self.play, "value"), (self.scrubber, "value"))
        self.play.observe(self._moved, names="value")
        self.scrubber.observe(self._moved, names="value")
        self.back.on_click(lambda _b: self._nudge(-1))
        self.forward.on_click(lambda _b: self._nudge(+1))
        self.speed.observe(lambda ch: setattr(self.play, "interval", self.SPEEDS[ch["new"]]),
                           names="value")
        controls = widgets.HBox([self.play, self.back, self.forward, self.scrubber, self.speed],
                                layout=widgets.Layout(align_items="center", flex_flow="row wrap"))
        super().__init__([controls, self.status])
        self.add_class("cnnviz-player")
        self._update_status()

    @property
    def n_steps(self):
        return self.play.max + 1

    @n_steps.setter
    def n_steps(self, n):
        n = max(int(n), 1)
        if n == self.n_steps:
            return
        if self.step > n - 1:
            self.step = n - 1
        self.play.max = self.scrubber.max = n - 1
        self._update_status()

    @property
    def step(self):
        return self.scrubber.value

    @step.setter
    def step(self, value):
        value = int(value)
        if not 0 <= value < self.n_steps:
            raise ValueError(f"step must be between 0 and {self.n_steps - 1}, got {value}")
        self.play.value = value
        self.scrubber.value = value

    def on_change(self, callback):
        self._callbacks.append(callback)

    def synced_widgets(self):
        """The widgets whose state changes with the step: play, scrubber, status line."""
        return [self.play, self.scrubber, self.status]

    def hold_sync(self):
        """A context in which the player's changes reach the browser only at its end."""
        stack = contextlib.ExitStack()
        for widget in self.synced_widgets():
            stack.enter_context(widget.hold_sync())
        return stack

    def _nudge(self, delta):
        self.play.playing = False
        self.step = min(max(self.step + delta, 0), self.n_steps - 1)

    def _moved(self, change):
        # Play and scrubber are linked: keep both equal, report each new step once. The
        # player's own changes reach the browser after those of the callbacks (the views).
        value = change["new"]
        with self.hold_sync():
            other = self.scrubber if change["owner"] is self.play else self.play
            if other.value != value:
                other.value = value
                return  # the other widget's observer reports it
            self._update_status()
            for callback in self._callbacks:
                callback(value)

    def _update_status(self):
        self.status.value = f"<b style='font-size:1.1em'>{self._describe(self.step, self.n_steps)}</b>"


class Explorer:
    """Base of every explorer: editors + player + HTML views, refreshed from a single state.

    Subclasses build ``self.root`` (the widget shown), and implement ``_recompute()`` (ask the
    math for a trace, may raise ValueError for bad settings) and ``_render()`` (give each view
    its HTML, through ``_show``). A bad setting shows ``self.message`` and keeps every value the
    student set; the views keep the last good picture.

    An explorer shows itself in sections (``_box``): the first one, with its own controls, and
    any later ones (``explorer.weights()`` ...), with copies of the controls they depend on.
    After a student's move, the number views of the section where it happened reach the
    browser first; the rest follows LATER_S later, in one batch (``_update``).
    """

    _numbers = itertools.count(1)  # explorers made in this kernel, in order

    def __init__(self):
        # Every section of this explorer carries this class (and only its sections): a page's
        # copies of a slider can be told from another explorer's sliders of the same name.
        self.css_class = f"cnnviz-explorer-{next(Explorer._numbers)}"
        self.message = View()
        self.message.add_class("cnnviz-message")
        self.style_sheet = widgets.HTML(PAGE_STYLE, layout=widgets.Layout(display="none"))
        self.style_sheet.add_class("cnnviz-style-sheet")
        self.trace = []
        self.players = []
        self._syncing = False
        self._twins = {}
        self._first_section_built = False
        self._sections = []  # [(section box, its views, its players)] in the order built
        self._in_update = False
        self._later = None  # the _HeldBack batch of the current change(s), until sent
        self._views_found = None  # (key, views and formulas): see _views_and_formulas

    # --- editors: the explorer's own in its first section, twins in every later one -------
    def _primary_editors(self):
        """{name: MatrixEditor} of the editors that sections may repeat (subclasses)."""
        return {}

    def _keep_twins_in_step(self, **editors):
        """After each change of a primary editor (name=editor), its twins show its values."""
        for name, editor in editors.items():
            editor.on_change(lambda _e, name=name: self._sync_twins(name))

    def _editor(self, name):
        """The editor ``name`` for a new section: the explorer's own for the first section
        (set ``_first_section_built`` once it is built), a twin kept in step for later ones.

        A slider widget displayed in several places gets every change echoed to all its
        views; a twin is a widget of its own.
        """
        primary = self._primary_editors()[name]
        if not self._first_section_built:
            return primary
        twin = primary.twin()
        twin.children[0].value = primary.children[0].value  # the heading as it reads now
        twin.on_change(lambda editor, name=name: self._twin_moved(name, editor))
        self._twins.setdefault(name, []).append(twin)
        return twin

    def _twin_moved(self, name, twin):
        """As if the student had moved the explorer's own editor: its callbacks run (the
        views, then the other twins); its sliders follow with the other sections."""
        primary = self._primary_editors()[name]
        with self._update(origin=twin):
            self._hold_later(primary.all_sliders(), CONTROLS)
            primary.set_quietly(twin.value)
            primary._fire()

    def _twin_control(self, control):
        """A copy of a slider or toggle buttons for a later section, kept in step both ways.

        A change in the copy moves the explorer's own control (whose observers refresh the
        views; its own message waits until after them); a change of the explorer's control
        moves the copy after the views.
        """
        if isinstance(control, widgets.ToggleButtons):
            twin = widgets.ToggleButtons(
                options=control.options, value=control.value, description=control.description,
                style={"button_width": control.style.button_width,
                       "description_width": control.style.description_width})
        else:
            twin = type(control)(value=control.value, min=control.min, max=control.max,
                                 step=control.step, description=control.description,
                                 continuous_update=control.continuous_update,
                                 layout=widgets.Layout(width=control.layout.width),
                                 style={"description_width": control.style.description_width})
            for trait in ("min", "max"):
                traitlets.dlink((control, trait), (twin, trait))
        traitlets.dlink((control, "description"), (twin, "description"))
        for name in control._dom_classes:
            twin.add_class(name)

        def to_control(change):
            with self._update(origin=twin):
                self._hold_later([control], CONTROLS)
                control.value = change["new"]

        def to_twin(change):
            with self._update():
                self._hold_later([twin], CONTROLS)
                twin.value = change["new"]

        twin.observe(to_control, names="value")
        control.observe(to_twin, names="value")
        return twin

    def _sync_twins(self, name):
        """After the views: every twin of ``name`` shows the explorer's values again (the
        twin the student moved already does: no message for it)."""
        value = self._primary_editors()[name].value
        with self._update():
            for twin in self._twins.get(name, []):
                self._hold_later(twin.all_sliders(), CONTROLS)
                twin.set_quietly(value)

    # --- one change: the views next to the control first, the rest a moment later -------
    @contextlib.contextmanager
    def _update(self, origin=None):
        """A context for one change of the explorer, made from a control of the section that
        holds ``origin`` (None: the explorer's own controls, in its first section).

        The number views of that section reach the browser as they are set, its players'
        bookkeeping at the end. The rest is held back (``_hold_later``): for a change the
        browser sent, until LATER_S after the first change not yet sent (changes until then
        join the batch); otherwise (a cell's code, tests, scripts) until the end of the
        change. Python's values are all up to date at the end either way. Nested changes
        are part of the outermost one.
        """
        if self._in_update:
            yield
            return
        self._in_update = True
        loop = _later_loop()
        if self._later is None:
            self._later = _HeldBack()
            if loop is not None:
                loop.call_later(LATER_S, self._send_later)
        views, players = self._section_parts(self._section_of(origin))
        at_end = self._later.take(views)  # shown here, held back by an earlier change
        # Without a loop, the section's players join the batch after its formulas.
        (self._later if loop is None else at_end).hold(
            [w for p in players for w in p.synced_widgets()], PLAYERS)
        shown_here = {id(v) for v in views} | {id(p) for p in players}
        all_views, formulas = self._views_and_formulas()
        self._hold_later([v for v in all_views if id(v) not in shown_here], VIEWS)
        self._hold_later(formulas, FORMULAS)
        self._hold_later([w for p in self.players if id(p) not in shown_here
                          for w in p.synced_widgets()], PLAYERS)
        try:
            yield
        finally:
            self._in_update = False
            try:
                at_end.send()
            finally:
                if loop is None:
                    self._send_later()

    def _hold_later(self, widgets_, rank):
        """Hold back the changes of ``widgets_`` with the rest of the current change."""
        self._later.hold(widgets_, rank)

    def _show(self, view, html):
        """Set ``view`` (a View or a formula) to ``html()``.

        At once if the view goes to the browser with this change; if it is held back with
        the rest (another section's view, a formula), ``html()`` runs when that batch goes.
        The kernel's time right after a move then goes to the views being watched, and a
        view held back while a slider is dragged is computed once, not at every step of the
        drag. ``html`` must use values taken when ``_show`` is called (locals), not read the
        explorer's state: the state may have moved on (even to a bad setting) by then.
        """
        later = self._later
        if later is not None and later.holds(view):
            later.defer(view, lambda: setattr(view, "value", html()))
        else:
            view.value = html()

    def _send_later(self):
        later, self._later = self._later, None
        if later is not None:
            later.send()

    def _section_of(self, widget):
        """The index of the first section showing ``widget`` (0 if None or in none)."""
        if widget is not None:
            for index, (box, _views, _players) in enumerate(self._sections):
                if any(w is widget for w in _descendants(box)):
                    return index
        return 0

    def _section_parts(self, index):
        """(views, players) shown in section ``index``; before any section is built, every
        view and player."""
        if not self._sections:
            return self._views_and_formulas()[0], list(self.players)
        _box, views, players = self._sections[index]
        return views, players

    def _views_and_formulas(self):
        """Every number view (View) and formula (HTMLMath) of the explorer: its attributes
        and what its sections show. Every change asks; the answer changes only when a section
        or an attribute is added."""
        key = (len(self._sections), len(vars(self)))
        if self._views_found is None or self._views_found[0] != key:
            self._views_found = (key, self._find_views_and_formulas())
        return self._views_found[1]

    def _find_views_and_formulas(self):
        found = {}
        for widget in [*vars(self).values(),
                       *(w for box, _v, _p in self._sections for w in _descendants(box))]:
            if isinstance(widget, (View, widgets.HTMLMath)):
                found.setdefault(id(widget), widget)
        shown = list(found.values())
        return ([w for w in shown if isinstance(w, View)],
                [w for w in shown if isinstance(w, widgets.HTMLMath)])

    # --- players: one per displayed section, all on the same step ------------------------
    def add_player(self, label="step"):
        """A new StepPlayer, on the same step as the explorer's other players.

        A Play widget displayed twice stops after one step in the browser (ipywidgets
        #3967), so every section shown on its own gets a player widget of its own; moving
        any of them moves them all. Subclasses give ``_describe_step(step, n_steps)`` and
        ``_render_step()``.
        """
        player = StepPlayer(max(len(self.trace), 1), label=label, describe=self._describe_step)
        if self.players:
            player.step = min(self.player.step, player.n_steps - 1)
        player.on_change(lambda step, player=player: self._player_moved(step, player))
        self.players.append(player)
        return player

    @property
    def player(self):
        """The explorer's first player (the others always show the same step)."""
        return self.players[0]

    def _player_moved(self, step, moved=None):
        if self._syncing:
            return
        with self._update(origin=moved):
            self._syncing = True
            try:
                for player in self.players:
                    player.step = min(step, player.n_steps - 1)
            finally:
                self._syncing = False
            self._render_step()

    def _set_n_steps(self, n_steps):
        """Give every player ``n_steps`` steps (a shorter trace may move them: no render here)."""
        self._syncing = True
        try:
            for player in self.players:
                player.n_steps = n_steps
                player._update_status()
        finally:
            self._syncing = False

    def _render_step(self):
        raise NotImplementedError

    def _describe_step(self, step, n_steps):
        return f"step {step + 1} of {n_steps}"

    error = ""  # the plain text of the message shown for bad settings ('' if none)

    def refresh(self, *_):
        with self._update():
            try:
                self._recompute()
            except (ValueError, TypeError) as err:
                self.error = str(err)
                self.message.value = message_html(self.error)
                self._render_bad()
                return
            self.error = ""
            self.message.value = ""
            self._render()
            for player in self.players:  # a step's description may name another output now
                player._update_status()

    def _render_bad(self):
        """What changes besides the message when the settings are bad (default: nothing)."""

    # --- display -----------------------------------------------------------------------
    def _box(self, children, *css_classes):
        """A section of the explorer: ``children`` in a column, with the page style."""
        box = widgets.VBox([*children, self.style_sheet])
        box.add_class("cnnviz-explorer")
        box.add_class(self.css_class)
        for name in css_classes:
            box.add_class(name)
        shown = _descendants(box)
        for widget in shown:
            if isinstance(widget, _CONTROL_TYPES):
                without_echo(widget)
        self._sections.append((box, [w for w in shown if isinstance(w, View)],
                               [w for w in shown if isinstance(w, StepPlayer)]))
        return box

    def summary(self):
        """One line of plain text describing the state (the text/plain repr)."""
        return type(self).__name__

    def static_html(self):
        """The current views as HTML, for static notebook viewers (no widget JavaScript)."""
        return ""

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.root._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = self.summary()
        static = self.static_html()
        if static:
            data["text/html"] = PAGE_STYLE + static
        return bundle
