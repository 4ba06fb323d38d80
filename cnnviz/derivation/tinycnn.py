"""A tiny CNN made of cnnviz's own layers, and gradient descent to train it (numpy only).

    image x (N, 1, H_in, W_in)
      -> conv, F filters 3x3, padding 1, one shared bias per filter   y (N, F, H_in, W_in)
      -> ReLU                                                          a (N, F, H_in, W_in)
      -> max-pool 2x2, stride 2                                        z (N, F, H_in/2, W_in/2)
      -> flatten, linear read-out to K classes                         s (N, K)
      -> softmax cross-entropy with the labels                         L (a number)

The conv and the pool are ``cnnviz.ops`` calls, forward and backward, in NCHW. The three
other steps are one line each, written here with their derivatives beside them. Parameters
live in a dict: W (F, 1, 3, 3), b (F,), V (K, F * H_in/2 * W_in/2) and the read-out's bias
b_V (K,). Everything is float64.

>>> params = init_params(n_filters=2, seed=0)
>>> {name: value.shape for name, value in params.items()}
{'W': (2, 1, 3, 3), 'b': (2,), 'V': (10, 32), 'b_V': (10,)}
>>> x = np.zeros((5, 1, 8, 8))
>>> scores, _ = forward(params, x)
>>> scores.shape
(5, 10)
"""
import numpy as np

from ..layers import gradcheck
from ..layers import ops
from ..words import say

__all__ = [
    "init_params",
    "parameter_count",
    "forward",
    "softmax_cross_entropy",
    "backward",
    "loss_and_gradients",
    "predict",
    "accuracy",
    "train",
    "gradient_errors",
]

POOL = 2  # max-pool window and stride


def init_params(n_filters=8, kernel_size=3, image_shape=(8, 8), n_classes=10, seed=0):
    """Random starting weights (He initialisation), zero biases, from a numpy Generator seed.

    W : (F, 1, k, k) ~ normal(0, sqrt(2 / (k*k)));   b : (F,) zeros
    V : (K, D) ~ normal(0, sqrt(1 / D)), D = F * (H_in // 2) * (W_in // 2);   b_V : (K,) zeros
    (the conv pads by k // 2, so it keeps the image size; the pool halves it).
    """
    rng = np.random.default_rng(seed)
    k = kernel_size
    pooled = ops.output_size(image_shape, POOL, stride=POOL)
    d = n_filters * pooled[0] * pooled[1]
    return {
        "W": rng.normal(0.0, np.sqrt(2.0 / (k * k)), size=(n_filters, 1, k, k)),
        "b": np.zeros(n_filters),
        "V": rng.normal(0.0, np.sqrt(1.0 / d), size=(n_classes, d)),
        "b_V": np.zeros(n_classes),
    }


def parameter_count(params):
    """How many numbers training adjusts.

    >>> parameter_count(init_params(n_filters=8))   # 8*9 + 8 + 10*128 + 10
    1370
    """
    return int(sum(value.size for value in params.values()))


def forward(params, x):
    """Class scores s (N, K) for images x (N, 1, H_in, W_in), and what backward needs (a cache)."""
    padding = params["W"].shape[-1] // 2
    y = ops.conv2d_forward(x, params["W"], params["b"], padding=padding)  # (N, F, H_in, W_in)
    a = np.maximum(y, 0.0)                                               # ReLU
    z = ops.maxpool2d_forward(a, POOL, POOL)                             # (N, F, H_in/2, W_in/2)
    h = z.reshape(len(z), -1)                                            # (N, D)
    scores = h @ params["V"].T + params["b_V"]                           # (N, K)
    return scores, (x, y, a, z, h)


def softmax_cross_entropy(scores, labels):
    """Mean over the batch of -log softmax(s)[label], and its gradient dL/ds.

    scores : (N, K);  labels : (N,) ints in 0..K-1
    returns (loss, dscores) with dscores = (softmax(s) - onehot(label)) / N, shape (N, K).

    >>> loss, ds = softmax_cross_entropy(np.zeros((1, 4)), np.array([2]))
    >>> round(loss, 4), ds
    (1.3863, array([[ 0.25,  0.25, -0.75,  0.25]]))
    """
    shifted = scores - scores.max(axis=1, keepdims=True)  # same softmax, no overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(labels)
    loss = -float(log_probs[np.arange(n), labels].mean())
    dscores = np.exp(log_probs)
    dscores[np.arange(n), labels] -= 1.0
    return loss, dscores / n


def backward(params, dscores, cache):
    """Gradients of the loss for every parameter, given dL/ds and the forward cache."""
    x, y, a, z, h = cache
    grads = {"V": dscores.T @ h, "b_V": dscores.sum(axis=0)}  # linear read-out
    dz = (dscores @ params["V"]).reshape(z.shape)              # back to (N, F, H_in/2, W_in/2)
    da = ops.maxpool2d_backward(dz, a, POOL, POOL)             # through the pool's masks
    dy = da * (y > 0)                                          # ReLU lets through where y > 0
    padding = params["W"].shape[-1] // 2
    _, grads["W"], grads["b"] = ops.conv2d_backward(dy, x, params["W"], params["b"], padding=padding)
    return grads


def loss_and_gradients(params, x, labels):
    """One forward and one backward pass: (loss, {name: dL/dname})."""
    scores, cache = forward(params, x)
    loss, dscores = softmax_cross_entropy(scores, labels)
    return loss, backward(params, dscores, cache)


def predict(params, x):
    """The class with the highest score, (N,) ints."""
    return forward(params, x)[0].argmax(axis=1)


def accuracy(predicted, labels):
    """The fraction of predictions equal to the labels.

    >>> accuracy(np.array([3, 1, 4, 1]), np.array([3, 1, 5, 9]))
    0.5
    """
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    if predicted.shape != labels.shape:
        raise ValueError(say("tinycnn.shapes", arg="predicted", shape=predicted.shape, other="labels",
                             other_shape=labels.shape))
    return float(np.mean(predicted == labels))


def train(params, x, labels, epochs=8, batch_size=32, learning_rate=0.1, momentum=0.9, seed=0,
          on_epoch=None):
    """Mini-batch gradient descent with momentum; returns (trained params, history).

    Each epoch shuffles the examples (numpy Generator ``seed``) and walks through them in
    batches; for every batch and every parameter theta, with velocity v (starting at 0):

        v     <- momentum * v - learning_rate * dL/dtheta
        theta <- theta + v              (momentum = 0 is plain gradient descent)

    history : {"loss": [L on all of x before training, after epoch 1, ...],
               "batch_loss": [L of every batch, before its step]}
    on_epoch(epoch, loss) is called after every epoch (e.g. to move a progress bar).
    The params passed in are not modified.
    """
    rng = np.random.default_rng(seed)
    params = {name: value.copy() for name, value in params.items()}
    velocity = {name: np.zeros_like(value) for name, value in params.items()}
    history = {"loss": [_full_loss(params, x, labels)], "batch_loss": []}
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = loss_and_gradients(params, x[batch], labels[batch])
            history["batch_loss"].append(loss)
            for name in params:
                velocity[name] = momentum * velocity[name] - learning_rate * grads[name]
                params[name] += velocity[name]
        history["loss"].append(_full_loss(params, x, labels))
        if on_epoch is not None:
            on_epoch(epoch, history["loss"][-1])
    return params, history


def _full_loss(params, x, labels):
    return softmax_cross_entropy(forward(params, x)[0], labels)[0]


def gradient_errors(params, x, labels, eps=1e-6):
    """Relative error of every parameter's gradient against finite differences.

    Uses ``cnnviz.gradcheck.check_gradient``; returns {name: err}. ReLU and max-pooling have
    kinks (y = 0, tied maxima): with random real inputs no nudge of eps crosses one, and a
    correct backward gives about 1e-9 or less.
    """
    _, grads = loss_and_gradients(params, x, labels)
    errors = {}
    for name in params:
        def loss_of(value, name=name):
            return loss_and_gradients({**params, name: value}, x, labels)[0]
        errors[name] = gradcheck.check_gradient(loss_of, params[name], grads[name], eps)
    return errors
