# title: 06 · Stride, padding, dilation, channels, batches
# about: the output size live and where every window lands; many channels summed into one map; the strided backward pass as a full convolution
# about-zh: 输出尺寸随设置实时变化、每个窗口落在哪里；多个通道相加成一张特征图；带步长的反向传播仍是一次全卷积
# %% [markdown]
# # 06 · General shapes: stride, padding, dilation, channels, batches
#
# **What you will learn**
#
# - what padding, stride and dilation do to the sliding window, and the output-size formula
#   $H_{out} = \left\lfloor \dfrac{H_{in} + 2p - d\,(K-1) - 1}{s} \right\rfloor + 1$, term by term;
# - why some input rows are never read, and when no window fits at all;
# - how a layer with several input channels adds one map per channel into a single output map, and
#   why a batch of images is just the same layer applied to each image;
# - the backward pass with stride and padding: $\partial L/\partial X$ is **still** a full convolution with the rotated kernel,
#   of $\partial L/\partial Y$ with zeros inserted between its entries.
#
# So far (notebooks 01 and 02) the window moved one cell at a time over a 3×3 input, with no border, one channel,
# one image. Real layers have four more settings. The derivation's notation stays: indices start at 1,
# $x_{11}$ is the top-left input, $w_{11}$ the top-left weight, $y_{11}$ the first output.

# %% [markdown] lang="zh"
# # 06 · 步长、填充、膨胀、通道与批量：一般形状的卷积层
#
# **你将学到**
#
# - 填充、步长和膨胀分别怎样改变滑动的窗口，以及输出尺寸公式 $H_{out} = \left\lfloor \dfrac{H_{in} + 2p - d\,(K-1) - 1}{s} \right\rfloor + 1$ 中每一项的来历；
# - 为什么有些输入行永远不会被读到，以及什么时候连一个窗口都放不下；
# - 有多个输入通道的层怎样把每个通道各自算出的特征图相加成一张输出特征图，以及为什么一批图像不过是把同一个层分别用在每张图像上；
# - 带步长和填充的反向传播：$\partial L/\partial X$ **仍然**是与旋转后的卷积核做的一次全卷积，只不过参与运算的 $\partial L/\partial Y$ 要先在相邻元素之间插入零。
#
# 到目前为止（第 01 和 02 篇），窗口每次只在 3×3 的输入上移动一格，没有边框，只有一个通道、一张图像。真实的卷积层还有四项设置。推导原文的记号保持不变：下标从 1 开始，$x_{11}$ 是左上角的输入，$w_{11}$ 是左上角的权重，$y_{11}$ 是第一个输出。

# %%
import numpy as np
import cnnviz
from cnnviz import conv2d_backward, conv2d_forward, matrix_form, output_size

# %% [markdown]
# ## Three knobs on the window: padding, stride, dilation
#
# | knob | symbol | what it does |
# |---|---|---|
# | padding | $p$ | surrounds $X$ with $p$ rings of zeros: the window can sit over the border, and the padded input is $(H_{in}+2p) \times (W_{in}+2p)$ |
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
# $H_{in} + 2p$ rows, that is $\lfloor (H_{in} + 2p - d(K-1) - 1)/s \rfloor$ times. Add the first place:
#
# $$H_{out} = \left\lfloor \frac{H_{in} + 2p - d\,(K-1) - 1}{s} \right\rfloor + 1,
#   \qquad W_{out} \text{ likewise with the input's width } W_{in} .$$
#
# (Here $H_{in} \times W_{in}$ is the input's height and width and $H_{out} \times W_{out}$ the output's; the kernel is
# $K \times K$. $W$ on its own is always the kernel.)

# %% [markdown] lang="zh"
# ## 窗口的三个旋钮：填充、步长、膨胀
#
# | 旋钮 | 符号 | 作用 |
# |---|---|---|
# | 填充 | $p$ | 在 $X$ 四周补上 $p$ 圈零：窗口可以压在边框上，填充后的输入大小为 $(H_{in}+2p) \times (W_{in}+2p)$ |
# | 步长 | $s$ | 窗口每次移动 $s$ 格，而不是 1 格 |
# | 膨胀 | $d$ | 卷积核的元素在输入上相隔 $d$ 格：$K$ 个元素跨越 $d\,(K-1)+1$ 格，中间留出空洞 |
#
# 第 01 篇的前向传播公式变为（下标从 1 开始；在输入之外，也就是填充处，$x$ 取 0）
#
# $$y_{ij} = \sum_{m=1}^{K}\sum_{n=1}^{K} w_{mn}\; x_{\,(s(i-1) + d(m-1) + 1 - p)\,(s(j-1) + d(n-1) + 1 - p)} + b .$$
#
# 当 $s = d = 1$、$p = 0$ 时，下标就是 $i + m - 1$：正是推导原文的公式。
#
# **输出有多少个？** 沿着行的方向数一数。一个窗口覆盖填充后输入的 $d\,(K-1)+1$ 行。它的第一个位置在最上面；从那里开始，它每次向下移动 $s$ 行，只要不超出这 $H_{in} + 2p$ 行就能继续移动，一共可以移动 $\lfloor (H_{in} + 2p - d(K-1) - 1)/s \rfloor$ 次。再加上第一个位置：
#
# $$H_{out} = \left\lfloor \frac{H_{in} + 2p - d\,(K-1) - 1}{s} \right\rfloor + 1,
#   \qquad W_{out} \text{ 同理，换成输入的宽度 } W_{in} .$$
#
# （这里 $H_{in} \times W_{in}$ 是输入的高和宽，$H_{out} \times W_{out}$ 是输出的高和宽；卷积核为 $K \times K$。单独的 $W$ 永远指卷积核。）

# %% [markdown]
# ## The output-size explorer
#
# - **Sliders** set the input's height $H_{in}$ and width $W_{in}$, the kernel size $K$, the padding $p$, the stride $s$ and the dilation $d$.
# - The **formula** fills in your numbers, for the rows and for the columns. Under it: how far the window moves, and
#   which rows or columns no window ever reaches.
# - The **grid** is the padded input (dotted grey cells are the zeros of the padding). The big number in each cell
#   is how many windows read it. `#k` marks where window $k$ starts (its $w_{11}$).
# - **▶ play** (or **step ▶**) moves through the windows: each step shows window $k$ cut out of the padded input,
#   with the numbers of the rows and columns it covers (row or column 0 is the padding), and the output $y_{ij}$
#   it makes; on the grid, `#k` marks where it starts.
#
# It opens on the classic example: a 5×5 input, a 3×3 kernel, padding 1, stride 2: a 3×3 output.

# %% [markdown] lang="zh"
# ## 输出尺寸探索器
#
# - **滑块**设定输入的高 $H_{in}$ 和宽 $W_{in}$、卷积核尺寸 $K$、填充 $p$、步长 $s$ 和膨胀 $d$。
# - **公式**代入你设定的数值，行和列各算一遍。公式下面写着窗口移动的距离，以及哪些行或列没有任何窗口到达。
# - **网格**是填充后的输入（灰色点线格子是填充的零）。每个格子里的大数字表示有多少个窗口读到它。`#k` 标出窗口 $k$ 的起点（它的 $w_{11}$ 所在的格子）。
# - **▶ 播放**（或**下一步 ▶**）逐个走过所有窗口：每一步把第 $k$ 个窗口从填充后的输入中单独取出来，标出它覆盖的行号和列号（第 0 行或第 0 列是填充），以及它算出的输出 $y_{ij}$；在网格上，`#k` 标出它的起点。
#
# 探索器一开始展示的是一个经典的例子：5×5 的输入、3×3 的卷积核、填充 1、步长 2，得到 3×3 的输出。

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
# <details><summary><b>H<sub>in</sub> = 6, K = 3, p = 0, s = 2: how many output rows, and what happens to the last input row?</b></summary>
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

# %% [markdown] lang="zh"
# ### 先预测，再到探索器里试一试
#
# <details><summary><b>3×3 的卷积核、步长 1：填充多少才能让 5×5 的输入输出仍是 5×5？</b>（点击展开答案）</summary>
#
# $p = 1$：$\lfloor (5 + 2 - 2 - 1)/1 \rfloor + 1 = 5$。当 $K$ 为奇数、步长为 1 时，取 $p = (K-1)/2$ 就能保持尺寸不变（称为“same”填充）：窗口能以每一个输入格子为中心。
# </details>
#
# <details><summary><b>H<sub>in</sub> = 6、K = 3、p = 0、s = 2：输出有几行？输入的最后一行怎么样了？</b></summary>
#
# $\lfloor (6 - 3)/2 \rfloor + 1 = 2$。两个窗口分别覆盖第 1–3 行和第 3–5 行；第 6 行**从来没有被读到**（探索器用 ✗ 标出它）：是公式里的向下取整把它丢掉了。它的梯度将是 0。
# </details>
#
# <details><summary><b>K = 3、膨胀为 2：一个窗口跨越多少格？它有几个权重？</b></summary>
#
# 每边跨越 $2 \cdot (3-1) + 1 = 5$ 格，和 5×5 的卷积核一样宽，但它仍然只有 9 个权重：这些权重隔一格放一个。膨胀让一层看到更大的范围，却不增加权重。
# </details>

# %% [markdown]
# The same numbers from the package (`output_size` is what every layer calls):

# %% [markdown] lang="zh"
# 用这个包算出同样的数（每个层算输出尺寸时调用的都是 `output_size`）：

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

# %% [markdown] lang="zh"
# ## 放不下窗口的时候
#
# 如果窗口跨越的格数比填充后的输入还多，它就无处可放：公式的分子是负数。这时层会拒绝计算，并给出一条说明原因的消息；探索器也是如此：它保留你设定的每一个数值，显示这条消息和代入了你的数值的公式，等你换一个放得下的设置。

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
# $$y^{(f)}_{ij} = \sum_{c=1}^{C} \sum_{m=1}^{K_H}\sum_{n=1}^{K_W} w^{(f,c)}_{mn}\, x^{(c)}_{(i+m-1)(j+n-1)} + b_f
#   = \sum_{c=1}^{C} \big(X^{(c)} \star W^{(f,c)}\big)_{ij} + b_f .$$
#
# Each channel is a convolution of notebook 01 on its own, $Y^{(f,c)} = X^{(c)} \star W^{(f,c)}$ (the part of output
# channel $f$ that comes from input channel $c$); the output map is their sum plus **one** bias $b_f$ (shared by
# every position, as in real layers). $F$ output channels are $F$ such sums,
# each with its own stack of $C$ kernel slices. In the package's shapes (NCHW):
#
# | array | shape |
# |---|---|
# | input $X$ | $(N, C, H_{in}, W_{in})$: $N$ images, $C$ channels |
# | kernels $W$ | $(F, C, K_H, K_W)$: $F$ output channels, each a stack of $C$ slices |
# | bias $b$ | $(F,)$: one per output channel |
# | output $Y$ | $(N, F, H_{out}, W_{out})$ |
#
# The explorer below: $C = 3$ input channels 4×4, $F = 2$ output channels with 2×2 kernel slices, a batch of $N = 2$ images.
# Each column is one input channel: $X^{(c)}$ with the window, $\star$ its kernel slice, $=$ its map $Y^{(f,c)}$. On the right,
# the three maps and the bias add up to $y_{ij}$. Choose the image $n$ and the output channel $f$; the sliders edit
# the kernel slices and the bias of the chosen $f$.

# %% [markdown] lang="zh"
# ## 多个输入通道
#
# 彩色图像有 $C = 3$ 个通道（红、绿、蓝）；前一层有多少个卷积核，隐藏层的输入就有多少个通道。这时一个卷积核**对每个输入通道**各有一个 $K \times K$ 的切片，而一个输出通道 $f$ 把它们全部加起来：
#
# $$y^{(f)}_{ij} = \sum_{c=1}^{C} \sum_{m=1}^{K_H}\sum_{n=1}^{K_W} w^{(f,c)}_{mn}\, x^{(c)}_{(i+m-1)(j+n-1)} + b_f
#   = \sum_{c=1}^{C} \big(X^{(c)} \star W^{(f,c)}\big)_{ij} + b_f .$$
#
# 单独看每个通道，都是第 01 篇里的一次卷积：$Y^{(f,c)} = X^{(c)} \star W^{(f,c)}$（输出通道 $f$ 中来自输入通道 $c$ 的那一部分）；输出特征图就是它们的和，再加上**一个**偏置 $b_f$（和真实的层一样，所有位置共用这个偏置）。$F$ 个输出通道就是 $F$ 个这样的和，每个都有自己的一叠 $C$ 个卷积核切片。在这个包所用的形状（NCHW）中：
#
# | 数组 | 形状 |
# |---|---|
# | 输入 $X$ | $(N, C, H_{in}, W_{in})$：$N$ 张图像，每张 $C$ 个通道 |
# | 卷积核 $W$ | $(F, C, K_H, K_W)$：$F$ 个输出通道，每个都是 $C$ 个切片叠成的一叠 |
# | 偏置 $b$ | $(F,)$：每个输出通道一个 |
# | 输出 $Y$ | $(N, F, H_{out}, W_{out})$ |
#
# 下面的探索器：$C = 3$ 个 4×4 的输入通道，$F = 2$ 个输出通道，卷积核切片为 2×2，一批共 $N = 2$ 张图像。每一列是一个输入通道：带着窗口的 $X^{(c)}$，$\star$ 它的卷积核切片，$=$ 它的特征图 $Y^{(f,c)}$。右边，三张特征图与偏置相加得到 $y_{ij}$。你可以选择图像 $n$ 和输出通道 $f$；滑块编辑的是所选 $f$ 的卷积核切片和偏置。

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

# %% [markdown] lang="zh"
# <details><summary><b>一个 y 要加起多少个乘积？这个层要学习多少个数？</b>（点击展开答案）</summary>
#
# 一个 $y$ 要把 $C \cdot K_H \cdot K_W = 3 \cdot 2 \cdot 2 = 12$ 个乘积相加，再加上偏置。这个层要学习 $F \cdot C \cdot K_H \cdot K_W + F = 2 \cdot 12 + 2 = 26$ 个数，与图像的大小无关。
# </details>
#
# 这个包在四维数组上一次调用就完成了全部计算。把它按通道拆开，每次只对一个通道做同样的运算，得到的是同一张特征图（下面用的是探索器里的数：移动它的滑块，再重新运行这几个单元格）：

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

# %% [markdown] lang="zh"
# ## 一批图像：同一个层，一张一张地算
#
# 一批 $N$ 张图像一起通过这个层，是为了算得快，但图像之间从不相互混合：$Y[n]$ 只取决于 $X[n]$。每次只让一张图像通过这个层，得到的输出完全相同：

# %%
all(np.allclose(conv2d_forward(X4[n:n + 1], W4, b4)[0], Y4[n]) for n in range(X4.shape[0]))

# %% [markdown]
# Every output map of the batch, the one taken apart above outlined (▶):

# %% [markdown] lang="zh"
# 这一批的所有输出特征图，上面拆开的那一张用框标出（▶）：

# %%
channels.batch()

# %% [markdown]
# In the backward pass, the batch shows up in one place: a weight is used for **every** image, so $\partial L/\partial W$
# (and $\partial L/\partial b$) **add up** the contributions of all images, while $\partial L/\partial X$ stays per image:

# %% [markdown] lang="zh"
# 在反向传播中，批量只在一个地方露面：一个权重被**每一张**图像用到，所以 $\partial L/\partial W$（以及 $\partial L/\partial b$）要把所有图像的贡献**累加**起来，而 $\partial L/\partial X$ 仍然是每张图像各算各的：

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

# %% [markdown] lang="zh"
# ## 带步长和填充的反向传播
#
# 第 02 篇的规则没有任何变化：输出 $y_{ij}$ 把 $\partial L/\partial y_{ij} \cdot W$ 送回到**它自己的窗口**上，相互重叠的窗口的贡献累加起来。变的只是窗口的位置：它们相隔 $s$ 格，而且有一部分压在填充上。窗口中落在填充上的那些位置，把梯度送给了一个并不是输入的零：层会把它丢掉。下面把累加过程中的结果画在填充后的网格上，让你看到这些被丢掉的数（标为 ⌫）；边框以内的部分就是这个层的 $\partial L/\partial X$。
#
# 设置：$X$ 为 5×5，$W$ 为 3×3，步长 2，填充 1，因此 $\partial L/\partial Y$ 是 3×3。滑块设定 $W$、$\partial L/\partial Y$、步长和填充（$\partial L/\partial Y$ 会随新的输出尺寸改变大小；你设定过的值只要还放得下就会保留）。

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

# %% [markdown] lang="zh"
# <details><summary><b>预测：</b>哪些输入会收到四份贡献，哪些只收到一份？（点击展开答案）</summary>
#
# 窗口宽 3、相隔 2（在填充 1 圈之后的输入上），相邻的窗口重叠一行或一列：第 2、4 行和第 2、4 列。$x_{22}, x_{24}, x_{42}, x_{44}$ 在两个方向上都处在重叠处：各属于四个窗口。只属于一个窗口的，是行号**和**列号都为 1、3、5 的输入，即 $x_{11}, x_{13}, x_{15}, x_{31}, x_{33}, x_{35}, x_{51}, x_{53}, x_{55}$（共九个，中心的 $x_{33}$ 也在其中：这和第 02 篇不同，那里的中心由四个窗口共享）。其余的输入各属于两个窗口。走到最后一步，读一读累加出的 $\partial L/\partial X$ 下面的计数。
# </details>
#
# $\partial L/\partial W$ 也按同样的步骤计算：$w_{mn}$ 收到的是 $\partial L/\partial y_{ij}$ 乘以它遇到的那个输入，只是现在从一个窗口到下一个窗口相隔 $s$ 格（遇到填充时乘的是 0）：

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
# 4. crop the $p$ rings of the padding: $\partial L/\partial X$. (When the division in the output-size formula is not
#    exact, the result stops short of the last rows or columns, those no window read: their gradient is 0.)
#
# Here with the explorer's numbers (it follows the sliders above):

# %% [markdown] lang="zh"
# ## 矩阵形式：插入零
#
# 在第 02 篇中，$\partial L/\partial X$ 是 $\partial L/\partial Y$ 与旋转 180° 的 $W$ 的全卷积。有了步长，相邻的输出来自相隔 $s$ 格的窗口，所以它们的梯度也必须落在相隔 $s$ 格的地方：**在 $\partial L/\partial Y$ 相邻的元素之间插入 $s-1$ 个零**（行和列都要插），然后完全照第 02 篇的做法：
#
# 1. 把 $\partial L/\partial Y$ 摊开，相邻元素之间插入 $s-1$ 个零；
# 2. 四周补上 $K-1$ 圈零；
# 3. 与 $\operatorname{rot180}(W)$ 做互相关：得到的是**填充后**输入上的梯度；
# 4. 裁掉填充的 $p$ 圈：得到 $\partial L/\partial X$。（如果输出尺寸公式里的除法除不尽，结果会缺少最后几行或几列，也就是没有窗口读到的那些：它们的梯度是 0。）
#
# 下面用的是探索器里的数（它跟着上面的滑块变化）：

# %%
backward.full_convolution()

# %% [markdown]
# Verified numerically on random numbers, with `cnnviz.matrix_form`, whose full convolution is a call of the forward op:

# %% [markdown] lang="zh"
# 用随机数做一次数值验证，用的是 `cnnviz.matrix_form`，它的全卷积就是调用一次前向运算：

# %%
rng = np.random.default_rng(0)
x5, w3 = rng.normal(size=(5, 5)), rng.normal(size=(3, 3))
dy3 = rng.normal(size=output_size(x5.shape, w3.shape, stride=2, padding=1))
dx5, dw3, _ = conv2d_backward(dy3, x5, w3, 0.0, stride=2, padding=1)
np.allclose(matrix_form.input_grad_as_full_convolution(dy3, w3, x5.shape, stride=2, padding=1), dx5)

# %% [markdown]
# and on other sizes, strides and paddings, including a stride larger than the kernel and rows no window reads:

# %% [markdown] lang="zh"
# 再换其他的尺寸、步长和填充验证，其中包括步长大于卷积核的情况，以及有些行没有窗口读到的情况：

# %%
agree = []
for H_in, K, s, p in [(5, 3, 2, 1), (7, 3, 3, 0), (6, 2, 2, 1), (8, 4, 3, 2), (4, 1, 2, 0), (6, 3, 2, 0)]:
    x, w = rng.normal(size=(H_in, H_in)), rng.normal(size=(K, K))
    dy = rng.normal(size=output_size(x.shape, w.shape, stride=s, padding=p))
    dx = conv2d_backward(dy, x, w, 0.0, stride=s, padding=p)[0]
    agree.append(np.allclose(matrix_form.input_grad_as_full_convolution(dy, w, x.shape, stride=s, padding=p), dx))
agree

# %% [markdown]
# $\partial L/\partial W$ has its matrix form too: $X$ (padded) cross-correlated with $\partial L/\partial Y$, the taps of $\partial L/\partial Y$ spread $s$ apart
# (a dilation by the stride). And finite differences confirm the whole strided, padded backward pass:

# %% [markdown] lang="zh"
# $\partial L/\partial W$ 也有它的矩阵形式：（填充后的）$X$ 与 $\partial L/\partial Y$ 做互相关，$\partial L/\partial Y$ 的元素彼此相隔 $s$ 格摊开（也就是以步长作为膨胀）。最后用有限差分检验整个带步长、带填充的反向传播：

# %%
dw_matrix = matrix_form.weight_grad_as_correlation(x5, dy3, w3.shape, stride=2, padding=1)
report = cnnviz.gradcheck.conv_layer_check(dy3, x5, w3, 0.0, stride=2, padding=1)
np.allclose(dw_matrix, dw3), all(error < 1e-7 for *_, error in report.values())

# %% [markdown]
# ## Summary
#
# - **Padding** $p$ adds rings of zeros, **stride** $s$ makes the window jump, **dilation** $d$ spreads its taps; per axis
#   $H_{out} = \lfloor (H_{in} + 2p - d(K-1) - 1)/s \rfloor + 1$. When the division is not exact, the last rows are never read;
#   when the window is larger than the padded input, there is no output at all.
# - With $C$ input channels, each output channel $f$ is the **sum over channels** of $X^{(c)} \star W^{(f,c)}$, plus one bias $b_f$.
#   Shapes: $X\,(N, C, H_{in}, W_{in})$, $W\,(F, C, K_H, K_W)$, $b\,(F)$, $Y\,(N, F, H_{out}, W_{out})$.
# - A batch is the same layer per image; in the backward pass $\partial L/\partial W$ and $\partial L/\partial b$ add up over the images.
# - Backward with stride and padding: each output still sends $\partial L/\partial y_{ij} \cdot W$ onto its window; what falls on the padding is dropped.
#   In matrix form, $\partial L/\partial X$ is the full convolution of $\partial L/\partial Y$ **with $s-1$ zeros inserted between its entries**
#   with $\operatorname{rot180}(W)$, cropped by the padding.

# %% [markdown] lang="zh"
# ## 小结
#
# - **填充** $p$ 补上几圈零，**步长** $s$ 让窗口跳着走，**膨胀** $d$ 把卷积核的元素拉开；每个方向上都有 $H_{out} = \lfloor (H_{in} + 2p - d(K-1) - 1)/s \rfloor + 1$。除不尽时，最后几行永远不会被读到；窗口比填充后的输入还大时，根本没有输出。
# - 有 $C$ 个输入通道时，每个输出通道 $f$ 都是 $X^{(c)} \star W^{(f,c)}$ **对所有通道求和**，再加上一个偏置 $b_f$。形状：$X\,(N, C, H_{in}, W_{in})$、$W\,(F, C, K_H, K_W)$、$b\,(F)$、$Y\,(N, F, H_{out}, W_{out})$。
# - 一批图像就是对每张图像分别使用同一个层；在反向传播中，$\partial L/\partial W$ 和 $\partial L/\partial b$ 要对所有图像累加。
# - 带步长和填充的反向传播：每个输出仍然把 $\partial L/\partial y_{ij} \cdot W$ 送回到它的窗口上；落在填充上的部分被丢掉。写成矩阵形式，$\partial L/\partial X$ 就是**在相邻元素之间插入 $s-1$ 个零**的 $\partial L/\partial Y$ 与 $\operatorname{rot180}(W)$ 的全卷积，再裁掉填充。

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer.
#
# **1.** A 32×32 image, a 5×5 kernel, padding 2, stride 2: how many output rows?

# %% [markdown] lang="zh"
# ## 练习
#
# 每道练习都有一个检查单元格：改好答案之后运行它。
#
# **1.** 一张 32×32 的图像，5×5 的卷积核，填充 2，步长 2：输出有多少行？

# %%
answer_1 = None  # your number

# %%
cnnviz.exercises.check_number(answer_1, output_size((32, 32), 5, stride=2, padding=2)[0],
    hint={"en": "(H_in + 2p - d(K-1) - 1) // s + 1 with H_in = 32, p = 2, d = 1, K = 5, s = 2.",
          "zh": "(H_in + 2p - d(K-1) - 1) // s + 1，其中 H_in = 32、p = 2、d = 1、K = 5、s = 2。"})

# %% [markdown]
# **2.** A 7×7 kernel, stride 1, no dilation: which padding keeps a 20×20 input 20×20?

# %% [markdown] lang="zh"
# **2.** 7×7 的卷积核，步长 1，不膨胀：填充多少才能让 20×20 的输入输出仍是 20×20？

# %%
answer_2 = None  # your number

# %%
cnnviz.exercises.check_number(answer_2, [p for p in range(10) if output_size((20, 20), 7, padding=p) == (20, 20)][0],
    hint={"en": "With s = 1 the output is H_in + 2p - K + 1; set it equal to H_in.",
          "zh": "s = 1 时，输出的行数是 H_in + 2p - K + 1；令它等于 H_in。"})

# %% [markdown]
# **3.** A layer takes $C = 3$ input channels to $F = 8$ output channels with 3×3 kernels and one bias per output
# channel. How many numbers does it learn?

# %% [markdown] lang="zh"
# **3.** 一个层用 3×3 的卷积核把 $C = 3$ 个输入通道变成 $F = 8$ 个输出通道，每个输出通道有一个偏置。它要学习多少个数？

# %%
answer_3 = None  # your number

# %%
cnnviz.exercises.check_number(answer_3, np.zeros((8, 3, 3, 3)).size + np.zeros(8).size,
    hint={"en": "W has shape (F, C, KH, KW); b has shape (F,).",
          "zh": "W 的形状是 (F, C, KH, KW)；b 的形状是 (F,)。"})

# %% [markdown]
# **4.** $X$ 5×5, $W$ 3×3 below, stride 2, padding 1, and $\partial L/\partial Y$ all ones (3×3). What is $\partial L/\partial x_{22}$?
# Find the four windows that read $x_{22}$ and the weight that meets it in each.

# %% [markdown] lang="zh"
# **4.** $X$ 为 5×5，$W$ 是下面的 3×3 矩阵，步长 2，填充 1，$\partial L/\partial Y$ 全为 1（3×3）。$\partial L/\partial x_{22}$ 是多少？找出读到 $x_{22}$ 的四个窗口，以及在每个窗口里与它相遇的权重。

# %%
W_ex = np.array([[1., 0., -1.], [2., 1., 0.], [0., -1., 1.]])
answer_4 = None  # your number

# %%
cnnviz.exercises.check_number(answer_4, conv2d_backward(np.ones((3, 3)), np.zeros((5, 5)), W_ex, 0.0, stride=2, padding=1)[0][1, 1],
    hint={"en": "x22 is row 3, column 3 of the padded input: it meets w33 in y11, w31 in y12, w13 in y21, w11 in y22.",
          "zh": "x22 位于填充后输入的第 3 行第 3 列：它在 y11 中遇到 w33，在 y12 中遇到 w31，在 y21 中遇到 w13，"
                "在 y22 中遇到 w11。"})

# %% [markdown]
# **5.** Write `spread(dy, s)`: $\partial L/\partial Y$ with $s-1$ zeros inserted between neighbouring entries (rows and columns),
# the first step of the matrix form. A 2×2 input with $s = 3$ gives a 4×4 result. The check compares it with
# `cnnviz.matrix_form.insert_zeros` on a few cases. A wrong answer gets a hint, a more precise one the next time;
# a solution is one cell further, when you ask for it.

# %% [markdown] lang="zh"
# **5.** 编写 `spread(dy, s)`：在 $\partial L/\partial Y$ 相邻的元素之间（行和列都要）插入 $s-1$ 个零，这正是矩阵形式的第一步。2×2 的输入在 $s = 3$ 时得到 4×4 的结果。检查单元格会在几个例子上把它与 `cnnviz.matrix_form.insert_zeros` 比较。答错时会得到一条提示，再错一次会得到更具体的提示；参考答案在再往下一个单元格里：需要时，去掉那个单元格开头的 #，再运行它。

# %%
def spread(dy, s):
    dy = np.asarray(dy, float)
    # your code here: return the spread array
    return None

# %%
hints_5 = cnnviz.exercises.Hints(
    nudge={"en": "Count first: between two neighbouring entries come s - 1 zeros, so a row of n entries becomes "
                 "(n - 1)·s + 1 long. Start from zeros of that size and put dy's entries every s cells.",
           "zh": "先数一数：相邻两个元素之间有 s - 1 个零，所以一行 n 个元素会变成 (n - 1)·s + 1 长。"
                 "先建一个这么大的全零数组，再每隔 s 格放进 dy 的一个元素。"},
    formula={"en": "rows, cols = dy.shape; out = np.zeros(((rows - 1) * s + 1, (cols - 1) * s + 1)); "
                   "out[::s, ::s] = dy.",
             "zh": "先建全零数组，再隔 s 格赋值：rows, cols = dy.shape; "
                   "out = np.zeros(((rows - 1) * s + 1, (cols - 1) * s + 1)); out[::s, ::s] = dy。"},
    solution=cnnviz.exercises.SOLUTIONS["spread"])

# %%
cnnviz.exercises.check_function(
    spread, matrix_form.insert_zeros,
    [(np.array([[1., 2.], [3., 4.]]), 2), (np.arange(6.).reshape(2, 3), 3), (np.ones((3, 1)), 2),
     (np.array([[5.]]), 4), (np.arange(4.).reshape(2, 2), 1)],
    hint=hints_5)

# %%
# hints_5.show()   # remove the # at the start and run this cell to see a solution

# %% [markdown]
# **6.** The core of a convolution layer's backward pass, in one function. Write `my_conv_backward(dy, x, w)` for one
# channel, stride 1, no padding, any input and kernel size, and **one shared bias**: it returns `(dx, dw, db)`, that is
# $\partial L/\partial X$ (the shape of $X$), $\partial L/\partial W$ (the shape of $W$) and $\partial L/\partial b$, one number. Notebook 02 has every
# piece: each output $y_{ij}$ sends $\partial L/\partial y_{ij}$ back to the window it read and to every weight. The check runs your
# function on random cases (every kernel shape from 1×1 to 3×3, a random $\partial L/\partial Y$), compares it with
# `cnnviz.conv2d_backward` and says which of `dx`, `dw`, `db` is wrong, on which shapes.

# %% [markdown] lang="zh"
# **6.** 卷积层反向传播的核心，写成一个函数。编写 `my_conv_backward(dy, x, w)`：单通道，步长 1，无填充，输入和卷积核可以是任意尺寸，所有位置**共用一个偏置**；它返回 `(dx, dw, db)`，即 $\partial L/\partial X$（与 $X$ 同形）、$\partial L/\partial W$（与 $W$ 同形）和 $\partial L/\partial b$（一个数）。第 02 篇里有所需的一切：每个输出 $y_{ij}$ 把 $\partial L/\partial y_{ij}$ 送回它读过的那个窗口，也送给每一个权重。检查单元格会在随机的例子上运行你的函数（卷积核取从 1×1 到 3×3 的每一种形状，$\partial L/\partial Y$ 随机），把结果与 `cnnviz.conv2d_backward` 比较，并指出 `dx`、`dw`、`db` 中哪一个错了、在哪些形状上出错。

# %%
def my_conv_backward(dy, x, w):
    dy, x, w = np.asarray(dy, float), np.asarray(x, float), np.asarray(w, float)
    # your code here: return dx, dw, db
    return None

# %%
hints_6 = cnnviz.exercises.Hints(
    nudge={"en": "Loop over the outputs (i, j), as the explorer of notebook 02 steps: y_ij read the window "
                 "x[i:i+KH, j:j+KW] and all of w, so dL/dy_ij flows back to exactly those, and to the bias.",
           "zh": "像第 02 篇的探索器那样，对每个输出 (i, j) 循环：y_ij 读的是窗口 x[i:i+KH, j:j+KW] 和整个 w，"
                 "所以 dL/dy_ij 流回的恰好是这些数，外加偏置。"},
    formula={"en": "Start dx, dw at zero; for every i, j: dx[i:i+KH, j:j+KW] += dy[i, j] * w and "
                   "dw += dy[i, j] * x[i:i+KH, j:j+KW]. The shared bias is in every output: db = dy.sum().",
             "zh": "dx、dw 从零开始；对每个 i, j：dx[i:i+KH, j:j+KW] += dy[i, j] * w，"
                   "dw += dy[i, j] * x[i:i+KH, j:j+KW]。共用的偏置出现在每个输出里：db = dy.sum()。"},
    solution=cnnviz.exercises.SOLUTIONS["my_conv_backward"])

# %%
cnnviz.exercises.check_conv_backward(my_conv_backward, hint=hints_6)

# %%
# hints_6.show()   # remove the # at the start and run this cell to see a solution
