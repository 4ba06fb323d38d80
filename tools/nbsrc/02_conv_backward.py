# title: 02 · Convolution, backward
# about: send ∂L/∂Y back: ∂L/∂X, ∂L/∂W, ∂L/∂b built up step by step, the matrix form, a gradient check
# about-zh: 把 ∂L/∂Y 传回去：逐步建立 ∂L/∂X、∂L/∂W、∂L/∂b，矩阵形式，梯度检验
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
# - the layer as one matrix product (the Jacobian $C$, im2col): the scatter is multiplication by $C^{\mathsf T}$;
# - how to check any of it by finite differences;
# - how $\partial L/\partial W$ learns a hidden kernel from examples, and what a too large learning rate does.
#
# The setting is notebook 01's: $X$ 3×3, $W$ 2×2, $b$ 2×2, stride 1, no padding, $Y$ 2×2.

# %% [markdown] lang="zh"
# # 02 · 卷积层的反向传播
#
# > **推导原文**（第 2 节“卷积层反向传播”；完整的推导见 [derivation.md](derivation.md)）
# >
# > 卷积层的反向传播需要计算关于输入特征图 X、卷积核 W 和偏置 b 的梯度,即 $\frac{\partial L}{\partial X}$ 、 $\frac{\partial L}{\partial W}$ 和 $\frac{\partial L}{\partial b}$ 。
# >
# > $$\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} \cdot \frac{\partial Y}{\partial X}$$
# >
# > *本篇补充的内容*：这个乘积到底是什么意思（下文会看到，它是对各个输出的求和）；把九个、四个和四个公式一步一步地建立起来，并在窗口重叠的地方累加；矩阵形式；以及数值检验。
#
# **你将学到**
#
# - 反向传播接收什么（$\partial L/\partial Y$），又必须返回什么（$\partial L/\partial X$、$\partial L/\partial W$、$\partial L/\partial b$）；
# - 怎样用*分发*（scatter）求出 $\partial L/\partial X$：每个输出把 $\partial L/\partial y_{ij} \cdot W$ 送回到自己的窗口上，重叠的窗口**累加**起来；
# - 反过来用*收集*（gather）的方式读出同一个结果，得到九个公式 $\partial L/\partial x_{11} \dots \partial L/\partial x_{33}$；
# - 为什么 $\partial L/\partial W$ 是对所有窗口位置的求和，而 $\partial L/\partial b$ 取决于偏置是怎样共享的；
# - 矩阵形式：$\partial L/\partial X$ 是 $\partial L/\partial Y$ 与旋转 180° 的 $W$ 的完全卷积（full convolution）；
# - 把整层写成一次矩阵乘法（雅可比矩阵 $C$、im2col）：分发就是乘以 $C^{\mathsf T}$；
# - 怎样用有限差分检验以上每一个结果；
# - $\partial L/\partial W$ 怎样从例子中学出一个隐藏的卷积核，以及学习率太大时会发生什么。
#
# 设定与第 01 篇相同：$X$ 为 3×3，$W$ 为 2×2，$b$ 为 2×2，步长为 1，无填充，$Y$ 为 2×2。

# %% [markdown]
# ## What flows back
#
# Somewhere after this layer a loss $L$ is computed. Backpropagation hands the layer the gradient of $L$
# with respect to its output, $\partial L/\partial Y$: four numbers $\partial L/\partial y_{11} \dots \partial L/\partial y_{22}$.
# The layer does not need to know what $L$ is. The chain rule does the rest: every $x$, $w$ and $b$
# influences $L$ only through the outputs it takes part in, so
#
# $$\frac{\partial L}{\partial x_{uv}} = \sum_{i,j} \frac{\partial L}{\partial y_{ij}}\,\frac{\partial y_{ij}}{\partial x_{uv}},\qquad
#   \frac{\partial y_{ij}}{\partial x_{uv}} = \text{the weight that multiplies } x_{uv} \text{ in } y_{ij} \text{ (or 0)}.$$
#
# The derivation writes this step as a product, $\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} \cdot \frac{\partial Y}{\partial X}$.
# That is shorthand: with $X$ and $Y$ laid out as grids, $\partial Y/\partial X$ is not a matrix you multiply by
# (flatten them into columns and it becomes one: see "The Jacobian and im2col views" below). Each $x_{uv}$ can reach $L$ through
# each of the four outputs, so the chain rule adds one term per output, the sum above. In that sum,
# $\partial y_{ij}/\partial x_{uv}$ is read off the forward formula
# $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$: it is $w_{mn}$ with $m = u - i + 1$, $n = v - j + 1$ when
# that offset lies inside the kernel ($1 \le m, n \le 2$), and 0 when $x_{uv}$ is outside the window of $y_{ij}$.
# For example $\partial L/\partial x_{12} = \partial L/\partial y_{11}\, w_{12} + \partial L/\partial y_{12}\, w_{11}$
# (the other two terms are 0): the derivation's second formula.
#
# In the explorers below you set $\partial L/\partial Y$ with sliders, like $X$ and $W$. The values of $b$ appear in no
# gradient (each $y_{ij}$ holds its bias with coefficient 1), so these explorers leave their sliders out; what
# matters is how the bias is shared, and that switch is there. The gradient check at the end has every slider.

# %% [markdown] lang="zh"
# ## 反向流回的是什么
#
# 在这一层之后的某个地方会算出损失 $L$。反向传播交给这一层的，是 $L$ 关于这一层输出的梯度 $\partial L/\partial Y$，也就是四个数 $\partial L/\partial y_{11} \dots \partial L/\partial y_{22}$。这一层不需要知道 $L$ 究竟是什么，剩下的交给链式法则：每个 $x$、$w$ 和 $b$ 都只能通过它所参与的那些输出来影响 $L$，因此
#
# $$\frac{\partial L}{\partial x_{uv}} = \sum_{i,j} \frac{\partial L}{\partial y_{ij}}\,\frac{\partial y_{ij}}{\partial x_{uv}},\qquad
#   \frac{\partial y_{ij}}{\partial x_{uv}} = y_{ij} \text{ 中与 } x_{uv} \text{ 相乘的那个权重（或 0）}.$$
#
# 推导原文把这一步写成一个乘积：$\frac{\partial L}{\partial X} = \frac{\partial L}{\partial Y} \cdot \frac{\partial Y}{\partial X}$。这只是一种简写：当 $X$ 和 $Y$ 排成网格时，$\partial Y/\partial X$ 并不是一个可以拿来相乘的矩阵（把它们展平成列向量，它才成为矩阵，见下文“雅可比矩阵与 im2col 视角”）。每个 $x_{uv}$ 都可能经由四个输出中的每一个影响 $L$，所以链式法则为每个输出添上一项，这就是上面的求和。求和中的 $\partial y_{ij}/\partial x_{uv}$ 可以直接从前向公式 $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$ 中读出：当偏移落在卷积核之内（$1 \le m, n \le 2$）时，它等于 $w_{mn}$，其中 $m = u - i + 1$，$n = v - j + 1$；当 $x_{uv}$ 不在 $y_{ij}$ 的窗口里时，它等于 0。例如 $\partial L/\partial x_{12} = \partial L/\partial y_{11}\, w_{12} + \partial L/\partial y_{12}\, w_{11}$（另外两项为 0），这正是推导原文的第二个公式。
#
# 在下面的探索器中，$\partial L/\partial Y$ 和 $X$、$W$ 一样用滑块设定。$b$ 的取值不会出现在任何梯度中（每个 $y_{ij}$ 中偏置的系数都是 1），所以这些探索器省去了偏置的滑块；要紧的是偏置怎样共享，切换偏置方式的开关仍然保留。最后的梯度检验则包含全部滑块。

# %%
import numpy as np
import cnnviz
from cnnviz import conv2d_backward, matrix_form

worked = cnnviz.examples.worked_conv()
X, W, b, dY = worked["x"], worked["w"], worked["b"], worked["dy"]

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

# %% [markdown] lang="zh"
# ## 完整的反向传播，一步一步来
#
# 每个输出 $y_{ij}$ 占一步。在每一步中，梯度 $\partial L/\partial y_{ij}$（在 $\partial L/\partial Y$ 中以虚线框标出）同时沿三条路流回：
#
# 1. 流回计算 $y_{ij}$ 时所用的 $X$ 的窗口：窗口中的每个格子得到 $\partial L/\partial y_{ij}$ 乘以当初与它相乘的那个权重；
# 2. 流回每一个权重：$w_{mn}$ 得到 $\partial L/\partial y_{ij}$ 乘以当初与它相乘的那个输入；
# 3. 流回 $y_{ij}$ 所用的偏置。
#
# 右边的累计值，就是最后一步之后反向传播返回的结果。累计的 $\partial L/\partial X$ 中每个格子下方写着：覆盖该格子的窗口一共有几个，其中已经累加了几个。

# %%
explorer = cnnviz.ConvBackwardExplorer(X, W, b, dY)
explorer

# %% [markdown]
# ## ∂L/∂X: scatter, then gather
#
# **Scatter.** Step through the explorer below and watch a single cell, $x_{22}$: it sits in all four windows, so it receives four
# contributions, one per step. The corners receive one each, the edge centres two. Nothing is ever overwritten: each step **adds**.

# %% [markdown] lang="zh"
# ## ∂L/∂X：先分发，再收集
#
# **分发。**在下面的探索器中逐步前进，只盯住一个格子 $x_{22}$：它位于全部四个窗口之中，所以会收到四份贡献，每步一份。四个角上的格子各收到一份，四条边的中点各收到两份。任何值都不会被覆盖掉：每一步都是**累加**。

# %%
explorer.scatter_x()

# %% [markdown]
# **Gather.** Collect, for each $x_{uv}$, the contributions it received, and you get the derivation's nine formulas.
# Step through the cells of $X$ to see each one's formula with the current numbers; all nine are listed under it.
#
# <details><summary><b>Predict:</b> how many terms does ∂L/∂x<sub>21</sub> have, and which weights appear? (click to reveal)</summary>
#
# Two: $x_{21}$ lies in the windows of $y_{11}$ (where it meets $w_{21}$) and of $y_{21}$ (where it meets $w_{11}$), so
# $\partial L/\partial x_{21} = \partial L/\partial y_{11}\, w_{21} + \partial L/\partial y_{21}\, w_{11}$.
# </details>

# %% [markdown] lang="zh"
# **收集。**对每个 $x_{uv}$，把它收到的各份贡献汇总起来，就得到推导原文中的九个公式。在 $X$ 的各个格子之间逐步前进，可以看到每个格子的公式及代入当前数值的结果；九个公式全部列在下方。
#
# <details><summary><b>预测：</b>∂L/∂x<sub>21</sub> 有几项？出现的是哪些权重？（点击揭晓）</summary>
#
# 两项：$x_{21}$ 位于 $y_{11}$ 的窗口中（在那里与 $w_{21}$ 相乘），也位于 $y_{21}$ 的窗口中（在那里与 $w_{11}$ 相乘），所以 $\partial L/\partial x_{21} = \partial L/\partial y_{11}\, w_{21} + \partial L/\partial y_{21}\, w_{11}$。
# </details>

# %%
explorer.gather_x()

# %% [markdown]
# ## ∂L/∂W: every window position contributes
#
# A weight is used at every position of the window, so its gradient is a sum of four terms: $w_{mn}$ receives
# $\partial L/\partial y_{ij}$ times the input it multiplied in $y_{ij}$. Step through and watch $\partial L/\partial W$ fill up.

# %% [markdown] lang="zh"
# ## ∂L/∂W：每个窗口位置都有贡献
#
# 窗口在每个位置上都要用到同一个权重，所以权重的梯度是四项之和：$w_{mn}$ 得到 $\partial L/\partial y_{ij}$ 乘以它在 $y_{ij}$ 中相乘的那个输入。逐步前进，看 $\partial L/\partial W$ 怎样一点一点填满。

# %%
explorer.scatter_w()

# %% [markdown]
# The derivation's four formulas, with the current numbers:

# %% [markdown] lang="zh"
# 推导原文中的四个公式，代入当前的数值：

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

# %% [markdown] lang="zh"
# ## ∂L/∂b：每个位置一个，或者共用一个
#
# 如果每个输出位置各有一个偏置，那么 $b_{ij}$ 只出现在 $y_{ij}$ 中，系数为 1：$\partial L/\partial b_{ij} = \partial L/\partial y_{ij}$。如果共用一个偏置 $b$，它就出现在每个输出中，所以它的梯度要把这些全部收集起来：$\partial L/\partial b = \sum_{i,j} \partial L/\partial y_{ij}$。用舞台上方的开关切换偏置方式，比较两种情况。
#
# <details><summary><b>预测：</b>共用一个偏置、∂L/∂Y 取初始值时，∂L/∂b 等于多少？</summary>
#
# $1 + (-1) + 2 + 1 = 3$：即 $\partial L/\partial Y$ 四个元素之和。
# </details>

# %%
explorer.bias()

# %% [markdown]
# The package returns all three gradients in one call, `db` in the shape of `b`:

# %% [markdown] lang="zh"
# `cnnviz` 包一次调用就返回全部三个梯度，其中 `db` 的形状与 `b` 相同：

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

# %% [markdown] lang="zh"
# ## 矩阵形式
#
# 推导原文把“整理成矩阵形式”留给了读者。再读一遍 $\partial L/\partial X$ 的九个公式：每个公式都是若干 $\partial L/\partial y_{ij}$ 与权重的乘积之和，很像一次前向卷积——只不过卷积核被**上下颠倒、左右翻转**了。$\partial L/\partial x_{11}$ 遇到的是 $w_{11}$，$\partial L/\partial x_{33}$ 遇到的是 $w_{22}$：窗口向右移动时，权重的下标向左移动。一句话概括：$\partial L/\partial X$ 是 $\partial L/\partial Y$ 与 $W$ 的完全*真*卷积（即第 01 篇讲的要翻转卷积核的卷积），这等同于与旋转 180° 的 $W$ 做完全互相关（也就是前向传播中的 $\star$）。“完全”是指先在 $\partial L/\partial Y$ 四周补上一圈零（宽 $K-1 = 1$）再计算，这样只被一个窗口覆盖的四个角也能得到它们唯一的那一项：
#
# $$\frac{\partial L}{\partial X} = \operatorname{pad}\!\left(\frac{\partial L}{\partial Y}\right) \star \operatorname{rot180}(W),
#   \qquad
#   \frac{\partial L}{\partial W} = X \star \frac{\partial L}{\partial Y}.$$
#
# 下面代入探索器中的数值：

# %%
explorer.matrix_form()

# %% [markdown]
# And verified numerically, with the forward op itself doing the work:

# %% [markdown] lang="zh"
# 再用数值验证一下，计算全由前向运算本身完成：

# %%
dX_full = matrix_form.input_grad_as_full_convolution(dY, W, X.shape)
dW_corr = matrix_form.weight_grad_as_correlation(X, dY, W.shape)
np.allclose(dX_full, dX), np.allclose(dW_corr, dW)

# %% [markdown]
# On random inputs of other sizes too — a 6×5 input and a 3×2 kernel:

# %% [markdown] lang="zh"
# 换成其他尺寸的随机输入也同样成立——6×5 的输入和 3×2 的卷积核：

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

# %% [markdown] lang="zh"
# 可见，卷积的反向传播就是另外两次卷积。正因如此，深度学习框架训练时可以沿用推理时那套快速的卷积程序。

# %% [markdown]
# ## The Jacobian and im2col views
#
# "Matrix form" can also be taken literally: the layer is one matrix times a vector. Flatten $X$ row by row into a column,
# $\operatorname{vec}(X) = (x_{11}, x_{12}, x_{13}, x_{21}, \dots, x_{33})$, and $Y$ likewise ("vec" always means: flatten row by
# row). Each $y_{ij}$ is a weighted sum of the $x$'s in its window, so
#
# $$\operatorname{vec}(Y) = C\,\operatorname{vec}(X) + \operatorname{vec}(b),\qquad
# C = \begin{pmatrix}
# w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0 & 0\\
# 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0\\
# 0 & 0 & 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0\\
# 0 & 0 & 0 & 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22}
# \end{pmatrix}.$$
#
# $C$ has one row per output and one column per input. Row $y_{11}$ is the forward formula of $y_{11}$; each next row is
# the same pattern moved to the next window. The entry in row $y_{ij}$, column $x_{uv}$ is $\partial y_{ij}/\partial x_{uv}$: a
# matrix of every partial derivative of the outputs with respect to the inputs is a **Jacobian**, here the derivation's
# $\partial Y/\partial X$ made concrete. The chain-rule sum of "What flows back" runs down column $x_{uv}$ of $C$, a product
# with the **transpose** $C^{\mathsf T}$ (rows and columns swapped):
#
# $$\operatorname{vec}\!\left(\frac{\partial L}{\partial X}\right) = C^{\mathsf T}\,\operatorname{vec}\!\left(\frac{\partial L}{\partial Y}\right).$$

# %% [markdown] lang="zh"
# ## 雅可比矩阵与 im2col 视角
#
# “矩阵形式”也可以按字面理解：整层就是一个矩阵乘以一个向量。把 $X$ 逐行展平成一列，$\operatorname{vec}(X) = (x_{11}, x_{12}, x_{13}, x_{21}, \dots, x_{33})$，$Y$ 也同样处理（“vec”一律指逐行展平）。每个 $y_{ij}$ 都是其窗口中各个 $x$ 的加权和，因此
#
# $$\operatorname{vec}(Y) = C\,\operatorname{vec}(X) + \operatorname{vec}(b),\qquad
# C = \begin{pmatrix}
# w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0 & 0\\
# 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0 & 0 & 0\\
# 0 & 0 & 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22} & 0\\
# 0 & 0 & 0 & 0 & w_{11} & w_{12} & 0 & w_{21} & w_{22}
# \end{pmatrix}.$$
#
# $C$ 的每一行对应一个输出，每一列对应一个输入。$y_{11}$ 这一行就是 $y_{11}$ 的前向公式；往下的每一行都是同一个模式移到下一个窗口。第 $y_{ij}$ 行、第 $x_{uv}$ 列的元素是 $\partial y_{ij}/\partial x_{uv}$：由全部输出对全部输入的偏导数排成的矩阵叫作**雅可比矩阵**，在这里它就是推导原文中 $\partial Y/\partial X$ 的具体形态。“反向流回的是什么”一节中的链式法则求和，是沿着 $C$ 的第 $x_{uv}$ 列往下加，也就是与**转置**矩阵 $C^{\mathsf T}$（行与列互换）相乘：
#
# $$\operatorname{vec}\!\left(\frac{\partial L}{\partial X}\right) = C^{\mathsf T}\,\operatorname{vec}\!\left(\frac{\partial L}{\partial Y}\right).$$

# %% [markdown]
# In the explorer below (its sliders are those above), the first four steps are the forward pass: row $y_{ij}$ of $C$ holds
# its weights in the columns of exactly the $x$'s its window covers. The last four are the backward
# pass: column $y_{ij}$ of $C^{\mathsf T}$ is row $y_{ij}$ of $C$, and laid out like $X$ it is $W$ placed on the window of $y_{ij}$.
# Times $\partial L/\partial y_{ij}$, it is what the scatter view added at that step. **The scatter is multiplication by the
# transposed matrix.** ($C$ holds no $x$: that is why $\partial L/\partial X$ does not depend on $X$.)

# %% [markdown] lang="zh"
# 下面的探索器与上面的探索器共用同一组滑块。它的前四步是前向传播：$C$ 的第 $y_{ij}$ 行恰好在其窗口所覆盖的那些 $x$ 的列上放着权重。后四步是反向传播：$C^{\mathsf T}$ 的第 $y_{ij}$ 列就是 $C$ 的第 $y_{ij}$ 行，按 $X$ 的形状排开，就是放在 $y_{ij}$ 窗口上的 $W$。再乘以 $\partial L/\partial y_{ij}$，正是分发视图在这一步加上去的量。**分发就是乘以转置矩阵。**（$C$ 中不含任何 $x$：这就是 $\partial L/\partial X$ 与 $X$ 无关的原因。）

# %%
matrix_explorer = cnnviz.MatrixFormExplorer(share=explorer)
matrix_explorer

# %% [markdown]
# $C$ is mostly zeros (20 of 36 here, nearly all for a real image), so no framework builds it. The other way to flatten
# the layer is used in practice: lay each window of $X$ flat as a row of $P = \operatorname{im2col}(X)$ ("image to columns").
# Each $y_{ij}$ is its row of $P$ times the four weights, and $P$ is the Jacobian of $\operatorname{vec}(Y)$ with respect to
# $\operatorname{vec}(W)$, so
#
# $$\operatorname{vec}(Y) = P\,\operatorname{vec}(W) + \operatorname{vec}(b),\qquad
#   \operatorname{vec}\!\left(\frac{\partial L}{\partial W}\right) = P^{\mathsf T}\,\operatorname{vec}\!\left(\frac{\partial L}{\partial Y}\right).$$
#
# Row $w_{mn}$ of $P^{\mathsf T}$ lists the $x$'s that $w_{mn}$ met, one per window: the derivation's $\partial L/\partial w_{mn}$.

# %% [markdown] lang="zh"
# $C$ 的元素大多是零（本例 36 个中有 20 个，对真实图像来说几乎全是零），所以没有哪个框架真的去构造它。实践中用的是另一种把整层展平的办法：把 $X$ 的每个窗口摊平，作为 $P = \operatorname{im2col}(X)$ 的一行（im2col 即 image to columns，“图像转列”）。每个 $y_{ij}$ 等于 $P$ 中它那一行乘以四个权重，而 $P$ 正是 $\operatorname{vec}(Y)$ 关于 $\operatorname{vec}(W)$ 的雅可比矩阵，所以
#
# $$\operatorname{vec}(Y) = P\,\operatorname{vec}(W) + \operatorname{vec}(b),\qquad
#   \operatorname{vec}\!\left(\frac{\partial L}{\partial W}\right) = P^{\mathsf T}\,\operatorname{vec}\!\left(\frac{\partial L}{\partial Y}\right).$$
#
# $P^{\mathsf T}$ 的第 $w_{mn}$ 行列出了 $w_{mn}$ 遇到过的那些 $x$，每个窗口一个：这正是推导原文中的 $\partial L/\partial w_{mn}$。

# %%
matrix_explorer.im2col()

# %% [markdown]
# Both views against the package's forward and backward passes:

# %% [markdown] lang="zh"
# 用包里的前向传播和反向传播核对这两种视角：

# %%
C = matrix_form.conv_matrix(X.shape, W)
P = matrix_form.im2col(X, W.shape)
Y = cnnviz.conv2d_forward(X, W, b)
print("C vec(X) + vec(b) = vec(Y):     ", np.allclose(C @ X.ravel() + b.ravel(), Y.ravel()))
print("C^T vec(dL/dY)    = vec(dL/dX): ", np.allclose(C.T @ dY.ravel(), dX.ravel()))
print("P vec(W) + vec(b) = vec(Y):     ", np.allclose(P @ W.ravel() + b.ravel(), Y.ravel()))
print("P^T vec(dL/dY)    = vec(dL/dW): ", np.allclose(P.T @ dY.ravel(), dW.ravel()))

# %% [markdown]
# ## Check it yourself: finite differences
#
# Do not trust a derivation, check it. Take $L = \sum_{ij} g_{ij}\, y_{ij}$, where $g_{ij}$ are the four numbers set on the
# $\partial L/\partial Y$ sliders. The $g_{ij}$ are constants, fixed before anything is nudged, so this $L$ is linear in $Y$ and
# its derivative with respect to $y_{ij}$ is just the number that multiplies $y_{ij}$: $\partial L/\partial y_{ij} = g_{ij}$, exactly
# the $\partial L/\partial Y$ given. Nudge one input up and down by $\varepsilon = 10^{-6}$ and measure the slope
# $(L(x+\varepsilon) - L(x-\varepsilon)) / 2\varepsilon$: that is $\partial L/\partial x$ for that entry, whatever the formulas say.
# `cnnviz.gradcheck` does this for every entry of $X$, $W$ and $b$. Move some sliders above, then press the button.

# %% [markdown] lang="zh"
# ## 自己动手检验：有限差分
#
# 不要轻信推导，要去检验它。取 $L = \sum_{ij} g_{ij}\, y_{ij}$，其中 $g_{ij}$ 是 $\partial L/\partial Y$ 滑块上设定的四个数。这些 $g_{ij}$ 是常数，在做任何扰动之前就已经固定，所以这个 $L$ 关于 $Y$ 是线性的，它对 $y_{ij}$ 的导数就是乘在 $y_{ij}$ 上的那个数：$\partial L/\partial y_{ij} = g_{ij}$，恰好是给定的 $\partial L/\partial Y$。把某一个输入分别增大和减小 $\varepsilon = 10^{-6}$，测出斜率 $(L(x+\varepsilon) - L(x-\varepsilon)) / 2\varepsilon$：不管公式怎么说，这就是该元素的 $\partial L/\partial x$。`cnnviz.gradcheck` 对 $X$、$W$ 和 $b$ 的每个元素都这样做一遍。先在上面移动几个滑块，再按下检验按钮。

# %%
explorer.gradient_check()

# %% [markdown]
# ## Learning a kernel
#
# Here $\partial L/\partial W$ does its job, in the experiment of "Learning a Kernel" in *Dive into Deep Learning*. Someone
# holds a 2×2 kernel $W^*$ we cannot see and shows us three pairs: random 5×5 inputs $X$ (whole numbers from −2 to 2) and
# $Y = X \star W^*$ (no bias). Can we find $W^*$? Start from $W = 0$ and repeat:
#
# 1. **forward:** $\hat Y = X \star W$ for every pair, our guess of each $Y$;
# 2. **loss:** $L = \frac{1}{2M}\sum (\hat y_{ij} - y_{ij})^2$ over the pairs and positions, $M = 3 \cdot 16 = 48$ of them;
# 3. **backward:** $\partial L/\partial \hat y_{ij} = (\hat y_{ij} - y_{ij})/M$ is this notebook's given $\partial L/\partial Y$;
#    `conv2d_backward` turns it into $\partial L/\partial W$ (summed over the pairs);
# 4. **step:** $W \leftarrow W - \eta\, \partial L/\partial W$, with a small number $\eta$, the **learning rate**.
#
# The $\frac12$ cancels the 2 of the derivative of a square. Dividing by $M$ (a mean, not a sum) keeps $\partial L/\partial W$ the
# same size however many pairs there are, so the same $\eta$ works for 3 pairs or 300 (*Dive into Deep Learning* sums,
# and so uses a smaller rate). $L = 0$ at $W = W^*$ and only there.

# %% [markdown] lang="zh"
# ## 学习一个卷积核
#
# 在这里，$\partial L/\partial W$ 派上了真正的用场，做的是《动手学深度学习》（*Dive into Deep Learning*）中“学习卷积核”的实验。有人手里有一个我们看不到的 2×2 卷积核 $W^*$，他给我们看三对数据：随机的 5×5 输入 $X$（取值为 −2 到 2 的整数）以及 $Y = X \star W^*$（没有偏置）。我们能找出 $W^*$ 吗？从 $W = 0$ 出发，反复执行：
#
# 1. **前向：**对每一对数据计算 $\hat Y = X \star W$，即我们对每个 $Y$ 的猜测；
# 2. **损失：**$L = \frac{1}{2M}\sum (\hat y_{ij} - y_{ij})^2$，对所有数据对的所有位置求和，共 $M = 3 \cdot 16 = 48$ 项；
# 3. **反向：**$\partial L/\partial \hat y_{ij} = (\hat y_{ij} - y_{ij})/M$ 就是本篇中给定的 $\partial L/\partial Y$；`conv2d_backward` 把它变成 $\partial L/\partial W$（对各数据对求和）；
# 4. **更新：**$W \leftarrow W - \eta\, \partial L/\partial W$，其中 $\eta$ 是一个较小的数，称为**学习率**。
#
# $\frac12$ 恰好抵消平方求导时产生的 2。除以 $M$（取平均而不是求和）使 $\partial L/\partial W$ 的大小不随数据对的多少而变，因此同一个 $\eta$ 对 3 对数据和 300 对数据都适用（《动手学深度学习》用的是求和，所以学习率取得更小）。$L = 0$ 当且仅当 $W = W^*$。

# %%
hidden = cnnviz.learning.default_hidden()
pairs = cnnviz.learning.make_pairs(hidden, count=3, x_shape=(5, 5), seed=0)
x_first, y_first = pairs[0]
print("pairs[0]:  X =", x_first.astype(int), "Y = X ⋆ W* =", y_first, sep="\n")

# %% [markdown]
# One step by hand, from $W = 0$, with $\eta = 0.4$:

# %% [markdown] lang="zh"
# 从 $W = 0$ 出发，取 $\eta = 0.4$，手算一步：

# %%
w_start = np.zeros((2, 2))
loss_start, grad_start = cnnviz.learning.squared_error_loss(w_start, pairs)
print("L(W = 0) =", round(loss_start, 4))
print("∂L/∂W (W = 0) =", np.round(grad_start, 4), sep="\n")
print("W − 0.4 · ∂L/∂W =", np.round(w_start - 0.4 * grad_start, 4), sep="\n")

# %% [markdown]
# Now seven steps. Each frame is one iteration: $W$ so far above the hidden $W^*$, and the loss so far on a logarithmic
# scale (the labels are powers of ten). Move the sliders: $\eta = 0.05$ learns slowly, $0.4$ fast, $0.6$
# overshoots back and forth but still arrives. At $0.7$ the loss **grows**; at $1.5$ it passes a million times its start
# after six steps, and the run stops and says it diverged.

# %% [markdown] lang="zh"
# 现在走七步。每一帧是一次迭代：上面是到目前为止的 $W$，逐个元素排在隐藏的 $W^*$ 上方；下面是到目前为止的损失，纵轴为对数刻度（刻度标签是 10 的幂）。移动滑块试试：$\eta = 0.05$ 学得慢，$0.4$ 学得快，$0.6$ 会来回越过目标，但最终仍能到达。取 $0.7$ 时损失反而**增大**；取 $1.5$ 时，六步之后损失超过初始值的一百万倍，运行随即停止，并提示已经发散。

# %%
cnnviz.LearnKernelExplorer(hidden, rate=0.4, steps=7)

# %% [markdown]
# <details><summary><b>Why does a large rate diverge, and where is the limit?</b> (click to open)</summary>
#
# $L$ is a bowl in the four weights with its bottom at $W^*$ and curvature $H = \frac1M \sum P^{\mathsf T} P$ ($P$ = im2col of
# each $X$). One step turns $W - W^*$ into $(I - \eta H)(W - W^*)$: along a direction of curvature $\lambda$ (an eigenvalue of
# $H$) the distance to the bottom is multiplied by $1 - \eta\lambda$. If $\eta\lambda > 2$, then $|1 - \eta\lambda| > 1$: each step
# jumps over the bottom and lands higher on the other side. So it converges exactly when $\eta < 2/\lambda_{\max}$, a limit
# set by the inputs $X$ alone, printed below.
# </details>

# %% [markdown] lang="zh"
# <details><summary><b>为什么学习率太大会发散？界限在哪里？</b>（点击展开）</summary>
#
# $L$ 是四个权重上的一只“碗”，碗底在 $W^*$，曲率为 $H = \frac1M \sum P^{\mathsf T} P$（$P$ 是每个 $X$ 的 im2col）。走一步会把 $W - W^*$ 变成 $(I - \eta H)(W - W^*)$：沿着曲率为 $\lambda$（$H$ 的一个特征值）的方向，到碗底的距离乘上了 $1 - \eta\lambda$。若 $\eta\lambda > 2$，则 $|1 - \eta\lambda| > 1$：每一步都跳过碗底，落在对面更高的地方。所以当且仅当 $\eta < 2/\lambda_{\max}$ 时才会收敛，这个界限只由输入 $X$ 决定，它的数值打印在下面。
# </details>

# %%
print("2 / λ_max =", round(cnnviz.learning.largest_stable_rate(pairs), 3))

# %% [markdown]
# ## Summary
#
# - The backward pass receives $\partial L/\partial Y$ and returns $\partial L/\partial X$, $\partial L/\partial W$, $\partial L/\partial b$ by the chain rule.
# - **Scatter:** each output sends $\partial L/\partial y_{ij} \cdot W$ back onto its window; overlapping windows **add**.
#   **Gather:** $\partial L/\partial x_{uv}$ is the sum over the windows that cover $x_{uv}$ — 1, 2 or 4 terms here.
# - $\partial L/\partial w_{mn} = \sum_{ij} \partial L/\partial y_{ij}\, x_{(i+m-1)(j+n-1)}$: every window position contributes.
# - $\partial L/\partial b_{ij} = \partial L/\partial y_{ij}$ per position; $\partial L/\partial b = \sum_{ij}\partial L/\partial y_{ij}$ when shared.
# - In matrix form: $\partial L/\partial X$ = full convolution of $\partial L/\partial Y$ with $W$ rotated 180°; $\partial L/\partial W = X \star \partial L/\partial Y$.
# - Flattened: $\operatorname{vec}(Y) = C\operatorname{vec}(X) + \operatorname{vec}(b)$ with $C$ the Jacobian, and the scatter is
#   $C^{\mathsf T}\operatorname{vec}(\partial L/\partial Y)$; with $P = \operatorname{im2col}(X)$, $\operatorname{vec}(\partial L/\partial W) = P^{\mathsf T}\operatorname{vec}(\partial L/\partial Y)$.
# - Finite differences check all of it.
# - Gradient descent with $\partial L/\partial W$ learns a hidden kernel when $\eta < 2/\lambda_{\max}$; above, the loss grows.

# %% [markdown] lang="zh"
# ## 小结
#
# - 反向传播接收 $\partial L/\partial Y$，用链式法则返回 $\partial L/\partial X$、$\partial L/\partial W$、$\partial L/\partial b$。
# - **分发：**每个输出把 $\partial L/\partial y_{ij} \cdot W$ 送回到自己的窗口上；重叠的窗口**累加**。**收集：**$\partial L/\partial x_{uv}$ 是覆盖 $x_{uv}$ 的各个窗口的贡献之和——本例中有 1、2 或 4 项。
# - $\partial L/\partial w_{mn} = \sum_{ij} \partial L/\partial y_{ij}\, x_{(i+m-1)(j+n-1)}$：每个窗口位置都有贡献。
# - 每个位置一个偏置时，$\partial L/\partial b_{ij} = \partial L/\partial y_{ij}$；共用一个偏置时，$\partial L/\partial b = \sum_{ij}\partial L/\partial y_{ij}$。
# - 矩阵形式：$\partial L/\partial X$ 是 $\partial L/\partial Y$ 与旋转 180° 的 $W$ 的完全卷积；$\partial L/\partial W = X \star \partial L/\partial Y$。
# - 展平来看：$\operatorname{vec}(Y) = C\operatorname{vec}(X) + \operatorname{vec}(b)$，其中 $C$ 是雅可比矩阵，分发就是 $C^{\mathsf T}\operatorname{vec}(\partial L/\partial Y)$；若 $P = \operatorname{im2col}(X)$，则 $\operatorname{vec}(\partial L/\partial W) = P^{\mathsf T}\operatorname{vec}(\partial L/\partial Y)$。
# - 有限差分可以检验以上全部结果。
# - 用 $\partial L/\partial W$ 做梯度下降，当 $\eta < 2/\lambda_{\max}$ 时能学出隐藏的卷积核；超过这个界限，损失会越来越大。

# %% [markdown]
# ## Exercises
#
# **1.** A different gradient arrives: $\partial L/\partial Y = \begin{pmatrix} 2 & 0 \\ -1 & 3 \end{pmatrix}$ (`dY_new` below), with $X$
# and $W$ as at the start. What is $\partial L/\partial x_{22}$ now? Use the gather formula, with pen and paper.

# %% [markdown] lang="zh"
# ## 练习
#
# **1.** 传来了另一个梯度：$\partial L/\partial Y = \begin{pmatrix} 2 & 0 \\ -1 & 3 \end{pmatrix}$（即下面的 `dY_new`），$X$ 和 $W$ 仍取初始值。现在 $\partial L/\partial x_{22}$ 是多少？请用收集公式在纸上算出来。

# %%
dY_new = np.array([[2.0, 0.0], [-1.0, 3.0]])
answer_1 = None  # your number

# %%
cnnviz.exercises.check_number(answer_1, conv2d_backward(dY_new, X, W, b)[0][1, 1],
    hint={"en": "x22 is in all four windows: dy11*w22 + dy12*w21 + dy21*w12 + dy22*w11.",
          "zh": "x22 位于全部四个窗口中：dy11*w22 + dy12*w21 + dy21*w12 + dy22*w11。"})

# %% [markdown]
# **2.** With the same `dY_new` (and the starting $X$), what is $\partial L/\partial w_{12}$?

# %% [markdown] lang="zh"
# **2.** 仍用这个 `dY_new`（以及初始的 $X$），$\partial L/\partial w_{12}$ 是多少？

# %%
answer_2 = None  # your number

# %%
cnnviz.exercises.check_number(answer_2, conv2d_backward(dY_new, X, W, b)[1][0, 1],
    hint={"en": "w12 multiplies x12, x13, x22, x23 in y11, y12, y21, y22.",
          "zh": "在 y11、y12、y21、y22 中，w12 依次与 x12、x13、x22、x23 相乘。"})

# %% [markdown]
# **3.** A larger input: $X$ is now 4×4 ($x_{11} \dots x_{44}$), $W$ is still 2×2 and the stride 1, so $Y$ is 3×3.
# Which terms make up $\partial L/\partial x_{23}$? Each term is a gradient $\partial L/\partial y_{ij}$ times the weight
# $w_{mn}$ that $x_{23}$ meets in the window of $y_{ij}$. No numbers this time: list the terms as pairs in `answer_3`,
# `("dy11", "w12")` for $\partial L/\partial y_{11} \cdot w_{12}$. The gather view above shows a 3×3 input; here there
# are nine windows, not four.

# %% [markdown] lang="zh"
# **3.** 换一个更大的输入：$X$ 现在是 4×4（$x_{11} \dots x_{44}$），$W$ 仍是 2×2，步长为 1，所以 $Y$ 是 3×3。$\partial L/\partial x_{23}$ 由哪些项组成？每一项都是一个梯度 $\partial L/\partial y_{ij}$ 乘以 $x_{23}$ 在 $y_{ij}$ 的窗口中遇到的那个权重 $w_{mn}$。这次不用算数：把这些项写成数对，放进列表 `answer_3`，例如 `("dy11", "w12")` 表示 $\partial L/\partial y_{11} \cdot w_{12}$。上面的收集视图用的是 3×3 的输入，这里的窗口有九个，而不是四个。

# %%
answer_3 = None  # your list of pairs, e.g. [("dy11", "w12"), ...]

# %%
terms_3 = cnnviz.exercises.gradient_terms("x23", x_shape=(4, 4), w_shape=(2, 2))  # for the solution
hints_3 = cnnviz.exercises.Hints(
    nudge={"en": "First find the windows that cover x23. The window of y_ij covers rows i, i+1 and "
                 "columns j, j+1; Y is 3×3, so i and j run from 1 to 3.",
           "zh": "先找出哪些窗口覆盖 x23。y_ij 的窗口覆盖第 i、i+1 行和第 j、j+1 列；Y 是 3×3，"
                 "所以 i 和 j 都从 1 取到 3。"},
    formula={"en": "x23 lies in the window of y_ij when i ≤ 2 ≤ i+1 and j ≤ 3 ≤ j+1; there it meets w_mn "
                   "with m = 2 - i + 1, n = 3 - j + 1.",
             "zh": "当 i ≤ 2 ≤ i+1 且 j ≤ 3 ≤ j+1 时，x23 在 y_ij 的窗口中；在那里它与 w_mn 相乘，"
                   "其中 m = 2 - i + 1，n = 3 - j + 1。"},
    solution="∂L/∂x23 = " + " + ".join(f"∂L/∂y{i}{j}·w{m}{n}" for (_, i, j), (_, m, n) in terms_3))

# %%
cnnviz.exercises.check_terms(answer_3, target="x23", x_shape=(4, 4), w_shape=(2, 2), hint=hints_3)

# %%
# hints_3.show()   # remove the # at the start and run this cell to see a solution

# %% [markdown]
# **4.** Write `my_input_grad(dy, w, x_shape)` that returns $\partial L/\partial X$ of a stride-1 convolution by scattering:
# start from zeros and, for every output position, add `dy[i, j] * w` onto the window. The check compares it with
# `cnnviz.conv2d_backward` on random sizes and random $\partial L/\partial Y$.

# %% [markdown] lang="zh"
# **4.** 编写 `my_input_grad(dy, w, x_shape)`，用分发的方式返回步长为 1 的卷积的 $\partial L/\partial X$：从全零开始，对每个输出位置，把 `dy[i, j] * w` 加到它的窗口上。检查程序会在随机的尺寸和随机的 $\partial L/\partial Y$ 上，把它与 `cnnviz.conv2d_backward` 的结果比较。

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
    hint={"en": "dx = np.zeros(x_shape); dx[i:i+KH, j:j+KW] += dy[i, j] * w   (+=, not =).",
          "zh": "dx = np.zeros(x_shape); dx[i:i+KH, j:j+KW] += dy[i, j] * w   （是 +=，不是 =）。"})
