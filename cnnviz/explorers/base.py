"""What every explorer is made of: editors (sliders) for its numbers, stages for its pictures.

An explorer is an object a test can drive without a browser. A slider move calls
``explorer.refresh()``: Python works out the trace and every stage's frames, and each stage
gets its new frames in one message. A bad setting shows its message on every stage (and in
``explorer.error``), the last good frames stay, and every value the student set is kept.

No math here: explorers ask ``cnnviz.layers`` / ``cnnviz.derivation`` for numbers and
``cnnviz.render`` for HTML.

Every explorer speaks one language, ``lang`` ("en" / "zh"; None: the notebook's,
``cnnviz.i18n.language()``): its labels, captions and messages come from the catalog
(``cnnviz.words``), and it hands the language to the views it calls. It works out its numbers
in that language too (``speaking()``), so a message of the package it shows is in its language.
"""
import contextlib
import html
import math

import ipywidgets as widgets
import numpy as np
import traitlets

from .. import i18n
from ..layers import _args, ops
from ..render.conv import cell_name, subscript
from ..words import join, say
from .stage import Stage, open_to_edit, static_page_parts, static_slider

__all__ = ["MatrixEditor", "Explorer", "Section", "FiniteFloatSlider", "SettingError", "edited"]


class SettingError(ValueError):
    """A bad setting, in the explorer's own words (already in its language)."""


class FiniteFloatSlider(widgets.FloatSlider):
    """A FloatSlider that holds finite numbers only (NaN or infinity set from code is a
    TraitError naming the value, in ``lang``; the slider keeps its number, and the browser
    never gets "nan", which is not JSON)."""

    def __init__(self, *args, lang=None, **kwargs):
        self.lang = i18n.resolve(lang)
        super().__init__(*args, **kwargs)

    @traitlets.validate("value")
    def _validate_value(self, proposal):  # replaces FloatSlider's (which clamps to min..max)
        value = proposal["value"]
        if not math.isfinite(value):
            name = self.description or say("explorer.the_slider", self.lang)
            raise traitlets.TraitError(say("explorer.slider_not_finite", self.lang, name=name,
                                           value=value))
        return min(max(value, self.min), self.max)


class MatrixEditor(widgets.VBox):
    """A slider for every entry of a matrix, laid out as the matrix it edits.

    ``editor.value`` is the current matrix (float64 array). Assigning an array checks every
    entry first, then moves the sliders and fires ONE change (``on_change(callback)``).
    Slider labels use the derivation's notation (x₁₁, w₁₂, ∂L/∂y₂₁ ...); each slider has the
    CSS classes ``cnnviz-slider`` and ``cnnviz-slider-<css_name><rc>`` (e.g. cnnviz-slider-x22).
    A matrix it refuses is a ValueError/TypeError in ``lang`` (None: the current language).
    """

    def __init__(self, values, symbol, title=None, low=-5, high=5, step=1, label=None,
                 css_class=None, css_name=None, lang=None):
        self.lang = i18n.resolve(lang)
        values = _finite_matrix(values, symbol, self.lang)
        self.symbol = symbol
        self.title = title or symbol.upper()
        self._label = label or symbol
        self._callbacks = []
        self._quiet = False
        integer = step == int(step) and bool(np.all(values == np.round(values)))
        self.sliders = []
        symbol_css = css_name or self._label
        # One layout and one style for all the sliders (each would otherwise be a widget model
        # of its own, saved with the notebook).
        layout = widgets.Layout(width="250px")
        style = widgets.SliderStyle(description_width="64px" if len(self._label) > 2 else "40px")
        for r in range(values.shape[0]):
            row = []
            for c in range(values.shape[1]):
                name = cell_name(self._label, r, c)
                kwargs = dict(value=values[r, c], min=min(low, values[r, c]),
                              max=max(high, values[r, c]), step=step,
                              description=self._label + subscript(name[len(self._label):]),
                              continuous_update=True, layout=layout, style=style)
                if integer:
                    kwargs.update({k: int(kwargs[k]) for k in ("value", "min", "max", "step")})
                    slider = widgets.IntSlider(**kwargs)
                else:
                    slider = FiniteFloatSlider(readout_format=".3g", lang=self.lang, **kwargs)
                slider.add_class("cnnviz-slider")
                slider.add_class(f"cnnviz-slider-{symbol_css}{name[len(self._label):].replace(',', '_')}")
                slider.observe(self._slider_moved, names="value")
                row.append(slider)
            self.sliders.append(row)
        grid = widgets.GridBox(
            [s for row in self.sliders for s in row],
            layout=widgets.Layout(grid_template_columns=f"repeat({values.shape[1]}, 254px)",
                                  grid_gap="2px 4px"))
        self.heading = widgets.HTML(f"<b style='font-size:1.05em'>{html.escape(self.title)}</b>")
        super().__init__([self.heading, grid])
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
        values = _finite_matrix(values, self.symbol, self.lang)
        if values.shape != self.shape:
            raise ValueError(say("editor.wrong_shape", self.lang, symbol=self.symbol,
                                 rows=self.shape[0], cols=self.shape[1], shape=values.shape))
        self._quiet = True
        try:
            for row, vals in zip(self.sliders, values):
                for slider, v in zip(row, vals):
                    v = int(v) if isinstance(slider, widgets.IntSlider) else float(v)
                    slider.min, slider.max = min(slider.min, v), max(slider.max, v)
                    slider.value = v
        finally:
            self._quiet = False
        self._fire()

    def all_sliders(self):
        return [s for row in self.sliders for s in row]

    def slider(self, r, c):
        """The slider of entry (r, c), 0-based."""
        return self.sliders[r][c]

    def on_change(self, callback):
        self._callbacks.append(callback)

    def _slider_moved(self, _change):
        if not self._quiet:
            self._fire()

    def _fire(self):
        for callback in self._callbacks:
            callback(self)

    def static_html(self):
        """The editor's values as inert sliders (a copy with no kernel)."""
        cells = "".join(static_slider(s.description, s.value) for s in self.all_sliders())
        return (f'<div class="cnnviz-static-editor"><div class="cnnviz-static-editor-title">'
                f'{html.escape(self.title)}</div><div class="cnnviz-static-controls" '
                f'style="display:grid;grid-template-columns:repeat({self.shape[1]}, max-content)">'
                f"{cells}</div></div>")


MAX_SIDE = 12  # an editor shows at most 12x12 sliders (the strided explorer's largest ∂L/∂Y)


def _finite_matrix(values, symbol, lang=None):
    """``values`` as a 2-D float array of finite numbers, or a ValueError/TypeError naming it
    (in ``lang``)."""
    array = numbers(values, symbol, lang)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(say("editor.not_2d", lang, symbol=symbol, shape=array.shape))
    if max(array.shape) > MAX_SIDE:
        raise ValueError(say("editor.too_many", lang, symbol=symbol, most=MAX_SIDE,
                             shape=array.shape, package="cnnviz"))
    bad = [f"{cell_name(symbol, r, c)} = {array[r, c]}" for r, c in zip(*np.nonzero(~np.isfinite(array)))]
    if bad:
        raise ValueError(say("editor.not_finite", lang, symbol=symbol, entries=join(bad[:4], lang)))
    return array


def edited(editor):
    """An explorer's property for the matrix on its MatrixEditor attribute ``editor``: reading
    gives the sliders' numbers; setting moves them all, every entry checked first (a
    ValueError moves nothing), and refreshes once. ``x = edited("x_editor")``."""
    def get(explorer):
        return getattr(explorer, editor).value

    def put(explorer, values):
        getattr(explorer, editor).value = values

    return property(get, put, doc=f"The numbers on the sliders of ``{editor}`` (settable).")


def numbers(value, name, lang=None):
    """``value`` (any shape) as a new float array, or the layers' TypeError/ValueError naming
    ``name`` and the entry or row at fault, in ``lang``."""
    with i18n.using(i18n.resolve(lang)):
        return _args.as_array(value, name).copy()


def finite_result(name, symbol, values, lang=None, message="explorer.overflow"):
    """``values`` unchanged if every entry is a finite number; else a SettingError (in ``lang``)
    naming the result and its first entry that overflowed (±inf, or NaN from inf − inf).

    ``message``: the catalog entry that says it; its fields are ``name``, ``entry`` (the
    entry's name, e.g. y11, from ``symbol``), ``where`` (its index, a list) and ``value``."""
    values = np.asarray(values, dtype=float)
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        where = tuple(int(i) for i in bad[0])
        entry = cell_name(symbol, *where) if values.ndim == 2 else symbol
        raise SettingError(say(message, lang, name=name, entry=entry, where=list(where),
                               value=number_text(values[where])))
    return values


def output_shape(size, kernel, stride=1):
    """``ops.output_size(size, kernel, stride)``, or None when the window does not fit (the
    explorer's message will say so)."""
    try:
        return ops.output_size(size, kernel, stride)
    except (TypeError, ValueError):
        return None


def fitting(example, shape, fill):
    """A default for an array a student did not give: the ``example``'s when it has ``shape``
    (or there is no output, ``shape`` None: the message says why), else ``fill`` everywhere in
    ``shape``."""
    if shape is None or np.shape(example) == tuple(shape):
        return example
    return np.full(shape, float(fill))


def control_static_html(control):
    """An ipywidgets control (slider, toggle buttons, dropdown) as inert HTML."""
    if isinstance(control, MatrixEditor):
        return control.static_html()
    if isinstance(control, (widgets.ToggleButtons, widgets.Dropdown)):
        return static_slider(control.description, control.label)
    if isinstance(control, widgets.Box):
        return "".join(control_static_html(c) for c in control.children)
    if hasattr(control, "value") and hasattr(control, "description"):
        return static_slider(control.description, control.value)
    return ""


class Section:
    """A part of an explorer shown in a cell: its controls above its stages.

    The controls are the explorer's own widgets (the same widget when two sections show the
    same slider). In a notebook saved with its outputs, the ``text/html`` copy shows the
    controls inert and plays the stages with no kernel.
    """

    def __init__(self, explorer, controls, stages, what, css_class=""):
        self.explorer, self.controls, self.stages, self.what = explorer, controls, stages, what
        self.widget = widgets.VBox([*controls, *stages])
        self.widget.add_class("cnnviz-explorer")
        if css_class:
            self.widget.add_class(css_class)

    def static_html(self):
        controls = "".join(control_static_html(c) for c in self.controls)
        stages = "".join(stage.static_html() for stage in self.stages)
        note = open_to_edit(getattr(self.explorer, "lang", "en")) if controls else ""
        return (f'{static_page_parts()}<div class="cnnviz-explorer-static">{note}'
                f'<div class="cnnviz-static-controls">{controls}</div>{stages}</div>')

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = f"{self.what} — {self.explorer.summary()}"
        return bundle


class Explorer:
    """Base of every explorer: controls + stages, refreshed from a single state.

    A subclass makes its controls and stages, calls ``self.refresh()`` whenever a control
    moves, and implements ``_recompute()`` (ask the math for the numbers; raise ValueError or
    TypeError for a bad setting) and ``_frames()`` ({stage: (frames, captions)} for the stages
    made so far). ``self.root`` is the section shown for the explorer itself.
    """

    error = ""  # the text of the message shown for a bad setting ('' if none)

    def __init__(self, lang=None):
        self.lang = i18n.resolve(lang)
        self.stages = []

    def say(self, key, **fields):
        """The catalog's entry ``key`` in the explorer's language."""
        return say(key, self.lang, **fields)

    @contextlib.contextmanager
    def speaking(self):
        """``with self.speaking():`` the package speaks the explorer's language (its messages
        are in it), and an overflow is left to the explorer's message: no numpy warning."""
        with i18n.using(self.lang), np.errstate(over="ignore", invalid="ignore"):
            yield

    def new_stage(self, title="", css_class=None):
        """A new stage of this explorer (its frames come from ``_frames()``)."""
        stage = Stage(title=title, css_class=css_class, lang=self.lang)
        self.stages.append(stage)
        return stage

    def refresh(self, *_):
        """Work out the numbers and every stage's frames; a bad setting shows its message."""
        try:
            with self.speaking():
                self._recompute()
                frames = self._frames()
        except Exception as err:  # a slider's callback: the stage is where the student looks
            self.error = message_of(err, self.lang)
            for stage in self.stages:
                stage.error = self.error
            return
        self.error = ""
        for stage, (stage_frames, captions) in frames.items():
            stage.show(stage_frames, captions)
        for stage in self.stages:
            if stage not in frames:
                stage.error = ""

    def _recompute(self):
        raise NotImplementedError

    def _frames(self):
        raise NotImplementedError

    def summary(self):
        """One line of plain text describing the state (the text/plain repr)."""
        return type(self).__name__

    def _repr_mimebundle_(self, **kwargs):
        return self.root._repr_mimebundle_(**kwargs)


def message_of(err, lang="en"):
    """What a student reads for an error, in ``lang``: an explorer's own words for a bad setting
    (``SettingError``, already in its language); the package's words for one (ValueError,
    TypeError, ArithmeticError: in ``lang`` too when raised inside ``Explorer.speaking()``,
    after a lead sentence in Chinese); anything else also says it is an error of the explorer
    itself."""
    if isinstance(err, SettingError):
        return str(err)
    if isinstance(err, (ValueError, TypeError, ArithmeticError)):
        return say("explorer.bad_setting", lang, error=err)
    return say("explorer.went_wrong", lang, kind=type(err).__name__, error=err)


def number_text(value):
    """A value for a one-line summary: NaN and infinities by name, never a mark."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    return str(value) if math.isinf(value) else f"{value:g}"
