"""The average-pooling traces (cnnviz.layers.avg_steps), step by step, against plain loops and
the package's ops: each window's sum and mean, the uniform mask 1/size², shares ADDED where
windows overlap, and the last step equal to ``avgpool2d_forward`` / ``avgpool2d_backward``."""
import subprocess
import sys

import numpy as np
import pytest

from cnnviz import naive, ops
from cnnviz.layers import avg_steps

SETTINGS = [((3, 3), 2, 1), ((4, 4), 2, 2), ((5, 5), 3, 2), ((6, 7), 3, 1), ((5, 6), 2, 3),
            ((4, 5), 1, 1), ((4, 4), 4, 1), ((5, 7), (2, 3), (1, 2))]


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def loop_windows(shape, size, stride):
    """(i, j, rows, cols) of every window, row-major, written out with loops."""
    (kh, kw), (sh, sw) = _pair(size), _pair(stride)
    found = []
    i = 0
    while i * sh + kh <= shape[0]:
        j = 0
        while j * sw + kw <= shape[1]:
            found.append((i, j, list(range(i * sh, i * sh + kh)), list(range(j * sw, j * sw + kw))))
            j += 1
        i += 1
    return found


@pytest.mark.parametrize("shape, size, stride", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_forward_trace_sums_and_means_every_window(shape, size, stride):
    rng = np.random.default_rng(sum(shape))
    x = rng.integers(-9, 10, size=shape).astype(float)
    trace = avg_steps.avgpool_forward_steps(x, size, stride)
    windows = loop_windows(shape, size, stride)
    assert len(trace) == len(windows)
    count = _pair(size)[0] * _pair(size)[1]
    for t, (step, (i, j, rows, cols)) in enumerate(zip(trace, windows)):
        assert (step.k, step.i, step.j) == (t + 1, i, j)
        assert step.rows.tolist() == rows and step.cols.tolist() == cols
        total = sum(x[r, c] for r in rows for c in cols)
        assert step.total == total and step.count == count
        assert step.y == pytest.approx(total / count, rel=1e-12)
        assert np.array_equal(step.window, x[np.ix_(rows, cols)])
        assert not step.in_padding.any()
        later = np.arange(step.Y.size).reshape(step.Y.shape) > t
        assert np.isnan(step.Y[later]).all() and not np.isnan(step.Y[~later]).any()
    assert np.array_equal(trace[-1].Y, ops.avgpool2d_forward(x, size, stride))
    np.testing.assert_allclose(trace[-1].Y, naive.avgpool2d_forward(x, size, stride), rtol=1e-12)


@pytest.mark.parametrize("shape, size, stride", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_backward_trace_spreads_uniform_shares_and_adds_them(shape, size, stride):
    rng = np.random.default_rng(sum(shape) + 1)
    x = rng.integers(-9, 10, size=shape).astype(float)
    windows = loop_windows(shape, size, stride)
    out = (windows[-1][0] + 1, windows[-1][1] + 1)
    dy = rng.integers(-5, 6, size=out).astype(float)
    trace = avg_steps.avgpool_backward_steps(dy, x, size, stride)
    count = _pair(size)[0] * _pair(size)[1]
    running, covers = np.zeros(shape), np.zeros(shape, dtype=int)
    total_covers = np.zeros(shape, dtype=int)
    for _, _, rows, cols in windows:
        total_covers[np.ix_(rows, cols)] += 1
    for step, (i, j, rows, cols) in zip(trace, windows):
        assert np.all(step.mask == 1 / count) and step.mask.shape == _pair(size)
        assert step.grad == dy[i, j]
        np.testing.assert_allclose(step.local_grad, np.full(_pair(size), dy[i, j] / count))
        added = np.zeros(shape)
        added[np.ix_(rows, cols)] = dy[i, j] / count
        np.testing.assert_allclose(step.dx_add, added)
        running += added  # +=, never =
        covers[np.ix_(rows, cols)] += 1
        np.testing.assert_allclose(step.dX, running)
        assert np.array_equal(step.covers, covers)
        assert np.array_equal(step.covers_total, total_covers)
    np.testing.assert_allclose(trace[-1].dX, ops.avgpool2d_backward(dy, x, size, stride),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace[-1].dX, naive.avgpool2d_backward(dy, x, size, stride),
                               rtol=1e-12, atol=1e-12)


def test_overlapping_windows_add_at_the_centre_of_the_derivations_case():
    """x22 is in all four windows: after step t it holds the shares of windows 1 .. t+1."""
    dy = np.array([[1.0, 2.0], [-1.0, 3.0]])
    trace = avg_steps.avgpool_backward_steps(dy, np.zeros((3, 3)))
    assert [s.dX[1, 1] for s in trace] == [0.25, 0.75, 0.5, 1.25]
    assert [int(s.covers[1, 1]) for s in trace] == [1, 2, 3, 4]
    assert trace[-1].dX[1, 0] == 0  # x21: 1/4 from X'1, -1/4 from X'3


def test_tiling_windows_send_each_share_once():
    dy = np.arange(1.0, 5.0).reshape(2, 2)
    trace = avg_steps.avgpool_backward_steps(dy, np.zeros((4, 4)), size=2, stride=2)
    assert trace[-1].covers.max() == 1
    np.testing.assert_allclose(trace[-1].dX, np.kron(dy, np.ones((2, 2))) / 4)


def test_records_are_read_only():
    trace = avg_steps.avgpool_backward_steps(np.ones((2, 2)), np.zeros((3, 3)))
    for name in ("mask", "local_grad", "dx_add", "dX", "covers", "window"):
        with pytest.raises(ValueError):
            getattr(trace[0], name)[0, 0] = 5


@pytest.mark.parametrize("call, message", [
    (lambda: avg_steps.avgpool_forward_steps(np.zeros((2, 3, 4, 4))), "2-D only"),
    (lambda: avg_steps.avgpool_forward_steps([[1, np.nan], [0, 0]]), "NaN"),
    (lambda: avg_steps.avgpool_forward_steps(np.zeros((3, 3)), size=4), "larger than"),
    (lambda: avg_steps.avgpool_backward_steps(np.ones((3, 3)), np.zeros((3, 3))), "shape"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_traces_import_numpy_only():
    code = ("import cnnviz.layers.avg_steps, sys; "
            "assert not {'ipywidgets', 'matplotlib'} & set(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)
