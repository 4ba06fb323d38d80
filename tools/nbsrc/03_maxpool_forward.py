# title: 03 · Max pooling, forward
# about: four overlapping windows X'1 … X'4 and their maxima; window size, stride and the output size
# %% [markdown]
# # 03 · The max-pooling layer, forward
#
# > **From the derivation** (section 3, 池化层前向传播; the whole derivation: [derivation.md](derivation.md))
# >
# > 由于使用的是最大池化层, 池化核尺寸为 2×2 , 步长为1, 无填充, 因此池化层的前向传播可以通过滑动池化窗口的方式进行。
# >
# > 设函数 $max(\cdot)$ 返回的是**矩阵中的最大元素的值**,则可得到输出特征图Y的结果为 …
# >
# > *In English:* a 2×2 max-pooling window moves over the input with stride 1 and no padding; with
# > $\max(\cdot)$ the largest entry of a matrix, the output is
# > $Y = \begin{pmatrix} \max(X'_1) & \max(X'_2) \\ \max(X'_3) & \max(X'_4) \end{pmatrix}$
# > (the original's LaTeX for this matrix is damaged: see the errata of the derivation page).
# >
# > *What this notebook adds:* the four overlapping windows and their maxima, live, and how window size and
# > stride decide whether windows overlap, tile the input or skip part of it.
#
# **What you will learn**
#
# - how a 2×2 pooling window slides over a 3×3 input with stride 1, giving four **overlapping** windows $X'_1 \dots X'_4$;
# - that each output is the largest value of its window, $y_{ij} = \max(X'_k)$, and that pooling has no weights to learn;
# - that one input can be the maximum of several windows ($x_{22}$ here is the maximum of three), which notebook 04 will need;
# - how the window size and the stride decide whether windows overlap, tile the input or skip parts of it,
#   and the output size $H_O = \lfloor (H - \text{size}) / \text{stride} \rfloor + 1$.
#
# **The setting** (the derivation's, section 3):
#
# | symbol | what | shape |
# |---|---|---|
# | $X$ with entries $x_{11} \dots x_{33}$ | the input feature map | 3×3 |
# | $X'_1, X'_2, X'_3, X'_4$ | the pooling windows, row by row | 2×2 each |
# | $Y$ with entries $y_{11} \dots y_{22}$ | the output feature map | 2×2 |
#
# Window 2×2, stride 1 (the window moves one cell at a time), no padding. Indices start at 1.

# %% [markdown]
# ## The four windows
#
# The window starts at the top left and moves one cell right, then one row down. Because it moves by 1 but
# is 2 wide, neighbouring windows **share** cells:
#
# $$X'_1 = \begin{bmatrix} x_{11} & x_{12} \\ x_{21} & x_{22} \end{bmatrix}\quad
#   X'_2 = \begin{bmatrix} x_{12} & x_{13} \\ x_{22} & x_{23} \end{bmatrix}\quad
#   X'_3 = \begin{bmatrix} x_{21} & x_{22} \\ x_{31} & x_{32} \end{bmatrix}\quad
#   X'_4 = \begin{bmatrix} x_{22} & x_{23} \\ x_{32} & x_{33} \end{bmatrix}$$
#
# and each output is the largest entry of its window:
#
# $$Y = \begin{bmatrix} \max(X'_1) & \max(X'_2) \\ \max(X'_3) & \max(X'_4) \end{bmatrix}$$
#
# Look at $x_{22}$: it is in all four windows. Nothing is multiplied and nothing is added: the layer only
# *chooses*.

# %%
import numpy as np
import cnnviz
from cnnviz import maxpool2d_forward

seed = cnnviz.examples.seed_pool()
X = seed["x"]
print("X =\n", X)

# %% [markdown]
# ## The explorer
#
# - **Sliders** set every entry of $X$ (laid out as $X$ itself).
# - **Play** walks the window over $X$: one step per window $X'_1 \dots X'_4$, that is per output
#   $y_{11}, y_{12}, y_{21}, y_{22}$. *◀ step* / *step ▶* move one step, the step slider jumps to any
#   window (or ← / → on the stage), **speed** sets the pace.
# - Left: $X$ with the current window outlined (▣). Its maximum has a double outline and the word **max**;
#   an entry equal to the maximum is marked **tie**.
# - Middle: the window on its own, each entry with the $x$ it holds. Right: $Y$ filling in (`?` = not computed yet,
#   the current output dashed).
# - Below: $X'_k$ and $y_{ij} = \max(X'_k)$ with your numbers.
#
# Change a slider at any time: everything updates at once.

# %%
explorer = cnnviz.PoolForwardExplorer(X)
explorer

# %% [markdown]
# ### Predict, then reveal
#
# Answer in your head first, then check with the explorer and click to reveal.
#
# <details><summary><b>Which input is the maximum of the most windows?</b> (click to reveal)</summary>
#
# $x_{22} = 8$. It is in all four windows and the largest entry of $X'_1$, $X'_2$ and $X'_3$; only $X'_4$
# holds something larger, $x_{33} = 9$. So $y_{11} = y_{12} = y_{21} = 8$ all come from the same input.
# </details>
#
# <details><summary><b>Set x<sub>11</sub> to 5. Which output changes?</b></summary>
#
# None. $x_{11}$ is only in $X'_1$, and 5 is still smaller than $x_{22} = 8$. An input that is not the
# maximum of its window does not influence $Y$ at all, for small changes. Now set $x_{11}$ to 9: $y_{11}$
# jumps to 9, and only $y_{11}$.
# </details>
#
# <details><summary><b>Set x<sub>22</sub> to 0. How many outputs change?</b></summary>
#
# Three: $y_{11}$, $y_{12}$ and $y_{21}$ each fall to the next largest entry of their window
# (4, 3 and 5). $y_{22}$ stays 9. Every window is decided by its own maximum.
# </details>

# %% [markdown]
# The package computes $Y$ in one vectorized call, with no loop over the windows:

# %%
Y = maxpool2d_forward(X)
Y

# %% [markdown]
# and the plain-loop version in `cnnviz.naive`, written like the definition, agrees:

# %%
np.array_equal(cnnviz.naive.maxpool2d_forward(X), Y)

# %% [markdown]
# ## Window size and stride
#
# The derivation's windows overlap because the stride (1) is smaller than the window (2). Networks often
# use other settings; the classic one is a 2×2 window with stride 2. Three cases:
#
# | setting | windows | what happens |
# |---|---|---|
# | stride < size | **overlapping** | neighbouring windows share cells; one input can be the maximum of several windows |
# | stride = size | **tiling** | windows touch without overlapping; each input is read at most once |
# | stride > size | **skipping** | gaps between windows; some inputs are never read and never reach $Y$ |
#
# The number of window positions along one axis is the output size:
#
# $$H_O = \left\lfloor \frac{H - \text{size}}{\text{stride}} \right\rfloor + 1 \qquad (W_O \text{ likewise}).$$
#
# The explorer below uses a 6×6 input. Move **size** and **stride** and watch:
#
# - the first stage steps through the windows: $X$ with the current window outlined (▣) and its maximum marked
#   (**max**, **tie** for an equal value), cells in no window dotted, and $y_{ij} = \max(X'_k)$ above;
# - the next stage shows the whole picture at once: under each number of $X$, **in n** says how many windows read
#   that cell (**skipped**: none), a map of every window's position, and the whole $Y$;
# - the last one, the output-size formula with your numbers.
#
# **new random input** draws another 6×6 input (from a fixed seed, so everyone gets the same sequence). A window
# larger than the input gets a message; your settings stay as they are.

# %%
windows = cnnviz.PoolWindowsExplorer(size=2, stride=2)
windows

# %% [markdown]
# ### Predict, then reveal
#
# <details><summary><b>Size 3, stride 2: how big is Y, and which inputs are skipped?</b></summary>
#
# $H_O = \lfloor (6 - 3) / 2 \rfloor + 1 = 2$: the windows start at rows 1 and 3 and cover rows 1 … 5. Row 6
# and column 6 are in no window: the division does not come out even, and the remainder is dropped.
# Meanwhile row 3 and column 3 are in two windows each: these windows overlap *and* skip.
# </details>
#
# <details><summary><b>Size 2: which stride gives the most outputs, which the fewest?</b></summary>
#
# Stride 1 gives $5 \times 5 = 25$ heavily overlapping windows; stride 2 gives $3 \times 3 = 9$ tiles; strides 3 and 4
# give $2 \times 2 = 4$. From stride 5 on, $\lfloor 4/5 \rfloor + 1 = 1$: a single window, and 32 of the 36 inputs
# are skipped.
# </details>

# %% [markdown]
# The same sizes from the package (`cnnviz.output_size` takes the input size, the window and the stride):

# %%
{stride: cnnviz.output_size((6, 6), 2, stride=stride) for stride in (1, 2, 3)}

# %% [markdown]
# ## Summary
#
# - Max pooling slides a window over the input and keeps the largest entry of each window:
#   $y_{ij} = \max(X'_k)$. It has no weights and no bias.
# - With a 2×2 window and stride 1 over a 3×3 input, the four windows $X'_1 \dots X'_4$ overlap;
#   $x_{22}$ is in all of them, and here it is the maximum of three.
# - An input that is not the maximum of any window does not affect $Y$ (for small changes); the maximum
#   passes through unchanged.
# - Stride < size: overlapping windows; stride = size: tiling; stride > size: skipping.
#   $H_O = \lfloor (H - \text{size}) / \text{stride} \rfloor + 1$, and $W_O$ likewise.

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** With the starting $X$ above, what is $y_{12}$? Work it out from the window $X'_2$, then write it below.

# %%
answer_1 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_1, Y[0, 1],
    hint="X'2 holds x12, x13, x22, x23; y12 is the largest of these four numbers.")

# %% [markdown]
# **2.** A 7×7 input, a 3×3 window, stride 2: how many rows does $Y$ have?

# %%
answer_2 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_2, cnnviz.output_size((7, 7), 3, stride=2)[0],
    hint="H_O = floor((H - size) / stride) + 1 with H = 7, size = 3, stride = 2.")

# %% [markdown]
# **3.** Change **one** entry of the starting $X$ so that every output equals 8, $Y = \begin{bmatrix} 8 & 8 \\ 8 & 8 \end{bmatrix}$.
# Write the whole new $X$ as a 3×3 list.

# %%
answer_3 = None  # e.g. [[1, 3, 2], [4, 8, 1], [0, 5, 9]]

# %%
cnnviz.exercises.check_through(answer_3, (3, 3), maxpool2d_forward, [[8, 8], [8, 8]], start=X, changes=1,
                               hint="Only y22 is not 8 yet. Which entry makes y22 = 9, and what must it "
                                    "become so that x22 = 8 is the largest entry of X'4?")
