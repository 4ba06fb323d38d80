"""Learning a kernel: gradient descent recovers a hidden kernel from (X, Y) pairs, live.

Sliders for the learning rate η and the number of steps; the hidden kernel W* and the inputs
are arguments (pairs made with a fixed seed, Y = X ⋆ W*). Every move runs gradient descent
from W = 0 again and sends the stage one frame per iteration: W so far next to W*, and the
loss curve up to that iteration. A rate that is too large makes the loss grow; past a
million times its start the run stops and the last frame says it diverged (no frame ever
shows NaN or infinity).

    ex = LearnKernelExplorer()
    ex.rate_slider.value = 0.3
    ex.trace.loss[-1]            # the loss after the last step
    ex.stage.frames[-1]          # what the student sees there

W and W* are coloured on one scale (``ex.scale``, from W at every iteration of the run and
W*), and each frame shows the legend once.

Its words (slider labels, captions, verdicts) are in its ``lang`` (see ``explorers.base``).

No math here: cnnviz.derivation.learning does the descent, cnnviz.render.matrix draws it.
"""
import ipywidgets as widgets
import numpy as np

from ..derivation import learning
from ..render import colour
from ..render import conv as views
from ..render import matrix as mviews
from .base import Explorer, FiniteFloatSlider, Section, SettingError
from .stage import SPEEDS, frame_html

__all__ = ["LearnKernelExplorer"]

MAX_FRAMES_STEPS = 40  # the stage shows at most this many steps (one frame each, plus the start)


class LearnKernelExplorer(Explorer):
    """Gradient descent on W (2-D kernel, no bias) towards a hidden kernel W*, one frame per
    iteration. count, x_shape and seed choose the inputs X (``learning.make_pairs``)."""

    def __init__(self, hidden=None, rate=0.4, steps=7, count=3, x_shape=(5, 5), seed=0,
                 lang=None):
        super().__init__(lang)
        hidden = learning.default_hidden() if hidden is None else hidden
        self.count, self.x_shape, self.seed = count, x_shape, seed
        self._hidden = hidden  # checked (a finite 2-D kernel) by cnnviz.learning
        # The values are checked by cnnviz.learning (a bad one is a message on the stage); a
        # slider can hold only numbers, so anything else is refused here.
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating, np.integer)):
            raise TypeError(self.say("explorer.not_number", name="rate", value=repr(rate)))
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
            raise TypeError(self.say("explorer.not_whole_number", name="steps", value=repr(steps)))
        rate, steps = float(rate), int(steps)
        # one layout and one style for both sliders (each would be a saved widget model)
        layout = widgets.Layout(width="420px")
        style = widgets.SliderStyle(description_width="110px")
        self.rate_slider = FiniteFloatSlider(
            value=rate, min=min(0.0, rate), max=max(1.5, rate), step=0.01,
            description=self.say("learn.rate"), readout_format=".2f", continuous_update=True,
            layout=layout, style=style, lang=self.lang)
        self.rate_slider.add_class("cnnviz-slider")
        self.rate_slider.add_class("cnnviz-slider-rate")
        self.steps_slider = widgets.IntSlider(
            value=steps, min=min(1, steps), max=max(MAX_FRAMES_STEPS, steps),
            description=self.say("learn.steps"), continuous_update=True,
            layout=layout, style=style)
        self.steps_slider.add_class("cnnviz-slider")
        self.steps_slider.add_class("cnnviz-slider-steps")
        self.rate_slider.observe(self.refresh, names="value")
        self.steps_slider.observe(self.refresh, names="value")
        self.trace = None
        self.pairs = []
        self.stable_rate = float("inf")
        self.difference = None
        self.scale = None  # the colour scale of W and W* (colour.scale_for), set by refresh
        self.stage = self.new_stage(css_class="cnnviz-learn-kernel-stage")
        self.stage.interval = SPEEDS["fast"]
        self.root = Section(self, [self.rate_slider, self.steps_slider], [self.stage],
                            self.say("section.learning"), "cnnviz-learn-kernel")
        self.refresh()

    @property
    def hidden(self):
        """The hidden kernel W* (as given)."""
        return self._hidden

    @property
    def rate(self):
        return self.rate_slider.value

    @property
    def steps(self):
        return self.steps_slider.value

    def _recompute(self):
        if self.steps > MAX_FRAMES_STEPS:
            raise SettingError(self.say("learn.too_many", most=MAX_FRAMES_STEPS, steps=self.steps,
                                        function="cnnviz.learning.learn_kernel"))
        self.pairs = learning.make_pairs(self.hidden, self.count, self.x_shape, self.seed)
        self.trace = learning.learn_kernel(self.pairs, self.rate, self.steps)
        self.stable_rate = learning.largest_stable_rate(self.pairs)
        self.difference = learning.largest_difference(self.trace, self.hidden)
        # every W the frames show, and W*: a fixed scale while W moves
        self.scale = colour.scale_for(self.hidden, *self.trace.w[:self.trace.iterations + 1])

    def _frames(self):
        trace, hidden = self.trace, self.hidden
        legend = colour.legend_html(self.scale, self.lang)
        frames, captions = [], []
        for t in range(trace.iterations + 1):
            frames.append(frame_html(mviews.learning_view(trace, t, hidden, self.stable_rate,
                                                          self.difference, scale=self.scale,
                                                          lang=self.lang),
                                     legend))
            captions.append(self.say("learn.caption", t=t, n=trace.iterations,
                                     loss=mviews.loss_text(trace.loss[t]))
                            + (self.say("learn.caption_diverged")
                               if trace.diverged and t == trace.iterations else ""))
        return {self.stage: (frames, captions)}

    def summary(self):
        name = type(self).__name__
        if self.error or self.trace is None:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("summary.no_run_yet"))
        trace = self.trace
        w = "[" + "; ".join(" ".join(views.format_number(v) for v in r) for r in trace.w[-1]) + "]"
        state = (self.say("summary.diverged") if trace.diverged
                 else self.say("summary.steps", n=trace.iterations))
        return self.say("summary.learning", name=name, rate=views.format_number(trace.rate),
                        state=state, first=mviews.loss_text(trace.loss[0]),
                        last=mviews.loss_text(trace.loss[-1]), w=w)
