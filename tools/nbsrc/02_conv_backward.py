# title: 02 · Convolution, backward
# about: send ∂L/∂Y back: ∂L/∂X, ∂L/∂W, ∂L/∂b built up step by step, the matrix form, a gradient check
# %% [markdown]
# # 02 · The convolution layer, backward
#
# > **From the derivation** (section 2, 卷积层反向传播; the whole derivation: [derivation.md](derivation.md))
# >
# > 卷积层的反向传播需要计算关于输入特征图 X、卷积核 W 和偏置 b 的梯度,即 $\frac{\partial L}{\partial X}$ 、 $\frac{\partial L}{\partial W}$ 和 $\frac{\partial L}{\partial b}$ 。
# >
# > $$\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} \cdot \frac{\partial Y}{\partial X}$$
# >
# > *In English:* given $\partial L/\partial Y$, the backward pass must return the gradients with respect to the
# > input $X$, the kernel $W$ and the bias $b$, each by the chain rule, as for $\partial L/\partial X$ above.
# >
# > *What this notebook adds:* what that product means (a sum over the outputs, below), the nine, four and
# > four formulas built up step by step and added where windows overlap, the matrix form, and a numerical check.
#
# **What you will learn**
#
# - what the backward pass receives ($\partial L/\partial Y$) and what it must return ($\partial L/\partial X$, $\partial L/\partial W$, $\partial L/\partial b$);
# - how $\partial L/\partial X$ is built by *scattering*: each output sends $\partial L/\partial y_{ij} \cdot W$ back onto its window, and overlapping windows **add up**;
# - the same result read the other way, by *gathering*: the nine formulas $\partial L/\partial x_{11} \dots \partial L/\partial x_{33}$;
# - why $\partial L/\partial W$ is a sum over every window position, and $\partial L/\partial b$ depends on how the bias is shared;
# - the matrix form: $\partial L/\partial X$ is a full convolution of $\partial L/\partial Y$ with $W$ rotated by 180°;
# - how to check any of it by finite differences.
#
# The setting is notebook 01's: $X$ 3×3, $W$ 2×2, $b$ 2×2, stride 1, no padding, $Y$ 2×2.

# %% [markdown]
# ## What flows back
#
# Somewhere after this layer a loss $L$ is computed. Backpropagation hands the layer the gradient of $L$
# with respect to its output, $\partial L/\partial Y$: four numbers $\partial L/\partial y_{11} \dots \partial L/\partial y_{22}$.
# The layer does not need to know what $L$ is. The chain rule does the rest: every $x$, $w$ and $b$
# influences $L$ only through the outputs it takes part in, so
#
# $$\frac{\partial L}{\partial x_{rc}} = \sum_{i,j} \frac{\partial L}{\partial y_{ij}}\,\frac{\partial y_{ij}}{\partial x_{rc}},\qquad
#   \frac{\partial y_{ij}}{\partial x_{rc}} = \text{the weight that multiplies } x_{rc} \text{ in } y_{ij} \text{ (or 0)}.$$
#
# The derivation writes this step as a product, $\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} \cdot \frac{\partial Y}{\partial X}$.
# That is shorthand: $\partial Y/\partial X$ is not a matrix you multiply by. Each $x_{rc}$ can reach $L$ through
# each of the four outputs, so the chain rule adds one term per output, the sum above. In that sum,
# $\partial y_{ij}/\partial x_{rc}$ is read off the forward formula
# $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$: it is $w_{mn}$ with $m = r - i + 1$, $n = c - j + 1$ when
# that offset lies inside the kernel ($1 \le m, n \le 2$), and 0 when $x_{rc}$ is outside the window of $y_{ij}$.
# For example $\partial L/\partial x_{12} = \partial L/\partial y_{11}\, w_{12} + \partial L/\partial y_{12}\, w_{11}$
# (the other two terms are 0): the derivation's second formula.
#
# In the explorers below you set $\partial L/\partial Y$ with sliders, like $X$ and $W$. The values of $b$ appear in no
# gradient (each $y_{ij}$ holds its bias with coefficient 1), so these explorers leave their sliders out; what
# matters is how the bias is shared, and that switch is there. The gradient check at the end has every slider.

# %%
import numpy as np
import cnnviz
from cnnviz import conv2d_backward, matrix_form

seed = cnnviz.examples.seed_conv()
X, W, b, dY = seed["x"], seed["w"], seed["b"], seed["dy"]

# %% [markdown]
# ## The whole backward pass, step by step
#
# One step per output $y_{ij}$. At each step the gradient $\partial L/\partial y_{ij}$ (dashed in $\partial L/\partial Y$)
# flows back three ways at once:
#
# 1. onto the window of $X$ it was computed from: every cell of the window receives $\partial L/\partial y_{ij}$ times the weight that multiplied it;
# 2. onto every weight: $w_{mn}$ receives $\partial L/\partial y_{ij}$ times the input it multiplied;
# 3. onto the bias used by $y_{ij}$.
#
# The running totals (right) are what the backward pass returns after the last step.
# Under each cell of the running $\partial L/\partial X$: how many of the windows covering that cell have been added so far, out of all of them.

# %%
explorer = cnnviz.ConvBackwardExplorer(X, W, b, dY)
explorer

# %% [markdown]
# ## ∂L/∂X: scatter, then gather
#
# **Scatter.** Step through the explorer below and watch a single cell, $x_{22}$: it sits in all four windows, so it receives four
# contributions, one per step. The corners receive one each, the edge centres two. Nothing is ever overwritten: each step **adds**.

# %%
explorer.scatter_x()

# %% [markdown]
# **Gather.** Collect, for each $x_{rc}$, the contributions it received, and you get the derivation's nine formulas.
# Step through the cells of $X$ to see each one's formula with the current numbers; all nine are listed under it.
#
# <details><summary><b>Predict:</b> how many terms does ∂L/∂x<sub>21</sub> have, and which weights appear? (click to reveal)</summary>
#
# Two: $x_{21}$ lies in the windows of $y_{11}$ (where it meets $w_{21}$) and of $y_{21}$ (where it meets $w_{11}$), so
# $\partial L/\partial x_{21} = \partial L/\partial y_{11}\, w_{21} + \partial L/\partial y_{21}\, w_{11}$.
# </details>

# %%
explorer.gather_x()

# %% [markdown]
# ## ∂L/∂W: every window position contributes
#
# A weight is used at every position of the window, so its gradient is a sum of four terms: $w_{mn}$ receives
# $\partial L/\partial y_{ij}$ times the input it multiplied in $y_{ij}$. Step through and watch $\partial L/\partial W$ fill up.

# %%
explorer.scatter_w()

# %% [markdown]
# The derivation's four formulas, with the current numbers:

# %%
explorer.weight_equations()

# %% [markdown]
# ## ∂L/∂b: one per position, or shared
#
# With one bias per output position, $b_{ij}$ appears in $y_{ij}$ alone, with coefficient 1: $\partial L/\partial b_{ij} = \partial L/\partial y_{ij}$.
# With one shared bias $b$, it appears in every output, so its gradient collects all of them:
# $\partial L/\partial b = \sum_{i,j} \partial L/\partial y_{ij}$. Switch the bias mode above the stage and compare.
#
# <details><summary><b>Predict:</b> with the shared bias and the starting ∂L/∂Y, what is ∂L/∂b?</summary>
#
# $1 + (-1) + 2 + 1 = 3$: the sum of the four entries of $\partial L/\partial Y$.
# </details>

# %%
explorer.bias()

# %% [markdown]
# The package returns all three gradients in one call, `db` in the shape of `b`:

# %%
dX, dW, db = conv2d_backward(dY, X, W, b)
dX, dW, db

# %%
print(conv2d_backward(dY, X, W, 1.0)[2])  # a shared (scalar) bias: the sum of dY

# %% [markdown]
# ## The matrix form
#
# The derivation leaves "arrange these into matrix form" to the reader. Read the nine formulas for $\partial L/\partial X$
# again: each is a sum of $\partial L/\partial y_{ij}$ times a weight, like a forward convolution — but with the kernel
# **upside down and back to front**. $\partial L/\partial x_{11}$ meets $w_{11}$, $\partial L/\partial x_{33}$ meets $w_{22}$: as the
# window moves right, the weight index moves left. In one sentence: $\partial L/\partial X$ is the full *true* convolution
# of $\partial L/\partial Y$ with $W$ (notebook 01's flip), which is the same as the full cross-correlation — the $\star$ of
# the forward pass — with $W$ rotated by 180°. "Full" means over $\partial L/\partial Y$ padded with a border of zeros
# ($K-1 = 1$ wide), so that the corners, covered by one window only, get their one term:
#
# $$\frac{\partial L}{\partial X} = \operatorname{pad}\!\left(\frac{\partial L}{\partial Y}\right) \star \operatorname{rot180}(W),
#   \qquad
#   \frac{\partial L}{\partial W} = X \star \frac{\partial L}{\partial Y}.$$
#
# Here it is with the explorer's numbers:

# %%
explorer.matrix_form()

# %% [markdown]
# And verified numerically, with the forward op itself doing the work:

# %%
dX_full = matrix_form.input_grad_as_full_convolution(dY, W, X.shape)
dW_corr = matrix_form.weight_grad_as_correlation(X, dY, W.shape)
np.allclose(dX_full, dX), np.allclose(dW_corr, dW)

# %% [markdown]
# On random inputs of other sizes too — a 6×5 input and a 3×2 kernel:

# %%
rng = np.random.default_rng(0)
x6, w6 = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
dy6 = rng.normal(size=cnnviz.output_size(x6.shape, w6.shape))
dx6, dw6, _ = conv2d_backward(dy6, x6, w6, 0.0)
(np.allclose(matrix_form.input_grad_as_full_convolution(dy6, w6, x6.shape), dx6),
 np.allclose(matrix_form.weight_grad_as_correlation(x6, dy6, w6.shape), dw6))

# %% [markdown]
# So the backward pass of a convolution is two more convolutions. That is why frameworks reuse the same fast kernels
# for training as for inference.

# %% [markdown]
# ## Check it yourself: finite differences
#
# Do not trust a derivation, check it. Take $L = \sum_{ij} \partial L/\partial y_{ij} \cdot y_{ij}$ (its gradient with respect to $Y$ is
# exactly the $\partial L/\partial Y$ of the sliders). Nudge one input up and down by $\varepsilon = 10^{-6}$ and measure the slope
# $(L(x+\varepsilon) - L(x-\varepsilon)) / 2\varepsilon$: that is $\partial L/\partial x$ for that entry, whatever the formulas say.
# `cnnviz.gradcheck` does this for every entry of $X$, $W$ and $b$. Move some sliders above, then press the button.

# %%
explorer.gradient_check()

# %% [markdown]
# ## Summary
#
# - The backward pass receives $\partial L/\partial Y$ and returns $\partial L/\partial X$, $\partial L/\partial W$, $\partial L/\partial b$ by the chain rule.
# - **Scatter:** each output sends $\partial L/\partial y_{ij} \cdot W$ back onto its window; overlapping windows **add**.
#   **Gather:** $\partial L/\partial x_{rc}$ is the sum over the windows that cover $x_{rc}$ — 1, 2 or 4 terms here.
# - $\partial L/\partial w_{mn} = \sum_{ij} \partial L/\partial y_{ij}\, x_{(i+m-1)(j+n-1)}$: every window position contributes.
# - $\partial L/\partial b_{ij} = \partial L/\partial y_{ij}$ per position; $\partial L/\partial b = \sum_{ij}\partial L/\partial y_{ij}$ when shared.
# - In matrix form: $\partial L/\partial X$ = full convolution of $\partial L/\partial Y$ with $W$ rotated 180°; $\partial L/\partial W = X \star \partial L/\partial Y$.
# - Finite differences check all of it.

# %% [markdown]
# ## Exercises
#
# **1.** With the starting numbers, what is $\partial L/\partial x_{22}$? Use the gather formula, not the explorer.

# %%
answer_1 = None  # your number

# %%
cnnviz.exercises.check_number(answer_1, dX[1, 1],
    hint="x22 is in all four windows: dy11*w22 + dy12*w21 + dy21*w12 + dy22*w11.")

# %% [markdown]
# **2.** With the starting numbers, what is $\partial L/\partial w_{12}$?

# %%
answer_2 = None  # your number

# %%
cnnviz.exercises.check_number(answer_2, dW[0, 1],
    hint="w12 multiplies x12, x13, x22, x23 in y11, y12, y21, y22.")

# %% [markdown]
# **3.** Write `my_input_grad(dy, w, x_shape)` that returns $\partial L/\partial X$ of a stride-1 convolution by scattering:
# start from zeros and, for every output position, add `dy[i, j] * w` onto the window. The check compares it with
# `cnnviz.conv2d_backward` on random sizes and random $\partial L/\partial Y$.

# %%
def my_input_grad(dy, w, x_shape):
    dy, w = np.asarray(dy, float), np.asarray(w, float)
    # your code here
    return None

# %%
cnnviz.exercises.check_function(
    my_input_grad,
    lambda dy, w, x_shape: conv2d_backward(dy, np.zeros(x_shape), w, np.zeros(dy.shape))[0],
    cnnviz.exercises.random_input_grad_cases(),
    hint="dx = np.zeros(x_shape); dx[i:i+KH, j:j+KW] += dy[i, j] * w   (+=, not =).")
