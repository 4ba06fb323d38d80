"""The tiny CNN (cnnviz.tinycnn): its gradients, its training loop and its accuracy.

1. Every parameter's gradient agrees with finite differences (cnnviz.gradcheck), float64,
   on small random batches of several image sizes and filter counts.
2. The softmax cross-entropy and its gradient are right, and stable for large scores.
3. Training is deterministic for a seed, leaves its input alone, reports each epoch, does
   plain gradient descent when momentum is 0, and lowers the loss on a small digits subset.
4. ``accuracy`` counts matches; ``predict`` takes the highest score.
"""
import numpy as np
import pytest

from cnnviz import gradcheck, tinycnn

TOL = 1e-7


def _batch(seed, n=3, size=(6, 6), classes=10):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 1, *size)), rng.integers(0, classes, size=n)


@pytest.mark.parametrize("filters, size, seed", [(2, (6, 6), 0), (3, (8, 8), 1), (1, (5, 7), 2)])
def test_gradients_pass_finite_differences(filters, size, seed):
    params = tinycnn.init_params(n_filters=filters, image_shape=size, seed=seed)
    # non-zero biases, so that the bias gradients are tested away from the initial zeros
    rng = np.random.default_rng(seed + 100)
    params["b"] = rng.normal(scale=0.1, size=params["b"].shape)
    params["b_V"] = rng.normal(scale=0.1, size=params["b_V"].shape)
    x, labels = _batch(seed, size=size)
    errors = tinycnn.gradient_errors(params, x, labels)
    assert set(errors) == {"W", "b", "V", "b_V"}
    assert all(err < TOL for err in errors.values()), errors


def test_gradients_have_the_parameters_shapes_and_float64():
    params = tinycnn.init_params(n_filters=4, seed=0)
    x, labels = _batch(0, n=5, size=(8, 8))
    loss, grads = tinycnn.loss_and_gradients(params, x, labels)
    assert isinstance(loss, float) and loss > 0
    for name, value in params.items():
        assert grads[name].shape == value.shape and grads[name].dtype == np.float64


def test_softmax_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(7)
    scores, labels = rng.normal(size=(4, 5)), np.array([0, 4, 2, 2])
    loss, dscores = tinycnn.softmax_cross_entropy(scores, labels)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(4), labels])), rel=1e-12)
    err = gradcheck.check_gradient(lambda s: tinycnn.softmax_cross_entropy(s, labels)[0], scores, dscores)
    assert err < TOL


def test_softmax_cross_entropy_is_stable_for_large_scores():
    loss, dscores = tinycnn.softmax_cross_entropy(np.array([[1000.0, 0.0], [0.0, 1000.0]]), np.array([0, 0]))
    assert np.isfinite(loss) and loss == pytest.approx(500.0)
    assert np.all(np.isfinite(dscores))


def test_init_is_reproducible_and_sized():
    a, b = tinycnn.init_params(seed=3), tinycnn.init_params(seed=3)
    assert list(a) == ["W", "b", "V", "b_V"]  # b_V, the read-out's bias (c is the channel index)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    assert not np.array_equal(a["W"], tinycnn.init_params(seed=4)["W"])
    assert tinycnn.parameter_count(a) == 8 * 9 + 8 + 10 * 8 * 4 * 4 + 10


def test_momentum_zero_one_full_batch_is_one_gradient_step():
    params = tinycnn.init_params(n_filters=2, image_shape=(6, 6), seed=0)
    x, labels = _batch(1, n=4)
    _, grads = tinycnn.loss_and_gradients(params, x, labels)
    trained, history = tinycnn.train(params, x, labels, epochs=1, batch_size=4,
                                     learning_rate=0.5, momentum=0.0)
    for name in params:
        np.testing.assert_allclose(trained[name], params[name] - 0.5 * grads[name], rtol=0, atol=1e-15)
    assert len(history["loss"]) == 2 and len(history["batch_loss"]) == 1


@pytest.fixture(scope="module")
def digits_subset():
    from sklearn.datasets import load_digits  # pinned in requirements.txt

    digits = load_digits()
    rng = np.random.default_rng(0)
    pick = rng.choice(len(digits.target), size=300, replace=False)
    return digits.images[pick, None] / 16.0, digits.target[pick]


def test_training_lowers_the_loss_deterministically(digits_subset):
    x, labels = digits_subset
    params = tinycnn.init_params(n_filters=4, seed=0)
    before = {name: value.copy() for name, value in params.items()}
    seen = []
    trained, history = tinycnn.train(params, x, labels, epochs=3, batch_size=20, learning_rate=0.05,
                                     momentum=0.9, seed=1, on_epoch=lambda e, l: seen.append((e, l)))
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert seen == list(zip([1, 2, 3], history["loss"][1:]))
    assert len(history["batch_loss"]) == 3 * 15
    for name in params:  # the parameters passed in are left alone
        np.testing.assert_array_equal(params[name], before[name])
    again, history_again = tinycnn.train(params, x, labels, epochs=3, batch_size=20, learning_rate=0.05,
                                         momentum=0.9, seed=1)
    assert history_again == history
    for name in trained:
        np.testing.assert_array_equal(again[name], trained[name])
    # learned something: far above the 10 % of guessing on the examples it saw
    assert tinycnn.accuracy(tinycnn.predict(trained, x), labels) > 0.6


def test_accuracy_counts_matches():
    assert tinycnn.accuracy([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert tinycnn.accuracy([0, 0, 0, 0], [1, 2, 3, 4]) == 0.0
    assert tinycnn.accuracy(np.array([3, 1, 4, 1, 5]), np.array([3, 1, 5, 9, 2])) == pytest.approx(0.4)
    with pytest.raises(ValueError, match="shape"):
        tinycnn.accuracy([1, 2, 3], [1, 2])


def test_predict_takes_the_highest_score():
    params = tinycnn.init_params(n_filters=2, image_shape=(6, 6), seed=0)
    params["V"][:] = 0.0
    params["b_V"] = np.arange(10.0)[::-1].copy()  # class 0 always scores highest
    x, _ = _batch(2, n=5)
    np.testing.assert_array_equal(tinycnn.predict(params, x), np.zeros(5, dtype=int))
    params["b_V"][7] = 100.0
    np.testing.assert_array_equal(tinycnn.predict(params, x), np.full(5, 7))


def test_figures_are_small_and_leave_matplotlib_settings_alone():
    import matplotlib
    from matplotlib.figure import Figure

    from cnnviz.render import plots

    before = dict(matplotlib.rcParams)
    params = tinycnn.init_params(n_filters=4, seed=0)
    history = {"loss": [2.3, 1.0, 0.5], "batch_loss": [2.3, 1.8, 1.2, 0.9, 0.6, 0.5]}
    figures = [plots.loss_curve(history), plots.kernels(params["W"]),
               plots.digits(np.zeros((3, 1, 8, 8)), [0, 1, 2], count=3)]
    for fig in figures:
        assert isinstance(fig, Figure) and fig.dpi == plots.DPI
        width, height = fig.get_size_inches()
        assert width <= 8 and height <= 3
    assert len(figures[1].axes) == 4 + 1  # one image per filter, and the colour bar
    assert dict(matplotlib.rcParams) == before
