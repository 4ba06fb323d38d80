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

# Explorers, served on first access from the module that builds them (they import ipywidgets).
_EXPLORERS = {
    "ConvForwardExplorer": ".widgets",
    "ConvBackwardExplorer": ".widgets",
    "PoolForwardExplorer": ".pool_widgets",
    "PoolWindowsExplorer": ".pool_widgets",
    "PoolBackwardExplorer": ".pool_widgets",
    "OutputSizeExplorer": ".general_widgets",
    "MultiChannelExplorer": ".general_widgets",
    "StridedBackwardExplorer": ".general_widgets",
}


def __getattr__(name):
    if name in _EXPLORERS:
        return getattr(importlib.import_module(_EXPLORERS[name], __name__), name)
    raise AttributeError(f"module 'cnnviz' has no attribute {name!r}")
