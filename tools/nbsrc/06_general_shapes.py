# title: 06 · Stride, padding, dilation, channels, batches
# about: the output size live and where every window lands; many channels summed into one map; the strided backward pass as a full convolution
# %% [markdown]
# # 06 · General shapes: stride, padding, dilation, channels, batches
#
# **What you will learn**
#
# - what padding, stride and dilation do to the sliding window, and the output-size formula
#   $H_{out} = \left\lfloor \dfrac{H + 2p - d\,(K-1) - 1}{s} \right\rfloor + 1$, term by term;
# - why some input rows are never read, and when no window fits at all;
# - how a layer with several input channels adds one map per channel into a single output map, and
#   why a batch of images is just the same layer applied to each image;
# - the backward pass with stride and padding: $\partial L/\partial X$ is **still** a full convolution with the rotated kernel,
#   of $\partial L/\partial Y$ with zeros inserted between its entries.
#
# So far (notebooks 01 and 02) the window moved one cell at a time over a 3×3 input, with no border, one channel,
# one image. Real layers have four more settings. The derivation's notation stays: indices start at 1,
# $x_{11}$ is the top-left input, $w_{11}$ the top-left weight, $y_{11}$ the first output.

# %%
import numpy as np
import cnnviz
from cnnviz import conv2d_backward, conv2d_forward, matrix_form, output_size

# %% [markdown]
# ## Three knobs on the window: padding, stride, dilation
#
# | knob | symbol | what it does |
# |---|---|---|
# | padding | $p$ | surrounds $X$ with $p$ rings of zeros: the window can sit over the border, and the padded input is $(H+2p) \times (W+2p)$ |
# | stride | $s$ | the window jumps $s$ cells at a time instead of 1 |
# | dilation | $d$ | the kernel's taps are $d$ cells apart: $K$ taps span $d\,(K-1)+1$ cells, with holes in between |
#
# The forward formula of notebook 01 becomes (1-based indices, $x$ = 0 outside the input, i.e. in the padding)
#
# $$y_{ij} = \sum_{m=1}^{K}\sum_{n=1}^{K} w_{mn}\; x_{\,(s(i-1) + d(m-1) + 1 - p)\,(s(j-1) + d(n-1) + 1 - p)} + b .$$
#
# With $s = d = 1$ and $p = 0$ the index is $i + m - 1$: the derivation's formula.
#
# **How many outputs?** Count along the rows. One window covers $d\,(K-1)+1$ rows of the padded input. Its
# first place is at the top; from there it can move down $s$ rows at a time as long as it stays inside the
# $H + 2p$ rows, that is $\lfloor (H + 2p - d(K-1) - 1)/s \rfloor$ times. Add the first place:
#
# $$H_{out} = \left\lfloor \frac{H + 2p - d\,(K-1) - 1}{s} \right\rfloor + 1,
#   \qquad W_{out} \text{ likewise with the input's width } W .$$
#
# (Here $H$ and $W$ are the input's height and width; the kernel is $K \times K$.)

# %% [markdown]
# ## The output-size explorer
#
# - **Sliders** set the input's height $H$ and width $W$, the kernel size $K$, the padding $p$, the stride $s$ and the dilation $d$.
# - The **formula** fills in your numbers, for the rows and for the columns. Under it: how far the window moves, and
#   which rows or columns no window ever reaches.
# - The **grid** is the padded input (dotted grey cells are the zeros of the padding). The big number in each cell
#   is how many windows read it. `#k` marks where window $k$ starts (its $w_{11}$).
# - **Play** (or *step ▶*) moves through the windows: the current one is outlined (solid, ▣), with the weight
#   that meets each of its cells. On the right, each output $y_{ij}$ shows the number of its window.
#
# It opens on the classic example: a 5×5 input, a 3×3 kernel, padding 1, stride 2: a 3×3 output.

# %%
sizes = cnnviz.OutputSizeExplorer(height=5, width=5, kernel=3, padding=1, stride=2, dilation=1)
sizes

# %% [markdown]
# ### Predict, then try it in the explorer
#
# <details><summary><b>A 3×3 kernel, stride 1: which padding keeps a 5×5 input 5×5?</b> (click to reveal)</summary>
#
# $p = 1$: $\lfloor (5 + 2 - 2 - 1)/1 \rfloor + 1 = 5$. For an odd $K$ and stride 1, $p = (K-1)/2$ keeps the size
# ("same" padding): the window can centre on every input cell.
# </details>
#
# <details><summary><b>H = 6, K = 3, p = 0, s = 2: how many output rows, and what happens to the last input row?</b></summary>
#
# $\lfloor (6 - 3)/2 \rfloor + 1 = 2$. The windows cover rows 1–3 and 3–5; row 6 is **never read** (the explorer
# marks it ✗): the floor in the formula throws it away. Its gradient will be 0.
# </details>
#
# <details><summary><b>K = 3 with dilation 2: how many cells does a window span, and how many weights does it have?</b></summary>
#
# It spans $2 \cdot (3-1) + 1 = 5$ cells per side, like a 5×5 kernel, but it still has 9 weights: the taps
# sit on every other cell. Dilation widens what a layer sees without adding weights.
# </details>

# %% [markdown]
# The same numbers from the package (`output_size` is what every layer calls):

# %%
(output_size((5, 5), 3, stride=2, padding=1),
 output_size((5, 5), 3, stride=1, padding=1),
 output_size((6, 6), 3, stride=2),
 output_size((7, 7), 3, dilation=2))

# %% [markdown]
# ## When no window fits
#
# If the window spans more cells than the padded input has, there is no place for it: the numerator of the
# formula is negative. The layer refuses with a message that says why, and so does the explorer: it keeps
# every value you set, shows the message and the formula with your numbers, and waits for a setting that fits.

# %%
cnnviz.OutputSizeExplorer(height=3, width=3, kernel=5, padding=0, stride=1, dilation=1)

# %%
try:
    output_size((3, 3), 5)
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# ## Several input channels
#
# A colour image has $C = 3$ channels (red, green, blue); a hidden layer's input has as many channels as the
# layer before it had kernels. A kernel then has one $K \times K$ slice **per input channel**, and one output
# channel $f$ adds them all up:
#
# $$y^{(f)}_{ij} = \sum_{c=1}^{C} \sum_{m,n} w^{(f,c)}_{mn}\, x^{(c)}_{(i+m-1)(j+n-1)} + b_f
#   = \sum_{c=1}^{C} \big(X^{(c)} \star W^{(f,c)}\big)_{ij} + b_f .$$
#
# Each channel is a convolution of notebook 01 on its own, $Z^{(c)} = X^{(c)} \star W^{(f,c)}$; the output map is
# their sum plus **one** bias $b_f$ (shared by every position, as in real layers). $F$ output channels are $F$
# such sums, each with its own stack of $C$ kernel slices. In the package's shapes (NCHW):
#
# | array | shape |
# |---|---|
# | input $X$ | $(N, C, H, W)$: $N$ images, $C$ channels |
# | kernels $W$ | $(F, C, K_H, K_W)$: $F$ output channels, each a stack of $C$ slices |
# | bias $b$ | $(F,)$: one per output channel |
# | output $Y$ | $(N, F, H_{out}, W_{out})$ |
#
# The explorer below: $C = 3$ input channels 4×4, $F = 2$ output channels with 2×2 kernel slices, a batch of $N = 2$ images.
# Each column is one input channel: $X^{(c)}$ with the window, $\star$ its kernel slice, $=$ its map $Z^{(c)}$. On the right,
# the three maps and the bias add up to $y_{ij}$. Choose the image $n$ and the output channel $f$; the sliders edit
# the kernel slices and the bias of the chosen $f$.

# %%
channels = cnnviz.MultiChannelExplorer()
channels

# %% [markdown]
# <details><summary><b>How many products go into one y, and how many numbers does this layer learn?</b> (click to reveal)</summary>
#
# One $y$ adds $C \cdot K_H \cdot K_W = 3 \cdot 2 \cdot 2 = 12$ products, then the bias. The layer learns
# $F \cdot C \cdot K_H \cdot K_W + F = 2 \cdot 12 + 2 = 26$ numbers, whatever the size of the image.
# </details>
#
# The package does it in one call on the 4-D arrays. Taking it apart channel by channel, with the same op on one
# channel at a time, gives the same map (these are the explorer's numbers: move its sliders, then run the cells again):

# %%
X4, W4, b4 = channels.x, channels.w, channels.b
Y4 = conv2d_forward(X4, W4, b4)
Y4.shape

# %%
maps = [conv2d_forward(X4[0, c], W4[0, c], 0.0) for c in range(3)]  # image 1, output channel 1
np.allclose(maps[0] + maps[1] + maps[2] + b4[0], Y4[0, 0])

# %% [markdown]
# ## A batch: the same layer, image by image
#
# A batch of $N$ images goes through the layer at once, for speed, but the images never mix: $Y[n]$ depends on
# $X[n]$ alone. Running the layer on one image at a time gives the same outputs:

# %%
all(np.allclose(conv2d_forward(X4[n:n + 1], W4, b4)[0], Y4[n]) for n in range(X4.shape[0]))

# %% [markdown]
# Every output map of the batch, the one taken apart above outlined (▶):

# %%
channels.batch()

# %% [markdown]
# In the backward pass, the batch shows up in one place: a weight is used for **every** image, so $\partial L/\partial W$
# (and $\partial L/\partial b$) **add up** the contributions of all images, while $\partial L/\partial X$ stays per image:

# %%
dY4 = np.ones_like(Y4)
dX4, dW4, db4 = conv2d_backward(dY4, X4, W4, b4)
per_image = [conv2d_backward(dY4[n:n + 1], X4[n:n + 1], W4, b4) for n in range(2)]
(np.allclose(dW4, per_image[0][1] + per_image[1][1]),
 np.allclose(db4, per_image[0][2] + per_image[1][2]),
 np.allclose(dX4[1], per_image[1][0][0]))

# %% [markdown]
# ## The backward pass with stride and padding
#
# Nothing new in the rule of notebook 02: output $y_{ij}$ sends $\partial L/\partial y_{ij} \cdot W$ back onto **its window**,
# and overlapping windows add up. What changes is where the windows are: $s$ cells apart, and partly over
# the padding. The taps that fall on the padding send their gradient to a zero that is not an input: the layer
# drops it. Below, the running total is drawn on the padded grid so you can see those dropped numbers (marked ⌫);
# inside the border it is the layer's $\partial L/\partial X$.
#
# The setting: $X$ 5×5, $W$ 3×3, stride 2, padding 1, so $\partial L/\partial Y$ is 3×3. The sliders set $W$, $\partial L/\partial Y$,
# the stride and the padding ($\partial L/\partial Y$ takes the new output size; values you set are kept where they fit).

# %%
backward = cnnviz.StridedBackwardExplorer(stride=2, padding=1)
backward

# %% [markdown]
# <details><summary><b>Predict:</b> which inputs receive four contributions, and which only one? (click to reveal)</summary>
#
# Windows 3 wide, 2 apart (on the input padded by 1), overlap in one row and one column: rows and columns 2 and 4.
# $x_{22}, x_{24}, x_{42}, x_{44}$ lie in those overlaps in both directions: four windows each. One window only: every
# input in rows *and* columns 1, 3, 5, that is $x_{11}, x_{13}, x_{15}, x_{31}, x_{33}, x_{35}, x_{51}, x_{53}, x_{55}$ (nine of
# them, the centre $x_{33}$ among them: not the centre of notebook 02, which four windows shared). The rest lie in two.
# Step to the end and read the counts under the running $\partial L/\partial X$.
# </details>
#
# $\partial L/\partial W$ follows the same steps: $w_{mn}$ receives $\partial L/\partial y_{ij}$ times the input it met, now $s$ cells apart
# from one window to the next (and 0 where it met the padding):

# %%
backward.weights()

# %% [markdown]
# ## The matrix form, with zeros inserted
#
# In notebook 02, $\partial L/\partial X$ was the full convolution of $\partial L/\partial Y$ with $W$ rotated by 180°. With a stride, neighbouring
# outputs come from windows $s$ cells apart, so their gradients must land $s$ cells apart too: **insert $s-1$ zeros
# between neighbouring entries of $\partial L/\partial Y$** (rows and columns), then do exactly what notebook 02 did:
#
# 1. spread $\partial L/\partial Y$ with $s-1$ zeros between its entries;
# 2. add a border of $K-1$ zeros;
# 3. cross-correlate with $\operatorname{rot180}(W)$: this is the gradient on the **padded** input;
# 4. crop the $p$ rings of the padding: $\partial L/\partial X$.
#
# Here with the explorer's numbers (it follows the sliders above):

# %%
backward.full_convolution()

# %% [markdown]
# Verified numerically on random numbers, with `cnnviz.matrix_form`, whose full convolution is a call of the forward op:

# %%
rng = np.random.default_rng(0)
x5, w3 = rng.normal(size=(5, 5)), rng.normal(size=(3, 3))
dy3 = rng.normal(size=output_size(x5.shape, w3.shape, stride=2, padding=1))
dx5, dw3, _ = conv2d_backward(dy3, x5, w3, 0.0, stride=2, padding=1)
np.allclose(matrix_form.input_grad_as_full_convolution(dy3, w3, x5.shape, stride=2, padding=1), dx5)

# %% [markdown]
# and on other sizes, strides and paddings, including a stride larger than the kernel and rows no window reads:

# %%
agree = []
for H, K, s, p in [(5, 3, 2, 1), (7, 3, 3, 0), (6, 2, 2, 1), (8, 4, 3, 2), (4, 1, 2, 0), (6, 3, 2, 0)]:
    x, w = rng.normal(size=(H, H)), rng.normal(size=(K, K))
    dy = rng.normal(size=output_size(x.shape, w.shape, stride=s, padding=p))
    dx = conv2d_backward(dy, x, w, 0.0, stride=s, padding=p)[0]
    agree.append(np.allclose(matrix_form.input_grad_as_full_convolution(dy, w, x.shape, stride=s, padding=p), dx))
agree

# %% [markdown]
# $\partial L/\partial W$ has its matrix form too: $X$ (padded) cross-correlated with $\partial L/\partial Y$, the taps of $\partial L/\partial Y$ spread $s$ apart
# (a dilation by the stride). And finite differences confirm the whole strided, padded backward pass:

# %%
dw_matrix = matrix_form.weight_grad_as_correlation(x5, dy3, w3.shape, stride=2, padding=1)
report = cnnviz.gradcheck.conv_layer_check(dy3, x5, w3, 0.0, stride=2, padding=1)
np.allclose(dw_matrix, dw3), all(error < 1e-7 for *_, error in report.values())

# %% [markdown]
# ## Summary
#
# - **Padding** $p$ adds rings of zeros, **stride** $s$ makes the window jump, **dilation** $d$ spreads its taps; per axis
#   $H_{out} = \lfloor (H + 2p - d(K-1) - 1)/s \rfloor + 1$. When the division is not exact, the last rows are never read;
#   when the window is larger than the padded input, there is no output at all.
# - With $C$ input channels, each output channel $f$ is the **sum over channels** of $X^{(c)} \star W^{(f,c)}$, plus one bias $b_f$.
#   Shapes: $X\,(N, C, H, W)$, $W\,(F, C, K_H, K_W)$, $b\,(F)$, $Y\,(N, F, H_{out}, W_{out})$.
# - A batch is the same layer per image; in the backward pass $\partial L/\partial W$ and $\partial L/\partial b$ add up over the images.
# - Backward with stride and padding: each output still sends $\partial L/\partial y_{ij} \cdot W$ onto its window; what falls on the padding is dropped.
#   In matrix form, $\partial L/\partial X$ is the full convolution of $\partial L/\partial Y$ **with $s-1$ zeros inserted between its entries**
#   with $\operatorname{rot180}(W)$, cropped by the padding.

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer.
#
# **1.** A 32×32 image, a 5×5 kernel, padding 2, stride 2: how many output rows?

# %%
answer_1 = None  # your number

# %%
cnnviz.exercises.check_number(answer_1, output_size((32, 32), 5, stride=2, padding=2)[0],
    hint="(H + 2p - d(K-1) - 1) // s + 1 with H=32, p=2, d=1, K=5, s=2.")

# %% [markdown]
# **2.** A 7×7 kernel, stride 1, no dilation: which padding keeps a 20×20 input 20×20?

# %%
answer_2 = None  # your number

# %%
cnnviz.exercises.check_number(answer_2, [p for p in range(10) if output_size((20, 20), 7, padding=p) == (20, 20)][0],
    hint="With s = 1 the output is H + 2p - K + 1; set it equal to H.")

# %% [markdown]
# **3.** A layer takes $C = 3$ input channels to $F = 8$ output channels with 3×3 kernels and one bias per output
# channel. How many numbers does it learn?

# %%
answer_3 = None  # your number

# %%
cnnviz.exercises.check_number(answer_3, np.zeros((8, 3, 3, 3)).size + np.zeros(8).size,
    hint="W has shape (F, C, KH, KW); b has shape (F,).")

# %% [markdown]
# **4.** $X$ 5×5, $W$ 3×3 below, stride 2, padding 1, and $\partial L/\partial Y$ all ones (3×3). What is $\partial L/\partial x_{22}$?
# Find the four windows that read $x_{22}$ and the weight that meets it in each.

# %%
W_ex = np.array([[1., 0., -1.], [2., 1., 0.], [0., -1., 1.]])
answer_4 = None  # your number

# %%
cnnviz.exercises.check_number(answer_4, conv2d_backward(np.ones((3, 3)), np.zeros((5, 5)), W_ex, 0.0, stride=2, padding=1)[0][1, 1],
    hint="x22 is row 3, column 3 of the padded input: it meets w33 in y11, w31 in y12, w13 in y21, w11 in y22.")

# %% [markdown]
# **5.** Write `spread(dy, s)`: $\partial L/\partial Y$ with $s-1$ zeros inserted between neighbouring entries (rows and columns),
# the first step of the matrix form. A 2×2 input with $s = 3$ gives a 4×4 result. The check compares it with
# `cnnviz.matrix_form.insert_zeros` on a few cases.

# %%
def spread(dy, s):
    dy = np.asarray(dy, float)
    # your code here: return the spread array
    return None

# %%
cnnviz.exercises.check_function(
    spread, matrix_form.insert_zeros,
    [(np.array([[1., 2.], [3., 4.]]), 2), (np.arange(6.).reshape(2, 3), 3), (np.ones((3, 1)), 2),
     (np.array([[5.]]), 4), (np.arange(4.).reshape(2, 2), 1)],
    hint="out = np.zeros(((H - 1) * s + 1, (W - 1) * s + 1)); out[::s, ::s] = dy.")
