"""Argument checking shared by the fast ops and the naive loops (numpy and the catalog of
words, a pure-Python data module).

Nothing here computes a layer; it turns what a student passes in (ints, nested lists,
scalars, pairs) into float64 arrays and validated (rows, cols) pairs, and raises a
``ValueError`` / ``TypeError`` that names the shapes or values at fault, in the notebook's
language (``cnnviz.words``, entries "args.*"; the checks that pass never call it).
"""
import numbers
from typing import NamedTuple

import numpy as np

from ..words import say

TIE_POLICIES = ("first", "all", "split")

# The most numbers one array of an operation may hold: its input (padded), its output, or its
# windows laid out one by one (what the backward passes and the pooling masks build). 2**25
# float64 numbers are 256 MiB. Work beyond it is refused before anything is allocated.
MAX_NUMBERS = 2**25

# What callers of ``within_limit`` / ``output_shape`` name in words, and the catalog entry that
# says it in the notebook's language; a Python name (x, w, dy) stays as it is.
WHATS = {
    "the padded input": "args.padded_input",
    "the output": "args.output",
    "the windows, one by one,": "args.windows",
    "the matrix C": "args.matrix_c",
    "kernel": "args.kernel",
    "pooling window": "args.pooling_window",
}


def _in_words(what):
    return say(WHATS[what]) if what in WHATS else what


def as_array(value, name):
    """``value`` as a float64 array; a clear TypeError for anything non-numeric.

    float16 / float32 / integer input comes back as float64 (the operations compute in it).
    """
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(say("args.masked", name=name, call=f"{name}.filled(value)"))
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(say("args.ragged", name=name, where=ragged_place(value, name) or err)) from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        # Name the first entry that is not a real number (None, "a", ...), not just entry 0,
        # as the student wrote it: numpy turns [[1, "a"]] into strings, "1" included.
        bad = [v for v in _entries(value) if not isinstance(v, numbers.Real)]
        if arr.size and not bad:
            within_limit(arr.size, name)
            return arr.astype(np.float64)  # Python ints too big for int64, Fractions, ...
        if bad:
            raise TypeError(say("args.not_numbers", name=name, entry=bad[0],
                                kind=type(bad[0]).__name__))
        raise TypeError(say("args.no_numbers", name=name))
    if np.iscomplexobj(arr):
        raise TypeError(say("args.complex", name=name))
    if arr.dtype.kind not in "biuf":  # timedelta64 counts as a number for numpy
        raise TypeError(say("args.dtype", name=name, dtype=arr.dtype))
    within_limit(arr.size, name)
    return arr.astype(np.float64, copy=False)


def _is_list(value):
    return isinstance(value, (list, tuple)) or isinstance(value, np.ndarray) and value.ndim > 0


def _entries(value):
    """The entries of nested lists (or of an array), one by one, as they were given."""
    if not _is_list(value):
        yield value.item() if isinstance(value, np.ndarray) else value
        return
    for item in value:
        yield from _entries(item)


def ragged_place(value, name):
    """Where nested lists ``value`` (called ``name``) stop being rectangular, in words
    ("x[1] has length 2 but x[0] has length 3"), or "" if they are rectangular.

    >>> from cnnviz.i18n import using
    >>> with using("en"):
    ...     ragged_place([[1, 2, 3], [4, 5]], "x"), ragged_place([[1, [2]], [3, 4]], "x")
    ('x[1] has length 2 but x[0] has length 3', 'x[0][1] is a list but x[0][0] is a number')
    """
    level = [(name, value)]
    while level:
        lists = [(path, item) for path, item in level if _is_list(item)]
        if not lists:
            return ""
        if len(lists) < len(level):
            number = next(path for path, item in level if not _is_list(item))
            return say("args.ragged_mixed", first=lists[0][0], other=number)
        first_path, first = lists[0]
        for path, item in lists[1:]:
            if len(item) != len(first):
                return say("args.ragged_lengths", first=path, n=len(item), other=first_path,
                           m=len(first))
        level = [(f"{path}[{i}]", entry) for path, item in lists for i, entry in enumerate(item)]
    return ""


def pair(value, name, minimum):
    """An int or a (rows, cols) pair of ints, each >= ``minimum``; returns a tuple."""
    if type(value) is int and value >= minimum:  # the common case, checked fast
        return value, value
    if (type(value) is tuple and len(value) == 2 and type(value[0]) is int
            and type(value[1]) is int and min(value) >= minimum):
        return value
    if _is_int(value):
        items = (value, value)
    elif isinstance(value, (tuple, list, np.ndarray)) and np.ndim(value) == 1:
        items = tuple(value)
    else:  # an iterator could be endless: only a pair that is there
        raise TypeError(say("args.not_pair", name=name, value=value))
    if len(items) != 2 or not all(_is_int(v) for v in items):
        raise TypeError(say("args.not_pair", name=name, value=value))
    items = tuple(int(v) for v in items)
    if min(items) < minimum:
        raise ValueError(say("args.too_small", name=name, minimum=minimum, value=value))
    return items


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def not_empty(arr, name):
    """``arr`` if no dimension is 0 (an empty batch, channel or kernel computes nothing)."""
    if 0 in arr.shape:
        raise ValueError(say("args.empty", name=name, shape=arr.shape))
    return arr


def within_limit(count, what):
    """Refuse work of more than MAX_NUMBERS numbers in one array, before allocating it.

    ``what``: a Python name (x, w) or one of the phrases of ``WHATS``."""
    if count > MAX_NUMBERS:
        raise ValueError(say("args.too_many", what=_in_words(what), count=f"{count:,}",
                             limit=f"{MAX_NUMBERS:,}", mib=MAX_NUMBERS * 8 // 2**20))


def input_4d(x, name="x"):
    """x as (N, C, H, W) and whether the caller passed the derivation's 2-D form."""
    x = not_empty(as_array(x, name), name)
    if x.ndim == 2:
        return x[None, None], True
    if x.ndim == 4:
        return x, False
    raise ValueError(say("args.not_2d_4d", name=name, shape=x.shape))


def kernel_4d(w, two_d):
    """w as (F, C, KH, KW); it must have as many dimensions as x."""
    w = not_empty(as_array(w, "w"), "w")
    want = 2 if two_d else 4
    if w.ndim != want:
        layout = "(KH, KW)" if two_d else "(F, C, KH, KW)"
        raise ValueError(say("args.kernel_dims", want=want, layout=layout, shape=w.shape))
    return w[None, None] if two_d else w


def check_channels(x4, w4):
    """x (N, C, H, W) and w (F, C, KH, KW) must agree on C."""
    if x4.shape[1] != w4.shape[1]:
        raise ValueError(say("args.channels", cx=x4.shape[1], x_shape=x4.shape, cw=w4.shape[1],
                             w_shape=w4.shape))


def window_span(kernel, dilation):
    """How many input rows/cols one dilated window covers: dilation*(k - 1) + 1."""
    return tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))


def zero_padded(x, padding):
    """x (H, W) with (ph, pw) rows/cols of zeros on every side (np.pad, without the cost of
    its generality: explorers pad on every slider move)."""
    (ph, pw), (h, w) = padding, np.shape(x)
    padded = np.zeros((h + 2 * ph, w + 2 * pw))
    padded[ph:ph + h, pw:pw + w] = x
    return padded


def output_shape(size, kernel, stride=(1, 1), padding=(0, 0), dilation=(1, 1), what="kernel"):
    """(HO, WO) = (H + 2*padding - dilation*(K - 1) - 1) // stride + 1, checked.

    ``what`` names the window in the message: "kernel" or "pooling window" (``WHATS``)."""
    span = window_span(kernel, dilation)
    padded = tuple(s + 2 * p for s, p in zip(size, padding))
    if span[0] > padded[0] or span[1] > padded[1]:
        dil = "" if dilation == (1, 1) else say("args.with_dilation", dilation=dilation)
        raise ValueError(say("args.too_large", what=_in_words(what), kh=kernel[0], kw=kernel[1],
                             dilation=dil, sh=span[0], sw=span[1], ph=padded[0], pw=padded[1],
                             h=size[0], w=size[1], padding=padding))
    return tuple((p - s) // st + 1 for p, s, st in zip(padded, span, stride))


def bias_4d(b, filters, out_hw, two_d):
    """b as (F,) for a shared bias or (F, HO, WO) for one bias per output position.

    Returns (bias, per_position, original_shape).
    """
    b = as_array(b, "b")
    shape = b.shape
    if two_d:
        if b.ndim == 0 or shape == (1,):
            return b.reshape(1), False, shape
        if shape == tuple(out_hw):
            return b[None], True, shape
        expected = say("args.bias_2d", out=tuple(out_hw))
    else:
        if shape == (filters,) or (b.ndim == 0):
            return np.broadcast_to(b, (filters,)).copy(), False, shape
        if shape == (filters, *out_hw):
            return b, True, shape
        expected = say("args.bias_4d", filters=filters, full=(filters, *out_hw))
    raise ValueError(say("args.bias_shape", shape=shape, expected=expected))


def ties_policy(ties):
    if not isinstance(ties, str) or ties not in TIE_POLICIES:
        raise ValueError(say("args.one_of", name="ties", choices=TIE_POLICIES, value=ties))
    return ties


def gradient_like(dy, expected_shape, name="dy"):
    dy = as_array(dy, name)
    if dy.shape != tuple(expected_shape):
        raise ValueError(say("args.gradient_shape", name=name, shape=dy.shape,
                             want=tuple(expected_shape)))
    return dy


class ConvArguments(NamedTuple):
    """A convolution's arguments, checked and in the general layout."""

    x: np.ndarray  # (N, C, H, W), float64
    w: np.ndarray  # (F, C, KH, KW)
    bias: np.ndarray  # (F,) shared per channel, or (F, HO, WO) one per output position
    per_position: bool
    b_shape: tuple  # the shape b came in: db is returned in it
    stride: tuple
    padding: tuple
    dilation: tuple
    out_hw: tuple  # (HO, WO)
    two_d: bool  # the caller passed the derivation's 2-D form


def conv_arguments(x, w, b, stride, padding, dilation):
    """Check every argument of a convolution; raise a clear error at the first fault."""
    x4, two_d = input_4d(x)
    w4 = kernel_4d(w, two_d)
    stride = pair(stride, "stride", 1)
    padding = pair(padding, "padding", 0)
    dilation = pair(dilation, "dilation", 1)
    check_channels(x4, w4)
    out_hw = output_shape(x4.shape[2:], w4.shape[2:], stride, padding, dilation)
    (n, c, h, w_), (f, _, kh, kw) = x4.shape, w4.shape
    within_limit(n * c * (h + 2 * padding[0]) * (w_ + 2 * padding[1]), "the padded input")
    within_limit(n * f * out_hw[0] * out_hw[1], "the output")
    within_limit(n * c * out_hw[0] * out_hw[1] * kh * kw, "the windows, one by one,")
    bias, per_position, b_shape = bias_4d(b, w4.shape[0], out_hw, two_d)
    return ConvArguments(x4, w4, bias, per_position, b_shape, stride, padding, dilation,
                         out_hw, two_d)


class PoolArguments(NamedTuple):
    """A max-pool's arguments, checked; x keeps the layout it came in, (H, W) or (N, C, H, W)."""

    x: np.ndarray
    size: tuple
    stride: tuple
    out_hw: tuple  # (HO, WO)


def pool_arguments(x, size, stride, kind="max"):
    """Check the arguments of a pooling layer (``kind``: "max" or "average"); raise a clear
    error at the first fault."""
    x = as_array(x, "x")
    if x.ndim not in (2, 4):
        raise ValueError(say("args.not_2d_4d", name="x", shape=x.shape))
    not_empty(x, "x")
    if np.isnan(x).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(x))[0])
        why = say("args.nan_max" if kind == "max" else "args.nan_average")
        raise ValueError(say("args.nan", where=where, why=why))
    size = pair(size, "size", 1)
    stride = pair(stride, "stride", 1)
    out_hw = output_shape(x.shape[-2:], size, stride, what="pooling window")
    lead = x.size // (x.shape[-2] * x.shape[-1])
    within_limit(lead * out_hw[0] * out_hw[1] * size[0] * size[1], "the windows, one by one,")
    return PoolArguments(x, size, stride, out_hw)
