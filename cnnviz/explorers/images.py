"""Feature maps of a real image: classic kernels side by side with the student's own, live.

A test drives it without a browser::

    ex = FeatureMapExplorer()
    ex.w_editor.slider(0, 0).value = -1    # w11 of your kernel
    ex.stage.frame                         # the HTML the student sees: the image and every map

No math here: the maps come from ``cnnviz.derivation.images``, the pictures from
``cnnviz.render.images``. Its words are in its ``lang`` (see ``explorers.base``): the kernels
keep their names in ``maps`` ("your kernel" ...), the view says them in the language.

>>> ex = FeatureMapExplorer()
>>> [m.name for m in ex.maps][-1], ex.maps[-1].y.shape
('your kernel', (7, 7))
>>> ex.w = [[0, 0], [0, 1]]                # picks x_(i+1)(j+1): the image, one pixel off
>>> bool((ex.maps[-1].y == ex.image[1:, 1:]).all())
True
"""
import collections.abc

import ipywidgets as widgets
import numpy as np

from ..derivation import images
from ..render import images as image_views
from ..words import join
from .base import Explorer, MatrixEditor, Section, edited, finite_result, number_text, numbers
from .stage import frame_html

__all__ = ["FeatureMapExplorer"]

YOURS = "your kernel"


def _matrix_text(a):
    return "[" + "; ".join(" ".join(number_text(v) for v in r) for r in np.atleast_2d(a)) + "]"


class FeatureMapExplorer(Explorer):
    """An image (or a stack of them, picked by a slider) and its feature maps, one per kernel:
    the classic ones (``cnnviz.derivation.images.KERNELS`` unless ``kernels`` is given) and
    yours, a 2×2 W on sliders (start: ``w``, a diagonal edge by default).

    image : (H_in, W_in), or (N, H_in, W_in) for N images; default an 8×8 hand-drawn 7.
    """

    def __init__(self, image=None, w=None, kernels=None, low=-3, high=3, lang=None):
        super().__init__(lang)
        stack = images.sample_image() if image is None else numbers(image, "image", self.lang)
        if stack.ndim == 2:
            stack = stack[None]
        if stack.ndim != 3 or 0 in stack.shape:
            raise ValueError(self.say("feature_maps.bad_image", name="image", shape=stack.shape))
        if not np.isfinite(stack).all():
            raise ValueError(self.say("feature_maps.not_finite", name="image"))
        self.images = stack
        if kernels is not None and not isinstance(kernels, collections.abc.Mapping):
            raise TypeError(self.say("feature_maps.not_a_dict", name="kernels",
                                     kind=type(kernels).__name__))
        self.kernels = dict(images.KERNELS if kernels is None else kernels)
        if YOURS in self.kernels:
            raise ValueError(self.say("feature_maps.your_name", yours=repr(YOURS)))
        self.w_editor = MatrixEditor([[1, 0], [0, -1]] if w is None else w, "w",
                                     self.say("images.editor"), low, high,
                                     css_class="cnnviz-editor-w", lang=self.lang)
        self.w_editor.on_change(self.refresh)
        controls = [self.w_editor]
        self.index = None
        if len(stack) > 1:
            self.index = widgets.IntSlider(value=0, min=0, max=len(stack) - 1,
                                           description=self.say("images.image"),
                                           layout=widgets.Layout(width="320px"))
            self.index.add_class("cnnviz-slider-image")
            self.index.observe(self.refresh, names="value")
            controls.insert(0, self.index)
        self.maps = []
        self.stage = self.new_stage(css_class="cnnviz-feature-maps-stage")
        self.root = Section(self, [widgets.VBox(controls)], [self.stage],
                            self.say("section.feature_maps"), "cnnviz-feature-maps")
        with self.speaking():
            self._maps()  # a kernel that does not fit is the caller's error: raise it here
        self.refresh()

    # --- state --------------------------------------------------------------------------
    @property
    def image(self):
        """The image shown (H_in, W_in)."""
        return self.images[0 if self.index is None else self.index.value]

    w = edited("w_editor")

    # --- explorer -----------------------------------------------------------------------
    def _maps(self):
        return images.feature_maps(self.image, {**self.kernels, YOURS: self.w})

    def _recompute(self):
        maps = self._maps()
        for m in maps:  # an entry too large for float64 is a message, never a picture of inf
            kernel = image_views.kernel_name(m.name, self.lang)
            finite_result(self.say("feature_maps.map", kernel=kernel), "y", m.y, self.lang)
        self.maps = maps

    def _frames(self):
        view = image_views.feature_maps_view(self.image, self.maps, yours=YOURS, lang=self.lang)
        number = ("" if self.index is None else
                  self.say("images.caption_of", i=self.index.value + 1, n=len(self.images)))
        caption = self.say("images.caption", count=len(self.maps)) + number
        return {self.stage: ([frame_html(view)], [caption])}

    def summary(self):
        name = type(self).__name__
        if self.error or not self.maps:
            return self.say("summary.error", name=name,
                            error=self.error or self.say("summary.no_maps_yet"))
        h, w = self.image.shape
        sizes = join((self.say("summary.map_size", map=image_views.kernel_name(m.name, self.lang),
                               h=m.y.shape[0], w=m.y.shape[1]) for m in self.maps), self.lang)
        return self.say("summary.feature_maps", name=name, h=h, w=w, yours=_matrix_text(self.w),
                        sizes=sizes)
