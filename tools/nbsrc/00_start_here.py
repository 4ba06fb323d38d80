# title: 00 · Start here
# about: what this collection teaches, how the controls work, the notation
# about-zh: 本系列讲什么、控件怎么用、记号与术语
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
#
# The collection also has a Chinese edition (中文版), which starts at
# [zh/00_start_here.ipynb](zh/00_start_here.ipynb); `make lab-zh` opens it with JupyterLab's menus in Chinese.

# %% [markdown] lang="zh"
# # 00 · 从这里开始：卷积与最大池化的前向传播和反向传播
#
# 卷积神经网络由两种基本的层搭建而成，本系列把它们一个数一个数地拆开来看：**卷积层**（一个小小的卷积核在输入上滑动）和**最大池化层**（每个窗口只保留其中的最大值）。对每一种层，你都会亲手算出它的前向传播——这一层输出什么，以及它的反向传播——损失的梯度怎样穿过这一层流回去，而训练网络需要的正是这些梯度。
#
# 全部内容都围绕同一个小例子展开：3×3 的输入、2×2 的卷积核、步长为 1。它小到每个数都能心算核对，又大到足以展示所有要点：相互重叠的窗口、被多次使用的输入，以及必须**累加**起来的梯度。
#
# **建议的阅读顺序：**
#
# <!-- notebook map -->
#
# 请按顺序阅读 01 → 04；05 和 06 以前四篇为基础。每个笔记本开头都会说明你将学到什么，结尾有小结和练习，练习会自动核对你的答案。如有标注“（英文）”的笔记本，表示它暂时只有英文版。
#
# 本系列所依据的推导原文及其勘误：[derivation.md](derivation.md)。
#
# 英文版（English edition）从 [00_start_here.ipynb](../00_start_here.ipynb) 开始；`make lab` 打开英文版，`make lab-zh` 打开中文版，并把 JupyterLab 自己的菜单也切换成中文。

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
# and cells not computed yet show **?**. A number's cell is tinted by its sign and size — blue below zero,
# white at zero, orange above, deeper for a larger |value|, on one scale per explorer (its legend says up
# to what) — and every highlight is an outline and a mark, so nothing depends on telling colours apart.

# %% [markdown] lang="zh"
# ## 控件怎么用
#
# 每个笔记本里都有*探索器*（explorer）：一组用来设定数值的滑块，加上一个*舞台*（stage），一步一步地演示计算过程。先在下面这个探索器上试一试。下表给出了每个按钮的作用。
#
# | 控件 | 作用 |
# |---|---|
# | **滑块**（x₁₁、w₁₂、∂L/∂y₂₁ …） | 设定矩阵中的一个元素；滑块按它所编辑的矩阵的样子排列。可以拖动，也可以点一下再用方向键调整。 |
# | **▶ 播放** / **❚❚ 暂停**（或*空格键*） | 逐步播放动画，每一步对应窗口的一个位置 |
# | **◀ 上一步** / **下一步 ▶**（或 *←* / *→*） | 向后或向前走一步 |
# | **⇤ 第一步** / **最后一步 ⇥**（或 *Home* / *End*） | 跳到第一步或最后一步 |
# | **步骤滑块** | 跳到任意一步 |
# | **速度**、**循环** | 慢、中或快；播到最后一步后从头再来 |
# | **⤢ 投影模式** | 放大字号，便于在阶梯教室里投影 |
#
# 先点一下舞台（或用 *Tab* 键移到舞台上），这些按键才会生效。无论舞台是否正在播放，移动任何一个滑块都会立即更新舞台，而且舞台停留在原来那一步。在图中，当前窗口用**粗实线框和 ▣ 标记**表示，当前输出用**虚线框和 ◀ 标记**表示，尚未计算的格子显示 **?**。每个数所在的格子按它的正负和大小着色——负数为蓝色，0 为白色，正数为橙色，绝对值越大颜色越深，同一个探索器用同一个色标（图例写明色标的范围）；而每一处突出显示都是线框加标记，所以分辨不出颜色也不影响阅读。

# %%
import cnnviz

cnnviz.ConvForwardExplorer()

# %% [markdown]
# ## The notation
#
# The collection keeps the derivation's notation everywhere, and each symbol means one thing in every
# notebook. Indices start at 1: $x_{11}$ is the top-left entry, $x_{23}$ is row 2, column 3.
#
# | symbol | meaning | in the worked example |
# |---|---|---|
# | $X$, $x_{ij}$ | input feature map; $x_{ij}$ is its entry in row $i$, column $j$ | 3×3 |
# | $W$, $w_{mn}$ | convolution kernel; its entries are the weights | 2×2 |
# | $b$, $b_{ij}$ | bias: one per output position $b_{ij}$, or one $b$ shared by the whole output map | 2×2, or 1 |
# | $Y$, $y_{ij}$ | output feature map: $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$ for a convolution, $y_{ij} = \max(X'_k)$ for max pooling | 2×2 |
# | $L$ | the loss, one number | 1 |
# | $\partial L/\partial Y$, $\partial L/\partial y_{ij}$ | gradient arriving at the layer's output (given) | 2×2 |
# | $\partial L/\partial X$, $\partial L/\partial W$, $\partial L/\partial b$ | gradients the backward pass returns | 3×3, 2×2, like $b$ |
# | $X'_k$ | the $k$-th pooling window ($X'_1 \dots X'_4$, row by row) | 2×2 |
# | $M_k$ | mask of window $k$: 1 at its maximum, 0 elsewhere | 2×2 |
# | $Z$, $z_{ij}$ | output of a max pooling that follows a convolution (notebook 05): $X \to Y \to Z$, with gradient $\partial L/\partial Z$ | — |
# | $H_{in} \times W_{in}$ | input size: rows × columns | 3×3 |
# | $H_{out} \times W_{out}$ | output size | 2×2 |
# | $K_H \times K_W$ | kernel (or pooling window) size, $K$ when square | 2×2 |
# | $s$ | stride: how many cells the window moves per step | 1 |
# | $p$ | padding: rows and columns of zeros added on each side | 0 |
# | $d$ | dilation: the spacing between the kernel's taps | 1 |
# | $c$ ($C$), $f$ ($F$), $n$ ($N$) | index (number) of input channels, of output channels, of images in a batch | 1, 1, 1 |
#
# $W$ alone is always the kernel; $W_{in}$ and $W_{out}$ are widths. Notebook 06 puts the sizes together:
# $H_{out} = \lfloor (H_{in} + 2p - d\,(K_H - 1) - 1)/s \rfloor + 1$, here $(3 + 0 - 1 - 1)/1 + 1 = 2$.
#
# In code, arrays are 0-based as in numpy: $x_{11}$ is `X[0, 0]`. General layers use the NCHW layout:
# $X$ of shape $(N, C, H_{in}, W_{in})$ — batch, channels, height, width — and $W$ of shape $(F, C, K_H, K_W)$
# for $F$ output channels (notebook 06).

# %% [markdown] lang="zh"
# ## 记号
#
# 本系列处处沿用推导原文的记号，而且同一个符号在每个笔记本里都只表示同一样东西。下标从 1 开始：$x_{11}$ 是左上角的元素，$x_{23}$ 是第 2 行第 3 列的元素。
#
# | 符号 | 含义 | 在本例中的尺寸或取值 |
# |---|---|---|
# | $X$, $x_{ij}$ | 输入特征图；$x_{ij}$ 是它第 $i$ 行第 $j$ 列的元素 | 3×3 |
# | $W$, $w_{mn}$ | 卷积核，其元素就是权重 | 2×2 |
# | $b$, $b_{ij}$ | 偏置：每个输出位置各有一个 $b_{ij}$，或整张输出特征图共用一个 $b$ | 2×2，或 1 个 |
# | $Y$, $y_{ij}$ | 输出特征图：卷积层中 $y_{ij} = \sum_{m,n} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$，最大池化层中 $y_{ij} = \max(X'_k)$ | 2×2 |
# | $L$ | 损失，一个数 | 1 个 |
# | $\partial L/\partial Y$, $\partial L/\partial y_{ij}$ | 传到这一层输出端的梯度（已知） | 2×2 |
# | $\partial L/\partial X$, $\partial L/\partial W$, $\partial L/\partial b$ | 反向传播要求出的梯度 | 3×3、2×2、与 $b$ 同形 |
# | $X'_k$ | 第 $k$ 个池化窗口（$X'_1 \dots X'_4$，逐行编号） | 2×2 |
# | $M_k$ | 窗口 $k$ 的掩码：最大值所在位置为 1，其余为 0 | 2×2 |
# | $Z$, $z_{ij}$ | 紧接在卷积层之后的最大池化层的输出（第 05 篇）：$X \to Y \to Z$，其梯度为 $\partial L/\partial Z$ | — |
# | $H_{in} \times W_{in}$ | 输入尺寸：行数 × 列数 | 3×3 |
# | $H_{out} \times W_{out}$ | 输出尺寸 | 2×2 |
# | $K_H \times K_W$ | 卷积核（或池化窗口）的尺寸，正方形时记作 $K$ | 2×2 |
# | $s$ | 步长：窗口每一步移动的格数 | 1 |
# | $p$ | 填充：在四周各补上的全零行数和列数 | 0 |
# | $d$ | 膨胀：卷积核各元素在输入上相隔的距离 | 1 |
# | $c$（$C$）、$f$（$F$）、$n$（$N$） | 输入通道、输出通道、一批图像中图像的序号（个数） | 1、1、1 |
#
# 单独的 $W$ 永远指卷积核；$W_{in}$ 和 $W_{out}$ 表示宽度。第 06 篇把这些尺寸联系在一起：$H_{out} = \lfloor (H_{in} + 2p - d\,(K_H - 1) - 1)/s \rfloor + 1$，本例中为 $(3 + 0 - 1 - 1)/1 + 1 = 2$。
#
# 在代码中，数组像 numpy 一样从 0 开始编号：$x_{11}$ 就是 `X[0, 0]`。一般的层采用 NCHW 排布：$X$ 的形状为 $(N, C, H_{in}, W_{in})$——批量、通道、高、宽——$F$ 个输出通道的卷积核 $W$ 的形状为 $(F, C, K_H, K_W)$（第 06 篇）。
#
# ### 术语对照
#
# 推导原文是中文，代码里的名称和许多教材用的是英文。下表把两者对应起来。
#
# | 中文 | English | 符号 |
# |---|---|---|
# | 卷积（本系列与各深度学习框架一样，计算的是不翻转卷积核的互相关） | convolution (cross-correlation) | $Y = X \star W + b$ |
# | 卷积层 / 池化层 | convolution layer / pooling layer | — |
# | 输入特征图 / 输出特征图 | input / output feature map | $X$ / $Y$ |
# | 卷积核（权重） | kernel (weights) | $W$, $w_{mn}$ |
# | 偏置 | bias | $b$, $b_{ij}$ |
# | 池化 | pooling | — |
# | 最大池化 | max pooling | $\max(X'_k)$ |
# | 池化窗口 | pooling window | $X'_k$ |
# | 下采样 | downsampling | $H_{out} < H_{in}$ |
# | 掩码（掩码矩阵） | mask | $M_k$ |
# | 前向传播 | forward pass (forward propagation) | $X \to Y$ |
# | 反向传播 | backward pass (backpropagation) | $\partial L/\partial Y \to \partial L/\partial X$ |
# | 损失（损失函数） | loss (loss function) | $L$ |
# | 梯度 | gradient | $\partial L/\partial X$, $\partial L/\partial W$, $\partial L/\partial b$ |
# | 局部梯度 | local gradient | $\partial L/\partial X'_k = \partial L/\partial y_{ij} \cdot M_k$ |
# | 链式法则 | chain rule | $\partial L/\partial x = \sum \partial L/\partial y \cdot \partial y/\partial x$ |
# | 累加 | accumulate | `+=` |
# | 步长 | stride | $s$ |
# | 填充 | padding | $p$ |
# | 膨胀 | dilation | $d$ |
# | 通道 | channel | $c$（个数 $C$） |
# | 批量 | batch | $n$（个数 $N$） |
# | 有限差分（梯度检验） | finite differences (gradient check) | — |

# %% [markdown]
# ## The package in four lines
#
# Every number in the notebooks comes from four functions of the `cnnviz` package (plain numpy), which you
# can call yourself:

# %% [markdown] lang="zh"
# ## 四行代码用上这个包
#
# 笔记本里的每一个数都出自 `cnnviz` 包（纯 numpy 实现）的四个函数，你也可以自己调用它们：

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

# %% [markdown] lang="zh"
# `cnnviz.naive` 用朴素的循环实现了同样这四个函数，读起来和公式一模一样；`cnnviz.steps` 给出动画所展示的逐步计算记录，`cnnviz.formulas` 给出公式，`cnnviz.gradcheck` 用有限差分检验梯度。

# %% [markdown]
# ## For instructors: presenting live
#
# - **Set up once:** `make lab` in the repository (or the pip route in the README). Open a notebook and run it
#   (*Run → Run All Cells*) before class: the explorers need a running kernel to react.
# - **Make it large:** each stage's **⤢ projector** button makes its type large enough for the back of the room;
#   *View → Appearance → Presentation Mode* hides the side panels, and the browser zoom (Ctrl/Cmd +) scales
#   everything. The views stay readable projected (large bold digits, outlines and marks besides colour), in light
#   and dark themes.
# - **No server in the room?** `make site` builds `site/`: every notebook as a web page whose stages play, step and
#   scrub with no kernel and no network (copy it to a USB stick; open `site/index.html`, or `site/zh/index.html` for the Chinese edition). Sliders there are shown
#   but do not move.
# - **Pace it:** use *step ▶* rather than play while you talk; switch to play with *slow* speed for the recap.
#   Ask the predict-then-reveal questions before you step — the answers are folded until someone clicks.
# - **Let students drive:** every explorer is a Python object, `explorer.stage.step = 2` or
#   `explorer.x_editor.slider(1, 1).value = 4` from a cell moves it, useful to set up an example in advance.
# - **Exercises** check themselves: a check cell says right or wrong with a hint, so students can work alone.
# - **Resetting:** *Kernel → Restart Kernel and Run All Cells* restores every default; everything is deterministic.

# %% [markdown] lang="zh"
# ## 写给教师：课堂现场演示
#
# - **只需准备一次：** 在代码仓库中运行 `make lab-zh`（中文版；英文版用 `make lab`，不用 make 的安装方法见 README）。上课前先打开笔记本并运行一遍（*运行 → 运行所有单元格*）：探索器要有正在运行的内核才会响应滑块。
# - **放大显示：** 每个舞台的 **⤢ 投影模式** 按钮能把字号放大到教室最后一排也看得清；*查看 → 外观 → 演示模式*会隐藏侧边栏，浏览器缩放（Ctrl/Cmd +）则放大整个页面。投影时这些图依然清晰（大号粗体数字，除颜色外还有线框和标记），浅色和深色主题下都是如此。
# - **教室里没有服务器？** `make site` 会生成 `site/`：每个笔记本都成为一个网页，其中的舞台无需内核、无需联网就能播放、单步和拖动（拷到 U 盘里，打开 `site/index.html`；中文版在 `site/zh/index.html`）。网页中的滑块只显示数值，不能拖动。
# - **把握节奏：** 讲解时用 **下一步 ▶** 一步一步走，不要直接播放；复习时再用**慢**速播放。在走下一步之前，先提出“先预测、再揭晓”的问题——答案是折叠起来的，点开才会显示。
# - **让学生来操作：** 每个探索器都是一个 Python 对象，在单元格里写 `explorer.stage.step = 2` 或 `explorer.x_editor.slider(1, 1).value = 4` 就能操纵它，便于课前准备好一个例子。
# - **练习会自动批改：** 检查单元格会告诉学生答得对不对，并给出提示，所以学生可以独立练习。
# - **恢复初始状态：** *内核 → 重启并运行所有单元格…* 会恢复所有默认值；一切都是确定的，每次运行结果相同。
