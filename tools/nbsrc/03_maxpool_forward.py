# title: 03 · Max pooling, forward
# about: why pool; four overlapping windows X'1 … X'4 and their maxima; average pooling; window size, stride and the output size
# about-zh: 为什么要池化；四个相互重叠的窗口 X'1 … X'4 及其最大值；平均池化；窗口大小、步长与输出尺寸
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
# - why networks pool at all: a smaller map, and a little tolerance to small shifts;
# - how a 2×2 pooling window slides over a 3×3 input with stride 1, giving four **overlapping** windows $X'_1 \dots X'_4$;
# - that each output is the largest value of its window, $y_{ij} = \max(X'_k)$, and that pooling has no weights to learn;
# - that one input can be the maximum of several windows ($x_{22}$ here is the maximum of three), which notebook 04 will need;
# - average pooling, which outputs each window's mean instead of its maximum;
# - how the window size and the stride decide whether windows overlap, tile the input or skip parts of it,
#   and the output size $H_{out} = \lfloor (H_{in} - \text{size}) / \text{stride} \rfloor + 1$ for an input of
#   $H_{in}$ rows.
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

# %% [markdown] lang="zh"
# # 03 · 最大池化层的前向传播
#
# > **推导原文**（第 3 节，池化层前向传播；推导全文见 [derivation.md](derivation.md)）
# >
# > 由于使用的是最大池化层, 池化核尺寸为 2×2 , 步长为1, 无填充, 因此池化层的前向传播可以通过滑动池化窗口的方式进行。
# >
# > 设函数 $max(\cdot)$ 返回的是**矩阵中的最大元素的值**,则可得到输出特征图Y的结果为 …
# >
# > *注：* 原文中这个矩阵的 LaTeX 已经损坏（见推导页面的勘误），它应当是 $Y = \begin{pmatrix} \max(X'_1) & \max(X'_2) \\ \max(X'_3) & \max(X'_4) \end{pmatrix}$。
# >
# > *本篇补充的内容：* 可以实时操作的四个相互重叠的窗口及其最大值；以及窗口大小和步长如何决定窗口是相互重叠、恰好铺满输入，还是跳过输入的一部分。
#
# **你将学到**
#
# - 网络为什么要池化：得到更小的特征图，并对微小的平移有一点容忍度；
# - 2×2 的池化窗口如何以步长 1 在 3×3 的输入上滑动，得到四个**相互重叠**的窗口 $X'_1 \dots X'_4$；
# - 每个输出都是其窗口中的最大值，$y_{ij} = \max(X'_k)$，而且池化层没有需要学习的权重；
# - 同一个输入可以同时是好几个窗口的最大值（本例中 $x_{22}$ 是三个窗口的最大值），第 04 篇会用到这一点；
# - 平均池化：每个窗口输出其中各元素的平均值，而不是最大值；
# - 窗口大小和步长如何决定窗口是相互重叠、恰好铺满输入，还是跳过输入的一部分；以及对于 $H_{in}$ 行的输入，输出尺寸为 $H_{out} = \lfloor (H_{in} - \text{size}) / \text{stride} \rfloor + 1$（size 是窗口的边长，stride 是步长）。
#
# **设定**（沿用推导原文第 3 节）：
#
# | 符号 | 含义 | 形状 |
# |---|---|---|
# | $X$，元素为 $x_{11} \dots x_{33}$ | 输入特征图 | 3×3 |
# | $X'_1, X'_2, X'_3, X'_4$ | 池化窗口，逐行编号 | 各 2×2 |
# | $Y$，元素为 $y_{11} \dots y_{22}$ | 输出特征图 | 2×2 |
#
# 窗口 2×2，步长为 1（窗口每次移动一格），无填充。下标从 1 开始。

# %% [markdown]
# ## Why pool at all
#
# The derivation names the layer's job: 它的作用是对输入特征图进行下采样, "its job is to **downsample** the input
# feature map", that is, to make it smaller (fewer rows, fewer columns). A network wants that for two reasons.
#
# **Fewer numbers for the next layer:** fewer multiplications there, and fewer weights if a fully connected layer follows.
#
# **A little translation invariance.** A *translation* is a shift of the picture; *invariance* means the output does not
# change. A window's maximum does not depend on *where* in the window it sits, so a feature that moves by one pixel often
# gives exactly the same pooled output. A short bright bar (two 9s, one above the other) in a 4×4 picture of zeros,
# pooled with 2×2 windows and stride 2, in three positions one pixel apart:

# %% [markdown] lang="zh"
# ## 为什么要池化
#
# 推导原文点明了这一层的任务：“它的作用是对输入特征图进行下采样”。**下采样**就是把特征图变小（行数更少，列数也更少）。网络需要这样做，原因有二。
#
# **下一层要处理的数更少：** 下一层的乘法次数更少；如果后面接的是全连接层，需要的权重也更少。
#
# **一点点平移不变性。** *平移*就是把图像整体挪动一下；*不变性*是指输出不随之改变。窗口的最大值与它位于窗口中的*哪个位置*无关，所以一个特征移动一个像素之后，池化的输出常常完全不变。下面是一个 4×4 的全零图像，其中有一根短短的亮条（上下相叠的两个 9），用 2×2 的窗口、步长 2 做池化；亮条依次放在三个彼此相隔一个像素的位置上：

# %%
import numpy as np
import cnnviz
from cnnviz import maxpool2d_forward

def bar_in_column(col):
    """A 4×4 picture of zeros with two 9s in rows 1 and 2 of column ``col`` (1-based)."""
    picture = np.zeros((4, 4))
    picture[0:2, col - 1] = 9
    return picture

for col in (1, 2, 3):
    print(f"bar_in_column({col}) → Y =", maxpool2d_forward(bar_in_column(col), size=2, stride=2).tolist())

# %% [markdown]
# From column 1 to column 2, four of the sixteen inputs change and none of the four outputs does: the bar stays in the
# first window (rows 1–2, columns 1–2). One pixel further it crosses into the next window: the 9 moves from $y_{11}$ to
# $y_{12}$. Only "a little" invariance, then: shifts within a window are absorbed, larger ones are not.
#
# **How much smaller?** The stride decides. The derivation's 2×2 window with stride 1 barely downsamples; stride 2, the
# usual choice in networks, halves each side (`cnnviz.output_size(input size, window size, stride=...)`; the formula
# comes in *Window size and stride*):

# %% [markdown] lang="zh"
# 从第 1 列移到第 2 列，十六个输入中有四个变了，而四个输出一个也没变：亮条始终留在第一个窗口（第 1–2 行、第 1–2 列）之内。再往右移一个像素，它就跨进了下一个窗口：9 从 $y_{11}$ 移到了 $y_{12}$。所以这只是“一点点”不变性：窗口之内的平移会被吸收，更大的平移则不会。
#
# **能小多少？** 由步长决定。推导原文中 2×2 窗口、步长 1 的设定几乎没有缩小特征图；网络中常用的步长 2 则把每条边都减半（`cnnviz.output_size(input size, window size, stride=...)`，其参数依次为输入尺寸、窗口大小和步长；公式见后面的*窗口大小与步长*一节）：

# %%
for shape, stride in [((3, 3), 1), ((6, 6), 1), ((6, 6), 2)]:
    rows, cols = cnnviz.output_size(shape, 2, stride=stride)
    print(f"output_size({shape}, 2, stride={stride}) = {(rows, cols)}:   "
          f"{shape[0] * shape[1]} → {rows * cols}")

# %% [markdown]
# The derivation's stride 1 on a 3×3 input gives four overlapping windows, small enough to follow by hand; the overlap
# is what makes the backward pass in notebook 04 interesting.

# %% [markdown] lang="zh"
# 推导原文在 3×3 的输入上用步长 1，得到四个相互重叠的窗口，数量少到可以亲手一一追踪；正是这种重叠，让第 04 篇中的反向传播变得有意思。

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

# %% [markdown] lang="zh"
# ## 四个窗口
#
# 窗口从左上角出发，先向右移一格，再向下移一行。窗口每次只移动 1 格，宽度却有 2 格，因此相邻的窗口会**共用**一些格子：
#
# $$X'_1 = \begin{bmatrix} x_{11} & x_{12} \\ x_{21} & x_{22} \end{bmatrix}\quad
#   X'_2 = \begin{bmatrix} x_{12} & x_{13} \\ x_{22} & x_{23} \end{bmatrix}\quad
#   X'_3 = \begin{bmatrix} x_{21} & x_{22} \\ x_{31} & x_{32} \end{bmatrix}\quad
#   X'_4 = \begin{bmatrix} x_{22} & x_{23} \\ x_{32} & x_{33} \end{bmatrix}$$
#
# 而每个输出都是其窗口中最大的元素：
#
# $$Y = \begin{bmatrix} \max(X'_1) & \max(X'_2) \\ \max(X'_3) & \max(X'_4) \end{bmatrix}$$
#
# 请注意 $x_{22}$：它出现在全部四个窗口中。这里既没有乘法，也没有加法：这一层只做*挑选*。

# %%
worked = cnnviz.examples.worked_pool()
X = worked["x"]
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

# %% [markdown] lang="zh"
# ## 探索器
#
# - **滑块**设定 $X$ 的每一个元素（滑块按 $X$ 本身的样子排列）。
# - **▶ 播放**让窗口在 $X$ 上走一遍：每个窗口 $X'_1 \dots X'_4$ 一步，也就是每个输出 $y_{11}, y_{12}, y_{21}, y_{22}$ 一步。*◀ 上一步* / *下一步 ▶* 每次走一步，步骤滑块可以跳到任意一个窗口（也可以在舞台上按 ← / →），**速度**设定播放的快慢。
# - 左边：$X$，当前窗口用线框圈出（▣）。窗口中的最大值带双线框并标有 **max**（最大值）字样；与最大值相等的元素标有 **tie**（并列）。
# - 中间：单独画出的当前窗口，每个元素都注明它是哪个 $x$。右边：逐步填满的 $Y$（`?` 表示尚未计算，当前输出用虚线框标出）。
# - 下方：代入你设定的数值后的 $X'_k$ 和 $y_{ij} = \max(X'_k)$。
#
# 随时都可以移动滑块：所有内容都会立即更新。

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

# %% [markdown] lang="zh"
# ### 先预测，再揭晓
#
# 先在心里想好答案，再用探索器验证，然后点开查看答案。
#
# <details><summary><b>哪一个输入是最多个窗口的最大值？</b>（点击揭晓）</summary>
#
# $x_{22} = 8$。它出现在全部四个窗口中，并且是 $X'_1$、$X'_2$ 和 $X'_3$ 中最大的元素；只有 $X'_4$ 中有比它更大的 $x_{33} = 9$。所以 $y_{11} = y_{12} = y_{21} = 8$ 全都来自同一个输入。
# </details>
#
# <details><summary><b>把 x<sub>11</sub> 设为 5。哪个输出会变？</b></summary>
#
# 一个也不会变。$x_{11}$ 只在 $X'_1$ 中，而 5 仍然小于 $x_{22} = 8$。一个输入如果不是其窗口中的最大值，那么（只要改动不大）它对 $Y$ 毫无影响。再把 $x_{11}$ 设为 9：$y_{11}$ 跳到 9，而且只有 $y_{11}$ 变了。
# </details>
#
# <details><summary><b>把 x<sub>22</sub> 设为 0。有几个输出会变？</b></summary>
#
# 三个：$y_{11}$、$y_{12}$ 和 $y_{21}$ 各自降为其窗口中剩下的最大元素（分别是 4、3 和 5）。$y_{22}$ 仍然是 9。每个窗口都只由它自己的最大值决定。
# </details>

# %% [markdown]
# The package computes $Y$ in one vectorized call, with no loop over the windows:

# %% [markdown] lang="zh"
# 这个包只用一次向量化的调用就能算出 $Y$，无需对窗口逐个循环：

# %%
Y = maxpool2d_forward(X)
Y

# %% [markdown]
# and the plain-loop version in `cnnviz.naive`, written like the definition, agrees:

# %% [markdown] lang="zh"
# 而 `cnnviz.naive` 中照着定义写成的朴素循环版本，算出的结果与之相同：

# %%
np.array_equal(cnnviz.naive.maxpool2d_forward(X), Y)

# %% [markdown]
# ## Average pooling: the mean instead of the maximum
#
# **Average pooling** slides the same windows and outputs each window's *mean*: the sum of its entries divided by how
# many there are, size² = 4 for a 2×2 window:
#
# $$y_{ij} = \frac{1}{4} \sum X'_k, \qquad \text{for example} \quad y_{11} = \frac{x_{11} + x_{12} + x_{21} + x_{22}}{4}.$$
#
# No weights either. The explorer's **mode** switch chooses max or average; this one starts on *average*. The whole
# window is outlined (▣): every entry counts. The window panel shows the sum divided by 4, the formula the sum written out.

# %% [markdown] lang="zh"
# ## 平均池化：用平均值代替最大值
#
# **平均池化**使用同样的滑动窗口，输出每个窗口的*平均值*：窗口中各元素之和除以元素的个数，对 2×2 的窗口来说就是除以 size² = 4：
#
# $$y_{ij} = \frac{1}{4} \sum X'_k, \qquad \text{例如} \quad y_{11} = \frac{x_{11} + x_{12} + x_{21} + x_{22}}{4}.$$
#
# 平均池化同样没有权重。探索器的**模式**（mode）开关用来在最大池化（max）和平均池化（average）之间切换；下面这个探索器一开始就处于平均池化（average）。此时整个窗口都被圈出（▣）：窗口中的每个元素都起作用。窗口面板显示总和除以 4，下方的公式则把求和逐项写出。

# %%
average = cnnviz.PoolForwardExplorer(X, mode="average")
average

# %% [markdown]
# ### Predict, then reveal
#
# <details><summary><b>Average mode: set x<sub>11</sub> to 5. Which outputs change, and by how much?</b></summary>
#
# Only $y_{11}$, because $x_{11}$ is only in $X'_1$. It grows by $(5 - 1)/4 = 1$, from 4 to 5. With max pooling the same
# change moved nothing: in average pooling **every** input moves the outputs of the windows that contain it.
# </details>
#
# <details><summary><b>Average mode: set x<sub>22</sub> to 0. How many outputs change?</b></summary>
#
# All four: $x_{22}$ is in every window, and each window's sum loses 8, so each output falls by $8/4 = 2$:
# $Y$ goes from $\begin{bmatrix} 4 & 3.5 \\ 4.25 & 5.75 \end{bmatrix}$ to $\begin{bmatrix} 2 & 1.5 \\ 2.25 & 3.75 \end{bmatrix}$.
# </details>
#
# The package's `cnnviz.avgpool2d_forward` computes the same means in one call:

# %% [markdown] lang="zh"
# ### 先预测，再揭晓
#
# <details><summary><b>平均模式：把 x<sub>11</sub> 设为 5。哪些输出会变？变多少？</b></summary>
#
# 只有 $y_{11}$ 会变，因为 $x_{11}$ 只在 $X'_1$ 中。它增加 $(5 - 1)/4 = 1$，从 4 变为 5。同样的改动在最大池化中什么也没有改变；而在平均池化中，**每一个**输入都会影响包含它的那些窗口的输出。
# </details>
#
# <details><summary><b>平均模式：把 x<sub>22</sub> 设为 0。有几个输出会变？</b></summary>
#
# 全部四个：$x_{22}$ 在每个窗口中，每个窗口的总和都少了 8，所以每个输出都减少 $8/4 = 2$：$Y$ 从 $\begin{bmatrix} 4 & 3.5 \\ 4.25 & 5.75 \end{bmatrix}$ 变为 $\begin{bmatrix} 2 & 1.5 \\ 2.25 & 3.75 \end{bmatrix}$。
# </details>
#
# 包中的 `cnnviz.avgpool2d_forward` 一次调用就能算出同样的平均值：

# %%
cnnviz.avgpool2d_forward(X)

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
# The number of window positions along one axis is the output size. For an input of $H_{in} \times W_{in}$ entries
# the output has $H_{out} \times W_{out}$, with
#
# $$H_{out} = \left\lfloor \frac{H_{in} - \text{size}}{\text{stride}} \right\rfloor + 1 \qquad (W_{out} \text{ likewise}).$$
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

# %% [markdown] lang="zh"
# ## 窗口大小与步长
#
# 推导原文中的窗口之所以相互重叠，是因为步长（1）小于窗口（2）。网络中也常用别的设定，最经典的是 2×2 窗口、步长 2。共有三种情况：
#
# | 设定 | 窗口 | 结果 |
# |---|---|---|
# | 步长 < 窗口大小 | **重叠** | 相邻的窗口共用一些格子；同一个输入可以是多个窗口的最大值 |
# | 步长 = 窗口大小 | **铺满** | 窗口彼此紧挨而不重叠；每个输入至多被读取一次 |
# | 步长 > 窗口大小 | **跳过** | 窗口之间留有空隙；有些输入从未被读取，也就永远到达不了 $Y$ |
#
# 沿一个方向上窗口能放的位置个数，就是这个方向上的输出尺寸。输入有 $H_{in} \times W_{in}$ 个元素时，输出有 $H_{out} \times W_{out}$ 个元素，其中
#
# $$H_{out} = \left\lfloor \frac{H_{in} - \text{size}}{\text{stride}} \right\rfloor + 1 \qquad (W_{out} \text{ 同理}).$$
#
# （size 是窗口的边长，stride 是步长。）
#
# 下面的探索器使用 6×6 的输入。拖动**窗口大小**（size）和**步长**（stride）两个滑块，观察：
#
# - 第一个舞台逐个走过各个窗口：$X$ 中的当前窗口用线框圈出（▣），其最大值标有 **max**（相等的值标有 **tie**），不属于任何窗口的格子用点线标出，上方显示 $y_{ij} = \max(X'_k)$；
# - 第二个舞台一次展示全貌：$X$ 的每个数下方注明有几个窗口读取了这个格子（**in n** 表示 n 个窗口；**skipped** 表示一个也没有，即被跳过），还有一幅画出每个窗口位置的图，以及完整的 $Y$；
# - 最后一个舞台是代入你的数值后的输出尺寸公式。
#
# **新的随机输入**（new random input）按钮会换一个 6×6 的输入（由固定的随机种子生成，所以每个人得到的输入序列都相同）。如果窗口比输入还大，会显示一条提示信息，你的设定保持不变。

# %%
windows = cnnviz.PoolWindowsExplorer(size=2, stride=2)
windows

# %% [markdown]
# ### Predict, then reveal
#
# <details><summary><b>Size 3, stride 2: how big is Y, and which inputs are skipped?</b></summary>
#
# $H_{out} = \lfloor (6 - 3) / 2 \rfloor + 1 = 2$: the windows start at rows 1 and 3 and cover rows 1 … 5. Row 6
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

# %% [markdown] lang="zh"
# ### 先预测，再揭晓
#
# <details><summary><b>窗口大小 3、步长 2：Y 有多大？哪些输入被跳过了？</b></summary>
#
# $H_{out} = \lfloor (6 - 3) / 2 \rfloor + 1 = 2$：窗口从第 1 行和第 3 行开始，覆盖第 1 … 5 行。第 6 行和第 6 列不在任何窗口中：这里的除法除不尽，余数被舍弃了。与此同时，第 3 行和第 3 列各在两个窗口中：这些窗口既相互重叠，*又*有所跳过。
# </details>
#
# <details><summary><b>窗口大小 2：哪个步长得到的输出最多，哪个最少？</b></summary>
#
# 步长 1 得到 $5 \times 5 = 25$ 个高度重叠的窗口；步长 2 得到 $3 \times 3 = 9$ 个恰好铺满的窗口；步长 3 和 4 都得到 $2 \times 2 = 4$ 个。从步长 5 起，$\lfloor 4/5 \rfloor + 1 = 1$：只剩一个窗口，36 个输入中有 32 个被跳过。
# </details>

# %% [markdown]
# The same sizes from the package (`cnnviz.output_size` takes the input size, the window and the stride):

# %% [markdown] lang="zh"
# 用这个包算出同样的尺寸（`cnnviz.output_size` 的参数依次是输入尺寸、窗口大小和步长）：

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
# - Average pooling slides the same windows and outputs their means, $y_{ij} = \frac{1}{4} \sum X'_k$ for 2×2 windows:
#   every input of a window moves its output.
# - Pooling downsamples: a smaller map for the next layer, and a little tolerance to shifts smaller than a window.
# - Stride < size: overlapping windows; stride = size: tiling; stride > size: skipping.
#   $H_{out} = \lfloor (H_{in} - \text{size}) / \text{stride} \rfloor + 1$, and $W_{out}$ likewise.

# %% [markdown] lang="zh"
# ## 小结
#
# - 最大池化让窗口在输入上滑动，保留每个窗口中最大的元素：$y_{ij} = \max(X'_k)$。它没有权重，也没有偏置。
# - 2×2 窗口以步长 1 在 3×3 输入上滑动时，四个窗口 $X'_1 \dots X'_4$ 相互重叠；$x_{22}$ 出现在所有窗口中，本例中它是其中三个窗口的最大值。
# - 不是任何窗口最大值的输入（只要改动不大）不影响 $Y$；最大值则原样传到输出。
# - 平均池化使用同样的窗口，输出它们的平均值，对 2×2 窗口为 $y_{ij} = \frac{1}{4} \sum X'_k$：窗口中的每个输入都会影响该窗口的输出。
# - 池化的作用是下采样：给下一层一张更小的特征图，并对小于一个窗口的平移有一点容忍度。
# - 步长 < 窗口大小：窗口相互重叠；步长 = 窗口大小：恰好铺满；步长 > 窗口大小：有所跳过。$H_{out} = \lfloor (H_{in} - \text{size}) / \text{stride} \rfloor + 1$，$W_{out}$ 同理。

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** With the starting $X$ above, what is $y_{12}$? Work it out from the window $X'_2$, then write it below.

# %% [markdown] lang="zh"
# ## 练习
#
# 每道练习都配有一个检查单元格：改好答案后运行它，它会告诉你答得对不对，并给出提示。
#
# **1.** 对于上面最初的 $X$，$y_{12}$ 是多少？请根据窗口 $X'_2$ 算出来，再写在下面。

# %%
answer_1 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_1, Y[0, 1],
    hint={"en": "X'2 holds x12, x13, x22, x23; y12 is the largest of these four numbers.",
          "zh": "X'2 中是 x12、x13、x22、x23；y12 就是这四个数中最大的那个。"})

# %% [markdown]
# **2.** A 7×7 input, a 3×3 window, stride 2: how many rows does $Y$ have?

# %% [markdown] lang="zh"
# **2.** 输入为 7×7、窗口为 3×3、步长为 2：$Y$ 有几行？

# %%
answer_2 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_2, cnnviz.output_size((7, 7), 3, stride=2)[0],
    hint={"en": "H_out = floor((H_in - size) / stride) + 1 with H_in = 7, size = 3, stride = 2.",
          "zh": "H_out = floor((H_in - size) / stride) + 1，其中 H_in = 7，size = 3，stride = 2。"})

# %% [markdown]
# **3.** Change **one** entry of the starting $X$ so that every output equals 8, $Y = \begin{bmatrix} 8 & 8 \\ 8 & 8 \end{bmatrix}$.
# Write the whole new $X$ as a 3×3 list.

# %% [markdown] lang="zh"
# **3.** 只改动最初的 $X$ 中的**一个**元素，使每个输出都等于 8，即 $Y = \begin{bmatrix} 8 & 8 \\ 8 & 8 \end{bmatrix}$。把新的 $X$ 完整地写成一个 3×3 的列表。

# %%
answer_3 = None  # e.g. [[1, 3, 2], [4, 8, 1], [0, 5, 9]]

# %%
cnnviz.exercises.check_through(answer_3, (3, 3), maxpool2d_forward, [[8, 8], [8, 8]], start=X, changes=1,
    hint={"en": "Only y22 is not 8 yet. Which entry makes y22 = 9, and what must it "
                "become so that x22 = 8 is the largest entry of X'4?",
          "zh": "只有 y22 还不是 8。是哪个元素让 y22 = 9？它要改成多少，"
                "x22 = 8 才会成为 X'4 中最大的元素？"})

# %% [markdown]
# **4.** Now $X$ is 4×4, window 2×2, stride 1: nine windows $X'_1 \dots X'_9$, numbered row by row
# ($X'_1, X'_2, X'_3$ start in row 1, $X'_4$ in row 2, ...). Which windows contain $x_{22}$? Write a set, e.g. `{1, 9}`.

# %% [markdown] lang="zh"
# **4.** 现在 $X$ 是 4×4，窗口 2×2，步长 1：共有九个窗口 $X'_1 \dots X'_9$，逐行编号（$X'_1, X'_2, X'_3$ 从第 1 行开始，$X'_4$ 从第 2 行开始，以此类推）。哪些窗口包含 $x_{22}$？请写成一个集合，例如 `{1, 9}`。

# %%
answer_4 = None  # e.g. {1, 9}

# %%
cnnviz.exercises.check_windows(answer_4, cell="x22", x_shape=(4, 4), size=2, stride=1,
    hint={"en": "The window of y_ij covers rows i and i+1 and columns j and j+1 (1-based). "
                "Which y_ij have a window that reaches row 2 and column 2?",
          "zh": "y_ij 的窗口覆盖第 i、i+1 行和第 j、j+1 列（从 1 开始编号）。哪些 y_ij 的窗口"
                "能同时覆盖到第 2 行和第 2 列？"})
