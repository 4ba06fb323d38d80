"""Catalog entries (see cnnviz.words) of the matrix-form explorer ("matrix."), the explorer that
learns a kernel ("learn.", its views in cnnviz/render/matrix.py) and the feature maps of an image
("images."): {id: {"en": ..., "zh": ...}}.

The Chinese follows notebook 02's text (雅可比矩阵, 转置, 分发视图, 学习率, 迭代, 发散, 碗底) and
notebook 01's names of the kernels (竖直边缘, 水平边缘, 模糊).
"""
WORDS = {
    # --- the Jacobian view (render/matrix.py: jacobian_forward_view / jacobian_backward_view) --
    "matrix.c_title": {"en": "C: row {mark} holds the weights of its y's window",
                       "zh": "C：标 {mark} 的行放着它那个 y 的窗口的权重"},
    "matrix.c_caption": {"en": "outlined: the weights of this step's row, each named under it; grey dashed = "
                               "0 in every step (that x is outside the row's window), so it drops out of "
                               "the sum below",
                         "zh": "框出的是这一步那一行的权重，每个下方注明是哪一个；灰色虚线框 = 每一步都为 0"
                               "（那个 x 在这一行的窗口之外），所以它不出现在下面的求和中"},
    # {vec}: vec(X), the notation of notebook 02 (the row-major flattening), the same in both
    "matrix.vec_x": {"en": "{vec}, laid out like X", "zh": "{vec}，按 X 的形状排列"},
    "matrix.not_yet": {"en": "? = not computed yet", "zh": "? = 尚未计算"},
    "matrix.row_of_c": {"en": "row {y} of C · {vec}", "zh": "C 的第 {y} 行 · {vec}"},
    "matrix.ct_title": {"en": "Cᵀ: column {mark} is row {mark} of C",
                        "zh": "Cᵀ：标 {mark} 的列就是 C 中标 {mark} 的行"},
    "matrix.ct_caption": {"en": "outlined: the weights of this step's column, each named under it",
                          "zh": "框出的是这一步那一列的权重，每个下方注明是哪一个"},
    "matrix.dx_so_far": {"en": "{vec} so far, laid out like X",
                         "zh": "到目前为止的 {vec}，按 X 的形状排列"},
    "matrix.changed": {"en": "+ = changed at this step", "zh": "+ = 这一步改变的格"},
    "matrix.column_title": {"en": "Column {mark} of Cᵀ, laid out like X",
                            "zh": "Cᵀ 中标 {mark} 的列，按 X 的形状排列"},
    "matrix.column_caption": {"en": "it is W, placed on the window; times the ∂L/∂y marked ◀ it is added onto "
                                    "that window of ∂L/∂X (+, above)",
                              "zh": "它就是放在窗口上的 W；乘以标 ◀ 的 ∂L/∂y 之后，加到 ∂L/∂X 的这个窗口上"
                                    "（即上图中标 + 的格）"},
    # --- the im2col view (render/matrix.py: im2col_view) ----------------------------------------
    "matrix.p_title": {"en": "{p}: each row a window, laid flat",  # {p}: P = im2col(X)
                       "zh": "{p}：每一行是摊平的一个窗口"},
    "matrix.p_caption": {"en": "under each number: which x it is", "zh": "每个数下方：它是哪一个 x"},
    "matrix.pad": {"en": "pad", "zh": "填充"},
    "matrix.b_shared": {"en": "b = {b} (shared)", "zh": "b = {b}（共用）"},
    "matrix.b_each": {"en": "b: {values}", "zh": "b：{values}"},
    "matrix.pt_title": {"en": "Pᵀ: each column a window", "zh": "Pᵀ：每一列是一个窗口"},
    "matrix.pt_caption": {"en": "row w<sub>mn</sub> = column w<sub>mn</sub> of P: the x's that "
                                "w<sub>mn</sub> met, one per window",
                          "zh": "第 w<sub>mn</sub> 行 = P 的第 w<sub>mn</sub> 列：w<sub>mn</sub> "
                                "遇到过的那些 x，每个窗口一个"},
    # --- the matrix-form explorer (explorers/matrix.py) ------------------------------------------
    "matrix.forward_caption": {"en": "forward {k}/{n}: row y{sub} of C", "zh": "前向 {k}/{n}：C 的第 y{sub} 行"},
    "matrix.backward_caption": {"en": "backward {k}/{n}: column y{sub} of Cᵀ",
                                "zh": "反向 {k}/{n}：Cᵀ 的第 y{sub} 列"},
    "matrix.too_large": {"en": "the matrix view draws C for at most {inputs} inputs and {outputs} outputs; "
                               "X {xh}x{xw} with W {wh}x{ww} has {n_in} and {n_out}: use {function} for "
                               "larger ones",
                         "zh": "矩阵视图画出的 C 最多有 {inputs} 个输入、{outputs} 个输出；"
                               "{xh}×{xw} 的 X 配 {wh}×{ww} 的 W 有 {n_in} 个输入、{n_out} 个输出："
                               "更大的矩阵请用 {function}"},
    "matrix.bad_b": {"en": "b must be a number (shared) or a {h}x{w} matrix (one per output position), "
                           "got shape {shape}",
                     "zh": "b 必须是一个数（共用）或一个 {h}×{w} 的矩阵（每个输出位置一个），"
                           "现在的形状却是 {shape}"},
    # --- learning a kernel (render/matrix.py: loss_curve_svg, learning_view) ---------------------
    "learn.curve_label": {"en": "the loss per iteration, log scale", "zh": "每次迭代后的损失，对数刻度"},
    "learn.iteration_axis": {"en": "iteration", "zh": "迭代次数"},
    "learn.after_one": {"en": "after {t} step: L = <b>{loss}</b>", "zh": "{t} 步之后：L = <b>{loss}</b>"},
    "learn.after_many": {"en": "after {t} steps: L = <b>{loss}</b>", "zh": "{t} 步之后：L = <b>{loss}</b>"},
    "learn.up": {"en": " ↑ (up)", "zh": " ↑（上升）"},
    "learn.down": {"en": " ↓ (down)", "zh": " ↓（下降）"},
    "learn.same": {"en": " (same)", "zh": "（不变）"},
    "learn.hidden_row": {"en": "W* (hidden)", "zh": "W*（隐藏）"},
    "learn.w_title": {"en": "W, entry by entry above the hidden kernel W*",
                      "zh": "W，逐个元素排在隐藏的卷积核 W* 上方"},
    "learn.w_caption": {"en": "each step: W − {rate} · ∂L/∂W", "zh": "每一步：W − {rate} · ∂L/∂W"},
    "learn.loss_title": {"en": "The loss L so far (log scale)", "zh": "到目前为止的损失 L（对数刻度）"},
    "learn.too_large": {"en": " η = {rate} is larger than {limit} for these inputs: every step overshoots "
                              "the bottom of the bowl by more than the last.",
                        "zh": "对这些输入来说，η = {rate} 大于 {limit}：每一步越过碗底的距离都比上一步更远。"},
    "learn.diverged": {"en": "✘ Diverged: after {n} steps the loss passed a million times its start "
                             "({first} → {final}), so the run stops here.",
                       "zh": "✘ 发散：{n} 步之后，损失超过了初始值的一百万倍（{first} → {final}），"
                             "所以运行到此停止。"},
    "learn.grows": {"en": "✘ The loss grows ({first} → {final}); more steps only make it worse.",
                    "zh": "✘ 损失在增大（{first} → {final}）；再多走几步只会更糟。"},
    "learn.nothing": {"en": "✔ The starting W already fits every pair (L = 0): there is nothing to learn.",
                      "zh": "✔ 起始的 W 已经与每一对数据完全吻合（L = 0）：没有什么可学的。"},
    "learn.rate_zero": {"en": "✘ η = 0: W never moves, and the loss stays at {final}.",
                        "zh": "✘ η = 0：W 一直不动，损失停留在 {final}。"},
    "learn.fell": {"en": "✔ The loss fell from {first} to {final}; W is within {error} of W* in every entry.",
                   "zh": "✔ 损失从 {first} 降到了 {final}；W 的每个元素与 W* 相差都不超过 {error}。"},
    "learn.but": {"en": " But η = {rate} is larger than {limit}: with more steps the loss turns and grows.",
                  "zh": "不过 η = {rate} 大于 {limit}：再多走几步，损失就会转而增大。"},
    # --- the explorer that learns a kernel (explorers/learning.py) --------------------------------
    "learn.rate": {"en": "learning rate η", "zh": "学习率 η"},
    "learn.steps": {"en": "steps", "zh": "步数"},
    "learn.caption": {"en": "iteration {t} of {n}: L = {loss}", "zh": "第 {t}/{n} 次迭代：L = {loss}"},
    "learn.caption_diverged": {"en": " (diverged: the run stops here)", "zh": "（发散：运行到此停止）"},
    "learn.too_many": {"en": "steps: the stage shows at most {most} steps, got {steps}; use {function} "
                             "for longer runs",
                       "zh": "步数：这里最多显示 {most} 步，现在是 {steps} 步；更长的运行请用 {function}"},
    # --- feature maps (render/images.py, explorers/images.py) ------------------------------------
    "images.vertical_edge": {"en": "vertical edge", "zh": "竖直边缘"},
    "images.horizontal_edge": {"en": "horizontal edge", "zh": "水平边缘"},
    "images.blur": {"en": "blur", "zh": "模糊"},
    "images.your_kernel": {"en": "your kernel", "zh": "你的卷积核"},
    "images.kernel_title": {"en": "{name} ({kh}×{kw}){mark}", "zh": "{name}（{kh}×{kw}）{mark}"},
    "images.image_title": {"en": "X (the image)", "zh": "X（图像）"},
    "images.image_caption": {"en": "{h}×{w} pixels, from {low} (white) to {high} (black)",
                             "zh": "{h}×{w} 像素，从 {low}（白）到 {high}（黑）"},
    "images.map_caption": {"en": "Y {h}×{w}: from {low} to {high}", "zh": "Y {h}×{w}：从 {low} 到 {high}"},
    "images.legend": {"en": "Feature maps: <b>orange</b> positive, white 0, <b>blue</b> negative, the "
                            "strongest value of each map at full colour (hover over a square for its value).",
                      "zh": "特征图：<b>橙色</b>为正，白色为 0，<b>蓝色</b>为负；每张特征图中绝对值最大的数"
                            "颜色最深（把鼠标悬停在方格上，可以读出它的数值）。"},
    "images.editor": {"en": "W (your kernel)", "zh": "W（你的卷积核）"},
    "images.image": {"en": "image", "zh": "图像"},
    "images.caption": {"en": "{count} feature maps", "zh": "{count} 张特征图"},
    "images.caption_of": {"en": " (image {i} of {n})", "zh": "（第 {i}/{n} 幅图像）"},
}
