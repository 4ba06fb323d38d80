"""The derivation's two layers chained with a loss (cnnviz.chain), checked by hand and by finite differences.

1. The example's every intermediate equals what the chain rule gives by hand.
2. The whole chain's dL/dX, dL/dW, dL/db agree with finite differences (cnnviz.gradcheck) on the
   examples, on random 2-D cases with other strides and padding, and on random NCHW batches.
3. The chain is the composition of cnnviz.ops calls and nothing else; bad targets are refused.
   ``conv_pool_backward`` (from a given dL/dZ) is the same chain with the loss left out.
4. Import hygiene: the math imports neither matplotlib nor ipywidgets.
"""
import subprocess
import sys

import numpy as np
import pytest

from cnnviz import chain, gradcheck, ops

TOL = 1e-7


def test_example_by_hand():
    r = chain.conv_pool_loss(**chain.example())
    np.testing.assert_array_equal(r.y, [[7, 4, 3], [2, 6, -1], [1, 5, 0]])
    np.testing.assert_array_equal(r.z, [[7, 6], [6, 6]])
    assert r.loss == 0.5 * (1 + 4 + 1 + 1)
    np.testing.assert_array_equal(r.dz, [[1, 2], [1, -1]])
    # y11 wins window 1; y22 wins windows 2, 3 and 4: its gradient is 2 + 1 + (-1).
    np.testing.assert_array_equal(r.dy, [[1, 0, 0], [0, 2, 0], [0, 0, 0]])
    # dL/dX: 1 * W placed at window y11, plus 2 * W placed at window y22.
    np.testing.assert_array_equal(r.dx, [[1, -1, 0, 0], [2, 2, -2, 0], [0, 4, 0, 0], [0, 0, 0, 0]])
    # dL/dW: 1 * (window of y11 in X) + 2 * (window of y22 in X).
    np.testing.assert_array_equal(r.dw, [[4, 6], [9, 1]])
    np.testing.assert_array_equal(r.db, r.dy)  # one bias per position: dL/db_ij = dL/dy_ij


def test_example_windows_and_masks_are_the_seeds():
    r = chain.conv_pool_loss(**chain.example())
    assert r.windows.shape == r.masks.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(r.windows[0, 1], r.y[0:2, 1:3])  # Y'2
    np.testing.assert_array_equal(r.windows[1, 0], r.y[1:3, 0:2])  # Y'3
    np.testing.assert_array_equal(r.masks.sum(axis=(-2, -1)), np.ones((2, 2)))
    np.testing.assert_array_equal(r.masks[0, 0], [[1, 0], [0, 0]])  # y11 is max of Y'1
    for k in [(0, 1), (1, 0), (1, 1)]:
        assert r.masks[k][1 - k[0], 1 - k[1]] == 1  # y22 is max of Y'2, Y'3, Y'4


def test_worked_example_pools_to_one_number():
    r = chain.conv_pool_loss(**chain.worked_example())
    np.testing.assert_array_equal(r.y, ops.conv2d_forward(r.x, r.w, r.b))
    assert r.z.shape == (1, 1) and r.z[0, 0] == r.y.max()
    assert np.count_nonzero(r.dy) == 1 and r.dy[np.unravel_index(r.y.argmax(), r.y.shape)] == r.dz[0, 0]


@pytest.mark.parametrize("make", [chain.example, chain.worked_example], ids=["example", "seed"])
def test_examples_pass_finite_differences(make):
    errors = chain.gradient_errors(**make())
    assert set(errors) == {"x", "w", "b"}
    assert all(err < TOL for err in errors.values()), errors


def test_loss_of_agrees_with_the_record():
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(5, 5)), rng.normal(size=(2, 2)), rng.normal(size=(4, 4))
    t = rng.normal(size=(3, 3))
    r = chain.conv_pool_loss(x, w, b, t)
    assert chain.loss_of(x, w, b, t) == r.loss
    assert r.loss == pytest.approx(0.5 * np.sum((r.z - t) ** 2), abs=0)


@pytest.mark.parametrize(
    "h, k, options, shared",
    [
        (5, 2, dict(pool_size=2, pool_stride=1), False),
        (6, 3, dict(pool_size=2, pool_stride=2), True),
        (5, 2, dict(pool_size=3, pool_stride=1, padding=1), False),
        (7, 3, dict(pool_size=2, pool_stride=3, stride=2, padding=1), True),  # stride > pool
        (4, 1, dict(pool_size=2, pool_stride=1), True),  # 1x1 kernel
    ],
)
def test_random_2d_chains_pass_finite_differences(h, k, options, shared):
    rng = np.random.default_rng(h * 10 + k)
    x, w = rng.normal(size=(h, h)), rng.normal(size=(k, k))
    conv_hw = ops.output_size((h, h), k, options.get("stride", 1), options.get("padding", 0))
    b = float(rng.normal()) if shared else rng.normal(size=conv_hw)
    pool_hw = ops.output_size(conv_hw, options["pool_size"], options["pool_stride"])
    t = rng.normal(size=pool_hw)
    r = chain.conv_pool_loss(x, w, b, t, **options)
    assert r.dx.shape == x.shape and r.dw.shape == w.shape and np.shape(r.db) == np.shape(b)
    errors = chain.gradient_errors(x, w, b, t, **options)
    assert all(err < TOL for err in errors.values()), errors


@pytest.mark.parametrize("per_position", [False, True], ids=["shared", "per_position"])
def test_random_nchw_chain_passes_finite_differences(per_position):
    rng = np.random.default_rng(11)
    x, w = rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 2, 2))
    b = rng.normal(size=(3, 4, 4) if per_position else (3,))
    t = rng.normal(size=(2, 3, 3, 3))
    r = chain.conv_pool_loss(x, w, b, t)
    assert r.z.shape == t.shape and r.dy.shape == r.y.shape == (2, 3, 4, 4)
    errors = chain.gradient_errors(x, w, b, t)
    assert all(err < TOL for err in errors.values()), errors


def test_a_wrong_link_is_caught():
    """The check has teeth: overwriting (=) instead of adding (+=) at y22 is far off."""
    r = chain.conv_pool_loss(**chain.example())
    wrong_dy = r.dy.copy()
    wrong_dy[1, 1] = r.dz[1, 1]  # the last window's gradient only, as if windows overwrote
    wrong_dx, _, _ = ops.conv2d_backward(wrong_dy, r.x, r.w, r.b)
    err = gradcheck.check_gradient(lambda x_: chain.loss_of(x_, r.w, r.b, r.target), r.x, wrong_dx)
    assert err > 0.1


def test_the_chain_is_the_composition_of_the_ops():
    rng = np.random.default_rng(5)
    x, w, b, target = rng.normal(size=(4, 4)), rng.normal(size=(2, 2)), 0.3, rng.normal(size=(2, 2))
    r = chain.conv_pool_loss(x, w, b, target)
    y = ops.conv2d_forward(x, w, b)
    z = ops.maxpool2d_forward(y)
    dy = ops.maxpool2d_backward(z - target, y)
    dx, dw, db = ops.conv2d_backward(dy, x, w, b)
    for got, want in [(r.y, y), (r.z, z), (r.dy, dy), (r.dx, dx), (r.dw, dw), (r.db, db)]:
        np.testing.assert_array_equal(got, want)
    assert all(a.dtype == np.float64 for a in (r.y, r.z, r.dz, r.dy, r.dx, r.dw, r.db))
    assert isinstance(r.loss, float)


def test_the_record_names_the_pooled_output_z():
    """Z (entries z_ij, gradient dL/dZ): the record has z and dz, and no p or dp (p is the padding)."""
    fields = chain.ChainRecord._fields
    assert "z" in fields and "dz" in fields and "p" not in fields and "dp" not in fields
    r = chain.conv_pool_loss(**chain.example())
    np.testing.assert_array_equal(r.z, ops.maxpool2d_forward(r.y, 2, 1))
    np.testing.assert_array_equal(r.dz, r.z - r.target)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_from_a_given_dz_is_the_chain_without_the_loss(seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(5, 5)), rng.normal(size=(2, 2)), rng.normal(size=(4, 4))
    dz = rng.normal(size=(3, 3))
    r = chain.conv_pool_backward(x, w, b, dz)
    assert r.target is None and r.loss is None
    y = ops.conv2d_forward(x, w, b)
    dy = ops.maxpool2d_backward(dz, y)
    dx, dw, db = ops.conv2d_backward(dy, x, w, b)
    for got, want in [(r.y, y), (r.z, ops.maxpool2d_forward(y)), (r.dz, dz), (r.dy, dy),
                      (r.dx, dx), (r.dw, dw), (r.db, db)]:
        np.testing.assert_array_equal(got, want)
    # a loss whose gradient at Z is dz: L = sum(dz * Z), checked by finite differences
    err = gradcheck.check_gradient(
        lambda x_: float(np.sum(dz * ops.maxpool2d_forward(ops.conv2d_forward(x_, w, b)))), x, r.dx)
    assert err < TOL


def test_a_dz_of_the_wrong_shape_is_refused():
    ex = chain.example()
    with pytest.raises(ValueError, match=r"dL/dZ has shape \(3, 3\).*Z has shape \(2, 2\)"):
        chain.conv_pool_backward(ex["x"], ex["w"], ex["b"], np.zeros((3, 3)))


@pytest.mark.parametrize("shared_b", [0.0, -4.0, 2.5, 9.0])
def test_notebook_05_exercise_3_a_shared_bias_keeps_the_sum_of_dz(shared_b):
    """Exercise 3 keeps dL/dZ and makes b shared: dL/db = sum of dL/dy_ij = sum of dL/dz_ij,
    whatever the shared value (and so whichever cells win the windows)."""
    r = chain.conv_pool_loss(**chain.example())
    shared = chain.conv_pool_backward(r.x, r.w, shared_b, r.dz)
    assert np.ndim(shared.db) == 0
    assert float(shared.db) == float(shared.dy.sum()) == float(r.dz.sum()) == 3.0


def test_inputs_are_not_modified():
    ex = chain.example()
    before = {k: v.copy() for k, v in ex.items()}
    chain.conv_pool_loss(**ex)
    chain.gradient_errors(**ex)
    for k in ex:
        np.testing.assert_array_equal(ex[k], before[k])


def test_a_target_of_the_wrong_shape_is_refused():
    ex = chain.example()
    with pytest.raises(ValueError, match=r"target has shape \(3, 3\).*\(2, 2\)"):
        chain.conv_pool_loss(ex["x"], ex["w"], ex["b"], np.zeros((3, 3)))


def test_math_modules_import_no_plotting_or_widgets():
    code = ("import sys, cnnviz.derivation.chain, cnnviz.derivation.tinycnn, cnnviz.render.plots; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_views_of_the_chain_show_its_numbers():
    from cnnviz.render import conv as views, plots

    r = chain.conv_pool_loss(**chain.example())
    shown = plots.matrices(("∂L/∂Y", r.dy, "∂L/∂y"), ("Z − T", r.z - r.target, None))
    tables = views.shown_tables(shown._repr_html_())
    assert tables[0]["∂L/∂y22"] == "2" and tables[0]["∂L/∂y11"] == "1" and len(tables[0]) == 9
    assert repr(shown).splitlines()[:2] == ["∂L/∂Y", "  1  0  0"]
    # the pool view: per window, the window (cells named as in Y), M_k, and dL/dz_ij * M_k
    view = plots.pool_backward_view(r)
    tables = views.shown_tables(view._repr_html_())
    assert len(tables) == 4 * 3
    assert list(tables[3]) == ["y12", "y13", "y22", "y23"]  # window Y'2
    assert tables[5] == {"∂L/∂y12": "0", "∂L/∂y13": "0", "∂L/∂y22": "2", "∂L/∂y23": "0"}
    assert tables[11]["∂L/∂y22"] == "-1"  # Y'4: dL/dz22 = -1 goes to y22 as well
    assert view._repr_html_().count("<style>") == 1
    # each output carries the stylesheet's rules it uses (the window's maximum) and not the others
    style = view._repr_html_().split("</style>")[0]
    assert "td.cv-max{" in style and "td.cv-pad{" not in style and "/*" not in style
    assert "td.cv-max{" not in shown._repr_html_().split("</style>")[0]
    assert repr(view).splitlines()[1] == "Y'2: max 6 at y22; local gradient 2 * M2"
