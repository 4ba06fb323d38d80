"""Bad input to the operations: a clear error naming the fault, before any large allocation.

Each case here once got a wrong answer, a numpy error from deep inside, or gigabytes of
memory; now each gets a ValueError or TypeError that names the argument (and the size and the
limit, for work that is too large). Both implementations (vectorized and loops) agree.
"""
import itertools
import resource
import time

import numpy as np
import pytest

from cnnviz import naive, ops
from cnnviz.layers._args import MAX_NUMBERS

IMPLEMENTATIONS = [ops, naive]


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_a_kernel_with_an_empty_dimension_is_refused(impl):
    with pytest.raises(ValueError, match=r"w has shape \(0, 0\): every dimension must be at least 1"):
        impl.conv2d_forward(np.ones((3, 3)), np.zeros((0, 0)), 0.0)
    with pytest.raises(ValueError, match=r"w has shape \(2, 0\)"):
        impl.conv2d_backward(np.ones((2, 2)), np.ones((3, 3)), np.zeros((2, 0)), 0.0)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("shape", [(0, 1, 3, 3), (2, 0, 3, 3), (0, 0)])
def test_pooling_an_empty_batch_or_no_channel_is_a_clear_error(impl, shape):
    x = np.zeros(shape)
    with pytest.raises(ValueError, match=r"x has shape .*: every dimension must be at least 1"):
        impl.maxpool2d_backward(np.zeros(shape[:-2] + (2, 2)), x)
    with pytest.raises(ValueError, match="every dimension must be at least 1"):
        impl.maxpool2d_forward(x)


@pytest.mark.parametrize("call", [
    lambda: ops.conv2d_forward(np.ones((3, 3)), np.ones((2, 2)), 0.0, padding=5000),
    lambda: ops.conv2d_backward(np.ones((10002, 10002)), np.ones((3, 3)), np.ones((2, 2)), 0.0,
                                padding=5000),
    lambda: ops.conv2d_forward(np.ones((3, 3)), np.ones((2, 2)), 0.0, padding=10**30),
    lambda: ops.maxpool2d_forward(np.zeros((12000, 12000))),
    lambda: ops.maxpool2d_backward(np.zeros((5000, 5000)), np.zeros((5001, 5001))),
    lambda: naive.conv2d_forward(np.ones((3, 3)), np.ones((2, 2)), 0.0, padding=5000),
])
def test_work_beyond_the_limit_is_refused_before_it_is_allocated(call):
    before, started = _peak_mb(), time.perf_counter()
    with pytest.raises(ValueError, match=rf"numbers, more than the {MAX_NUMBERS:,} \(256 MiB\)"):
        call()
    assert time.perf_counter() - started < 5
    assert _peak_mb() - before < 1500  # the refused work was never laid out


def test_work_just_under_the_limit_runs():
    x = np.ones((1, 1, 64, 64))
    assert ops.conv2d_forward(x, np.ones((1, 1, 3, 3)), 0.0, padding=1).shape == (1, 1, 64, 64)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("name", ["stride", "padding", "dilation"])
def test_an_iterator_is_not_a_stride_and_is_never_read_to_its_end(impl, name):
    endless = itertools.count(1)
    with pytest.raises(TypeError, match=rf"{name} must be an int or a \(rows, cols\) pair of ints"):
        impl.conv2d_forward(np.ones((3, 3)), np.ones((2, 2)), 0.0, **{name: endless})
    assert next(endless) == 1  # untouched


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_ties_must_be_one_of_the_policies_even_as_an_array(impl):
    for ties in (np.array(["first", "all"]), ["first"], None, 1):
        with pytest.raises(ValueError, match=r"ties must be one of \('first', 'all', 'split'\)"):
            impl.maxpool2d_backward(np.ones((2, 2)), np.arange(9.0).reshape(3, 3), ties=ties)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_a_masked_array_is_refused_not_silently_unmasked(impl):
    x = np.ma.masked_array(np.arange(9.0).reshape(3, 3), mask=np.eye(3))
    with pytest.raises(TypeError, match=r"x is a masked array: its mask would be ignored"):
        impl.maxpool2d_forward(x)
    with pytest.raises(TypeError, match="w is a masked array"):
        impl.conv2d_forward(np.ones((3, 3)), np.ma.masked_array(np.ones((2, 2))), 0.0)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("bad, words", [
    (np.array([[1, 2], [3, 4]], dtype="timedelta64[s]"), "dtype timedelta64"),
    (np.array([["2020-01-01"] * 2] * 2, dtype="datetime64[D]"), "must hold"),
    (np.ones((2, 2), dtype=complex), "complex"),
    (np.array([[1, None], [2, 3]], dtype=object), "None"),
])
def test_non_real_dtypes_get_a_type_error(impl, bad, words):
    with pytest.raises(TypeError, match=words):
        impl.maxpool2d_forward(np.pad(bad, ((0, 1), (0, 1)), mode="edge") if bad.dtype.kind == "m"
                               else bad, size=1)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int8, np.uint16, bool])
def test_every_real_dtype_comes_back_float64_with_the_same_numbers(dtype):
    x = (np.arange(16).reshape(4, 4) % 2).astype(dtype)
    w = np.ones((2, 2), dtype=dtype)
    y = ops.conv2d_forward(x, w, 0.0)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, ops.conv2d_forward(x.astype(float), w.astype(float), 0.0))
    dx = ops.maxpool2d_backward(np.ones((3, 3), dtype=dtype), x)
    assert dx.dtype == np.float64


@pytest.mark.parametrize("ties", ["first", "all", "split"])
@pytest.mark.parametrize("size, stride", [(2, 1), (3, 1), (2, 2), (3, 2), ((2, 3), (1, 2))])
def test_fast_max_pooling_agrees_with_the_loops_for_every_tie_policy(ties, size, stride):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 3, size=(2, 3, 7, 8)).astype(float)  # many ties
    y = ops.maxpool2d_forward(x, size, stride)
    np.testing.assert_array_equal(y, naive.maxpool2d_forward(x, size, stride))
    dy = rng.normal(size=y.shape)
    np.testing.assert_allclose(ops.maxpool2d_backward(dy, x, size, stride, ties=ties),
                               naive.maxpool2d_backward(dy, x, size, stride, ties=ties),
                               rtol=1e-12, atol=1e-12)
