# title: 04 · Max pooling, backward
# about: the mask M_k, ADDING (not overwriting) gradients where windows overlap, ties, a gradient check, average pooling
# about-zh: 掩码 M_k，窗口重叠处把梯度累加（而不是覆盖），并列的最大值，梯度检验，平均池化
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
# - the classic bug, `=` instead of `+=`, and how to see it;
# - average pooling's backward pass: the same algorithm with a uniform mask, every cell of a window gets a share.
#
# The setting is notebook 03's: $X$ 3×3, window 2×2, stride 1, the four windows $X'_1 \dots X'_4$, $Y$ 2×2.

# %% [markdown] lang="zh"
# # 04 · 最大池化层的反向传播
#
# > **推导原文**（第 4 节“池化层反向传播”；完整的推导见 [derivation.md](derivation.md)）
# >
# > 池化层的反向传播计算可以通过使用**具有相同的池化窗口大小但将最大值位置标记为1、其他位置标记为0**的掩码矩阵来实现。
# >
# > 将 $\frac{\partial L}{\partial y_{ij}}$ 乘以掩码矩阵 $M_k$ ,得到局部梯度 $\frac{\partial L}{\partial X_k'}=\frac{\partial L}{\partial y_{ij}}\cdot M_k$ 。
# >
# > *本篇补充的内容：* 为什么掩码恰好就是所需的导数；窗口相互重叠时，多份贡献会汇合到同一个输入上（以及用 `=` 代替 `+=` 而把它们弄丢的错误）；一个窗口里最大值出现两次时该怎么办。（原文把 $X'_k$ 写作 $X_k'$。）
#
# **你将学到**
#
# - 窗口的掩码 $M_k$：窗口最大值所在的位置为 1，其余位置为 0；
# - 局部梯度 $\partial L/\partial X'_k = \partial L/\partial y_{ij} \cdot M_k$，以及为什么只有最大值才能得到梯度；
# - 为什么局部梯度必须**累加**到 $\partial L/\partial X$ 上：相互重叠的窗口可能有同一个最大值，$x_{22}$ 最多能收到四份贡献；
# - 一个窗口里最大值出现两次（称为*并列*）时该怎么办，以及为什么把每个并列的元素都算上是错的；
# - 经典错误：把 `+=` 写成 `=`，以及怎样把它揪出来；
# - 平均池化的反向传播：算法不变，只是换成均匀的掩码，窗口中的每个格子都分到一份梯度。
#
# 设定与第 03 篇相同：$X$ 为 3×3，窗口为 2×2，步长为 1，四个窗口 $X'_1 \dots X'_4$，$Y$ 为 2×2。

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

# %% [markdown] lang="zh"
# ## 算法（推导原文第 4 节）
#
# 反向传播接收 $\partial L/\partial Y$（四个数），要返回 $\partial L/\partial X$：
#
# 1. 先令 $\partial L/\partial X$ 为 3×3 的全零矩阵；
# 2. 对每个输出 $y_{ij}$，取它的窗口 $X'_k$ 和它的梯度 $\partial L/\partial y_{ij}$：
#    - 构造一个与窗口同样大小的掩码 $M_k$，窗口最大值处为 1，其余为 0；
#    - 局部梯度为 $\dfrac{\partial L}{\partial X'_k} = \dfrac{\partial L}{\partial y_{ij}} \cdot M_k$；
#    - 把它**累加**到 $\partial L/\partial X$ 中该窗口所在的位置上；
# 3. 最后得到的就是 $\partial L/\partial X$。
#
# 为什么用掩码？$y_{ij} = \max(X'_k)$ 等于窗口中的某一个元素。把这个元素轻轻改动一点，$y_{ij}$ 就跟着同样改动（斜率为 1）；把其他任何一个元素稍微改动一点，$y_{ij}$ 完全不变（斜率为 0）。所以 $\partial y_{ij} / \partial X'_k = M_k$，再由链式法则就得到上面的局部梯度。

# %%
import numpy as np
import cnnviz
from cnnviz import maxpool2d_backward, maxpool2d_forward, maxpool2d_masks

worked = cnnviz.examples.worked_pool()
X, dY = worked["x"], worked["dy"]
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

# %% [markdown] lang="zh"
# ## 探索器
#
# - **滑块**设定 $\partial L/\partial Y$（左）和 $X$（右）。
# - **ties**（并列）决定一个窗口的最大值出现两次时怎么处理（见下文“并列”一节）；现在先让它停在 *first*。
# - **▶ 播放**依次走过各个窗口 $X'_1 \dots X'_4$；*◀ 上一步* / *下一步 ▶*（或 ← / →）、步骤滑块和**速度**的用法同前。
# - 第一行展示窗口 $X'_k$ 做的事：它的梯度 $\partial L/\partial y_{ij}$（虚线框），$X$ 上的这个窗口及其最大值（标 **max**，双线框），掩码 $M_k$，以及局部梯度 $\partial L/\partial y_{ij} \cdot M_k$（后两者的每个元素下方注明它对应哪个 $x$）。其后是公式。
# - 第二行：这一步**累加**到 $\partial L/\partial X$ 上的量，以及到这一步为止累加出的 $\partial L/\partial X$。这一步改变了的格子标有 **+**；每个数下方注明这个输入到目前为止**赢得**了几个窗口（即是几个窗口的最大值），是哪几个。
# - 最后：用 **meet at**（汇合于）选定一个输入，列出覆盖它的每个窗口，以及每个窗口送到那里的量。

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

# %% [markdown] lang="zh"
# ### 先预测，再揭晓
#
# <details><summary><b>播放之前：哪些输入会得到非零的梯度？</b>（点击揭晓）</summary>
#
# 只有最大值：$x_{22} = 8$（它是 $X'_1$、$X'_2$、$X'_3$ 的最大值）和 $x_{33} = 9$（$X'_4$ 的最大值）。其余七个元素不是任何窗口的最大值：轻轻改动它们不会改变 $Y$，所以它们的梯度为 0。
# </details>
#
# <details><summary><b>∂L/∂x<sub>22</sub> 最后是多少？</b></summary>
#
# $\partial L/\partial y_{11} + \partial L/\partial y_{12} + \partial L/\partial y_{21} = 1 + 2 + (-1) = 2$：三个窗口都把各自的全部梯度送给 $x_{22}$，这三份贡献**累加**起来。$X'_4$ 也覆盖 $x_{22}$，但它的最大值是 $x_{33}$，所以它送给 $x_{22}$ 的是 0。
# </details>
#
# <details><summary><b>把 x<sub>33</sub> 设为 0，∂L/∂x<sub>22</sub> 会怎样？</b></summary>
#
# 现在 $x_{22}$ 赢得了全部四个窗口（它下方的计数显示 *won 4*），收到全部四份梯度：$1 + 2 + (-1) + 3 = 5$，正是 $\partial L/\partial Y$ 所有元素之和。$x_{33}$ 的梯度则降为 0。
# </details>

# %% [markdown]
# ## Where the four contributions meet
#
# $x_{22}$ lies in all four windows, so up to four contributions can reach it, one per step. The view below follows the
# same explorer (the same sliders): step through and watch the sum grow. Pick another input with **meet at**:
# a corner is in one window only, an edge centre in two.

# %% [markdown] lang="zh"
# ## 四份贡献在哪里汇合
#
# $x_{22}$ 位于全部四个窗口中，所以最多可以有四份贡献到达它，每一步一份。下面的视图跟随同一个探索器（同一组滑块）：逐步前进，看这个和怎样一点点变大。用 **meet at** 换一个输入看看：角上的输入只在一个窗口里，各边中点的输入在两个窗口里。

# %%
explorer.meeting()

# %% [markdown]
# ## One call, and a check
#
# The package does all four steps in one vectorized call. Here are the four masks, `masks[i, j]` being $M_k$ of output $y_{ij}$,
# and the result:

# %% [markdown] lang="zh"
# ## 一次调用，外加一次检验
#
# 这个包用一次向量化的调用就完成了全部四步。下面是四个掩码（`masks[i, j]` 是输出 $y_{ij}$ 的掩码 $M_k$）和最终结果：

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

# %% [markdown] lang="zh"
# 结果对不对？取损失 $L = \sum_{ij} \partial L/\partial y_{ij} \cdot y_{ij}$，它对 $Y$ 的梯度恰好就是我们的 $\partial L/\partial Y$。把每个 $x$ 分别向上、向下改动一个极小的 $\varepsilon$，观察 $L$ 怎样变化，就能用数值方法得到每一个 $\partial L/\partial x$。`cnnviz.gradcheck` 做的正是这件事，它返回数值结果与我们的 $\partial L/\partial X$ 之间的相对误差：

# %%
def loss(x):
    return np.sum(dY * maxpool2d_forward(x))

error = cnnviz.gradcheck.check_gradient(loss, X, dX)
print("error < 1e-7:", error < 1e-7)

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

# %% [markdown] lang="zh"
# ## 经典错误：把 `+=` 写成 `=`
#
# 比较下面两个循环，它们只差一个字符：
#
# ```python
# dX = np.zeros_like(X)
# for each window k at (i, j):
#     dX[window k's place] += dY[i, j] * M_k      # 正确：各份贡献累加起来
#     dX[window k's place]  = dY[i, j] * M_k      # 错误：每个窗口都覆盖掉前一个写下的值
# ```
#
# 用 `=` 时，每个格子只保留覆盖它的**最后一个**窗口写下的值。在我们的例子里，$x_{22}$ 先后被写入 1、2、−1，一个覆盖一个；最后，最大值为 $x_{33}$ 的 $X'_4$ 又写入一个 0。$x_{22}$ 的梯度就这样全部丢失了。逐步走一遍，比较一下（左边是正确做法，右边是错误做法；✘ 标出错误的格子，并注明它本应是多少）：

# %%
explorer.overwrite_bug()

# %% [markdown]
# `cnnviz.pitfalls` has the buggy version, for exactly this comparison:

# %% [markdown] lang="zh"
# `cnnviz.pitfalls` 里保留了这个有错误的版本，专门用来做这样的比较：

# %%
comparison = cnnviz.pitfalls.compare_overwrite(dY, X)
print("∂L/∂X (+=) =\n", comparison.correct)
print("∂L/∂X (=) =\n", comparison.overwritten)
print("Σ ∂L/∂Y =", comparison.sum_dy, "| Σ ∂L/∂X (+=) =", comparison.sum_correct,
      "| Σ ∂L/∂X (=) =", comparison.sum_overwritten)

# %% [markdown]
# Why does such a bug survive? With the most common setting, a 2×2 window with **stride 2**, the windows never overlap:
# every cell is written at most once, and `=` happens to give the right answer. The bug only shows when the windows overlap.

# %% [markdown] lang="zh"
# 这样的错误为什么能一直不被发现？在最常见的设置下——2×2 窗口、**步长 2**——窗口从不重叠：每个格子至多被写入一次，`=` 恰好给出正确答案。只有窗口相互重叠时，这个错误才会显现出来。

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

# %% [markdown] lang="zh"
# ## 并列：最大值出现两次时
#
# 推导中的掩码“将最大值位置标记为1”。如果窗口中有两个元素都是最大值呢？把 $x_{13}$ 改成 8：现在 $X'_2 = \begin{bmatrix} 3 & 8 \\ 8 & 1 \end{bmatrix}$ 中 8 出现了两次，分别在 $x_{13}$ 和 $x_{22}$。实际使用的有三种处理方式：
#
# | ties（并列的处理方式） | 有 $t$ 个并列最大值的窗口的掩码 | 掩码各元素之和 |
# |---|---|---|
# | **first** | 按行的顺序，第一个最大值处为 1（这里是 $x_{13}$）；PyTorch 和大多数框架都这样做 | 1 |
# | **all** | 每个并列的最大值处都为 1 | $t$ |
# | **split** | 每个并列的最大值处为 $1/t$ | 1 |
#
# 下面的探索器从这个 $X$ 开始，停在窗口 $X'_2$ 上。切换 **ties**，观察掩码 $M_2$ 的变化；它下方是三种处理方式各自得到的 $\partial L/\partial X$，每个都给出了元素之和，并与 $\partial L/\partial Y$ 的元素之和对照。

# %%
X_tie = X.copy()
X_tie[0, 2] = 8
tied = cnnviz.PoolBackwardExplorer(X_tie, dY, ties="first")
tied.ties_view(step=1)  # start at the window X'2, which holds the tie

# %% [markdown]
# **The sum is a test every gradient must pass.** Add the same small $\varepsilon$ to every entry of $X$. Every window's maximum
# grows by exactly $\varepsilon$ — whichever entry it is — so every $y_{ij}$ grows by $\varepsilon$ and $L$ by $\varepsilon \cdot \sum_{ij} \partial L/\partial y_{ij}$.
# A gradient has to predict that change, $\varepsilon \cdot \sum_{ij} \partial L/\partial x_{ij}$; so $\sum \partial L/\partial X$ must equal
# $\sum \partial L/\partial Y$. Here is the shift, done for real (with the same loss as above):

# %% [markdown] lang="zh"
# **元素之和是每个梯度都必须通过的检验。** 给 $X$ 的每个元素都加上同一个小量 $\varepsilon$。每个窗口的最大值——无论是哪个元素——都恰好增大 $\varepsilon$，所以每个 $y_{ij}$ 都增大 $\varepsilon$，$L$ 则增大 $\varepsilon \cdot \sum_{ij} \partial L/\partial y_{ij}$。梯度必须能预测这个变化量，即 $\varepsilon \cdot \sum_{ij} \partial L/\partial x_{ij}$；所以 $\sum \partial L/\partial X$ 必须等于 $\sum \partial L/\partial Y$。下面就真的做一次这样的平移（损失与上面相同）：

# %%
eps = 2.0 ** -10  # a power of two: the arithmetic below is exact
ties = cnnviz.pitfalls.compare_ties(dY, X_tie)
print("(L(X + ε) − L(X)) / ε =", (loss(X_tie + eps) - loss(X_tie)) / eps)
print("Σ ∂L/∂Y =", ties.sum_dy, "| Σ ∂L/∂X:", ties.sum_dx)

# %% [markdown]
# "first" and "split" pass; "all" sends $\partial L/\partial y_{12} = 2$ to both $x_{13}$ and $x_{22}$ and over-counts by 2.
#
# **Why is a tie a choice at all?** Because at a tie the maximum has no derivative. Move $x_{22}$ alone: up by $\varepsilon$ and
# it becomes the only maximum of $X'_2$, so $y_{12}$ follows it (slope 1); down by $\varepsilon$ and $x_{13}$ is the
# maximum, $y_{12}$ stays at 8 (slope 0). The slope from the right and the slope from the left differ, like $|t|$ at 0:

# %% [markdown] lang="zh"
# “first”和“split”通过了检验；“all”把 $\partial L/\partial y_{12} = 2$ 同时送给 $x_{13}$ 和 $x_{22}$，多算了 2。
#
# **为什么并列时还需要做选择？** 因为在并列处，最大值没有导数。单独改动 $x_{22}$：向上改动 $\varepsilon$，它就成为 $X'_2$ 唯一的最大值，$y_{12}$ 跟着它变（斜率为 1）；向下改动 $\varepsilon$，最大值就是 $x_{13}$，$y_{12}$ 保持为 8（斜率为 0）。右侧的斜率与左侧的斜率不相等，就像 $|t|$ 在 0 处那样：

# %%
def y12(x):
    return maxpool2d_forward(x)[0, 1]

bump = np.zeros((3, 3))
bump[1, 1] = eps  # ε·e22: x22 alone
print("(y12(X + ε·e22) − y12(X)) / ε =", (y12(X_tie + bump) - y12(X_tie)) / eps)
print("(y12(X) − y12(X − ε·e22)) / ε =", (y12(X_tie) - y12(X_tie - bump)) / eps)
print("(L(X + ε·e22) − L(X)) / ε     =", (loss(X_tie + bump) - loss(X_tie)) / eps)
print("(L(X) − L(X − ε·e22)) / ε     =", (loss(X_tie) - loss(X_tie - bump)) / eps)

# %% [markdown]
# For $L$: from the right, $y_{11}$, $y_{12}$ and $y_{21}$ all follow $x_{22}$, so the slope is $1 + 2 + (-1) = 2$; from the
# left only $y_{11}$ and $y_{21}$ do, $1 + (-1) = 0$. The two differ by exactly $\partial L/\partial y_{12} = 2$, the gradient
# the tie has to place somewhere.

# %% [markdown] lang="zh"
# 对 $L$ 来说：从右侧看，$y_{11}$、$y_{12}$ 和 $y_{21}$ 都跟着 $x_{22}$ 变，所以斜率是 $1 + 2 + (-1) = 2$；从左侧看，只有 $y_{11}$ 和 $y_{21}$ 跟着变，斜率是 $1 + (-1) = 0$。两者恰好相差 $\partial L/\partial y_{12} = 2$，这正是并列时必须找个地方安放的那份梯度。

# %% [markdown]
# Any mask between "all to $x_{13}$" and "all to $x_{22}$" is a defensible gradient there: each is a *subgradient* of
# $y_{12}$ (a maximum is a convex function of its window; a subgradient of a convex function is a vector of slopes
# whose plane touches the function at the point and stays below it everywhere — where the function has a kink
# there are many, and the gradient is the only one where there is none), and for $L$, which need not be convex,
# a *generalized gradient* (the same idea made local). "first" takes one end, "split" the middle. "all" takes
# both ends at once, which is none of them.
#
# The centred finite difference of `cnnviz.gradcheck` averages the two one-sided slopes, so at this two-way tie it agrees with
# "split" and disagrees with the other two. That is not a bug in "first": finite differences cannot settle a point where
# no derivative exists. Away from ties, all three policies give the same $\partial L/\partial X$ and all pass the check.

# %% [markdown] lang="zh"
# 在“全部给 $x_{13}$”和“全部给 $x_{22}$”之间的任何一种掩码，都可以作为该点处站得住脚的梯度：对 $y_{12}$ 来说，每一种都是一个*次梯度*（最大值是其窗口元素的凸函数；凸函数的次梯度是这样一组斜率：以它为斜率、过该点的平面处处不高于函数本身——函数在有折角的地方有许多个次梯度，在光滑的地方只有一个，就是梯度）；对不一定是凸函数的 $L$ 来说，则是一个*广义梯度*（同一个想法的局部版本）。“first”取的是一端，“split”取的是正中间。“all”同时取了两端，结果哪一个都不是。
#
# `cnnviz.gradcheck` 所用的中心有限差分取的是两个单侧斜率的平均值，所以在这个两个元素并列的点上，它与“split”一致，而与另外两种不一致。这并不说明“first”有错：在导数不存在的点上，有限差分无法作出裁决。在没有并列的地方，三种处理方式给出相同的 $\partial L/\partial X$，也都能通过检验。

# %%
{policy: bool(cnnviz.gradcheck.check_gradient(loss, X_tie, ties.dx[policy]) < 1e-7)
 for policy in ties.policies}

# %% [markdown]
# Real inputs rarely tie exactly, except where they are all equal — for instance all zeros after a ReLU (the activation
# $\max(0, t)$, which turns every negative number into 0). There a 2×2 window
# has four tied maxima, and "all" sends back four times its gradient. Check it with the explorer: set every $x$ to 0.

# %% [markdown] lang="zh"
# 实际的输入很少恰好并列，除非它们全都相等——例如经过 ReLU（把负数变为 0 的激活函数）之后全为 0。这时一个 2×2 窗口有四个并列的最大值，“all”会送回四倍的梯度。用探索器验证一下：把所有 $x$ 都设为 0。

# %% [markdown]
# ## Average pooling, backward: every cell gets a share
#
# Notebook 03 ended with average pooling, $y_{ij} = \frac{1}{4} \sum X'_k$. Its derivative is simpler than the maximum's:
# nudge *any* entry of the window by $\varepsilon$ and $y_{ij}$ moves by $\varepsilon / 4$. So the mask becomes the
# uniform matrix, $1/\text{size}^2$ in every cell:
#
# $$M_k = \frac{1}{4} \begin{bmatrix} 1 & 1 \\ 1 & 1 \end{bmatrix}.$$
#
# The rest of the derivation's algorithm stays: the local gradient $\partial L/\partial X'_k = \partial L/\partial y_{ij} \cdot M_k$
# gives every cell of the window $\partial L/\partial y_{ij} / 4$, and it is **added** into $\partial L/\partial X$: where
# windows overlap, the shares add up step by step, as for max pooling. No maximum, no tie: the **ties** switch is off.
# The values of $X$ play no part, only the window's place, so the first row leaves $X$ out; under each running number,
# how many windows have sent the cell a share so far, of all that cover it. This explorer starts in mode *average*
# (the **mode** switch of the first explorer does the same).

# %% [markdown] lang="zh"
# ## 平均池化的反向传播：每个格子都分到一份
#
# 第 03 篇最后介绍了平均池化，$y_{ij} = \frac{1}{4} \sum X'_k$。它的导数比最大值的更简单：把窗口中*任何一个*元素改动 $\varepsilon$，$y_{ij}$ 都改变 $\varepsilon / 4$。所以掩码变成了均匀矩阵，每个格子都是 $1/\text{size}^2$：
#
# $$M_k = \frac{1}{4} \begin{bmatrix} 1 & 1 \\ 1 & 1 \end{bmatrix}.$$
#
# 推导中算法的其余部分保持不变：局部梯度 $\partial L/\partial X'_k = \partial L/\partial y_{ij} \cdot M_k$ 给窗口中的每个格子 $\partial L/\partial y_{ij} / 4$，并**累加**到 $\partial L/\partial X$ 上：在窗口重叠的地方，各份逐步累加，与最大池化一样。没有最大值，也就没有并列：**ties** 开关不起作用。$X$ 的数值不起任何作用，起作用的只是窗口的位置，所以第一行不显示 $X$；每个累加中的数下方注明：到目前为止已有几个窗口给这个格子送来了一份，总共有几个窗口覆盖它。这个探索器一开始就处于 *average*（平均）模式（第一个探索器的 **mode**（模式）开关也能切换过来）。

# %%
average = cnnviz.PoolBackwardExplorer(X, dY, mode="average")
average

# %% [markdown]
# ### Predict, then reveal
#
# <details><summary><b>Average mode, before you play: which cells of X get gradient, and how much does x<sub>22</sub> get?</b></summary>
#
# Every cell that some window covers gets a share, and here every cell is covered: all nine. $x_{22}$ is in all four
# windows and gets $(1 + 2 + (-1) + 3)/4 = 5/4 = 1.25$; the corner $x_{11}$ is in $X'_1$ only and gets $1/4 = 0.25$.
# Look at $x_{21}$: it is in $X'_1$ and $X'_3$ and receives $1/4 + (-1)/4 = 0$. Covered, but its two shares cancel.
# Only a cell in no window gets nothing at all: with 2×2 windows and stride 2 on a 5×5 input, the whole fifth row and
# fifth column.
# </details>
#
# <details><summary><b>Average mode: set every ∂L/∂y to 1. What is ∂L/∂X?</b></summary>
#
# Each cell gets $1/4$ from every window that covers it, so $\partial L/\partial X$ counts the windows, divided by 4:
# the corners $0.25$ (one window), the edge centres $0.5$ (two), $x_{22}$ $1$ (four). The nine entries add up to 4,
# the sum of $\partial L/\partial Y$: each window hands back exactly what it received.
# </details>
#
# The package's `cnnviz.avgpool2d_backward` does it in one call. It needs $X$ only for its shape: the shares do not
# depend on the values.

# %% [markdown] lang="zh"
# ### 先预测，再揭晓
#
# <details><summary><b>平均模式，播放之前：X 的哪些格子会得到梯度？x<sub>22</sub> 得到多少？</b></summary>
#
# 凡是被某个窗口覆盖的格子都会分到一份，而这里每个格子都被覆盖：九个格子全都有。$x_{22}$ 在全部四个窗口中，得到 $(1 + 2 + (-1) + 3)/4 = 5/4 = 1.25$；角上的 $x_{11}$ 只在 $X'_1$ 中，得到 $1/4 = 0.25$。再看 $x_{21}$：它在 $X'_1$ 和 $X'_3$ 中，收到 $1/4 + (-1)/4 = 0$——它被覆盖了，只是两份正好相互抵消。只有不在任何窗口中的格子才什么也得不到：例如在 5×5 的输入上用 2×2 窗口、步长 2 时，整个第五行和第五列。
# </details>
#
# <details><summary><b>平均模式：把每个 ∂L/∂y 都设为 1，∂L/∂X 是多少？</b></summary>
#
# 每个格子从覆盖它的每个窗口各得到 $1/4$，所以 $\partial L/\partial X$ 就是覆盖该格子的窗口个数除以 4：角上为 $0.25$（一个窗口），各边中点为 $0.5$（两个），$x_{22}$ 为 $1$（四个）。九个元素加起来是 4，等于 $\partial L/\partial Y$ 的元素之和：每个窗口送回的恰好是它收到的。
# </details>
#
# 包中的 `cnnviz.avgpool2d_backward` 一次调用就能完成。它只需要 $X$ 的形状：每一份的大小与 $X$ 的数值无关。

# %%
cnnviz.avgpool2d_backward(dY, X)

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
# - Average pooling uses the uniform mask $M_k = \frac{1}{\text{size}^2}$ everywhere: every cell of a window gets
#   $\partial L/\partial y_{ij} / \text{size}^2$, and overlapping windows still **add** their shares.

# %% [markdown] lang="zh"
# ## 小结
#
# - $y_{ij} = \max(X'_k)$ 对其窗口的梯度就是掩码 $M_k$：最大值处为 1，其余为 0。
# - 每个窗口送回 $\partial L/\partial y_{ij} \cdot M_k$，这些局部梯度**累加**到 $\partial L/\partial X$ 上。在窗口重叠的地方，一个输入可能赢得好几个窗口，收到好几份梯度（$x_{22}$：最多四份）。
# - 不是任何窗口最大值的输入，梯度为 0。
# - 把 `+=` 写成 `=`，只会留下最后一个窗口的贡献；只要窗口互不重叠，这个错误就不会被察觉。
# - 在并列处，最大值不可导；“first”（各框架的选择）和“split”都保持 $\sum \partial L/\partial X = \sum \partial L/\partial Y$，“all”则会多算。
# - 平均池化处处使用均匀的掩码 $M_k = \frac{1}{\text{size}^2}$：窗口的每个格子都得到 $\partial L/\partial y_{ij} / \text{size}^2$，重叠的窗口仍然要把各份**累加**起来。

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** Start from the worked example's $X$ and $\partial L/\partial Y$ and change two numbers: $x_{11} = 9$ and
# $\partial L/\partial y_{21} = 4$ (max pooling, ties "first"). What is $\partial L/\partial x_{22}$ now? Work it out
# window by window first; the explorer can confirm it afterwards.

# %% [markdown] lang="zh"
# ## 练习
#
# 每道练习都配有一个检查单元格：改好答案后运行它。它会告诉你答得对不对，并给出提示。
#
# **1.** 从本例的 $X$ 和 $\partial L/\partial Y$ 出发，改动两个数：$x_{11} = 9$，$\partial L/\partial y_{21} = 4$（最大池化，ties 取 "first"）。现在 $\partial L/\partial x_{22}$ 是多少？先一个窗口一个窗口地算出来，之后可以再用探索器验证。

# %%
answer_1 = None  # replace None by your number

# %%
X_1, dY_1 = X.copy(), dY.copy()
X_1[0, 0], dY_1[1, 0] = 9, 4
cnnviz.exercises.check_number(answer_1, maxpool2d_backward(dY_1, X_1)[1, 1],
    hint={"en": "Which of the four windows does x22 still win once x11 is 9? Add up the dL/dy of those windows.",
          "zh": "x11 变成 9 以后，x22 还是四个窗口中哪几个的最大值？把这些窗口的 dL/dy 加起来。"})

# %% [markdown]
# **2.** $X$ is all zeros (3×3), $\partial L/\partial Y$ is the worked example's. What is the sum of $\partial L/\partial X$ with ties = "all"?

# %% [markdown] lang="zh"
# **2.** $X$ 全为 0（3×3），$\partial L/\partial Y$ 与本例相同。ties 取 "all" 时，$\partial L/\partial X$ 所有元素之和是多少？

# %%
answer_2 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_2, maxpool2d_backward(dY, np.zeros((3, 3)), ties="all").sum(),
    hint={"en": "Every window has four tied maxima and sends its dL/dy to each of them.",
          "zh": "每个窗口都有四个并列的最大值，并把它的 dL/dy 分别送给其中每一个。"})

# %% [markdown]
# **Two numpy tools for exercise 3.** `np.argmax` of a 2-D array returns one number: where its first maximum sits,
# counted row by row (0, 1 in the first row of a 2×2 window, 2, 3 in the second). `np.unravel_index` turns that into
# (row, column). On the window $X'_1$, whose maximum is $x_{22} = 8$:

# %% [markdown] lang="zh"
# **练习 3 要用到的两个 numpy 工具。** 对二维数组调用 `np.argmax`，返回的是一个数：它的第一个最大值按行数过去位于第几个位置（在 2×2 窗口中，第一行是 0、1，第二行是 2、3）。`np.unravel_index` 再把这个数换算成（行，列）。以最大值为 $x_{22} = 8$ 的窗口 $X'_1$ 为例：

# %%
window = X[0:2, 0:2]                              # X'1: rows 1-2, columns 1-2 of X
flat = np.argmax(window)                          # 3: the fourth entry, counted row by row
row, col = np.unravel_index(flat, window.shape)   # (1, 1): second row, second column (0-based)
print(window, "\nnp.argmax(window) =", flat, "\nnp.unravel_index(flat, window.shape) =", (int(row), int(col)))
print("np.argmax([[5, 5], [1, 2]]) =", np.argmax([[5, 5], [1, 2]]))  # a tie: the first maximum wins

# %% [markdown]
# The window of output $(i, j)$ starts at row $i$, column $j$ of $X$ (0-based), so its maximum is at row
# $i + \text{row}$, column $j + \text{col}$ of $X$.
#
# **3.** Write `my_maxpool_backward(dy, x)`: $\partial L/\partial X$ of max pooling with a 2×2 window, stride 1 and
# ties = "first", with loops over the windows and **`+=`**. The check compares it with `cnnviz.maxpool2d_backward` on
# several inputs, one with a tie. A first wrong answer gets a nudge as hint, later ones the rule to apply.

# %% [markdown] lang="zh"
# 输出 $(i, j)$ 的窗口从 $X$ 的第 $i$ 行、第 $j$ 列开始（从 0 开始编号），所以它的最大值位于 $X$ 的第 $i + \text{row}$ 行、第 $j + \text{col}$ 列。
#
# **3.** 编写 `my_maxpool_backward(dy, x)`：计算 2×2 窗口、步长 1、ties 取 "first" 时最大池化的 $\partial L/\partial X$，用循环遍历各个窗口，并使用 **`+=`**。检查单元格会在几组输入上（其中一组含有并列）把它与 `cnnviz.maxpool2d_backward` 比较。第一次答错时给你一点提示，之后再错则给出要用的规则。

# %%
def my_maxpool_backward(dy, x):
    dy, x = np.asarray(dy, float), np.asarray(x, float)
    dx = np.zeros_like(x)
    # your code here: for every window (i, j), find its first maximum and add dy[i, j] there
    return None

# %%
hints_3 = cnnviz.exercises.Hints(
    {"en": "Loop over the outputs (i, j). The window of y_ij is x[i:i+2, j:j+2], and ALL of dy[i, j] goes to "
           "one cell of it: its first maximum.",
     "zh": "对输出的每个位置 (i, j) 循环。y_ij 的窗口是 x[i:i+2, j:j+2]，dy[i, j] 会全部送到这个窗口的"
           "一个格子上：它的第一个最大值。"},
    {"en": "For each (i, j): window = x[i:i+2, j:j+2]; m, n = np.unravel_index(np.argmax(window), window.shape); "
           "dx[i + m, j + n] += dy[i, j] (+= because windows overlap).",
     "zh": "对每个 (i, j)：window = x[i:i+2, j:j+2]; m, n = np.unravel_index(np.argmax(window), window.shape); "
           "dx[i + m, j + n] += dy[i, j]（用 += 是因为窗口相互重叠）。"},
    cnnviz.exercises.SOLUTIONS["my_maxpool_backward"])

# %%
cnnviz.exercises.check_maxpool_backward(my_maxpool_backward, hint=hints_3)

# %%
# hints_3.show()  # remove the # and run this cell to see a solution
