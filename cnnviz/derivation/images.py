"""Feature maps: one small image convolved with a few classic kernels. Numpy only.

A feature map is the output Y of a convolution layer with no bias, here for a picture: each
y_ij says how strongly the window X'_ij looks like the kernel W. An edge kernel gives large
values (of either sign) where the brightness changes across it, and near 0 where the image
is flat; a blur kernel gives the window's mean.

Per axis: H_out = H_in - K + 1 (stride 1, no padding).

>>> step = np.zeros((3, 4)); step[:, 2:] = 1        # dark left half, bright right half
>>> feature_maps(step, {"vertical edge": KERNELS["vertical edge"]})[0].y
array([[0., 2., 0.],
       [0., 2., 0.]])
"""
from dataclasses import dataclass

import numpy as np

from ..layers import _args
from ..layers import ops
from ..words import say

__all__ = ["KERNELS", "KERNEL_NAMES", "FeatureMap", "feature_maps", "kernel_name", "sample_image"]

# Classic kernels, 2×2 and 3×3 (a blur: every weight 1/9, the window's mean). With ink = large values: an edge kernel is positive where the
# image gets brighter (more ink) to the right (vertical edge) or downwards (horizontal edge).
KERNELS = {
    "vertical edge": np.array([[-1., 1.], [-1., 1.]]),
    "horizontal edge": np.array([[-1., -1.], [1., 1.]]),
    "blur": np.full((3, 3), 1 / 9),
}

# The catalog's names of the classic kernels and of the explorer's own (cnnviz.explorers.images).
KERNEL_NAMES = {"vertical edge": "images.vertical_edge", "horizontal edge": "images.horizontal_edge",
                "blur": "images.blur", "your kernel": "images.your_kernel"}


def kernel_name(name, lang=None):
    """A kernel's name in ``lang`` (default: the current language): the classic ones from the
    catalog, any other as given.

    >>> kernel_name("vertical edge", "zh"), kernel_name("blur", "en"), kernel_name("mine", "zh")
    ('竖直边缘', 'blur', 'mine')
    """
    return say(KERNEL_NAMES[name], lang) if name in KERNEL_NAMES else name


@dataclass(frozen=True)
class FeatureMap:
    """One kernel's output: its name, the kernel W (KH, KW) and the map Y (H_out, W_out)."""

    name: str
    kernel: np.ndarray
    y: np.ndarray


def feature_maps(image, kernels):
    """The feature map of ``image`` (H_in, W_in) for every kernel of ``kernels`` (name -> W),
    in order: y = conv2d_forward(image, W, 0), of shape (H_in - KH + 1, W_in - KW + 1).

    A kernel larger than the image, or anything that is not a 2-D array of finite numbers,
    is a ValueError / TypeError naming it.
    """
    image = _finite_2d(image, say("images.the_image"))
    if not kernels:
        raise ValueError(say("images.no_kernels", name="kernels"))
    maps = []
    for name, kernel in kernels.items():
        shown = repr(kernel_name(name))
        the_kernel = say("images.the_kernel", name=shown)
        kernel = _finite_2d(kernel, the_kernel)
        if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
            raise ValueError(say("images.too_large", kernel=the_kernel, kh=kernel.shape[0],
                                 kw=kernel.shape[1], h=image.shape[0], w=image.shape[1]))
        maps.append(FeatureMap(name, kernel, ops.conv2d_forward(image, kernel, 0.0)))
    return maps


def _finite_2d(value, name):
    array = _args.as_array(value, name)
    if array.ndim != 2 or 0 in array.shape:
        raise ValueError(say("images.not_2d", what=name, shape=array.shape))
    if not np.isfinite(array).all():
        raise ValueError(say("images.not_finite", what=name))
    return array


def sample_image():
    """An 8×8 handwritten-looking 7, ink from 0 (paper) to 16 (full ink), as in scikit-learn's
    digits (drawn here by hand, so that the package needs no data set).

    >>> sample_image().shape, float(sample_image().max())
    ((8, 8), 16.0)
    """
    return np.array([
        [0, 3, 12, 16, 16, 16, 9, 0],
        [0, 2, 7, 6, 8, 16, 7, 0],
        [0, 0, 0, 0, 10, 13, 0, 0],
        [0, 0, 0, 4, 16, 5, 0, 0],
        [0, 0, 0, 12, 11, 0, 0, 0],
        [0, 0, 4, 16, 4, 0, 0, 0],
        [0, 0, 10, 13, 0, 0, 0, 0],
        [0, 0, 13, 6, 0, 0, 0, 0],
    ], dtype=float)
