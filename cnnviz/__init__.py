"""cnnviz: the forward and backward passes of a convolution layer and a max-pooling layer.

The math (``cnnviz.ops``, ``cnnviz.naive``, ``cnnviz.steps``, ``cnnviz.formulas``,
``cnnviz.gradcheck``) needs numpy only. The interactive explorers live in ``cnnviz.widgets``
and are loaded on first use, so ``import cnnviz`` stays light.
"""
import importlib

from . import examples, exercises, formulas, gradcheck, naive, steps
from .ops import (
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
    "output_size",
]

# Names served from cnnviz.widgets on first access (it imports ipywidgets).
_WIDGET_NAMES = {
    "ConvForwardExplorer",
    "ConvBackwardExplorer",
    "PoolForwardExplorer",
    "PoolWindowsExplorer",
    "PoolBackwardExplorer",
}


def __getattr__(name):
    if name in _WIDGET_NAMES:
        return getattr(importlib.import_module(".widgets", __name__), name)
    raise AttributeError(f"module 'cnnviz' has no attribute {name!r}")
