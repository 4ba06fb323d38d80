# title: 04 · Max pooling, backward
# about: the mask M_k, ADDING (not overwriting) gradients where windows overlap, ties, a gradient check
# %% [markdown]
# # 04 · The max-pooling layer, backward
#
# > **From the derivation** (section 4, 池化层反向传播; the whole derivation: [derivation.md](derivation.md))
# >
# > 池化层的反向传播计算可以通过使用**具有相同的池化窗口大小但将最大值位置标记为1、其他位置标记为0**的掩码矩阵来实现。
# >
# > 将 $\frac{\partial L}{\partial y_{ij}}$ 乘以掩码矩阵 $M_k$ ,得到局部梯度 $\frac{\partial L}{\partial X_k'}=\frac{\partial L}{\partial y_{ij}}\cdot M_k$ 。
# >
# > *In English:* the backward pass uses a mask $M_k$ the size of the pooling window, 1 where the window's
# > maximum sits and 0 elsewhere; multiplying $\partial L/\partial y_{ij}$ by it gives the local gradient
# > $\partial L/\partial X'_k$, which is added into $\partial L/\partial X$ (the derivation writes $X_k'$ for $X'_k$).
# >
# > *What this notebook adds:* why the mask is the right derivative, the contributions meeting where windows
# > overlap (and the `=` instead of `+=` bug that loses them), and what to do with ties.
#
# **What you will learn**
#
# - the mask $M_k$ of a window: 1 where its maximum sits, 0 elsewhere;
# - the local gradient $\partial L/\partial X'_k = \partial L/\partial y_{ij} \cdot M_k$, and why only the maximum gets any gradient;
# - why the local gradients must be **added** into $\partial L/\partial X$: overlapping windows can share their maximum,
#   and $x_{22}$ collects up to four contributions;
# - what to do when a window holds its maximum twice (a *tie*), and why counting every tied entry is wrong;
# - the classic bug, `=` instead of `+=`, and how to see it.
#
# The setting is notebook 03's: $X$ 3×3, window 2×2, stride 1, the four windows $X'_1 \dots X'_4$, $Y$ 2×2.

# %% [markdown]
# ## The algorithm (the derivation, section 4)
#
# The backward pass receives $\partial L/\partial Y$, four numbers, and must return $\partial L/\partial X$:
#
# 1. start with $\partial L/\partial X$ = a 3×3 matrix of zeros;
# 2. for every output $y_{ij}$, with its window $X'_k$ and its gradient $\partial L/\partial y_{ij}$:
#    - make a mask $M_k$ the size of the window, 1 at the window's maximum, 0 elsewhere;
#    - the local gradient is $\dfrac{\partial L}{\partial X'_k} = \dfrac{\partial L}{\partial y_{ij}} \cdot M_k$;
#    - **add** it into $\partial L/\partial X$ at the window's place;
# 3. the result is $\partial L/\partial X$.
#
# Why the mask? $y_{ij} = \max(X'_k)$ equals one entry of the window. Nudge that entry and $y_{ij}$ moves with
# it (slope 1); nudge any other entry a little and $y_{ij}$ does not move at all (slope 0). So
# $\partial y_{ij} / \partial X'_k = M_k$, and the chain rule gives the local gradient above.

# %%
import numpy as np
import cnnviz
from cnnviz import maxpool2d_backward, maxpool2d_forward, maxpool2d_masks

seed = cnnviz.examples.seed_pool()
X, dY = seed["x"], seed["dy"]
print("X =\n", X, "\ndL/dY =\n", dY)

# %% [markdown]
# ## The explorer
#
# - **Sliders** set $\partial L/\partial Y$ (left) and $X$ (right).
# - **ties** chooses what a window does when its maximum appears twice (see *Ties* below); leave it on *first* for now.
# - **Play** walks through the windows $X'_1 \dots X'_4$; *◀ step* / *step ▶* (or ← / →), the step slider and **speed** as before.
# - First row, what window $X'_k$ does: its gradient $\partial L/\partial y_{ij}$ (dashed), the window on $X$ with its maximum
#   (**max**, double outline), the mask $M_k$, and the local gradient $\partial L/\partial y_{ij} \cdot M_k$ (under each of
#   their entries, the $x$ it sits on). The formula follows.
# - Second row: what this step **adds** to $\partial L/\partial X$, and the running $\partial L/\partial X$. The cells
#   changed at this step are marked **+**; under every number, how many windows that input has **won** so far, and which.
# - Last: **meet at** picks one input and lists every window that covers it and what each one sends there.

# %%
explorer = cnnviz.PoolBackwardExplorer(X, dY)
explorer

# %% [markdown]
# ### Predict, then reveal
#
# <details><summary><b>Before you play: which inputs will get a non-zero gradient?</b> (click to reveal)</summary>
#
# Only the maxima: $x_{22} = 8$ (the maximum of $X'_1$, $X'_2$, $X'_3$) and $x_{33} = 9$ (the maximum of $X'_4$).
# The other seven entries are the maximum of no window: nudging them does not change $Y$, so their gradient is 0.
# </details>
#
# <details><summary><b>What does ∂L/∂x<sub>22</sub> end up as?</b></summary>
#
# $\partial L/\partial y_{11} + \partial L/\partial y_{12} + \partial L/\partial y_{21} = 1 + 2 + (-1) = 2$: three windows
# route their whole gradient to $x_{22}$, and the three contributions are **added**. $X'_4$ covers $x_{22}$ too, but its
# maximum is $x_{33}$, so it sends 0 there.
# </details>
#
# <details><summary><b>Set x<sub>33</sub> to 0. What happens to ∂L/∂x<sub>22</sub>?</b></summary>
#
# Now $x_{22}$ wins all four windows (its count says *won 4*) and collects all four gradients: $1 + 2 + (-1) + 3 = 5$,
# the sum of all of $\partial L/\partial Y$. $x_{33}$ drops to 0.
# </details>

# %% [markdown]
# ## Where the four contributions meet
#
# $x_{22}$ lies in all four windows, so up to four contributions can reach it, one per step. The view below follows the
# same explorer (the same sliders): step through and watch the sum grow. Pick another input with **meet at**:
# a corner is in one window only, an edge centre in two.

# %%
explorer.meeting()

# %% [markdown]
# ## One call, and a check
#
# The package does all four steps in one vectorized call. Here are the four masks, `masks[i, j]` being $M_k$ of output $y_{ij}$,
# and the result:

# %%
masks = maxpool2d_masks(X)
for k, (i, j) in enumerate(np.ndindex(2, 2), start=1):
    print(f"M{k} =", masks[i, j].tolist())

# %%
dX = maxpool2d_backward(dY, X)
dX

# %% [markdown]
# Is it right? Take the loss $L = \sum_{ij} \partial L/\partial y_{ij} \cdot y_{ij}$, whose gradient with respect to $Y$ is exactly
# our $\partial L/\partial Y$. Nudge each $x$ by a tiny $\varepsilon$ up and down and watch $L$: that gives every
# $\partial L/\partial x$ numerically. `cnnviz.gradcheck` does this and returns the relative difference to our $\partial L/\partial X$:

# %%
def loss(x):
    return np.sum(dY * maxpool2d_forward(x))

error = cnnviz.gradcheck.check_gradient(loss, X, dX)
print("relative error below 1e-7:", error < 1e-7)

# %% [markdown]
# ## The classic bug: `=` instead of `+=`
#
# Compare the two loops. They differ by one character:
#
# ```python
# dX = np.zeros_like(X)
# for each window k at (i, j):
#     dX[window k's place] += dY[i, j] * M_k      # right: contributions add up
#     dX[window k's place]  = dY[i, j] * M_k      # the bug: each window overwrites the last
# ```
#
# With `=`, every cell keeps only what the **last** window covering it wrote there. In our example $x_{22}$ gets
# 1, then 2, then −1 written over each other, and finally $X'_4$, whose maximum is $x_{33}$, writes a 0. The whole gradient of
# $x_{22}$ is lost. Step through and compare (left: right; right: the bug; ✘ marks a wrong cell, with the value it should have):

# %%
explorer.overwrite_bug()

# %% [markdown]
# `cnnviz.pitfalls` has the buggy version, for exactly this comparison:

# %%
comparison = cnnviz.pitfalls.compare_overwrite(dY, X)
print("right (+=):\n", comparison.correct)
print("the bug (=):\n", comparison.overwritten)
print("sum dL/dY =", comparison.sum_dy, "| sum dL/dX: right", comparison.sum_correct,
      "| bug", comparison.sum_overwritten)

# %% [markdown]
# Why does such a bug survive? With the most common setting, a 2×2 window with **stride 2**, the windows never overlap:
# every cell is written at most once, and `=` happens to give the right answer. The bug only shows when the windows overlap.

# %%
rng = np.random.default_rng(0)
X4, dY4 = rng.integers(0, 10, size=(4, 4)), rng.integers(-3, 4, size=(2, 2))
np.array_equal(cnnviz.pitfalls.maxpool2d_backward_overwrite(dY4, X4, size=2, stride=2),
               maxpool2d_backward(dY4, X4, size=2, stride=2))

# %% [markdown]
# ## Ties: when the maximum appears twice
#
# The derivation's mask has "1 at the position of the maximum". What if two entries of a window are both the maximum?
# Change $x_{13}$ to 8: now $X'_2 = \begin{bmatrix} 3 & 8 \\ 8 & 1 \end{bmatrix}$ holds 8 twice, at $x_{13}$ and $x_{22}$.
# Three answers are in use:
#
# | ties | the mask of a window with $t$ tied maxima | sum of the mask |
# |---|---|---|
# | **first** | 1 at the first maximum, row by row (here $x_{13}$); what PyTorch and most frameworks do | 1 |
# | **all** | 1 at every tied maximum | $t$ |
# | **split** | $1/t$ at each tied maximum | 1 |
#
# The explorer below starts with this $X$, at the window $X'_2$. Switch **ties** and watch the mask $M_2$ change, and below
# it the three $\partial L/\partial X$, each with its sum against the sum of $\partial L/\partial Y$.

# %%
X_tie = X.copy()
X_tie[0, 2] = 8
tied = cnnviz.PoolBackwardExplorer(X_tie, dY, ties="first")
tied.ties_view(step=1)  # start at the window X'2, which holds the tie

# %% [markdown]
# **The sum is a test every gradient must pass.** Add the same small $c$ to every entry of $X$. Every window's maximum
# grows by exactly $c$ — whichever entry it is — so every $y_{ij}$ grows by $c$ and $L$ by $c \cdot \sum_{ij} \partial L/\partial y_{ij}$.
# A gradient has to predict that change, $c \cdot \sum_{rc} \partial L/\partial x_{rc}$; so $\sum \partial L/\partial X$ must equal
# $\sum \partial L/\partial Y$. Here is the shift, done for real (with the same loss as above):

# %%
c = 2.0 ** -10  # a power of two: the arithmetic below is exact
ties = cnnviz.pitfalls.compare_ties(dY, X_tie)
print("change of L per unit shift:", (loss(X_tie + c) - loss(X_tie)) / c)
print("sum dL/dY:", ties.sum_dy, "| sum dL/dX:", ties.sum_dx)

# %% [markdown]
# "first" and "split" pass; "all" sends $\partial L/\partial y_{12} = 2$ to both $x_{13}$ and $x_{22}$ and over-counts by 2.
#
# **Why is a tie a choice at all?** Because at a tie the maximum has no derivative. Move $x_{22}$ alone: up by $\varepsilon$ and
# it becomes the only maximum of $X'_2$, so $y_{12}$ follows it (slope 1); down by $\varepsilon$ and $x_{13}$ is the
# maximum, $y_{12}$ stays at 8 (slope 0). The slope from the right and the slope from the left differ, like $|t|$ at 0:

# %%
def y12(x):
    return maxpool2d_forward(x)[0, 1]

bump = np.zeros((3, 3))
bump[1, 1] = c  # x22 alone
print("slope of y12 from the right:", (y12(X_tie + bump) - y12(X_tie)) / c)
print("slope of y12 from the left: ", (y12(X_tie) - y12(X_tie - bump)) / c)
print("slope of L from the right:  ", (loss(X_tie + bump) - loss(X_tie)) / c)
print("slope of L from the left:   ", (loss(X_tie) - loss(X_tie - bump)) / c)

# %% [markdown]
# For $L$: from the right, $y_{11}$, $y_{12}$ and $y_{21}$ all follow $x_{22}$, so the slope is $1 + 2 + (-1) = 2$; from the
# left only $y_{11}$ and $y_{21}$ do, $1 + (-1) = 0$. The two differ by exactly $\partial L/\partial y_{12} = 2$, the gradient
# the tie has to place somewhere.

# %% [markdown]
# Any mask between "all to $x_{13}$" and "all to $x_{22}$" is a defensible gradient there: each is a *subgradient* of
# $y_{12}$ (a maximum is a convex function of its window), and for $L$, which need not be convex, a *generalized
# gradient*. "first" takes one end, "split" the middle. "all" takes both ends at once, which is none of them.
#
# The centred finite difference of `cnnviz.gradcheck` averages the two one-sided slopes, so at this two-way tie it agrees with
# "split" and disagrees with the other two. That is not a bug in "first": finite differences cannot settle a point where
# no derivative exists. Away from ties, all three policies give the same $\partial L/\partial X$ and all pass the check.

# %%
{policy: bool(cnnviz.gradcheck.check_gradient(loss, X_tie, ties.dx[policy]) < 1e-7)
 for policy in ties.policies}

# %% [markdown]
# Real inputs rarely tie exactly, except where they are all equal — for instance all zeros after a ReLU. There a 2×2 window
# has four tied maxima, and "all" sends back four times its gradient. Check it with the explorer: set every $x$ to 0.

# %% [markdown]
# ## Summary
#
# - The gradient of $y_{ij} = \max(X'_k)$ with respect to its window is the mask $M_k$: 1 at the maximum, 0 elsewhere.
# - Each window sends back $\partial L/\partial y_{ij} \cdot M_k$, and these local gradients are **added** into $\partial L/\partial X$.
#   Where windows overlap, one input can win several windows and collect several gradients ($x_{22}$: up to four).
# - Inputs that are the maximum of no window get gradient 0.
# - Writing `=` instead of `+=` keeps only the last window's contribution; it goes unnoticed while windows do not overlap.
# - At a tie the maximum is not differentiable; "first" (the frameworks' choice) and "split" keep
#   $\sum \partial L/\partial X = \sum \partial L/\partial Y$, "all" over-counts.

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** Start from the seed's $X$ and $\partial L/\partial Y$ and set $x_{33} = 0$. What is $\partial L/\partial x_{22}$ now?

# %%
answer_1 = None  # replace None by your number

# %%
X_1 = X.copy()
X_1[2, 2] = 0
cnnviz.exercises.check_number(answer_1, maxpool2d_backward(dY, X_1)[1, 1],
    hint="Which windows does x22 win once x33 is 0? Add up their dL/dy.")

# %% [markdown]
# **2.** $X$ is all zeros (3×3), $\partial L/\partial Y$ is the seed's. What is the sum of $\partial L/\partial X$ with ties = "all"?

# %%
answer_2 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_2, maxpool2d_backward(dY, np.zeros((3, 3)), ties="all").sum(),
    hint="Every window has four tied maxima and sends its dL/dy to each of them.")

# %% [markdown]
# **3.** Write `my_pool_backward(dy, x)` for a 2×2 window with stride 1 and ties = "first", with loops over the windows and
# **`+=`**. Then run the check: it compares your function with `cnnviz.maxpool2d_backward` on random inputs, ties included
# (`np.argmax` returns the first maximum, row by row).

# %%
def my_pool_backward(dy, x):
    dy, x = np.asarray(dy, float), np.asarray(x, float)
    dx = np.zeros_like(x)
    # your code here: for every window (i, j), find its maximum and add dy[i, j] there
    return None

# %%
rng = np.random.default_rng(4)
cases = []
for h, w in [(3, 3), (4, 5), (5, 4)]:
    x = rng.integers(0, 4, size=(h, w)).astype(float)  # small integers: ties happen
    dy = rng.integers(-3, 4, size=(h - 1, w - 1)).astype(float)
    cases.append((dy, x))
cnnviz.exercises.check_function(my_pool_backward, maxpool2d_backward, cases,
    hint="For window (i, j): w = x[i:i+2, j:j+2]; m, n = np.unravel_index(np.argmax(w), w.shape); "
         "dx[i + m, j + n] += dy[i, j].")
