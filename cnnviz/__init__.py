"""cnnviz: the forward and backward passes of a convolution layer and a max-pooling layer.

The package is split by concern; each part imports only the parts above it:

- ``cnnviz.layers``: the operations in numpy (``ops``), the same as plain loops (``naive``),
  step-by-step traces (``steps``) and finite differences (``gradcheck``). numpy, and the
  catalog's ``say`` for the words of their ValueErrors.
- ``cnnviz.derivation``: the derivation's formulas, its matrix form, the geometry of windows,
  the pitfalls, the chain conv -> pool -> loss, a tiny CNN, exercises and the worked examples.
- ``cnnviz.render``: state -> HTML (and matplotlib figures). No widgets.
- ``cnnviz.explorers``: the stages (stepping in the browser) and the explorers (sliders).
- ``cnnviz.i18n`` (which language: English or Chinese) and ``cnnviz.words`` (the catalog of
  every word the package shows a student, in both), used by all of the above.

Every module a notebook uses is reachable right after ``import cnnviz`` (``cnnviz.steps``,
``cnnviz.pitfalls``, ...). The explorers import ipywidgets and load on first use.
"""
import importlib

from . import i18n, words
from .derivation import (chain, examples, exercises, formulas, geometry, learning, matrix_form,
                         pitfalls, tinycnn)
from .layers import gradcheck, naive, ops, steps
from .layers.ops import (
    avgpool2d_backward,
    avgpool2d_forward,
    conv2d_backward,
    conv2d_forward,
    maxpool2d_backward,
    maxpool2d_forward,
    maxpool2d_masks,
    output_size,
)

__all__ = [
    "conv2d_forward",
    "conv2d_backward",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "maxpool2d_masks",
    "avgpool2d_forward",
    "avgpool2d_backward",
    "output_size",
]

# Explorers, served on first access from the module that builds them (they import ipywidgets).
_EXPLORERS = {
    "ConvForwardExplorer": ".explorers.conv",
    "ConvBackwardExplorer": ".explorers.conv",
    "PoolForwardExplorer": ".explorers.pool",
    "PoolWindowsExplorer": ".explorers.pool",
    "PoolBackwardExplorer": ".explorers.pool",
    "OutputSizeExplorer": ".explorers.general",
    "MultiChannelExplorer": ".explorers.general",
    "StridedBackwardExplorer": ".explorers.general",
    "FeatureMapExplorer": ".explorers.images",
    "MatrixFormExplorer": ".explorers.matrix",
    "LearnKernelExplorer": ".explorers.learning",
    "ChainExplorer": ".explorers.chain",
}
# Modules that import matplotlib, also on first use.
_LAZY_MODULES = {"plots": ".render.plots"}


def __getattr__(name):
    if name in _EXPLORERS:
        return getattr(importlib.import_module(_EXPLORERS[name], __name__), name)
    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name], __name__)
    raise AttributeError(f"module 'cnnviz' has no attribute {name!r}")
