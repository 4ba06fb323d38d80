# title: 00 · Start here
# about: what this collection teaches, how the controls work, the notation
# %% [markdown]
# # 00 · Start here: convolution and max pooling, forward and backward
#
# A convolutional network is built from two layers that this collection takes apart number by number:
# the **convolution layer** (a small kernel slides over the input) and the **max-pooling layer** (keep the
# largest value of each window). For each you will compute the forward pass — what the layer outputs — and
# the backward pass — how the gradient of the loss flows back through it, which is what training needs.
#
# Everything follows one small worked example: a 3×3 input, a 2×2 kernel, stride 1. It is small enough
# that you can check every number in your head, and large enough to show everything that matters:
# windows that overlap, inputs that are used several times, gradients that must be **added up**.
#
# **In this order:**
#
# <!-- notebook map -->
#
# Read 01 → 04 in order; 05 and 06 need them. Each notebook opens with what you will learn and ends with a
# summary and exercises that check your answers.
#
# The derivation itself, in Chinese and English, with its errata: [derivation.md](derivation.md).

# %% [markdown]
# ## How the controls work
#
# Every notebook has *explorers*: sliders for the numbers, and a *stage* that steps through the computation.
# Try them on the one below.
#
# | control | what it does |
# |---|---|
# | **sliders** (x₁₁, w₁₂, ∂L/∂y₂₁ …) | set one entry of a matrix; they are laid out as the matrix they edit. Drag, or click one and use the arrow keys. |
# | **▶ play / ❚❚ pause** (or *space*) | animate the steps (one window position per step) |
# | **◀ step / step ▶** (or *←* / *→*) | one step back or forward |
# | **⇤ first / last ⇥** (or *Home* / *End*) | the first or the last step |
# | **the step slider** | jump to any step |
# | **speed**, **loop** | slow, medium or fast; start again at the end |
# | **⤢ projector** | large type, for a lecture hall |
#
# The keys work once you click the stage (or reach it with *Tab*). Any slider change updates the stage at once,
# also while it plays, and the stage stays on its step. In the views, the current
# window has a **thick solid outline and a ▣ mark**, the current output a **dashed outline and a ◀ mark**,
# and cells not computed yet show **?** — the colours only repeat what the outlines and marks say.

# %%
import cnnviz

cnnviz.ConvForwardExplorer()

# %% [markdown]
# ## The notation
#
# The collection keeps the derivation's notation everywhere. Indices start at 1: $x_{11}$ is the top-left
# entry, $x_{23}$ is row 2, column 3.
#
# | symbol | meaning | shape in the worked example |
# |---|---|---|
# | $X$, $x_{ij}$ | input feature map | 3×3 |
# | $W$, $w_{mn}$ | convolution kernel (weights) | 2×2 |
# | $b$, $b_{ij}$ | bias: one per output position $b_{ij}$, or one shared $b$ | 2×2, or 1 |
# | $Y$, $y_{ij}$ | output feature map, $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$ | 2×2 |
# | $L$ | the loss, one number | 1 |
# | $\partial L/\partial Y$, $\partial L/\partial y_{ij}$ | gradient arriving at the layer's output (given) | 2×2 |
# | $\partial L/\partial X$, $\partial L/\partial W$, $\partial L/\partial b$ | gradients the backward pass returns | 3×3, 2×2, like $b$ |
# | $X'_k$ | the $k$-th pooling window ($X'_1 \dots X'_4$, row by row) | 2×2 |
# | $M_k$ | mask of window $k$: 1 at its maximum, 0 elsewhere | 2×2 |
#
# In code, arrays are 0-based as in numpy: $x_{11}$ is `X[0, 0]`. General layers use the NCHW layout:
# $X$ of shape (N, C, H, W) — batch, channels, height, width — and $W$ of shape (F, C, KH, KW) for F output
# channels (notebook 06).

# %% [markdown]
# ## The package in four lines
#
# Every number in the notebooks comes from four functions of the `cnnviz` package (plain numpy), which you
# can call yourself:

# %%
from cnnviz import conv2d_forward, conv2d_backward, maxpool2d_forward, maxpool2d_backward

X = [[1, 2, 0], [0, 1, 3], [2, 1, 1]]
W = [[1, -1], [2, 0]]
conv2d_forward(X, W, 0.0)

# %%
maxpool2d_forward(X, size=2, stride=1)

# %% [markdown]
# `cnnviz.naive` has the same four as plain loops that read like the formulas; `cnnviz.steps` gives the
# step-by-step traces the animations show, `cnnviz.formulas` the formulas, `cnnviz.gradcheck` finite-difference checks.

# %% [markdown]
# ## For instructors: presenting live
#
# - **Set up once:** `make lab` in the repository (or the pip route in the README). Open a notebook and run it
#   (*Run → Run All Cells*) before class: the explorers need a running kernel to react.
# - **Make it large:** each stage's **⤢ projector** button makes its type large enough for the back of the room;
#   *View → Presentation Mode* hides the side panels, and the browser zoom (Ctrl/Cmd +) scales everything. The
#   views stay readable projected (large bold digits, outlines and marks besides colour), in light and dark themes.
# - **No server in the room?** `make site` builds `site/`: every notebook as a web page whose stages play, step and
#   scrub with no kernel and no network (copy it to a USB stick; open `site/index.html`). Sliders there are shown
#   but do not move.
# - **Pace it:** use *step ▶* rather than play while you talk; switch to play with *slow* speed for the recap.
#   Ask the predict-then-reveal questions before you step — the answers are folded until someone clicks.
# - **Let students drive:** every explorer is a Python object, `explorer.stage.step = 2` or
#   `explorer.x_editor.slider(1, 1).value = 4` from a cell moves it, useful to set up an example in advance.
# - **Exercises** check themselves: a check cell says right or wrong with a hint, so students can work alone.
# - **Resetting:** *Kernel → Restart Kernel and Run All Cells* restores every default; everything is deterministic.
