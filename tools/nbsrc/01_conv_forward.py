# title: 01 · Convolution, forward
# about: slide a 2×2 kernel over a 3×3 input: every product, sum and bias of Y, live
# %% [markdown]
# # 01 · The convolution layer, forward
#
# > **From the derivation** (section 1, 卷积层前向传播; the whole derivation: [derivation.md](derivation.md))
# >
# > 根据卷积运算的定义,卷积层的前向传播可以通过滑动卷积核在输入特征图上进行**逐元素相乘、叠加求和**得到。对于每一个输出特征图的元素 $y_{ij}$ ,可以使用以下公式计算:
# >
# > $$y_{ij} = \sum_{m=1}^2 \sum_{n=1}^2 w_{mn} \cdot x_{(i+m-1)(j+n-1)} + b_{ij}$$
# >
# > *In English:* the forward pass moves the kernel across the input and, at each position, multiplies
# > the overlapping entries pairwise and adds the products up; every output $y_{ij}$ is the sum above plus its bias.
# >
# > *What this notebook adds:* the sliding window step by step, with your own numbers in every product,
# > the four equations written out, a shared bias, and why the kernel is not flipped.
#
# **What you will learn**
#
# - how a 2×2 kernel slides over a 3×3 input and produces a 2×2 output;
# - the formula for every output, $y_{ij} = \sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$, and where each term comes from;
# - the difference between one bias per output position and one shared bias;
# - why the "convolution" of deep-learning frameworks is, strictly speaking, a cross-correlation.
#
# **The setting** (the same throughout this collection):
#
# | symbol | what | shape |
# |---|---|---|
# | $X$ with entries $x_{11} \dots x_{33}$ | the input feature map | 3×3 |
# | $W$ with entries $w_{11}, w_{12}, w_{21}, w_{22}$ | the kernel (the weights) | 2×2 |
# | $b$ with entries $b_{11} \dots b_{22}$ | one bias per output position | 2×2 |
# | $Y$ with entries $y_{11} \dots y_{22}$ | the output feature map | 2×2 |
#
# Stride 1 (the window moves one cell at a time), no padding. Indices start at 1, as in the derivation.

# %% [markdown]
# ## Convolution or cross-correlation?
#
# In mathematics, the convolution of $X$ with $W$ flips the kernel before sliding it. For our 2×2 output that is
# $\sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+2-m)(j+2-n)}$: $y_{11}$ pairs $w_{11}$ with $x_{22}$ and $w_{22}$ with $x_{11}$, the
# kernel turned by 180°. Deep-learning frameworks (PyTorch's `Conv2d`, TensorFlow's `Conv2D`)
# do **not** flip it: they compute $\sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)}$, a *cross-correlation*, and still
# call it convolution. Since $W$ is learned, nothing is lost: a network that needed the flipped kernel
# would simply learn it flipped. We follow the frameworks (and the derivation) and never flip $W$ in the
# forward pass. Remember the flip, though: it comes back in the backward pass (notebook 02).

# %%
import numpy as np
import cnnviz
from cnnviz import conv2d_forward

# %% [markdown]
# ## The numbers we start from
#
# The derivation gives no numbers, so we pick small integers you can add up in your head.
# `cnnviz.examples.seed_conv()` returns them; every explorer below starts from them too.

# %%
seed = cnnviz.examples.seed_conv()
X, W, b = seed["x"], seed["w"], seed["b"]
print("X =\n", X, "\nW =\n", W, "\nb =\n", b)

# %% [markdown]
# ## The explorer
#
# - **Sliders** set every entry of $X$, $W$ and $b$; they are laid out as the matrices they edit
#   (click a slider, then use the arrow keys for fine steps).
# - **Play** walks the window over $X$: one step per output $y_{ij}$, in the order $y_{11}, y_{12}, y_{21}, y_{22}$.
#   *◀ step* / *step ▶* (or ← / → on the stage) move one step, the step slider jumps to any step, **speed** sets the pace.
# - The window on $X$ is outlined (solid, marked ▣); under each cell of the window is the weight that multiplies it.
#   The middle panel lists the four products, their sum, the bias, and $y_{ij}$; on the right, $Y$ fills in
#   (cells not computed yet show `?`; the current one is dashed).
# - Below: the formula for the current $y_{ij}$, symbolic and with your numbers.
#
# Change any slider while it plays: everything updates at once.

# %%
explorer = cnnviz.ConvForwardExplorer(X, W, b)
explorer

# %% [markdown]
# ### Predict, then reveal
#
# Before you press *step ▶* again, answer in your head, then click to check.
#
# <details><summary><b>Which outputs does x<sub>22</sub> touch?</b> (click to reveal)</summary>
#
# All four. $x_{22}$ is the centre of the 3×3 input, so every one of the four 2×2 windows contains it:
# it is multiplied by $w_{22}$ in $y_{11}$, by $w_{21}$ in $y_{12}$, by $w_{12}$ in $y_{21}$ and by $w_{11}$ in $y_{22}$.
# Set $x_{22}$ to 0 in the explorer and watch all four outputs change.
# </details>
#
# <details><summary><b>Which outputs does x<sub>13</sub> touch?</b></summary>
#
# Only $y_{12}$: the corner $x_{13}$ lies in the top-right window alone, multiplied by $w_{12}$.
# Corners are read once, edge centres twice, the centre four times. Notebook 02 turns this count into
# the number of terms in each $\partial L / \partial x_{ij}$.
# </details>
#
# <details><summary><b>If you add 1 to w<sub>11</sub>, how much does y<sub>11</sub> change?</b></summary>
#
# By $x_{11}$: $y_{11}$ depends on $w_{11}$ only through the term $w_{11} x_{11}$. That is exactly
# $\partial y_{11} / \partial w_{11} = x_{11}$, the first brick of the backward pass.
# </details>

# %% [markdown]
# ## The four equations, together
#
# Written out, the sliding window gives four equations, one per output. Here they are with the numbers
# of the explorer above (move a slider there and they follow):

# %%
explorer.equations()

# %% [markdown]
# The package computes the same thing in one vectorized call, with no loop over positions:

# %%
Y = conv2d_forward(X, W, b)
Y

# %% [markdown]
# and the plain-loop version in `cnnviz.naive`, written like the formula, agrees:

# %%
np.array_equal(cnnviz.naive.conv2d_forward(X, W, b), Y)

# %% [markdown]
# ## One shared bias
#
# The derivation uses one bias per output position, $b_{ij}$. Real convolution layers share **one**
# bias per output channel: $b_{11} = b_{12} = b_{21} = b_{22} = b$. Then every output gets the same $+b$.
# Switch the explorer to *one shared bias* (the toggle under the sliders), or build one directly:

# %%
shared = cnnviz.ConvForwardExplorer(X, W, b=1.0, bias="shared")
shared

# %%
conv2d_forward(X, W, 1.0)

# %% [markdown]
# Why share it? A feature detector should respond the same way wherever the feature appears
# (translation equivariance); a bias per position would break that, and it would tie the layer to one
# input size. Notebook 02 shows what sharing does to $\partial L / \partial b$.

# %% [markdown]
# ## Summary
#
# - The kernel slides over the input; at each position the output is the sum of the element-wise
#   products of the kernel with the window, plus the bias: $y_{ij} = \sum_{m,n} w_{mn} x_{(i+m-1)(j+n-1)} + b_{ij}$.
# - A 3×3 input and a 2×2 kernel with stride 1 give a 2×2 output; in general $H_{out} = H - K + 1$.
# - Every weight is used at every position; every input is used by every window that covers it
#   (the centre $x_{22}$ by all four).
# - Frameworks' "convolution" does not flip the kernel: it is a cross-correlation.
# - The bias can be one per position ($b_{ij}$) or, as in real layers, one shared $b$.

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** With the starting numbers ($X$, $W$, $b$ above), what is $y_{21}$? Work it out by hand from the
# formula, then write it below.

# %%
answer_1 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_1, Y[1, 0],
    hint="y21 uses the window x21, x22, x31, x32: w11*x21 + w12*x22 + w21*x31 + w22*x32 + b21.")

# %% [markdown]
# **2.** Which kernel $W$ makes $Y$ equal to the top-left 2×2 block of $X$ (with all biases 0)?
# Write it as a 2×2 list.

# %%
answer_2 = None  # e.g. [[0, 0], [0, 0]]

# %%
cnnviz.exercises.check_through(answer_2, (2, 2), lambda W_: conv2d_forward(X, W_, 0.0), X[:2, :2],
                                 hint="You want y_ij = x_ij: only the weight that multiplies the window's "
                                    "top-left cell should be 1.")

# %% [markdown]
# **3.** Write `my_conv(x, w, b)` with two loops over the output positions (any input and kernel size,
# stride 1, one bias per position), then run the check: it compares your function with
# `cnnviz.conv2d_forward` on random inputs.

# %%
def my_conv(x, w, b):
    x, w, b = np.asarray(x, float), np.asarray(w, float), np.asarray(b, float)
    # your code here: return the output array
    return None

# %%
cnnviz.exercises.check_function(my_conv, cnnviz.conv2d_forward, cnnviz.exercises.random_conv_cases(),
                                hint="Output size is (H - KH + 1, W - KW + 1); "
                                     "y[i, j] = (w * x[i:i+KH, j:j+KW]).sum() + b[i, j].")
