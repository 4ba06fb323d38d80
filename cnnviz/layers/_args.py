"""Argument checking shared by the fast ops and the naive loops (numpy only).

Nothing here computes a layer; it turns what a student passes in (ints, nested lists,
scalars, pairs) into float64 arrays and validated (rows, cols) pairs, and raises a
``ValueError`` / ``TypeError`` that names the shapes or values at fault.
"""
import numbers
from typing import NamedTuple

import numpy as np

TIE_POLICIES = ("first", "all", "split")

# The most numbers one array of an operation may hold: its input (padded), its output, or its
# windows laid out one by one (what the backward passes and the pooling masks build). 2**25
# float64 numbers are 256 MiB. Work beyond it is refused before anything is allocated.
MAX_NUMBERS = 2**25


def as_array(value, name):
    """``value`` as a float64 array; a clear TypeError for anything non-numeric.

    float16 / float32 / integer input comes back as float64 (the operations compute in it).
    """
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{name} is a masked array: its mask would be ignored; pass "
                        f"{name}.filled(value) with the value masked entries should take")
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        # Name the first entry that is not a real number (None, "a", ...), not just entry 0.
        bad = [v for v in arr.ravel().tolist() if not isinstance(v, numbers.Real)]
        if arr.size and not bad:
            within_limit(arr.size, name)
            return arr.astype(np.float64)  # Python ints too big for int64, Fractions, ...
        raise TypeError(
            f"{name} must hold numbers only, got an entry {bad[0]!r} of type "
            f"{type(bad[0]).__name__}" if bad else f"{name} must hold numbers"
        )
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must hold real numbers, got complex values")
    if arr.dtype.kind not in "biuf":  # timedelta64 counts as a number for numpy
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    within_limit(arr.size, name)
    return arr.astype(np.float64, copy=False)


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
        raise TypeError(f"{name} must be an int or a (rows, cols) pair of ints, got {value!r}")
    if len(items) != 2 or not all(_is_int(v) for v in items):
        raise TypeError(f"{name} must be an int or a (rows, cols) pair of ints, got {value!r}")
    items = tuple(int(v) for v in items)
    if min(items) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return items


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def not_empty(arr, name):
    """``arr`` if no dimension is 0 (an empty batch, channel or kernel computes nothing)."""
    if 0 in arr.shape:
        raise ValueError(f"{name} has shape {arr.shape}: every dimension must be at least 1")
    return arr


def within_limit(count, what):
    """Refuse work of more than MAX_NUMBERS numbers in one array, before allocating it."""
    if count > MAX_NUMBERS:
        raise ValueError(f"{what} would hold {count:,} numbers, more than the {MAX_NUMBERS:,} "
                         f"(256 MiB) this package works with: use smaller inputs")


def input_4d(x, name="x"):
    """x as (N, C, H, W) and whether the caller passed the derivation's 2-D form."""
    x = not_empty(as_array(x, name), name)
    if x.ndim == 2:
        return x[None, None], True
    if x.ndim == 4:
        return x, False
    raise ValueError(f"{name} must be 2-D (H, W) or 4-D (N, C, H, W), got shape {x.shape}")


def kernel_4d(w, two_d):
    """w as (F, C, KH, KW); it must have as many dimensions as x."""
    w = not_empty(as_array(w, "w"), "w")
    want = 2 if two_d else 4
    if w.ndim != want:
        layout = "(KH, KW)" if two_d else "(F, C, KH, KW)"
        raise ValueError(
            f"w must be {want}-D {layout} to match a {want}-D x, got shape {w.shape}"
        )
    return w[None, None] if two_d else w


def check_channels(x4, w4):
    """x (N, C, H, W) and w (F, C, KH, KW) must agree on C."""
    if x4.shape[1] != w4.shape[1]:
        raise ValueError(
            f"channel mismatch: x has C={x4.shape[1]} channels (shape {x4.shape}) but w expects "
            f"C={w4.shape[1]} (shape {w4.shape})"
        )


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
    """(HO, WO) = (H + 2*padding - dilation*(K - 1) - 1) // stride + 1, checked."""
    span = window_span(kernel, dilation)
    padded = tuple(s + 2 * p for s, p in zip(size, padding))
    if span[0] > padded[0] or span[1] > padded[1]:
        dil = "" if dilation == (1, 1) else f" with dilation {dilation}"
        raise ValueError(
            f"{what} {kernel[0]}x{kernel[1]}{dil} spans {span[0]}x{span[1]}, larger than the "
            f"padded input {padded[0]}x{padded[1]} (input {size[0]}x{size[1]}, padding {padding})"
        )
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
        expected = f"a scalar (shared) or {tuple(out_hw)} (one per output position)"
    else:
        if shape == (filters,) or (b.ndim == 0):
            return np.broadcast_to(b, (filters,)).copy(), False, shape
        if shape == (filters, *out_hw):
            return b, True, shape
        expected = (
            f"a scalar or ({filters},) (shared per output channel) or "
            f"{(filters, *out_hw)} (one per output position)"
        )
    raise ValueError(f"b has shape {shape}, which fits neither bias mode: expected {expected}")


def ties_policy(ties):
    if not isinstance(ties, str) or ties not in TIE_POLICIES:
        raise ValueError(f"ties must be one of {TIE_POLICIES}, got {ties!r}")
    return ties


def gradient_like(dy, expected_shape, name="dy"):
    dy = as_array(dy, name)
    if dy.shape != tuple(expected_shape):
        raise ValueError(
            f"{name} has shape {dy.shape} but the layer's output y has shape {tuple(expected_shape)}"
        )
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
        raise ValueError(f"x must be 2-D (H, W) or 4-D (N, C, H, W), got shape {x.shape}")
    not_empty(x, "x")
    if np.isnan(x).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(x))[0])
        why = ("max pooling compares the values of a window, and NaN is neither larger nor "
               "smaller than any number" if kind == "max" else
               "the average of a window that holds NaN is NaN, and so would be its gradient's "
               "check")
        raise ValueError(f"x has NaN at index {where}: {why}")
    size = pair(size, "size", 1)
    stride = pair(stride, "stride", 1)
    out_hw = output_shape(x.shape[-2:], size, stride, what="pooling window")
    lead = x.size // (x.shape[-2] * x.shape[-1])
    within_limit(lead * out_hw[0] * out_hw[1] * size[0] * size[1], "the windows, one by one,")
    return PoolArguments(x, size, stride, out_hw)
