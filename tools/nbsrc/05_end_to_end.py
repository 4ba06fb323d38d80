# title: 05 · End to end
# about: chain conv → max-pool → loss and run it backward, every intermediate shown and checked; then train a tiny CNN on handwritten digits
# %% [markdown]
# # 05 · End to end: two layers, a loss, and a network that learns
#
# **What you will learn**
#
# - how the convolution layer and the max-pooling layer connect: the output $Y$ of one is the input of the other;
# - how a loss with a target gives the first gradient, $\partial L / \partial P$, and how the chain rule carries it
#   back through the pool's masks $M_k$ and then through the convolution, to $\partial L / \partial X$,
#   $\partial L / \partial W$ and $\partial L / \partial b$;
# - how to check a whole chain of layers at once with finite differences;
# - that the same few functions, stacked, make a small convolutional network that learns to read
#   handwritten digits.
#
# **The chain**
#
# $$X \xrightarrow{\ \text{conv}(W,\,b)\ } Y \xrightarrow{\ \text{max-pool}\ } P \xrightarrow{\ \text{loss}\ } L = \tfrac12 \sum_{i,j} \left(p_{ij} - t_{ij}\right)^2$$
#
# | symbol | what | shape |
# |---|---|---|
# | $X$ with entries $x_{11} \dots x_{44}$ | the input | 4×4 |
# | $W$ with entries $w_{11} \dots w_{22}$ | the kernel | 2×2 |
# | $b$ with entries $b_{11} \dots b_{33}$ | one bias per output position | 3×3 |
# | $Y$ with entries $y_{11} \dots y_{33}$ | the convolution's output, $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$ | 3×3 |
# | $Y'_1 \dots Y'_4$ | the pooling windows, 2×2, stride 1 (they overlap) | 2×2 each |
# | $P$ with entries $p_{11} \dots p_{22}$ | the pool's output, $p_{ij}$ = the maximum of its window | 2×2 |
# | $T$ with entries $t_{11} \dots t_{22}$ | the target: what we would like $P$ to be | 2×2 |
# | $L$ | the loss: half the squared distance between $P$ and $T$ | a number |

# %% [markdown]
# ## Why a 4×4 input, and not the seed's 3×3?
#
# With the derivation's own 3×3 input, the 2×2 kernel gives a 2×2 $Y$. A 2×2 pooling window with stride 1
# fits into a 2×2 $Y$ exactly once, so $P$ would be a single number, and only one of the four $y_{ij}$ would
# ever receive a gradient. That is correct, and Exercise 1 asks you to work it out, but it hides the most
# interesting step of the backward pass.
#
# One more row and one more column fix this: a 4×4 $X$ gives a 3×3 $Y$, which is exactly the input of the
# derivation's pooling section, with its four overlapping windows. Both layers then look just as in the
# derivation: the same 2×2 kernel, stride 1, one bias per output position, and the same four windows.
#
# One change of names: in notebooks 03 and 04 the pool's input was called $X$ and its windows $X'_k$.
# Here the pool's input is the convolution's output $Y$, so its windows are $Y'_1 \dots Y'_4$ and its
# output is $P$. The masks are still $M_k$.

# %%
%matplotlib inline
import inspect

import numpy as np
import ipywidgets as widgets
from IPython.display import Math, display
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import cnnviz
from cnnviz import chain, plots, tinycnn

# %% [markdown]
# ## The numbers
#
# Small integers again. The kernel is the one of notebooks 01 and 02; $X$, $b$ and the target $T$ are
# chosen so that no pooling window holds its maximum twice (a tie; notebook 04 shows what happens then).

# %%
ex = chain.example()
plots.matrices(("X (input)", ex["x"], "x"), ("W (kernel)", ex["w"], "w"),
               ("b (one per position)", ex["b"], "b"), ("T (target)", ex["target"], "t"))

# %% [markdown]
# ## One call: forward, then backward
#
# `chain.conv_pool_loss` runs the chain forward, then backward, and keeps every intermediate. It is
# nothing but the four functions of the earlier notebooks called one after the other:
#
# ```python
# Y  = conv2d_forward(X, W, b)
# P  = maxpool2d_forward(Y, size=2, stride=1)
# L  = 0.5 * np.sum((P - T) ** 2)
# dP = P - T
# dY = maxpool2d_backward(dP, Y, size=2, stride=1)
# dX, dW, db = conv2d_backward(dY, X, W, b)
# ```

# %%
r = chain.conv_pool_loss(ex["x"], ex["w"], ex["b"], ex["target"], pool_size=2, pool_stride=1)

# %% [markdown]
# ## Forward
#
# ### The convolution: X → Y
#
# Each $y_{ij}$ is a 2×2 window of $X$ multiplied element-wise by $W$, summed, plus $b_{ij}$ (notebook 01).
# For example the centre, $y_{22}$:

# %%
Math(cnnviz.formulas.conv_output_formula(1, 1, r.x.shape, r.w.shape, values=dict(x=r.x, w=r.w, b=r.b)))

# %% [markdown]
# ### The pool: Y → P, then the loss
#
# Each $p_{ij}$ is the maximum of its window $Y'_k$ ($k = 1 \dots 4$ in reading order, notebook 03).
# The windows overlap: $y_{22}$ lies in all four.

# %%
plots.matrices(("Y = conv(X, W) + b", r.y, "y"), ("P = max-pool(Y)", r.p, "p"),
               ("T (target)", r.target, "t"), ("P − T", r.p - r.target, None))

# %% [markdown]
# The loss adds up the squared differences and halves them:
# $L = \tfrac12\left(1^2 + 2^2 + 1^2 + (-1)^2\right)$:

# %%
r.loss

# %% [markdown]
# ## Backward
#
# The chain rule runs from the end to the start. Each layer receives the gradient of $L$ with respect to its
# output and passes on the gradient with respect to its input, exactly as in notebooks 02 and 04.
#
# ### Step 1: the loss, ∂L/∂P
#
# $L = \tfrac12 \sum (p_{ij} - t_{ij})^2$, so $\dfrac{\partial L}{\partial p_{ij}} = p_{ij} - t_{ij}$: the gradient
# says how far, and in which direction, each $p_{ij}$ misses its target.

# %%
plots.matrices(("∂L/∂P = P − T", r.dp, "∂L/∂p"))

# %% [markdown]
# ### Step 2: through the pool, ∂L/∂Y
#
# The derivation's recipe (notebook 04): start $\partial L / \partial Y$ at zero; for every window $Y'_k$, build
# its mask $M_k$ (1 where the maximum sits), multiply by the window's gradient $\partial L / \partial p_{ij}$,
# and **add** the result into $\partial L / \partial Y$ at the window's place. The cells of each window are
# labelled with their names in $Y$, so you can see where each piece lands:

# %%
plots.pool_backward_view(r)

# %% [markdown]
# $y_{11}$ is the maximum of $Y'_1$ only; $y_{22}$ is the maximum of $Y'_2$, $Y'_3$ and $Y'_4$, so its three
# gradients add up: $\dfrac{\partial L}{\partial y_{22}} = 2 + 1 + (-1) = 2$. Every other $y_{ij}$ is the maximum
# of no window: changing it a little does not change $P$, so its gradient is 0.

# %%
plots.matrices(("∂L/∂P", r.dp, "∂L/∂p"), ("∂L/∂Y (through the masks)", r.dy, "∂L/∂y"))

# %% [markdown]
# ### Step 3: through the convolution, ∂L/∂X, ∂L/∂W, ∂L/∂b
#
# Now $\partial L / \partial Y$ is the "given" gradient of the derivation's convolution section (notebook 02):
#
# - $\partial L / \partial x_{rc}$ collects $\partial L / \partial y_{ij} \cdot w_{mn}$ from every window that covers $x_{rc}$;
# - $\partial L / \partial w_{mn}$ collects $\partial L / \partial y_{ij} \cdot x_{(i+m-1)(j+n-1)}$ over every window;
# - $\partial L / \partial b_{ij} = \partial L / \partial y_{ij}$ (one bias per position).
#
# Only $y_{11}$ and $y_{22}$ have a non-zero gradient, so $\partial L / \partial X$ is $1 \cdot W$ placed on the
# window of $y_{11}$ plus $2 \cdot W$ placed on the window of $y_{22}$; they overlap at $x_{22}$.

# %%
plots.matrices(("∂L/∂Y", r.dy, "∂L/∂y"), ("∂L/∂X", r.dx, "∂L/∂x"),
               ("∂L/∂W", r.dw, "∂L/∂w"), ("∂L/∂b", r.db, "∂L/∂b"))

# %% [markdown]
# One entry, written out in the derivation's form:

# %%
Math(cnnviz.formulas.conv_input_grad_formula(1, 1, r.x.shape, r.w.shape, values=dict(dy=r.dy, w=r.w)))

# %% [markdown]
# The matrix forms of notebook 02 agree: $\partial L / \partial X$ is the *full* convolution of
# $\partial L / \partial Y$ with $W$ rotated by 180°, and $\partial L / \partial W$ is the *valid* cross-correlation
# of $X$ with $\partial L / \partial Y$. Both are one call of the forward function:

# %%
full = cnnviz.conv2d_forward(np.pad(r.dy, 1), np.rot90(r.w, 2), 0.0)
valid = cnnviz.conv2d_forward(r.x, r.dy, 0.0)
np.array_equal(full, r.dx), np.array_equal(valid, r.dw)

# %% [markdown]
# ## Checking the whole chain by finite differences
#
# Nudge one $x_{rc}$ up and down by $\varepsilon = 10^{-6}$, run the chain forward each time, and the slope
# $\dfrac{L(x_{rc} + \varepsilon) - L(x_{rc} - \varepsilon)}{2\varepsilon}$ is $\partial L / \partial x_{rc}$.
# `cnnviz.gradcheck` does this for every entry (the same helper the tests use). Side by side:

# %%
numeric_dx = cnnviz.gradcheck.numerical_gradient(lambda x: chain.loss_of(x, r.w, r.b, r.target), r.x)
plots.matrices(("∂L/∂X, backward pass", r.dx, "∂L/∂x"), ("∂L/∂X, finite differences", numeric_dx, "∂L/∂x"))

# %% [markdown]
# `chain.gradient_errors` does the same for $X$, $W$ and $b$ and returns each relative error,
# $\max|a - n| \,/\, (\max|a| + \max|n|)$. A correct backward pass gives about $10^{-10}$; a wrong one $10^{-2}$ or more.
# Is each below $10^{-7}$?

# %%
errors = chain.gradient_errors(ex["x"], ex["w"], ex["b"], ex["target"])
{name: bool(error < 1e-7) for name, error in errors.items()}

# %% [markdown]
# A word of care: max-pooling has a kink where a window holds its maximum twice, and there the two one-sided
# slopes differ. Our windows have no ties (their maxima beat the runners-up by at least 1), so a nudge of
# $10^{-6}$ never changes which cell wins, and the check is exact up to rounding.

# %% [markdown]
# ## From two layers to a network that learns
#
# The chain above takes one small picture and pushes its output towards a target. A convolutional network
# does the same for many pictures at once, with labels as targets. Here is a tiny one, built from the very
# same `cnnviz.ops` functions in their batched form (arrays of shape $N \times C \times H \times W$):
#
# | layer | what it does | output, per image |
# |---|---|---|
# | input | an 8×8 grey image, one channel | 1×8×8 |
# | convolution | 8 filters of 3×3, padding 1, one shared bias per filter | 8×8×8 |
# | ReLU | $\max(z, 0)$: keeps the positive responses | 8×8×8 |
# | max-pool | 2×2 windows, stride 2 (no overlap) | 8×4×4 |
# | linear read-out | the 128 numbers, flattened, times a 10×128 matrix $V$, plus $c$ | 10 scores |
# | softmax cross-entropy | $-\log$ of the probability given to the right label | the loss |
#
# The backward pass runs through the same layers in reverse order. Here it is, complete: the pool and the
# convolution are the functions of notebooks 02 and 04.

# %%
print(inspect.getsource(tinycnn.backward))

# %% [markdown]
# ## The data: handwritten digits
#
# scikit-learn ships a small set of 1797 handwritten digits, 8×8 pixels with values 0 to 16 (no download).
# We scale them to 0…1, and keep a quarter aside as a test set the network never trains on
# (a fixed, shuffled split with every digit in the same proportion on both sides).

# %%
digits = load_digits()
images = digits.images[:, None, :, :] / 16.0          # (N, 1, 8, 8), the NCHW layout
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.25, random_state=0, stratify=digits.target)
print("training images:", x_train.shape, " test images:", x_test.shape)

# %%
plots.digits(x_train, y_train, count=10)

# %% [markdown]
# ## Check the gradients before training
#
# A network with a wrong gradient still "trains": the loss may even go down for a while. So check first, with
# the same finite-difference helper, on a few random images (random real numbers keep ReLU and max-pool away
# from their kinks). The starting weights are random too, from a fixed seed.

# %%
params0 = tinycnn.init_params(n_filters=8, kernel_size=3, image_shape=(8, 8), n_classes=10, seed=0)
rng = np.random.default_rng(0)
errors = tinycnn.gradient_errors(params0, rng.normal(size=(4, 1, 8, 8)), rng.integers(0, 10, size=4))
{name: bool(error < 1e-7) for name, error in errors.items()}

# %% [markdown]
# ## Training
#
# Mini-batch gradient descent with momentum: shuffle the training images, take them 16 at a time, compute the
# loss and its gradients, and move every parameter a little against its gradient. The velocity $v$ keeps a
# running direction, which smooths the steps:
#
# $$v \leftarrow 0.9\, v - \eta\, \frac{\partial L}{\partial \theta}, \qquad \theta \leftarrow \theta + v, \qquad \eta = 0.02.$$
#
# One pass over the training set is an *epoch*. The bar shows the epochs; each line is the loss on the whole
# training set after that epoch. It takes a second or two.

# %%
EPOCHS = 8
bar = widgets.IntProgress(value=0, min=0, max=EPOCHS, description="epoch")
display(bar)

def on_epoch(epoch, loss):
    bar.value = epoch
    print(f"epoch {epoch}/{EPOCHS}: training loss {loss:.4f}")

params, history = tinycnn.train(params0, x_train, y_train, epochs=EPOCHS, batch_size=16,
                                learning_rate=0.02, momentum=0.9, seed=0, on_epoch=on_epoch)

# %% [markdown]
# The loss of every mini-batch (grey) jumps around, because each batch holds different digits; the loss on the
# whole training set (blue) falls steadily from about 2.5 (a guess among 10 classes costs $\ln 10 \approx 2.3$).

# %%
plots.loss_curve(history)

# %% [markdown]
# ## How well does it read digits it has never seen?
#
# The test set was set aside before training. The accuracy on it is the fraction of test images whose
# highest score is the right digit:

# %%
test_accuracy = tinycnn.accuracy(tinycnn.predict(params, x_test), y_test)
print(f"test accuracy: {test_accuracy:.2f}")
print("at least 0.90:", test_accuracy >= 0.90)

# %% [markdown]
# About 97 images in 100, after a second or so of training, with a model of little more than a thousand numbers.
# Guessing would get 10 in 100.

# %% [markdown]
# ## What the filters learned
#
# Each filter is a 3×3 kernel $W$, just like the 2×2 one of the derivation, now found by gradient descent
# instead of chosen by hand. Red weights add the pixel they cover, blue ones subtract it: a filter with red
# on one side and blue on the other responds to an edge or a stroke in that direction.

# %%
plots.kernels(params["W"])

# %% [markdown]
# ## Summary
#
# - Layers chain: the output of one is the input of the next, $X \to Y \to P \to L$.
# - Backward runs the other way, and each layer only needs the gradient of its output:
#   $\partial L / \partial P = P - T$; the pool sends each $\partial L / \partial p_{ij}$ to its window's maximum
#   through $M_k$, adding where windows overlap; the convolution turns $\partial L / \partial Y$ into
#   $\partial L / \partial X$, $\partial L / \partial W$ and $\partial L / \partial b$.
# - A cell of $Y$ that is the maximum of no window gets gradient 0: changing it a little does not change $L$.
# - One finite-difference check of the whole chain tests every layer's backward pass at once.
# - Stacked and batched, with a ReLU, a linear read-out and a softmax cross-entropy, the same functions make a
#   network that gradient descent trains to read handwritten digits.

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** Go back to notebook 01's numbers: the 3×3 $X$, $W$ and 2×2 $b$, for which
# $Y = \begin{bmatrix} 0 & 4 \\ 3 & 1 \end{bmatrix}$. Pool with a 2×2 window and stride 1, so $P$ is 1×1, and take
# the target $T = [\,3\,]$. Without running the chain, what is $\partial L / \partial Y$? Write it as a 2×2 list.

# %%
answer_1 = None  # e.g. [[0, 0], [0, 0]]

# %%
cnnviz.exercises.check_array(answer_1, chain.conv_pool_loss(**chain.seed_example()).dy,
    hint="P is the largest y, dL/dP = P - T, and the single window's mask decides which y receives it.")

# %% [markdown]
# **2.** Back to the 4×4 example. To first order, by how much does $L$ change if $x_{23}$ grows by 0.01?

# %%
answer_2 = None  # a number

# %%
cnnviz.exercises.check_number(answer_2, 0.01 * r.dx[1, 2],
    hint="The change is about dL/dx23 * 0.01; read dL/dx23 in the table of step 3.")

# %% [markdown]
# **3.** Suppose the convolution had one shared bias $b$ instead of nine $b_{ij}$ (as real layers do). Keep
# $\partial L/\partial Y$ as it is: what would $\partial L / \partial b$ be?

# %%
answer_3 = None  # a number

# %%
cnnviz.exercises.check_number(answer_3, r.dy.sum(),
    hint="A shared b is added to every y_ij, so dL/db is the sum of all the dL/dy_ij (notebook 02).")

# %% [markdown]
# **4.** How many numbers does training adjust in the tiny CNN (8 filters of 3×3 on one channel with a shared
# bias each, then a read-out from 8×4×4 values to 10 scores with a bias each)?

# %%
answer_4 = None  # a whole number

# %%
cnnviz.exercises.check_number(answer_4, tinycnn.parameter_count(params),
    hint="W is 8×1×3×3, b has 8 entries, V is 10×128, c has 10 entries.")
