# title: 05 · End to end
# about: chain conv → max-pool → loss and run it backward, every intermediate shown and checked; then train a tiny CNN on handwritten digits
# about-zh: 把卷积 → 最大池化 → 损失串成一条链并反向传播，每个中间结果都展示并检验；再训练一个识别手写数字的小型 CNN
# %% [markdown]
# # 05 · End to end: two layers, a loss, and a network that learns
#
# **What you will learn**
#
# - how the convolution layer and the max-pooling layer connect: the output $Y$ of one is the input of the other;
# - how a loss with a target gives the first gradient, $\partial L / \partial Z$, and how the chain rule carries it
#   back through the pool's masks $M_k$ and then through the convolution, to $\partial L / \partial X$,
#   $\partial L / \partial W$ and $\partial L / \partial b$;
# - how to check a whole chain of layers at once with finite differences;
# - that the same few functions, stacked, make a small convolutional network that learns to read
#   handwritten digits.
#
# **The chain**
#
# $$X \xrightarrow{\ \text{conv}(W,\,b)\ } Y \xrightarrow{\ \text{max-pool}\ } Z \xrightarrow{\ \text{loss}\ } L = \tfrac12 \sum_{i,j} \left(z_{ij} - t_{ij}\right)^2$$
#
# | symbol | what | shape |
# |---|---|---|
# | $X$ with entries $x_{11} \dots x_{44}$ | the input | 4×4 |
# | $W$ with entries $w_{11} \dots w_{22}$ | the kernel | 2×2 |
# | $b$ with entries $b_{11} \dots b_{33}$ | one bias per output position | 3×3 |
# | $Y$ with entries $y_{11} \dots y_{33}$ | the convolution's output, $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$ | $H_{out} \times W_{out}$ = 3×3 |
# | $Y'_1 \dots Y'_4$ | the pooling windows, 2×2, stride 1 (they overlap) | 2×2 each |
# | $Z$ with entries $z_{11} \dots z_{22}$ | the pool's output, $z_{ij}$ = the maximum of its window | 2×2 |
# | $T$ with entries $t_{11} \dots t_{22}$ | the target: what we would like $Z$ to be | 2×2 |
# | $L$ | the loss: half the squared distance between $Z$ and $T$ | a number |

# %% [markdown] lang="zh"
# # 05 · 端到端：两个层、一个损失，以及一个会学习的网络
#
# **你将学到**
#
# - 卷积层和最大池化层怎样连接起来：前一层的输出 $Y$ 就是后一层的输入；
# - 带目标值的损失怎样给出第一个梯度 $\partial L / \partial Z$，链式法则又怎样把它先经过池化层的掩码 $M_k$、再经过卷积层传回去，得到 $\partial L / \partial X$、$\partial L / \partial W$ 和 $\partial L / \partial b$；
# - 怎样用有限差分一次检验由多个层组成的整条链；
# - 同样这几个函数堆叠起来，就成了一个能学会识别手写数字的小型卷积神经网络。
#
# **这条链**
#
# $$X \xrightarrow{\ \text{conv}(W,\,b)\ } Y \xrightarrow{\ \text{max-pool}\ } Z \xrightarrow{\ \text{loss}\ } L = \tfrac12 \sum_{i,j} \left(z_{ij} - t_{ij}\right)^2$$
#
# | 符号 | 含义 | 形状 |
# |---|---|---|
# | $X$，元素为 $x_{11} \dots x_{44}$ | 输入 | 4×4 |
# | $W$，元素为 $w_{11} \dots w_{22}$ | 卷积核 | 2×2 |
# | $b$，元素为 $b_{11} \dots b_{33}$ | 偏置，每个输出位置一个 | 3×3 |
# | $Y$，元素为 $y_{11} \dots y_{33}$ | 卷积层的输出，$y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$ | $H_{out} \times W_{out}$ = 3×3 |
# | $Y'_1 \dots Y'_4$ | 池化窗口，2×2，步长 1（相互重叠） | 各为 2×2 |
# | $Z$，元素为 $z_{11} \dots z_{22}$ | 池化层的输出，$z_{ij}$ = 它所对应窗口中的最大值 | 2×2 |
# | $T$，元素为 $t_{11} \dots t_{22}$ | 目标值：我们希望 $Z$ 取的值 | 2×2 |
# | $L$ | 损失：$Z$ 与 $T$ 之间距离平方的一半 | 一个数 |

# %% [markdown]
# ## Why a 4×4 input, and not the worked example's 3×3?
#
# The convolution here is *valid*, as in notebooks 01 and 02: no padding (no border of zeros around $X$), and the
# window is placed only where it fits entirely inside the input. So the output is smaller than the input: an
# $H_{in} \times W_{in}$ input and a $K \times K$ kernel give an $H_{out} \times W_{out}$ output with
# $H_{out} = H_{in} - K + 1$ ($W_{out}$ likewise).
#
# With the derivation's own 3×3 input, the 2×2 kernel gives a 2×2 $Y$. A 2×2 pooling window with stride 1
# fits into a 2×2 $Y$ exactly once, so $Z$ would be a single number, and only one of the four $y_{ij}$ would
# ever receive a gradient. That is correct, and Exercise 1 asks you to work it out, but it hides the most
# interesting step of the backward pass.
#
# One more row and one more column fix this: a 4×4 $X$ gives a 3×3 $Y$, which is exactly the input of the
# derivation's pooling section, with its four overlapping windows. Both layers then look just as in the
# derivation: the same 2×2 kernel, stride 1, one bias per output position, and the same four windows.
#
# One change of names: in notebooks 03 and 04 the pool's input was called $X$ and its windows $X'_k$.
# Here the pool's input is the convolution's output $Y$, so its windows are $Y'_1 \dots Y'_4$ and its
# output is $Z$. The masks are still $M_k$.

# %% [markdown] lang="zh"
# ## 为什么输入是 4×4，而不是推导原例中的 3×3？
#
# 这里的卷积和第 01、02 篇一样是*有效*（valid）卷积：不加填充（$X$ 四周不补零），窗口只放在完全落在输入之内的位置上。因此输出比输入小：$H_{in} \times W_{in}$ 的输入配上 $K \times K$ 的卷积核，得到 $H_{out} \times W_{out}$ 的输出，其中 $H_{out} = H_{in} - K + 1$（$W_{out}$ 同理）。
#
# 如果用推导原文中 3×3 的输入，2×2 的卷积核给出的 $Y$ 是 2×2 的。步长为 1 的 2×2 池化窗口在 2×2 的 $Y$ 里恰好只能放下一次，于是 $Z$ 只是一个数，四个 $y_{ij}$ 中也只有一个能得到梯度。这样算并没有错，练习 1 就请你把它算出来；但它把反向传播中最有意思的一步藏起来了。
#
# 多加一行一列就解决了这个问题：4×4 的 $X$ 给出 3×3 的 $Y$，而这正是推导原文池化部分的输入，连同它那四个相互重叠的窗口。这样两个层都和推导中一模一样：同样的 2×2 卷积核、步长 1、每个输出位置一个偏置，以及同样的四个窗口。
#
# 名称上有一处改动：在第 03、04 篇中，池化层的输入叫 $X$，它的窗口叫 $X'_k$。这里池化层的输入是卷积层的输出 $Y$，所以它的窗口记作 $Y'_1 \dots Y'_4$，输出记作 $Z$。掩码仍然记作 $M_k$。

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

# %% [markdown] lang="zh"
# ## 这些数
#
# 仍然是一些小整数。卷积核就是第 01、02 篇中的那个；$X$、$b$ 和目标值 $T$ 都经过挑选，使得没有哪个池化窗口的最大值出现两次（即出现并列最大值；第 04 篇讲了那种情况下会发生什么）。

# %%
ex = chain.example()
plots.matrices(({"en": "X (input)", "zh": "X（输入）"}, ex["x"], "x"),
               ({"en": "W (kernel)", "zh": "W（卷积核）"}, ex["w"], "w"),
               ({"en": "b (one per position)", "zh": "b（每个位置一个）"}, ex["b"], "b"),
               ({"en": "T (target)", "zh": "T（目标值）"}, ex["target"], "t"))

# %% [markdown]
# ## One call: forward, then backward
#
# `chain.conv_pool_loss` runs the chain forward, then backward, and keeps every intermediate. It is
# nothing but the four functions of the earlier notebooks called one after the other:
#
# ```python
# Y  = conv2d_forward(X, W, b)
# Z  = maxpool2d_forward(Y, size=2, stride=1)
# L  = 0.5 * np.sum((Z - T) ** 2)
# dZ = Z - T
# dY = maxpool2d_backward(dZ, Y, size=2, stride=1)
# dX, dW, db = conv2d_backward(dY, X, W, b)
# ```

# %% [markdown] lang="zh"
# ## 一次调用：先前向，再反向
#
# `chain.conv_pool_loss` 先沿着这条链做前向传播，再做反向传播，并保留每一个中间结果。它不过是把前几篇的四个函数依次调用一遍：
#
# ```python
# Y  = conv2d_forward(X, W, b)
# Z  = maxpool2d_forward(Y, size=2, stride=1)
# L  = 0.5 * np.sum((Z - T) ** 2)
# dZ = Z - T
# dY = maxpool2d_backward(dZ, Y, size=2, stride=1)
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

# %% [markdown] lang="zh"
# ## 前向传播
#
# ### 卷积层：X → Y
#
# 每个 $y_{ij}$ 都是把 $X$ 的一个 2×2 窗口与 $W$ 逐元素相乘、求和，再加上 $b_{ij}$（第 01 篇）。以中心的 $y_{22}$ 为例：

# %%
Math(cnnviz.formulas.conv_output_formula(1, 1, r.x.shape, r.w.shape, values=dict(x=r.x, w=r.w, b=r.b)))

# %% [markdown]
# ### The pool: Y → Z, then the loss
#
# Each $z_{ij}$ is the maximum of its window $Y'_k$ ($k = 1 \dots 4$ in reading order, notebook 03).
# The windows overlap: $y_{22}$ lies in all four.

# %% [markdown] lang="zh"
# ### 池化层：Y → Z，然后是损失
#
# 每个 $z_{ij}$ 是它的窗口 $Y'_k$ 中的最大值（$k = 1 \dots 4$，按阅读顺序逐行编号，见第 03 篇）。这些窗口相互重叠：$y_{22}$ 同时位于全部四个窗口之中。

# %%
plots.matrices(({"en": "Y = conv(X, W) + b", "zh": "Y = 卷积(X, W) + b"}, r.y, "y"),
               ({"en": "Z = max-pool(Y)", "zh": "Z = 最大池化(Y)"}, r.z, "z"),
               ({"en": "T (target)", "zh": "T（目标值）"}, r.target, "t"), ("Z − T", r.z - r.target, None))

# %% [markdown]
# The loss adds up the squared differences and halves them:
# $L = \tfrac12\left(1^2 + 2^2 + 1^2 + (-1)^2\right)$:

# %% [markdown] lang="zh"
# 损失把各个差的平方加起来，再取一半：$L = \tfrac12\left(1^2 + 2^2 + 1^2 + (-1)^2\right)$，即：

# %%
r.loss

# %% [markdown]
# ## Backward
#
# The chain rule runs from the end to the start. Each layer receives the gradient of $L$ with respect to its
# output and passes on the gradient with respect to its input, exactly as in notebooks 02 and 04.
#
# ### Step 1: the loss, ∂L/∂Z
#
# $L = \tfrac12 \sum (z_{ij} - t_{ij})^2$, so $\dfrac{\partial L}{\partial z_{ij}} = z_{ij} - t_{ij}$: the gradient
# says how far, and in which direction, each $z_{ij}$ misses its target.

# %% [markdown] lang="zh"
# ## 反向传播
#
# 链式法则从链的末端往起点走。每一层接收 $L$ 对它的输出的梯度，再把 $L$ 对它的输入的梯度传下去，和第 02、04 篇完全一样。
#
# ### 第 1 步：损失，∂L/∂Z
#
# $L = \tfrac12 \sum (z_{ij} - t_{ij})^2$，所以 $\dfrac{\partial L}{\partial z_{ij}} = z_{ij} - t_{ij}$：这个梯度说明每个 $z_{ij}$ 离它的目标值有多远、偏向哪一边。

# %%
plots.matrices(("∂L/∂Z = Z − T", r.dz, "∂L/∂z"))

# %% [markdown]
# ### Step 2: through the pool, ∂L/∂Y
#
# The derivation's recipe (notebook 04): start $\partial L / \partial Y$ at zero; for every window $Y'_k$, build
# its mask $M_k$ (1 where the maximum sits), multiply by the window's gradient $\partial L / \partial z_{ij}$,
# and **add** the result into $\partial L / \partial Y$ at the window's place. The cells of each window are
# labelled with their names in $Y$, so you can see where each piece lands:

# %% [markdown] lang="zh"
# ### 第 2 步：经过池化层，∂L/∂Y
#
# 推导原文给出的做法（第 04 篇）：先把 $\partial L / \partial Y$ 初始化为全零；对每个窗口 $Y'_k$，构造它的掩码 $M_k$（最大值所在位置为 1），乘以该窗口的梯度 $\partial L / \partial z_{ij}$，再把结果**加**到 $\partial L / \partial Y$ 中该窗口所在的位置上。每个窗口的格子都标出了它们在 $Y$ 中的名称，这样就能看清每一份梯度落在哪里：

# %%
plots.pool_backward_view(r)

# %% [markdown]
# $y_{11}$ is the maximum of $Y'_1$ only; $y_{22}$ is the maximum of $Y'_2$, $Y'_3$ and $Y'_4$, so its three
# gradients add up: $\dfrac{\partial L}{\partial y_{22}} = 2 + 1 + (-1) = 2$. Every other $y_{ij}$ is the maximum
# of no window: changing it a little does not change $Z$, so its gradient is 0.

# %% [markdown] lang="zh"
# $y_{11}$ 只是 $Y'_1$ 的最大值；$y_{22}$ 则是 $Y'_2$、$Y'_3$ 和 $Y'_4$ 三个窗口的最大值，所以它收到的三份梯度要累加起来：$\dfrac{\partial L}{\partial y_{22}} = 2 + 1 + (-1) = 2$。其余的 $y_{ij}$ 不是任何窗口的最大值：稍微改变它们不会改变 $Z$，所以它们的梯度为 0。

# %%
plots.matrices(("∂L/∂Z", r.dz, "∂L/∂z"),
               ({"en": "∂L/∂Y (through the masks)", "zh": "∂L/∂Y（经过掩码）"}, r.dy, "∂L/∂y"))

# %% [markdown]
# ### Step 3: through the convolution, ∂L/∂X, ∂L/∂W, ∂L/∂b
#
# Now $\partial L / \partial Y$ is the "given" gradient of the derivation's convolution section (notebook 02):
#
# - $\partial L / \partial x_{uv}$ collects $\partial L / \partial y_{ij} \cdot w_{mn}$ from every window that covers $x_{uv}$;
# - $\partial L / \partial w_{mn}$ collects $\partial L / \partial y_{ij} \cdot x_{(i+m-1)(j+n-1)}$ over every window;
# - $\partial L / \partial b_{ij} = \partial L / \partial y_{ij}$ (one bias per position).
#
# Only $y_{11}$ and $y_{22}$ have a non-zero gradient, so $\partial L / \partial X$ is $1 \cdot W$ placed on the
# window of $y_{11}$ plus $2 \cdot W$ placed on the window of $y_{22}$; they overlap at $x_{22}$.

# %% [markdown] lang="zh"
# ### 第 3 步：经过卷积层，∂L/∂X、∂L/∂W、∂L/∂b
#
# 现在，$\partial L / \partial Y$ 就是推导原文卷积部分中那个“已知”的梯度（第 02 篇）：
#
# - $\partial L / \partial x_{uv}$ 汇集所有覆盖 $x_{uv}$ 的窗口贡献的 $\partial L / \partial y_{ij} \cdot w_{mn}$；
# - $\partial L / \partial w_{mn}$ 汇集每个窗口贡献的 $\partial L / \partial y_{ij} \cdot x_{(i+m-1)(j+n-1)}$；
# - $\partial L / \partial b_{ij} = \partial L / \partial y_{ij}$（每个位置一个偏置）。
#
# 只有 $y_{11}$ 和 $y_{22}$ 的梯度不为零，所以 $\partial L / \partial X$ 就是放在 $y_{11}$ 的窗口上的 $1 \cdot W$，加上放在 $y_{22}$ 的窗口上的 $2 \cdot W$；两者在 $x_{22}$ 处重叠。

# %%
plots.matrices(("∂L/∂Y", r.dy, "∂L/∂y"), ("∂L/∂X", r.dx, "∂L/∂x"),
               ("∂L/∂W", r.dw, "∂L/∂w"), ("∂L/∂b", r.db, "∂L/∂b"))

# %% [markdown]
# One entry, written out in the derivation's form:

# %% [markdown] lang="zh"
# 把其中一个元素按推导原文的形式写出来：

# %%
Math(cnnviz.formulas.conv_input_grad_formula(1, 1, r.x.shape, r.w.shape, values=dict(dy=r.dy, w=r.w)))

# %% [markdown]
# The matrix forms of notebook 02 agree: $\partial L / \partial X$ is the *full* convolution of
# $\partial L / \partial Y$ with $W$ rotated by 180° (full: over $\partial L / \partial Y$ padded with a border of
# zeros $K - 1 = 1$ wide, as in notebook 02), and $\partial L / \partial W$ is the *valid*
# cross-correlation of $X$ with $\partial L / \partial Y$ (valid, as above: no padding, windows only where they fit).
# Both are one call of the forward function:

# %% [markdown] lang="zh"
# 第 02 篇的矩阵形式也给出同样的结果：$\partial L / \partial X$ 是 $\partial L / \partial Y$ 与旋转 180° 后的 $W$ 的*完全*（full）卷积（完全：在 $\partial L / \partial Y$ 四周补上一圈宽为 $K - 1 = 1$ 的零之后再算，和第 02 篇一样）；$\partial L / \partial W$ 是 $X$ 与 $\partial L / \partial Y$ 的*有效*（valid）互相关（有效：和上面一样，不加填充，窗口只放在完全落在内部的位置上）。两者都只需调用一次前向函数：

# %%
full = cnnviz.conv2d_forward(np.pad(r.dy, 1), np.rot90(r.w, 2), 0.0)
valid = cnnviz.conv2d_forward(r.x, r.dy, 0.0)
np.array_equal(full, r.dx), np.array_equal(valid, r.dw)

# %% [markdown]
# ## The chain, live
#
# The same backward pass, one step at a time and with numbers of your own. The sliders set $X$, $W$ and the gradient
# arriving at the pool's output, $\partial L / \partial Z$; it starts at $Z - T$ from above, and $b$ stays as it is.
# We set $\partial L / \partial Z$ rather than the target $T$: it is all that the backward pass needs from the loss,
# and each $\partial L / \partial z_{ij}$ can then be changed on its own, with nothing else moving.
#
# Play it (or step with → and ←):
#
# - **steps 1 to 4, through the pool**, one window $Y'_k$ each: $\partial L / \partial z_{ij}$ times the mask $M_k$ is
#   **added** into $\partial L / \partial Y$ at the window's place;
# - **steps 5 to 13, through the convolution**, one output $y_{ij}$ each: $\partial L / \partial y_{ij} \cdot W$ is added
#   onto its window of $\partial L / \partial X$, $\partial L / \partial y_{ij}$ times that window of $X$ into
#   $\partial L / \partial W$, and $\partial L / \partial y_{ij}$ into $\partial L / \partial b_{ij}$.
#
# Moving $X$ or $W$ changes $Y$, and with it perhaps which cell is the maximum of a window: watch the masks.

# %% [markdown] lang="zh"
# ## 动手操作这条链
#
# 还是同样的反向传播，这次一步一步地走，而且用你自己设定的数。滑块设定 $X$、$W$ 以及传到池化层输出端的梯度 $\partial L / \partial Z$；$\partial L / \partial Z$ 的初始值就是上面的 $Z - T$，$b$ 保持不变。我们设定的是 $\partial L / \partial Z$ 而不是目标值 $T$：反向传播从损失那里需要的只有它，而且这样每个 $\partial L / \partial z_{ij}$ 都可以单独改变，别的数都不会跟着变。
#
# 点 ▶ 播放（或用 → 和 ← 键一步一步地前进、后退）：
#
# - **第 1 到 4 步，经过池化层**，每步处理一个窗口 $Y'_k$：把 $\partial L / \partial z_{ij}$ 乘以掩码 $M_k$，**累加**到 $\partial L / \partial Y$ 中该窗口所在的位置上；
# - **第 5 到 13 步，经过卷积层**，每步处理一个输出 $y_{ij}$：把 $\partial L / \partial y_{ij} \cdot W$ 累加到 $\partial L / \partial X$ 中它的窗口上，把 $\partial L / \partial y_{ij}$ 乘以 $X$ 的那个窗口累加到 $\partial L / \partial W$ 中，再把 $\partial L / \partial y_{ij}$ 累加到 $\partial L / \partial b_{ij}$ 中。
#
# 移动 $X$ 或 $W$ 的滑块会改变 $Y$，也就可能改变某个窗口的最大值落在哪个格子上：请留意掩码的变化。

# %%
cnnviz.ChainExplorer(x=ex["x"], w=ex["w"], b=ex["b"], dz=r.dz)

# %% [markdown]
# ### Predict, then reveal
#
# <details><summary><b>Set all four ∂L/∂z<sub>ij</sub> to 1 (X and W as above). What does ∂L/∂Y become?</b> (click to reveal)</summary>
#
# $\partial L / \partial Z$ does not change $Y$, so the masks stay: $y_{11}$ is the maximum of $Y'_1$, and $y_{22}$ of
# $Y'_2$, $Y'_3$ and $Y'_4$. So
# $\partial L / \partial Y = \begin{bmatrix} 1 & 0 & 0 \\ 0 & 3 & 0 \\ 0 & 0 & 0 \end{bmatrix}$.
# Its entries add up to $1 + 3 = 4$, the sum of $\partial L / \partial Z$: each window passes its whole gradient to one
# cell, so nothing is lost and nothing is invented.
# </details>
#
# <details><summary><b>And ∂L/∂W, with those four 1s?</b></summary>
#
# $\partial L / \partial W = \begin{bmatrix} 5 & 8 \\ 12 & 1 \end{bmatrix}$: only $y_{11}$ and $y_{22}$ send a gradient
# back, so $\partial L / \partial W$ is $1 \cdot$ the window of $y_{11}$ in $X$ plus $3 \cdot$ the window of $y_{22}$:
# $1 \cdot \begin{bmatrix} 2 & 2 \\ 3 & 1 \end{bmatrix} + 3 \cdot \begin{bmatrix} 1 & 2 \\ 3 & 0 \end{bmatrix}$.
# </details>

# %% [markdown] lang="zh"
# ### 先预测，再揭晓
#
# <details><summary><b>把四个 ∂L/∂z<sub>ij</sub> 都设为 1（X 和 W 保持上面的值）。∂L/∂Y 会变成什么？</b>（点击展开）</summary>
#
# $\partial L / \partial Z$ 不会改变 $Y$，所以掩码保持不变：$y_{11}$ 是 $Y'_1$ 的最大值，$y_{22}$ 是 $Y'_2$、$Y'_3$ 和 $Y'_4$ 的最大值。因此 $\partial L / \partial Y = \begin{bmatrix} 1 & 0 & 0 \\ 0 & 3 & 0 \\ 0 & 0 & 0 \end{bmatrix}$。它的各元素之和为 $1 + 3 = 4$，正好等于 $\partial L / \partial Z$ 的元素之和：每个窗口都把自己的梯度完整地交给一个格子，所以梯度既不会丢失，也不会凭空多出来。
# </details>
#
# <details><summary><b>四个都是 1 时，∂L/∂W 又是多少？</b></summary>
#
# $\partial L / \partial W = \begin{bmatrix} 5 & 8 \\ 12 & 1 \end{bmatrix}$：只有 $y_{11}$ 和 $y_{22}$ 把梯度传回来，所以 $\partial L / \partial W$ 等于 $1 \cdot$（$X$ 中 $y_{11}$ 的窗口）加上 $3 \cdot$（$y_{22}$ 的窗口）：$1 \cdot \begin{bmatrix} 2 & 2 \\ 3 & 1 \end{bmatrix} + 3 \cdot \begin{bmatrix} 1 & 2 \\ 3 & 0 \end{bmatrix}$。
# </details>

# %% [markdown]
# ## Checking the whole chain by finite differences
#
# Nudge one $x_{uv}$ up and down by $\varepsilon = 10^{-6}$, run the chain forward each time, and the slope
# $\dfrac{L(x_{uv} + \varepsilon) - L(x_{uv} - \varepsilon)}{2\varepsilon}$ is $\partial L / \partial x_{uv}$.
# `cnnviz.gradcheck` does this for every entry (the same helper the tests use). Side by side:

# %% [markdown] lang="zh"
# ## 用有限差分检验整条链
#
# 把某个 $x_{uv}$ 分别增大和减小 $\varepsilon = 10^{-6}$，每次都让整条链做一遍前向传播，得到的斜率 $\dfrac{L(x_{uv} + \varepsilon) - L(x_{uv} - \varepsilon)}{2\varepsilon}$ 就是 $\partial L / \partial x_{uv}$。`cnnviz.gradcheck` 对每个元素都这样做（测试用的也是这个辅助函数）。两者并排对照：

# %%
numeric_dx = cnnviz.gradcheck.numerical_gradient(lambda x: chain.loss_of(x, r.w, r.b, r.target), r.x)
plots.matrices(({"en": "∂L/∂X, backward pass", "zh": "∂L/∂X，反向传播"}, r.dx, "∂L/∂x"),
               ({"en": "∂L/∂X, finite differences", "zh": "∂L/∂X，有限差分"}, numeric_dx, "∂L/∂x"))

# %% [markdown]
# `chain.gradient_errors` does the same for $X$, $W$ and $b$ and returns each relative error,
# $\max|a - n| \,/\, (\max|a| + \max|n|)$, with $a$ the gradient of the backward pass and $n$ the
# finite-difference one. A correct backward pass gives about $10^{-10}$; a wrong one $10^{-2}$ or more.
# Is each below $10^{-7}$?

# %% [markdown] lang="zh"
# `chain.gradient_errors` 对 $X$、$W$ 和 $b$ 做同样的检验，并返回各自的相对误差 $\max|a - n| \,/\, (\max|a| + \max|n|)$，其中 $a$ 是反向传播算出的梯度，$n$ 是有限差分得到的梯度。反向传播正确时，误差约为 $10^{-10}$；有错时则达到 $10^{-2}$ 或更大。每个误差都小于 $10^{-7}$ 吗？

# %%
errors = chain.gradient_errors(ex["x"], ex["w"], ex["b"], ex["target"])
{name: bool(error < 1e-7) for name, error in errors.items()}

# %% [markdown]
# A word of care: max-pooling has a kink where a window holds its maximum twice, and there the two one-sided
# slopes differ. Our windows have no ties (their maxima beat the runners-up by at least 1), so a nudge of
# $10^{-6}$ never changes which cell wins, and the check is exact up to rounding.

# %% [markdown] lang="zh"
# 需要留意一点：当一个窗口的最大值出现两次时，最大池化在那里有一个折点，左右两侧的斜率不相等。我们的窗口里没有并列最大值（每个最大值都比第二大的值至少大 1），所以 $10^{-6}$ 的微小扰动永远不会改变哪个格子胜出，检验结果除舍入误差外是精确的。

# %% [markdown]
# ## From two layers to a network that learns
#
# The chain above takes one small picture and pushes its output towards a target. A convolutional network
# does the same for many pictures at once, with labels as targets. Here is a tiny one, built from the very
# same `cnnviz.ops` functions in their batched form (arrays of shape $N \times C \times H_{in} \times W_{in}$:
# $N$ images of $C$ channels each):
#
# | layer | what it does | output, per image |
# |---|---|---|
# | input | an 8×8 grey image, one channel | 1×8×8 |
# | convolution | 8 filters of 3×3, padding 1, one shared bias per filter | 8×8×8 |
# | ReLU | $\max(y, 0)$ for every output $y$ of the convolution: keeps the positive responses | 8×8×8 |
# | max-pool | 2×2 windows, stride 2 (no overlap), output $Z$ | 8×4×4 |
# | linear read-out | the 128 numbers, flattened, times a 10×128 matrix $V$, plus a bias $b_V$ (one per class) | 10 scores |
# | softmax cross-entropy | $-\log$ of the probability given to the right label | the loss |
#
# *Padding 1* means a border of zeros one pixel wide around each image before the window slides (notebook 06 treats
# padding $p$ in general): a 3×3 window then fits centred on every pixel, so the output keeps the image's 8×8 size.
#
# The backward pass runs through the same layers in reverse order. Here it is, complete: the pool and the
# convolution are the functions of notebooks 02 and 04.

# %% [markdown] lang="zh"
# ## 从两个层到一个会学习的网络
#
# 上面的链接收一张小图，把它的输出推向一个目标值。卷积神经网络对许多张图同时做同样的事，以图的标签作为目标。下面是一个很小的网络，用的正是同样这些 `cnnviz.ops` 函数的批量形式（数组的形状为 $N \times C \times H_{in} \times W_{in}$：$N$ 张图像，每张 $C$ 个通道）：
#
# | 层 | 作用 | 每张图像的输出 |
# |---|---|---|
# | 输入 | 一张 8×8 的灰度图像，一个通道 | 1×8×8 |
# | 卷积层 | 8 个 3×3 的滤波器（卷积核），填充 1，每个滤波器一个共用的偏置 | 8×8×8 |
# | ReLU | 对卷积层的每个输出 $y$ 取 $\max(y, 0)$：只保留正的响应 | 8×8×8 |
# | 最大池化层 | 2×2 窗口，步长 2（互不重叠），输出 $Z$ | 8×4×4 |
# | 线性读出层 | 把这 128 个数展平，乘以一个 10×128 的矩阵 $V$，再加上偏置 $b_V$（每个类别一个） | 10 个得分 |
# | softmax 交叉熵 | 对赋给正确标签的概率取 $-\log$ | 损失 |
#
# *填充 1* 指的是在窗口滑动之前，先在每张图像四周补上一圈一个像素宽的零（第 06 篇会讨论一般的填充 $p$）：这样 3×3 的窗口能以每个像素为中心放下，输出也就保持图像原来的 8×8 尺寸。
#
# 反向传播按相反的顺序经过同样这些层。下面是它的完整代码：其中池化层和卷积层用的就是第 02、04 篇中的函数。

# %%
print(inspect.getsource(tinycnn.backward))

# %% [markdown]
# ## The data: handwritten digits
#
# scikit-learn ships a small set of 1797 handwritten digits, 8×8 pixels with values 0 to 16 (no download).
# We scale them to 0…1, and keep a quarter aside as a test set the network never trains on
# (a fixed, shuffled split with every digit in the same proportion on both sides).

# %% [markdown] lang="zh"
# ## 数据：手写数字
#
# scikit-learn 自带一个小数据集，共有 1797 张手写数字图像，每张 8×8 像素，像素值从 0 到 16（无需下载）。我们把像素值缩放到 0…1，并留出四分之一作为测试集，网络训练时从不接触这些图像（划分是固定的，事先打乱过，而且每个数字在两边所占的比例相同）。

# %%
digits = load_digits()
images = digits.images[:, None, :, :] / 16.0          # (N, 1, 8, 8), the NCHW layout
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.25, random_state=0, stratify=digits.target)
print("x_train.shape =", x_train.shape, "  x_test.shape =", x_test.shape)

# %%
plots.digits(x_train, y_train, count=10)

# %% [markdown]
# ## Check the gradients before training
#
# A network with a wrong gradient still "trains": the loss may even go down for a while. So check first, with
# the same finite-difference helper, on a few random images (random real numbers keep ReLU and max-pool away
# from their kinks). The starting weights are random too, from a fixed seed.

# %% [markdown] lang="zh"
# ## 训练之前先检验梯度
#
# 梯度有错的网络照样能“训练”：损失甚至可能下降一阵子。所以要先检验：用同一个有限差分辅助函数，在几张随机图像上检验（随机的实数能让 ReLU 和最大池化远离它们的折点）。初始权重也是随机的，来自一个固定的随机种子。

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

# %% [markdown] lang="zh"
# ## 训练
#
# 采用带动量的小批量梯度下降：打乱训练图像，每次取 16 张，计算损失及其梯度，再让每个参数沿梯度的反方向移动一小步。速度 $v$ 记住一个持续的前进方向，使每一步走得更平稳：
#
# $$v \leftarrow 0.9\, v - \eta\, \frac{\partial L}{\partial \theta}, \qquad \theta \leftarrow \theta + v, \qquad \eta = 0.02.$$
#
# 把训练集完整地过一遍称为一*轮*（epoch）。进度条显示已完成的轮数；每一行输出是该轮结束后整个训练集上的损失。训练只需一两秒。

# %%
EPOCHS = 8
bar = widgets.IntProgress(value=0, min=0, max=EPOCHS)  # one step per epoch
display(bar)

def on_epoch(epoch, loss):
    bar.value = epoch
    print(f"{epoch}/{EPOCHS}:  L(x_train) = {loss:.4f}")

params, history = tinycnn.train(params0, x_train, y_train, epochs=EPOCHS, batch_size=16,
                                learning_rate=0.02, momentum=0.9, seed=0, on_epoch=on_epoch)

# %% [markdown]
# The loss of every mini-batch (grey) jumps around, because each batch holds different digits; the loss on the
# whole training set (blue) falls steadily from about 2.5 (a guess among 10 classes costs $\ln 10 \approx 2.3$).

# %% [markdown] lang="zh"
# 每个小批量的损失（灰色）上下跳动，因为每个小批量里的数字各不相同；整个训练集上的损失（蓝色）则从约 2.5 开始稳步下降（在 10 个类别中随便猜一个，损失为 $\ln 10 \approx 2.3$）。

# %%
plots.loss_curve(history)

# %% [markdown]
# ## How well does it read digits it has never seen?
#
# The test set was set aside before training. The accuracy on it is the fraction of test images whose
# highest score is the right digit:

# %% [markdown] lang="zh"
# ## 它能认出从没见过的数字吗？
#
# 测试集在训练之前就已经留出。测试集上的准确率，是最高得分恰好落在正确数字上的测试图像所占的比例：

# %%
test_accuracy = tinycnn.accuracy(tinycnn.predict(params, x_test), y_test)
print(f"test_accuracy = {test_accuracy:.2f}")
print("test_accuracy >= 0.90:", test_accuracy >= 0.90)

# %% [markdown]
# About 97 images in 100, after a second or so of training, with a model of little more than a thousand numbers.
# Guessing would get 10 in 100.

# %% [markdown] lang="zh"
# 大约每 100 张能认对 97 张，而这只用了一秒左右的训练，模型也只有一千多个数。随便猜的话，每 100 张只能猜对 10 张。

# %% [markdown]
# ## What the filters learned
#
# Each filter is a 3×3 kernel $W$, just like the 2×2 one of the derivation, now found by gradient descent
# instead of chosen by hand. Red weights add the pixel they cover, blue ones subtract it: a filter with red
# on one side and blue on the other responds to an edge or a stroke in that direction.

# %% [markdown] lang="zh"
# ## 滤波器学到了什么
#
# 每个滤波器都是一个 3×3 的卷积核 $W$，和推导中那个 2×2 的卷积核一样，只不过现在它是由梯度下降找出来的，而不是人为选定的。红色的权重把它覆盖的像素加进来，蓝色的权重则把它减去：一侧红、一侧蓝的滤波器会对那个方向上的边缘或笔画产生响应。

# %%
plots.kernels(params["W"])

# %% [markdown]
# ## Summary
#
# - Layers chain: the output of one is the input of the next, $X \to Y \to Z \to L$.
# - Backward runs the other way, and each layer only needs the gradient of its output:
#   $\partial L / \partial Z = Z - T$; the pool sends each $\partial L / \partial z_{ij}$ to its window's maximum
#   through $M_k$, adding where windows overlap; the convolution turns $\partial L / \partial Y$ into
#   $\partial L / \partial X$, $\partial L / \partial W$ and $\partial L / \partial b$.
# - A cell of $Y$ that is the maximum of no window gets gradient 0: changing it a little does not change $L$.
# - One finite-difference check of the whole chain tests every layer's backward pass at once.
# - Stacked and batched, with a ReLU, a linear read-out and a softmax cross-entropy, the same functions make a
#   network that gradient descent trains to read handwritten digits.

# %% [markdown] lang="zh"
# ## 小结
#
# - 层可以串联：一层的输出是下一层的输入，$X \to Y \to Z \to L$。
# - 反向传播沿相反的方向进行，每一层只需要它的输出的梯度：$\partial L / \partial Z = Z - T$；池化层通过 $M_k$ 把每个 $\partial L / \partial z_{ij}$ 送到它的窗口的最大值处，窗口重叠的地方要累加；卷积层把 $\partial L / \partial Y$ 变成 $\partial L / \partial X$、$\partial L / \partial W$ 和 $\partial L / \partial b$。
# - $Y$ 中不是任何窗口最大值的格子，梯度为 0：稍微改变它不会改变 $L$。
# - 对整条链做一次有限差分检验，就同时检验了每一层的反向传播。
# - 把同样这些函数堆叠起来、改成批量形式，再加上 ReLU、线性读出层和 softmax 交叉熵，就得到一个网络，用梯度下降训练之后，它能识别手写数字。

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** Go back to notebook 01's numbers: the 3×3 $X$, $W$ and 2×2 $b$, for which
# $Y = \begin{bmatrix} 0 & 4 \\ 3 & 1 \end{bmatrix}$. Pool with a 2×2 window and stride 1, so $Z$ is 1×1, and take
# the target $T = [\,3\,]$. Without running the chain, what is $\partial L / \partial Y$? Write it as a 2×2 list.

# %% [markdown] lang="zh"
# ## 练习
#
# 每道练习都有一个检查单元格：改好答案后运行它，它会告诉你答得对不对，并给出提示。
#
# **1.** 回到第 01 篇的那组数：3×3 的 $X$、$W$ 和 2×2 的 $b$，由它们得到 $Y = \begin{bmatrix} 0 & 4 \\ 3 & 1 \end{bmatrix}$。用步长为 1 的 2×2 窗口做池化，于是 $Z$ 是 1×1 的；取目标值 $T = [\,3\,]$。不运行这条链，$\partial L / \partial Y$ 是多少？把它写成一个 2×2 的列表。

# %%
answer_1 = None  # e.g. [[0, 0], [0, 0]]

# %%
cnnviz.exercises.check_array(answer_1, chain.conv_pool_loss(**chain.worked_example()).dy,
    hint={"en": "Z is the largest y, dL/dZ = Z - T, and the single window's mask decides which y receives it.",
          "zh": "Z 是最大的那个 y，dL/dZ = Z - T，而唯一那个窗口的掩码决定由哪个 y 接收它。"})

# %% [markdown]
# **2.** Back to the 4×4 example. To first order, by how much does $L$ change if $x_{23}$ grows by 0.01?

# %% [markdown] lang="zh"
# **2.** 回到 4×4 的例子。在一阶近似下，如果 $x_{23}$ 增大 0.01，$L$ 会改变多少？

# %%
answer_2 = None  # a number

# %%
cnnviz.exercises.check_number(answer_2, 0.01 * r.dx[1, 2],
    hint={"en": "The change is about dL/dx23 * 0.01; read dL/dx23 in the table of step 3.",
          "zh": "L 的变化约为 dL/dx23 * 0.01；dL/dx23 可以在第 3 步的表中读到。"})

# %% [markdown]
# **3.** Suppose the convolution had one shared bias $b$ instead of nine $b_{ij}$ (as real layers do). $Y$ would
# change, and perhaps which cell is the maximum of a window. Keep $\partial L/\partial Z$ (the pooled gradient) as it
# is: what would $\partial L / \partial b$ be?

# %% [markdown] lang="zh"
# **3.** 假设卷积层只有一个共用的偏置 $b$，而不是九个 $b_{ij}$（实际的卷积层正是这样）。$Y$ 会随之改变，某个窗口的最大值落在哪个格子上也可能改变。保持 $\partial L/\partial Z$（池化层输出端的梯度）不变：$\partial L / \partial b$ 会是多少？

# %%
answer_3 = None  # a number

# %%
# the chain with one shared b (here 0; its value does not change the answer) and the same dL/dZ
cnnviz.exercises.check_number(answer_3, chain.conv_pool_backward(r.x, r.w, 0.0, r.dz).db,
    hint={"en": "A shared b is added to every y_ij, so dL/db is the sum of all the dL/dy_ij (notebook 02); "
                "each window passes its dL/dz_ij whole to one y_ij.",
          "zh": "共用的 b 加到了每个 y_ij 上，所以 dL/db 是所有 dL/dy_ij 之和（第 02 篇）；"
                "每个窗口都把它的 dL/dz_ij 完整地交给一个 y_ij。"})

# %% [markdown]
# **4.** How many numbers does training adjust in the tiny CNN (8 filters of 3×3 on one channel with a shared
# bias each, then a read-out from 8×4×4 values to 10 scores with a bias each)?

# %% [markdown] lang="zh"
# **4.** 训练要调整这个小型 CNN 中的多少个数？（单通道上的 8 个 3×3 滤波器，每个滤波器一个共用的偏置；然后是一个读出层，把 8×4×4 个值变成 10 个得分，每个得分一个偏置。）

# %%
answer_4 = None  # a whole number

# %%
cnnviz.exercises.check_number(answer_4, tinycnn.parameter_count(params),
    hint={"en": "W is 8×1×3×3, b has 8 entries, V is 10×128, b_V has 10 entries.",
          "zh": "W 是 8×1×3×3，b 有 8 个元素，V 是 10×128，b_V 有 10 个元素。"})
