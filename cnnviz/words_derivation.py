"""Catalog entries (see cnnviz.words) of cnnviz.derivation's own messages (ids "formulas.*",
"geometry.*", "matrix_form.*", "pitfalls.*", "chain_math.*", "learning.*", "images.*",
"tinycnn.*", "exercises.*"): what a ValueError or TypeError says about the arguments at fault,
in the notebook's language.

Names and math stay as they are in both languages; the Chinese follows the derivation's terms
and notebook 00's glossary. A Python argument a message names (rate, stride, hint ...) is a
field, {arg} or {name}, so that it stays in code form in both languages.
"""
WORDS = {
    # --- formulas.py ----------------------------------------------------------------------------
    "formulas.position": {
        "en": "{what} position ({i}, {j}) is outside 0..{last_row} x 0..{last_col} "
              "(positions are 0-based)",
        "zh": "{what}位置 ({i}, {j}) 超出了 0..{last_row} x 0..{last_col} 的范围（位置从 0 开始编号）"},
    "formulas.output": {"en": "output", "zh": "输出"},
    "formulas.input": {"en": "input", "zh": "输入"},
    "formulas.kernel": {"en": "kernel", "zh": "卷积核"},
    "formulas.values_missing": {"en": "{arg} needs {name!r} for this formula, got keys {keys}",
                                "zh": "这个公式需要 {arg} 中有 {name!r}，给出的键是 {keys}"},
    "formulas.values_shape": {"en": "{arg}[{name!r}] has shape {shape}, expected {want}",
                              "zh": "{arg}[{name!r}] 的形状是 {shape}，应为 {want}"},
    "formulas.bias_conflict": {"en": "{given} but {values_b} has the {found!r} bias's shape",
                               "zh": "{given}，但 {values_b} 的形状是 {found!r} 偏置的形状"},
    "formulas.bias_mode": {"en": "{arg} must be one of {modes}, got {bias!r}",
                           "zh": "{arg} 必须是 {modes} 之一，得到的是 {bias!r}"},
    # --- geometry.py ----------------------------------------------------------------------------
    "geometry.channel_shapes": {
        "en": "x must be (N, C, H, W) and w (F, C, KH, KW), got shapes {x_shape} and {w_shape}",
        "zh": "x 的形状必须是 (N, C, H, W)，w 的形状必须是 (F, C, KH, KW)，实际形状是 {x_shape} 和 {w_shape}"},
    "geometry.channel_index": {
        "en": "image n={n} / output channel f={f} outside the batch of {images} and the "
              "{channels} output channels (0-based)",
        "zh": "图像 n={n} / 输出通道 f={f} 超出了范围：这一批有 {images} 幅图像、{channels} 个输出通道"
              "（从 0 开始编号）"},
    "geometry.x_2d": {"en": "x must be 2-D (H, W), got shape {shape}",
                      "zh": "x 必须是二维数组 (H, W)，实际形状是 {shape}"},
    # --- matrix_form.py, pitfalls.py ------------------------------------------------------------
    "matrix_form.one_image": {
        "en": "x must be 2-D (H, W) here (one image, one channel), got shape {shape}",
        "zh": "这里 x 必须是二维数组 (H, W)（一幅图像、一个通道），实际形状是 {shape}"},
    "pitfalls.one_image": {
        "en": "x must be 2-D (H, W) here (one image, one channel), got shape {shape}",
        "zh": "这里 x 必须是二维数组 (H, W)（一幅图像、一个通道），实际形状是 {shape}"},
    # --- chain.py -------------------------------------------------------------------------------
    "chain_math.target_shape": {"en": "{arg} has shape {shape} but the pool's output Z has shape {z_shape}",
                                "zh": "{arg} 的形状是 {shape}，但池化层的输出 Z 的形状是 {z_shape}"},
    "chain_math.dz_shape": {"en": "dL/dZ has shape {shape} but the pool's output Z has shape {z_shape}",
                            "zh": "dL/dZ 的形状是 {shape}，但池化层的输出 Z 的形状是 {z_shape}"},
    # --- learning.py ----------------------------------------------------------------------------
    "learning.not_2d": {"en": "{name} must be a non-empty 2-D array, got shape {shape}",
                        "zh": "{name} 必须是非空的二维数组，实际形状是 {shape}"},
    "learning.not_finite": {"en": "{name} must hold finite numbers, got {value} at [{r}, {c}]",
                            "zh": "{name} 中必须都是有限数，但 [{r}, {c}] 处是 {value}"},
    "learning.whole_type": {"en": "{name} must be a whole number from {low} to {high}, got {value!r}",
                            "zh": "{name} 必须是 {low} 到 {high} 之间的整数，得到的是 {value!r}"},
    "learning.whole_range": {"en": "{name} must be from {low} to {high}, got {value}",
                             "zh": "{name} 必须在 {low} 到 {high} 之间，得到的是 {value}"},
    "learning.rate_type": {"en": "{name} must be a number, got {value!r}",
                           "zh": "{name} 必须是一个数，得到的是 {value!r}"},
    "learning.rate_range": {"en": "{name} must be a finite number >= 0, got {value}",
                            "zh": "{name} 必须是 >= 0 的有限数，得到的是 {value}"},
    "learning.shape_type": {"en": "{name} must be a (rows, cols) pair of whole numbers, got {value!r}",
                            "zh": "{name} 必须是一对整数 (行数, 列数)，得到的是 {value!r}"},
    "learning.shape_small": {"en": "{name} must be at least 1x1, got {shape}",
                             "zh": "{name} 至少要是 1x1，得到的是 {shape}"},
    "learning.pairs_type": {"en": "{name} must be a list of (x, y) pairs, got {kind}",
                            "zh": "{name} 必须是由 (x, y) 数据对组成的列表，得到的是 {kind}"},
    "learning.pairs_count": {"en": "{name} must hold 1 to {most} (x, y) pairs, got {count}",
                             "zh": "{name} 必须包含 1 到 {most} 个 (x, y) 数据对，实际有 {count} 个"},
    "learning.pair_type": {"en": "{name} must be an (x, y) pair, got {kind}",
                           "zh": "{name} 必须是一个 (x, y) 数据对，得到的是 {kind}"},
    "learning.pair_x": {"en": "{name} x", "zh": "{name} 的 x"},
    "learning.pair_y": {"en": "{name} y", "zh": "{name} 的 y"},
    "learning.y_larger": {
        "en": "{name}: y of shape {y_shape} is larger than x of shape {x_shape}; "
              "a valid convolution makes y smaller",
        "zh": "{name}：y 的形状 {y_shape} 比 x 的形状 {x_shape} 还大；不加填充的卷积只会让 y 变小"},
    "learning.pair_kernel": {
        "en": "{name}: x {x_shape} and y {y_shape} fit a {fit_rows}x{fit_cols} kernel, not "
              "{rows}x{cols} (y must be {y_rows}x{y_cols})",
        "zh": "{name}：x {x_shape} 和 y {y_shape} 对应的是 {fit_rows}x{fit_cols} 的卷积核，不是 "
              "{rows}x{cols}（y 应当是 {y_rows}x{y_cols}）"},
    "learning.x_shape_small": {
        "en": "x_shape {x_shape} is smaller than the hidden kernel {rows}x{cols}: no window fits",
        "zh": "x_shape {x_shape} 比隐藏的卷积核 {rows}x{cols} 还小：放不下任何窗口"},
    "learning.w_shape": {"en": "w has shape {shape} but the pairs fit a {rows}x{cols} kernel",
                         "zh": "w 的形状是 {shape}，但这些数据对对应的是 {rows}x{cols} 的卷积核"},
    "learning.hidden_shape": {"en": "{name} has shape {shape} but the trace's kernel is {rows}x{cols}",
                              "zh": "{name} 的形状是 {shape}，但这次梯度下降记录中的卷积核是 {rows}x{cols}"},
    # --- images.py ------------------------------------------------------------------------------
    "images.no_kernels": {"en": "{name} must name at least one kernel",
                          "zh": "{name} 中至少要有一个卷积核"},
    "images.the_image": {"en": "the image", "zh": "图像"},
    "images.the_kernel": {"en": "the kernel {name}", "zh": "卷积核 {name}"},
    "images.too_large": {"en": "{kernel} ({kh}×{kw}) is larger than the image ({h}×{w})",
                         "zh": "{kernel}（{kh}×{kw}）比图像（{h}×{w}）还大"},
    "images.not_2d": {"en": "{what} must be a non-empty 2-D array, got shape {shape}",
                      "zh": "{what}：应当是非空的二维数组，实际形状是 {shape}"},
    "images.not_finite": {"en": "{what} must hold finite numbers only (no NaN or infinity)",
                          "zh": "{what}：只能包含有限数（不能有 NaN 或无穷大）"},
    # --- tinycnn.py -----------------------------------------------------------------------------
    "tinycnn.shapes": {"en": "{arg} has shape {shape} but {other} have {other_shape}",
                       "zh": "{arg}（预测的类别）的形状是 {shape}，但 {other}（标签）的形状是 {other_shape}"},
    # --- exercises.py: what a notebook passes ---------------------------------------------------
    "exercises.hints_text": {
        "en": "{cls}: {name} must be a non-empty str or a dict {{'en': ..., 'zh': ...}} of them, "
              "got {value!r}",
        "zh": "{cls}：{name} 必须是非空的 str，或由它们组成的 dict {{'en': ..., 'zh': ...}}，"
              "得到的是 {value!r}"},
    "exercises.hints_solution": {
        "en": "{cls}: {name} must be a non-empty str (or a dict {{'en': ..., 'zh': ...}} of them) "
              "or a function, got {value!r}",
        "zh": "{cls}：{name} 必须是非空的 str（或由它们组成的 dict {{'en': ..., 'zh': ...}}）"
              "或一个函数，得到的是 {value!r}"},
    "exercises.hint_dict": {
        "en": "{arg} must be a str or a {cls}, or a dict {{'en': ..., 'zh': ...}}: {error}",
        "zh": "{arg} 必须是 str 或 {cls}，或者 dict {{'en': ..., 'zh': ...}}：{error}"},
    "exercises.hint_type": {
        "en": "{arg} must be a str or a {cls} (or a dict {{'en': ..., 'zh': ...}}), got {what}",
        "zh": "{arg} 必须是 str 或 {cls}（或者 dict {{'en': ..., 'zh': ...}}），得到的是{what}"},
    "exercises.shape_pair": {"en": "{name} must be an int or a pair (rows, cols), got {value!r}",
                             "zh": "{name} 必须是一个 int 或一对 (行数, 列数)，得到的是 {value!r}"},
    "exercises.shape_positive": {"en": "{name} must hold positive ints, got {value!r}",
                                 "zh": "{name} 中必须都是正的 int，得到的是 {value!r}"},
    "exercises.stride": {"en": "{name} must be an int >= 1, got {value!r}",
                         "zh": "{name} 必须是 >= 1 的 int，得到的是 {value!r}"},
    "exercises.no_fit": {"en": "a {kh}×{kw} window does not fit in a {h}×{w} input",
                         "zh": "{kh}×{kw} 的窗口放不进 {h}×{w} 的输入"},
    "exercises.target_name": {"en": "{arg} must name an entry such as {example}, got {text!r}",
                              "zh": "{arg} 必须是某个元素的名字，例如 {example}，得到的是 {text!r}"},
    "exercises.target_outside": {"en": "{arg}={text!r} is outside the {rows}×{cols} {array}",
                                 "zh": "{arg}={text!r} 超出了 {rows}×{cols} 的 {array}"},
}
