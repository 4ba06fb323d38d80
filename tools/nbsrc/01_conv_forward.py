# title: 01 · Convolution, forward
# about: slide a 2×2 kernel over a 3×3 input: every product, sum and bias of Y, live
# about-zh: 2×2 卷积核在 3×3 输入上滑动：实时显示 Y 的每个乘积、求和与偏置
# %% [markdown]
# # 01 · The convolution layer, forward
#
# > **From the derivation** (section 1, 卷积层前向传播; the whole derivation: [derivation.md](derivation.md))
# >
# > 根据卷积运算的定义,卷积层的前向传播可以通过滑动卷积核在输入特征图上进行**逐元素相乘、叠加求和**得到。对于每一个输出特征图的元素 $y_{ij}$ ,可以使用以下公式计算:
# >
# > $$y_{ij} = \sum_{m=1}^2 \sum_{n=1}^2 w_{mn} \cdot x_{(i+m-1)(j+n-1)} + b_{ij}$$
# >
# > *In English:* the forward pass moves the kernel across the input and, at each position, multiplies
# > the overlapping entries pairwise and adds the products up; every output $y_{ij}$ is the sum above plus its bias.
# >
# > *What this notebook adds:* the sliding window step by step, with your own numbers in every product,
# > the four equations written out, a shared bias, and why the kernel is not flipped.
#
# **What you will learn**
#
# - how a 2×2 kernel slides over a 3×3 input and produces a 2×2 output;
# - the formula for every output, $y_{ij} = \sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$, and where each term comes from;
# - the difference between one bias per output position and one shared bias;
# - why the "convolution" of deep-learning frameworks is, strictly speaking, a cross-correlation;
# - what kernels do to a real image: edge and blur *feature maps* of handwritten digits, and one of your own.
#
# **The setting** (the same throughout this collection):
#
# | symbol | what | shape |
# |---|---|---|
# | $X$ with entries $x_{11} \dots x_{33}$ | the input feature map | 3×3 |
# | $W$ with entries $w_{11}, w_{12}, w_{21}, w_{22}$ | the kernel (the weights) | 2×2 |
# | $b$ with entries $b_{11} \dots b_{22}$ | one bias per output position | 2×2 |
# | $Y$ with entries $y_{11} \dots y_{22}$ | the output feature map | 2×2 |
#
# Stride 1 (the window moves one cell at a time), no padding. Indices start at 1, as in the derivation.

# %% [markdown] lang="zh"
# # 01 · 卷积层的前向传播
#
# > **推导原文**（第 1 节“卷积层前向传播”；完整的推导见 [derivation.md](derivation.md)）
# >
# > 根据卷积运算的定义,卷积层的前向传播可以通过滑动卷积核在输入特征图上进行**逐元素相乘、叠加求和**得到。对于每一个输出特征图的元素 $y_{ij}$ ,可以使用以下公式计算:
# >
# > $$y_{ij} = \sum_{m=1}^2 \sum_{n=1}^2 w_{mn} \cdot x_{(i+m-1)(j+n-1)} + b_{ij}$$
# >
# > *本篇补充的内容*：一步一步演示窗口的滑动，每个乘积里代入的都是你自己设定的数；把四个方程全部写出；共享的偏置；以及为什么不翻转卷积核。
#
# **你将学到**
#
# - 2×2 的卷积核怎样在 3×3 的输入上滑动，得到 2×2 的输出；
# - 每个输出的计算公式 $y_{ij} = \sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$，以及其中每一项从何而来；
# - 每个输出位置各有一个偏置，与整张输出共用一个偏置，两者有什么区别；
# - 为什么深度学习框架所说的“卷积”，严格说来是互相关；
# - 卷积核作用在真实图像上会得到什么：手写数字的边缘特征图和模糊特征图，还有用你自己的卷积核得到的特征图。
#
# **基本设定**（整个系列都相同）：
#
# | 符号 | 含义 | 形状 |
# |---|---|---|
# | $X$，元素为 $x_{11} \dots x_{33}$ | 输入特征图 | 3×3 |
# | $W$，元素为 $w_{11}, w_{12}, w_{21}, w_{22}$ | 卷积核（即权重） | 2×2 |
# | $b$，元素为 $b_{11} \dots b_{22}$ | 偏置，每个输出位置一个 | 2×2 |
# | $Y$，元素为 $y_{11} \dots y_{22}$ | 输出特征图 | 2×2 |
#
# 步长为 1（窗口每次移动一格），无填充。下标和推导原文一样从 1 开始。

# %% [markdown]
# ## Convolution or cross-correlation?
#
# In mathematics, the convolution of $X$ with $W$ flips the kernel before sliding it. For our 2×2 output that is
# $\sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+2-m)(j+2-n)}$: $y_{11}$ pairs $w_{11}$ with $x_{22}$ and $w_{22}$ with $x_{11}$, the
# kernel turned by 180°. Deep-learning frameworks (PyTorch's `Conv2d`, TensorFlow's `Conv2D`)
# do **not** flip it: they compute $\sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)}$, a *cross-correlation*, and still
# call it convolution. Since $W$ is learned, nothing is lost: a network that needed the flipped kernel
# would simply learn it flipped. We follow the frameworks (and the derivation) and never flip $W$ in the
# forward pass. Remember the flip, though: it comes back in the backward pass (notebook 02).

# %% [markdown] lang="zh"
# ## 卷积还是互相关？
#
# 在数学中，$X$ 与 $W$ 的卷积要先把卷积核翻转过来，再让它滑动。对我们这个 2×2 的输出来说，就是 $\sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+2-m)(j+2-n)}$：在 $y_{11}$ 中，$w_{11}$ 与 $x_{22}$ 相乘，$w_{22}$ 与 $x_{11}$ 相乘，相当于把卷积核旋转了 180°。深度学习框架（PyTorch 的 `Conv2d`、TensorFlow 的 `Conv2D`）**不**翻转卷积核：它们计算的是 $\sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)}$，也就是**互相关**，却仍然把它叫作卷积。由于 $W$ 是学出来的，这样做没有任何损失：如果网络需要的是翻转后的卷积核，它直接学出翻转后的样子就行了。我们和框架（以及推导原文）一样，在前向传播中从不翻转 $W$。不过请记住这次翻转：它会在反向传播中再次出现（第 02 篇）。

# %%
import numpy as np
import cnnviz
from cnnviz import conv2d_forward

# %% [markdown]
# ## The numbers we start from
#
# The derivation gives no numbers, so we pick small integers you can add up in your head.
# `cnnviz.examples.worked_conv()` returns them; every explorer below starts from them too.

# %% [markdown] lang="zh"
# ## 我们使用的数
#
# 推导原文没有给出具体的数值，所以我们选了几个能心算相加的小整数。`cnnviz.examples.worked_conv()` 返回的就是它们；下面所有的探索器也都从这组数开始。

# %%
worked = cnnviz.examples.worked_conv()
X, W, b = worked["x"], worked["w"], worked["b"]
print("X =\n", X, "\nW =\n", W, "\nb =\n", b)

# %% [markdown]
# ## The explorer
#
# - **Sliders** set every entry of $X$, $W$ and $b$; they are laid out as the matrices they edit
#   (click a slider, then use the arrow keys for fine steps).
# - **Play** walks the window over $X$: one step per output $y_{ij}$, in the order $y_{11}, y_{12}, y_{21}, y_{22}$.
#   *◀ step* / *step ▶* (or ← / → on the stage) move one step, the step slider jumps to any step, **speed** sets the pace.
# - The window on $X$ is outlined (solid, marked ▣); under each cell of the window is the weight that multiplies it.
#   The middle panel lists the four products, their sum, the bias, and $y_{ij}$; on the right, $Y$ fills in
#   (cells not computed yet show `?`; the current one is dashed).
# - Below: the formula for the current $y_{ij}$, symbolic and with your numbers.
#
# Change any slider while it plays: everything updates at once.

# %% [markdown] lang="zh"
# ## 探索器
#
# - **滑块**设定 $X$、$W$ 和 $b$ 的每一个元素；滑块按所编辑的矩阵的样子排列（点一下滑块，再用方向键可以细调）。
# - **▶ 播放**让窗口在 $X$ 上走一遍：每个输出 $y_{ij}$ 占一步，顺序为 $y_{11}, y_{12}, y_{21}, y_{22}$。**◀ 上一步** / **下一步 ▶**（或在舞台上按 ← / →）走一步，**步骤滑块**可以跳到任意一步，**速度**调节快慢。
# - $X$ 上的窗口带有实线框（并标有 ▣）；窗口中每个格子的下方写着与它相乘的权重。中间一栏列出四个乘积、它们的和、偏置以及 $y_{ij}$；右边的 $Y$ 逐格填满（尚未计算的格子显示 `?`，当前的格子用虚线框标出）。
# - 下方是当前 $y_{ij}$ 的公式，先写成符号形式，再代入你的数值。
#
# 播放过程中也可以随时改动任何一个滑块：所有内容都会立即更新。

# %%
explorer = cnnviz.ConvForwardExplorer(X, W, b)
explorer

# %% [markdown]
# ### Predict, then reveal
#
# Before you press *step ▶* again, answer in your head, then click to check.
#
# <details><summary><b>Which outputs does x<sub>22</sub> touch?</b> (click to reveal)</summary>
#
# All four. $x_{22}$ is the centre of the 3×3 input, so every one of the four 2×2 windows contains it:
# it is multiplied by $w_{22}$ in $y_{11}$, by $w_{21}$ in $y_{12}$, by $w_{12}$ in $y_{21}$ and by $w_{11}$ in $y_{22}$.
# Set $x_{22}$ to 0 in the explorer and watch all four outputs change.
# </details>
#
# <details><summary><b>Which outputs does x<sub>13</sub> touch?</b></summary>
#
# Only $y_{12}$: the corner $x_{13}$ lies in the top-right window alone, multiplied by $w_{12}$.
# Corners are read once, edge centres twice, the centre four times. Notebook 02 turns this count into
# the number of terms in each $\partial L / \partial x_{ij}$.
# </details>
#
# <details><summary><b>If you add 1 to w<sub>11</sub>, how much does y<sub>11</sub> change?</b></summary>
#
# By $x_{11}$: $y_{11}$ depends on $w_{11}$ only through the term $w_{11} x_{11}$. That is exactly
# $\partial y_{11} / \partial w_{11} = x_{11}$, the first brick of the backward pass.
# </details>

# %% [markdown] lang="zh"
# ### 先预测，再揭晓
#
# 再次按下“下一步 ▶”之前，先在心里回答，然后点开核对。
#
# <details><summary><b>x<sub>22</sub> 会影响哪些输出？</b>（点击展开）</summary>
#
# 全部四个。$x_{22}$ 位于 3×3 输入的正中，四个 2×2 窗口都包含它：它在 $y_{11}$ 中乘以 $w_{22}$，在 $y_{12}$ 中乘以 $w_{21}$，在 $y_{21}$ 中乘以 $w_{12}$，在 $y_{22}$ 中乘以 $w_{11}$。在探索器中把 $x_{22}$ 设为 0，看看四个输出是不是都变了。
# </details>
#
# <details><summary><b>x<sub>13</sub> 会影响哪些输出？</b></summary>
#
# 只有 $y_{12}$：角上的 $x_{13}$ 只落在右上角的窗口里，与 $w_{12}$ 相乘。四个角上的元素各被读取一次，四条边的中点各两次，正中的元素四次。第 02 篇会把这个次数变成每个 $\partial L / \partial x_{ij}$ 中的项数。
# </details>
#
# <details><summary><b>把 w<sub>11</sub> 加 1，y<sub>11</sub> 会改变多少？</b></summary>
#
# 改变 $x_{11}$：$y_{11}$ 只通过 $w_{11} x_{11}$ 这一项依赖于 $w_{11}$。这恰好就是 $\partial y_{11} / \partial w_{11} = x_{11}$，反向传播的第一块基石。
# </details>

# %% [markdown]
# ## The four equations, together
#
# Written out, the sliding window gives four equations, one per output. Here they are with the numbers
# of the explorer above (move a slider there and they follow):

# %% [markdown] lang="zh"
# ## 四个方程放在一起
#
# 把滑动窗口的计算逐一写出来，就得到四个方程，每个输出一个。下面代入的是上方探索器中的数值（在那里移动滑块，这些方程也会跟着变）：

# %%
explorer.equations()

# %% [markdown]
# The package computes the same thing in one vectorized call, with no loop over positions:

# %% [markdown] lang="zh"
# `cnnviz` 包只用一次向量化的调用就能算出同样的结果，不必逐个位置循环：

# %%
Y = conv2d_forward(X, W, b)
Y

# %% [markdown]
# and the plain-loop version in `cnnviz.naive`, written like the formula, agrees:

# %% [markdown] lang="zh"
# 而 `cnnviz.naive` 中照着公式写成的朴素循环版本，结果也完全一致：

# %%
np.array_equal(cnnviz.naive.conv2d_forward(X, W, b), Y)

# %% [markdown]
# ## One shared bias
#
# The derivation uses one bias per output position, $b_{ij}$. Real convolution layers share **one**
# bias per output channel: $b_{11} = b_{12} = b_{21} = b_{22} = b$. Then every output gets the same $+b$.
# Switch the explorer to *one shared bias* (the toggle under the sliders), or build one directly:

# %% [markdown] lang="zh"
# ## 共享一个偏置
#
# 推导原文为每个输出位置各设了一个偏置 $b_{ij}$。实际的卷积层则是每个输出通道共用**一个**偏置：$b_{11} = b_{12} = b_{21} = b_{22} = b$，于是每个输出都加上同一个 $+b$。用滑块下方的切换按钮把探索器切换到共享一个偏置的模式，或者直接建立一个共享偏置的探索器：

# %%
shared = cnnviz.ConvForwardExplorer(X, W, b=1.0, bias="shared")
shared

# %%
conv2d_forward(X, W, 1.0)

# %% [markdown]
# Why share it? A feature detector should respond the same way wherever the feature appears
# (translation equivariance); a bias per position would break that, and it would tie the layer to one
# input size. Notebook 02 shows what sharing does to $\partial L / \partial b$.

# %% [markdown] lang="zh"
# 为什么要共享？一个特征检测器无论特征出现在图像的哪个位置，都应当做出同样的响应（平移等变性）；每个位置各用一个偏置会破坏这一点，还会把这一层绑死在某一种输入尺寸上。第 02 篇会说明共享偏置对 $\partial L / \partial b$ 有什么影响。

# %% [markdown]
# ## Real images: feature maps
#
# Nothing above depends on the input being 3×3. A real layer slides the same window over a whole picture, and the
# output of one kernel is then called a **feature map**: $y_{ij}$ says how much the window at $(i, j)$ looks like the
# kernel. Here the pictures are handwritten digits from scikit-learn (1797 of them, bundled with the library, no
# download), each 8×8 pixels with values from 0 (paper) to 16 (full ink).
#
# A few classic kernels (the bias is 0):
#
# | kernel | $W$ | what $y_{ij}$ is |
# |---|---|---|
# | vertical edge | `[[-1, 1], [-1, 1]]` | right column of the window minus its left column: positive where the ink starts (going right), negative where it ends, 0 where the window is flat |
# | horizontal edge | `[[-1, -1], [1, 1]]` | bottom row minus top row: the same, going down |
# | blur (3×3) | every $w_{mn} = 1/9$ | the mean of the 9 pixels of the window: a softer picture |
#
# With an 8×8 input, $H_{in} = W_{in} = 8$: a 2×2 kernel gives a 7×7 map ($H_{out} = 8 - 2 + 1$), the 3×3 blur a 6×6 one.
#
# The explorer shows one digit (the **image** slider picks one of the first ten) and its maps. The last map is yours:
# its kernel is the 2×2 $W$ on the sliders. Each map has its own colour scale: orange positive, white 0, blue negative;
# hover over a square to read its value.

# %% [markdown] lang="zh"
# ## 真实图像：特征图
#
# 上面的一切都不依赖于输入是 3×3。真实的卷积层让同一个窗口滑过整幅图像，这时一个卷积核的输出称为**特征图**：$y_{ij}$ 表示位于 $(i, j)$ 的窗口与卷积核有多相像。这里的图像是 scikit-learn 自带的手写数字（共 1797 幅，随库一起安装，无需下载），每幅 8×8 像素，取值从 0（白纸）到 16（墨迹最浓）。
#
# 几个经典的卷积核（偏置为 0）：
#
# | 卷积核 | $W$ | $y_{ij}$ 的含义 |
# |---|---|---|
# | 竖直边缘（vertical edge） | `[[-1, 1], [-1, 1]]` | 窗口的右列减去左列：从左往右看，墨迹开始的地方为正，墨迹结束的地方为负，窗口内没有变化的地方为 0 |
# | 水平边缘（horizontal edge） | `[[-1, -1], [1, 1]]` | 下行减去上行：道理相同，只是改为从上往下看 |
# | 模糊（blur，3×3） | 每个 $w_{mn} = 1/9$ | 窗口内 9 个像素的平均值：得到一幅更柔和的图像 |
#
# 输入为 8×8 时，$H_{in} = W_{in} = 8$：2×2 的卷积核得到 7×7 的特征图（$H_{out} = 8 - 2 + 1$），3×3 的模糊核得到 6×6 的特征图。
#
# 这个探索器显示一个数字（用最上面那个滑块从前十个数字中选一个）以及它的各张特征图。最后一张是你的：它的卷积核就是滑块上的 2×2 的 $W$。每张特征图有各自的色阶：橙色为正，白色为 0，蓝色为负；把鼠标悬停在方格上，可以读出它的数值。

# %%
from sklearn.datasets import load_digits

digits = load_digits()
feature_maps = cnnviz.FeatureMapExplorer(digits.images[:10])
feature_maps

# %% [markdown]
# Try it:
#
# - Set your kernel to the vertical edge, `[[-1, 1], [-1, 1]]`: your map matches the first one.
#   Now make it find horizontal edges.
# - Set $w_{11} = 1$ and the rest 0. The map is the digit itself, cropped to 7×7: the kernel picks one pixel of each window.
# - Set all four weights to 1: a 2×2 blur (the sum of the window, so four times the mean).
#
# <details><summary><b>The vertical-edge map of a digit has an orange stripe and a blue stripe next to each other along an upright stroke. Why?</b> (click to reveal)</summary>
#
# A stroke is a band of ink with paper on both sides. Where the window passes from paper onto the stroke's left side,
# its right column holds more ink than its left: $y_{ij} > 0$ (orange). On the stroke's right side it is the other way
# round: $y_{ij} < 0$ (blue). Inside the stroke, and on empty paper, both columns are alike and $y_{ij} \approx 0$.
# A convolution layer learns kernels like these by itself (notebook 05 trains one on the same digits).
# </details>

# %% [markdown] lang="zh"
# 动手试一试：
#
# - 把你的卷积核设为竖直边缘 `[[-1, 1], [-1, 1]]`：你的特征图与第一张完全相同。再改一改，让它找出水平边缘。
# - 令 $w_{11} = 1$，其余为 0。得到的特征图就是数字本身，只是裁成了 7×7：卷积核从每个窗口中挑出一个像素。
# - 把四个权重都设为 1：这是一个 2×2 的模糊（窗口内的总和，也就是平均值的四倍）。
#
# <details><summary><b>一个数字的竖直边缘特征图上，沿着竖直的笔画会并排出现一条橙色条纹和一条蓝色条纹。为什么？</b>（点击展开）</summary>
#
# 笔画是一条墨迹带，两侧都是白纸。窗口从白纸移到笔画左侧时，它的右列比左列墨迹多：$y_{ij} > 0$（橙色）。到了笔画右侧，情况正好相反：$y_{ij} < 0$（蓝色）。在笔画内部和空白的纸面上，两列差不多，$y_{ij} \approx 0$。卷积层能自己学出这样的卷积核（第 05 篇会在同样的手写数字上训练一个卷积层）。
# </details>

# %% [markdown]
# ## Summary
#
# - The kernel slides over the input; at each position the output is the sum of the element-wise
#   products of the kernel with the window, plus the bias: $y_{ij} = \sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$.
# - A 3×3 input and a 2×2 kernel with stride 1 give a 2×2 output; in general $H_{out} = H_{in} - K + 1$
#   (and $W_{out} = W_{in} - K + 1$ for the width).
# - Every weight is used at every position; every input is used by every window that covers it
#   (the centre $x_{22}$ by all four).
# - Frameworks' "convolution" does not flip the kernel: it is a cross-correlation.
# - The bias can be one per position ($b_{ij}$) or, as in real layers, one shared $b$.
# - On a real image, the output of one kernel is a *feature map*: an edge kernel lights up where the brightness
#   changes across it and stays near 0 where the picture is flat.

# %% [markdown] lang="zh"
# ## 小结
#
# - 卷积核在输入上滑动；在每个位置，输出等于卷积核与窗口逐元素相乘后的乘积之和，再加上偏置：$y_{ij} = \sum_{m=1}^{2}\sum_{n=1}^{2} w_{mn}\, x_{(i+m-1)(j+n-1)} + b_{ij}$。
# - 3×3 的输入与 2×2 的卷积核在步长为 1 时得到 2×2 的输出；一般地，$H_{out} = H_{in} - K + 1$（宽度同理，$W_{out} = W_{in} - K + 1$）。
# - 每个权重在每个位置都会用到；每个输入被覆盖它的每一个窗口使用（正中的 $x_{22}$ 被四个窗口全部用到）。
# - 框架里的“卷积”不翻转卷积核：它其实是互相关。
# - 偏置可以每个位置一个（$b_{ij}$），也可以像实际的卷积层那样共用一个 $b$。
# - 在真实图像上，一个卷积核的输出就是一张特征图：边缘卷积核在窗口内亮度有变化的地方响应强烈，在图像平坦的地方接近 0。

# %% [markdown]
# ## Exercises
#
# Each exercise has a check cell: run it after you changed the answer. It says right or wrong, with a hint.
#
# **1.** With the starting numbers ($X$, $W$, $b$ above), what is $y_{21}$? Work it out by hand from the
# formula, then write it below.

# %% [markdown] lang="zh"
# ## 练习
#
# 每道练习都有一个检查单元格：改好答案后运行它，它会告诉你答得对不对，并给出提示。
#
# **1.** 用开头的那组数（上面的 $X$、$W$、$b$），$y_{21}$ 等于多少？先根据公式手算，再把结果写在下面。

# %%
answer_1 = None  # replace None by your number

# %%
cnnviz.exercises.check_number(answer_1, Y[1, 0],
    hint={"en": "y21 uses the window x21, x22, x31, x32: w11*x21 + w12*x22 + w21*x31 + w22*x32 + b21.",
          "zh": "y21 用的是窗口 x21、x22、x31、x32：w11*x21 + w12*x22 + w21*x31 + w22*x32 + b21。"})

# %% [markdown]
# **2.** Which kernel $W$ makes $Y$ equal to the top-left 2×2 block of $X$ (with all biases 0)?
# Write it as a 2×2 list.

# %% [markdown] lang="zh"
# **2.** 哪个卷积核 $W$ 能使 $Y$ 等于 $X$ 左上角的 2×2 块（所有偏置都为 0）？把它写成一个 2×2 的列表。

# %%
answer_2 = None  # e.g. [[0, 0], [0, 0]]

# %%
cnnviz.exercises.check_through(answer_2, (2, 2), lambda W_: conv2d_forward(X, W_, 0.0), X[:2, :2],
                                 hint={"en": "You want y_ij = x_ij: only the weight that multiplies the window's "
                                             "top-left cell should be 1.",
                                       "zh": "要使 y_ij = x_ij：只有与窗口左上角那一格相乘的权重应当是 1。"})

# %% [markdown]
# **3.** Write `my_conv(x, w, b)` with two loops over the output positions (any input and kernel size,
# stride 1, one bias per position), then run the check: it compares your function with
# `cnnviz.conv2d_forward` on random inputs. A wrong answer gets a hint, a more precise one the next time;
# the last cell shows a solution when you ask for it.

# %% [markdown] lang="zh"
# **3.** 写一个函数 `my_conv(x, w, b)`，用两重循环遍历各个输出位置（输入和卷积核可以是任意尺寸，步长为 1，每个位置一个偏置），然后运行检查：它会在随机输入上把你的函数与 `cnnviz.conv2d_forward` 作比较。答错时会给出提示，再答错时提示会更具体；最后一个单元格可以在你需要时显示一个参考答案。

# %%
def my_conv(x, w, b):
    x, w, b = np.asarray(x, float), np.asarray(w, float), np.asarray(b, float)
    # your code here: return the output array
    return None

# %%
hints_3 = cnnviz.exercises.Hints(
    nudge={"en": "Start with the output: an array of zeros of size (H_in - KH + 1) × (W_in - KW + 1). "
                 "Then fill y[i, j] for every i, j: which window of x does it read?",
           "zh": "先准备好输出：一个大小为 (H_in - KH + 1) × (W_in - KW + 1) 的全零数组。"
                 "然后对每个 i, j 填入 y[i, j]：它读的是 x 的哪个窗口？"},
    formula={"en": "y[i, j] = (w * x[i:i+KH, j:j+KW]).sum() + b[i, j], with KH, KW = w.shape.",
             "zh": "y[i, j] = (w * x[i:i+KH, j:j+KW]).sum() + b[i, j]，其中 KH, KW = w.shape。"},
    solution=cnnviz.exercises.SOLUTIONS["my_conv"])

# %%
cnnviz.exercises.check_function(my_conv, cnnviz.conv2d_forward, cnnviz.exercises.random_conv_cases(),
                                hint=hints_3)

# %%
# hints_3.show()   # remove the # at the start and run this cell to see a solution
