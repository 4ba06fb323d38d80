"""Catalog entries (see cnnviz.words) for the explorers of general: {id: {"en": ..., "zh": ...}}.

The explorers of notebook 06 (cnnviz.explorers.general) and their views (cnnviz.render.general).
An id ending in ``_one`` / ``_many`` is the same text for a count of 1 / another count (English
needs both; Chinese says the same). The Chinese follows notebook 06's text: 输入通道 c, 输出通道 f,
特征图 Y^(f,c), 填充后的输入, 全卷积, 插入零.
"""
WORDS = {
    # --- sliders, pickers, editors ------------------------------------------------------------
    "general.slider_h": {"en": "H_in (rows)", "zh": "H_in（行数）"},
    "general.slider_w": {"en": "W_in (columns)", "zh": "W_in（列数）"},
    "general.slider_k": {"en": "K (kernel)", "zh": "K（卷积核）"},
    "general.slider_p": {"en": "p (padding)", "zh": "p（填充）"},
    "general.slider_s": {"en": "s (stride)", "zh": "s（步长）"},
    "general.slider_d": {"en": "d (dilation)", "zh": "d（膨胀）"},
    "general.image": {"en": "image {n}", "zh": "图像 {n}"},
    "general.output_channel": {"en": "output channel {f}", "zh": "输出通道 {f}"},
    # --- captions -----------------------------------------------------------------------------
    "general.window_caption": {"en": "window #{k} of {n}: {y}", "zh": "窗口 #{k}（共 {n} 个）：{y}"},
    "general.channel_caption": {"en": "{y} of image {n}, output channel {f}",
                                "zh": "图像 {n}、输出通道 {f} 的 {y}"},
    "general.steps_left_out": {
        "en": " (1 step in {every} shown: all {n} are more than one message of {kb} kB can carry)",
        "zh": "（每 {every} 步显示 1 步：全部 {n} 步超出了一条 {kb} kB 的消息能装下的量）"},
    # --- output size: the formula's facts ----------------------------------------------------
    "general.rows": {"en": "rows", "zh": "行"},
    "general.columns": {"en": "columns", "zh": "列"},
    "general.no_fit": {"en": "<b>{axis}:</b> the window spans d·(K−1)+1 = {span} {axis}, more than "
                             "the {padded} {axis} of the padded input: no window fits.",
                       "zh": "<b>{axis}：</b>窗口跨越 d·(K−1)+1 = {span} {axis}，比填充后输入的 "
                             "{padded} {axis}还多：一个窗口也放不下。"},
    "general.moves": {"en": "<b>{axis}:</b> a window spans d·(K−1)+1 = {span}; it moves {stride} at "
                            "a time, {times} after the first place → {positions}.",
                      "zh": "<b>{axis}：</b>一个窗口跨越 d·(K−1)+1 = {span} {axis}；它每次移动 "
                            "{stride} {axis}，在第一个位置之后还能移动 {times} → {positions}。"},
    "general.times_one": {"en": "{n} time", "zh": "{n} 次"},
    "general.times_many": {"en": "{n} times", "zh": "{n} 次"},
    "general.positions_one": {"en": "{n} position", "zh": "共 {n} 个位置"},
    "general.positions_many": {"en": "{n} positions", "zh": "共 {n} 个位置"},
    "general.unread_row_one": {
        "en": " ✗ The last {n} row of the padded input is never read: {numerator} is not a "
              "multiple of s = {stride} (remainder {leftover}).",
        "zh": " ✗ 填充后输入的最后 {n} 行从来没有被读到：{numerator} 不是 s = {stride} 的倍数"
              "（余数为 {leftover}）。"},
    "general.unread_row_many": {
        "en": " ✗ The last {n} rows of the padded input are never read: {numerator} is not a "
              "multiple of s = {stride} (remainder {leftover}).",
        "zh": " ✗ 填充后输入的最后 {n} 行从来没有被读到：{numerator} 不是 s = {stride} 的倍数"
              "（余数为 {leftover}）。"},
    "general.unread_column_one": {
        "en": " ✗ The last {n} column of the padded input is never read: {numerator} is not a "
              "multiple of s = {stride} (remainder {leftover}).",
        "zh": " ✗ 填充后输入的最后 {n} 列从来没有被读到：{numerator} 不是 s = {stride} 的倍数"
              "（余数为 {leftover}）。"},
    "general.unread_column_many": {
        "en": " ✗ The last {n} columns of the padded input are never read: {numerator} is not a "
              "multiple of s = {stride} (remainder {leftover}).",
        "zh": " ✗ 填充后输入的最后 {n} 列从来没有被读到：{numerator} 不是 s = {stride} 的倍数"
              "（余数为 {leftover}）。"},
    # --- output size: the windows -------------------------------------------------------------
    "general.padded_to": {"en": "padded to {h}×{w}", "zh": "填充后为 {h}×{w}"},
    "general.no_padding": {"en": "no padding", "zh": "无填充"},
    "general.coverage_title": {"en": "Input {h}×{w}, {padded}: windows reading each cell",
                               "zh": "输入 {h}×{w}，{padded}：读取每一格的窗口数"},
    "general.never_read": {"en": "✗ never read", "zh": "✗ 从未被读到"},
    "general.coverage_caption": {
        "en": "Number in a cell = how many windows read it; #k = where window k starts (its "
              "w<sub>11</sub>). Margins: the rows and columns of the input; dotted grey = zero "
              "padding (numbered 0, −1, … before the input and on past its end after it); ✗ "
              "hatched = an input cell no window reads.",
        "zh": "格中的数 = 读取这一格的窗口数；#k = 窗口 k 的起点（它的 w<sub>11</sub> 所在的格）。"
              "边上的数字：输入的行号和列号；灰色点线 = 零填充（在输入之前编号为 0、−1、…，"
              "在输入末尾之后接着往后编号）；✗ 斜线 = 没有任何窗口读到的输入格。"},
    "general.output_title": {"en": "Output {h}×{w}", "zh": "输出 {h}×{w}"},
    "general.output_caption": {"en": "Number = the window that computes y<sub>ij</sub>",
                               "zh": "数字 = 计算 y<sub>ij</sub> 的窗口的编号"},
    "general.window_to": {"en": "window #{k} &rarr; {y}", "zh": "窗口 #{k} &rarr; {y}"},
    # --- several channels, a batch ------------------------------------------------------------
    "general.shapes": {
        "en": "{shapes} &nbsp;(N, C, H<sub>in</sub>, W<sub>in</sub> → N, F, H<sub>out</sub>, "
              "W<sub>out</sub>). Each y adds C·K<sub>H</sub>·K<sub>W</sub> = {c}·{kh}·{kw} = "
              "{products} products, then one bias.",
        "zh": "{shapes} &nbsp;（N, C, H<sub>in</sub>, W<sub>in</sub> → N, F, H<sub>out</sub>, "
              "W<sub>out</sub>）。每个 y 要把 C·K<sub>H</sub>·K<sub>W</sub> = {c}·{kh}·{kw} = "
              "{products} 个乘积相加，再加上一个偏置。"},
    "general.channel_title": {"en": "channel {c}: {x}", "zh": "通道 {c}：{x}"},
    "general.window_where": {"en": "window: rows {rows}, columns {cols}",
                             "zh": "窗口：第 {rows} 行，第 {cols} 列"},
    "general.span": {"en": "{first} to {last}", "zh": "{first} 到 {last}"},
    "general.image_title": {"en": "image {n}", "zh": "图像 {n}"},
    # --- the strided, padded backward pass ----------------------------------------------------
    "general.windows_one": {"en": "{n} window", "zh": "{n} 个窗口"},
    "general.windows_many": {"en": "{n} windows", "zh": "{n} 个窗口"},
    "general.dy_caption": {"en": "each step sends one of these back", "zh": "每一步送回其中的一个"},
    "general.dx_all_title": {"en": "∂L/∂X after every step, on the padded grid",
                             "zh": "所有步骤之后的 ∂L/∂X（画在填充后的网格上）"},
    "general.dx_all_caption": {
        "en": "Under each number: how many windows add to it. Margins: the rows and columns of x "
              "(dotted grey = padding). ⌫ = gradient of a padding zero: the layer drops it.",
        "zh": "每个数下方：有多少个窗口往这一格累加。边上的数字：x 的行号和列号（灰色点线 = 填充）。"
              "⌫ = 填充的零得到的梯度：层会把它丢掉。"},
    "general.w_adds": {"en": "W adds", "zh": "W（加上的量）"},
    "general.running_dx": {"en": "running &part;L/&part;X", "zh": "&part;L/&part;X 的累加值"},
    "general.x_padded": {"en": "X, zero-padded", "zh": "X（补零填充后）"},
    "general.x_padded_caption": {"en": "Margins: the rows and columns of x; dotted grey = padding",
                                 "zh": "边上的数字：x 的行号和列号；灰色点线 = 填充"},
    "general.dw_all_title": {"en": "∂L/∂W after every step", "zh": "所有步骤之后的 ∂L/∂W"},
    "general.window": {"en": "window", "zh": "窗口"},
    "general.adds": {"en": "adds", "zh": "加上的量"},
    "general.running_dw": {"en": "running &part;L/&part;W", "zh": "&part;L/&part;W 的累加值"},
    # --- the full convolution -----------------------------------------------------------------
    "general.no_zeros": {"en": "stride 1, no zeros inserted", "zh": "步长 1，不插入零"},
    "general.zeros_one": {"en": "{n} zero inserted between neighbours",
                          "zh": "相邻元素之间插入 {n} 个零"},
    "general.zeros_many": {"en": "{n} zeros inserted between neighbours",
                           "zh": "相邻元素之间插入 {n} 个零"},
    "general.zeros_rows_cols": {"en": "{rows} / {cols} zeros inserted between rows / columns",
                                "zh": "行之间插入 {rows} 个零、列之间插入 {cols} 个零"},
    "general.spread_title": {"en": "∂L/∂Y: {inserted}, border of {border}",
                             "zh": "∂L/∂Y：{inserted}，四周补 {border} 圈零"},
    "general.spread_caption": {
        "en": "dashed = inserted zeros (stride); dotted grey = the border of K−1 zeros",
        "zh": "虚线 = 插入的零（步长）；灰色点线 = K−1 圈零构成的边框"},
    "general.full_title": {"en": "gradient on the padded input", "zh": "填充后输入上的梯度"},
    "general.full_caption": {
        "en": "margins: the rows and columns of x; ⌫ = the gradient of the padding zeros",
        "zh": "边上的数字：x 的行号和列号；⌫ = 填充的零得到的梯度"},
    "general.crop_title": {"en": "crop the border: ∂L/∂X", "zh": "裁掉边框：∂L/∂X"},
    "general.agree": {"en": "✔ equals the backward pass ∂L/∂X (np.allclose: {ok})",
                      "zh": "✔ 与反向传播算出的 ∂L/∂X 相等（<code>np.allclose: {ok}</code>）"},
    "general.differ": {"en": "✘ differs from the backward pass ∂L/∂X (np.allclose: {ok})",
                       "zh": "✘ 与反向传播算出的 ∂L/∂X 不相等（<code>np.allclose: {ok}</code>）"},
    # --- what a student passes in, and bad settings ------------------------------------------
    "general.whole_number": {"en": "{name} must be a whole number from {low} to {high}, got {value}",
                             "zh": "{name} 必须是 {low} 到 {high} 之间的整数，现在是 {value}"},
    "general.outside": {"en": "{name}={value} is outside what the sliders allow: {name} must be "
                              "from {low} to {high}",
                        "zh": "{name}={value} 超出了滑块允许的范围：{name} 必须在 {low} 到 {high} 之间"},
    "general.wrong_shape": {"en": "{name} has the wrong shape: expected {what}, got shape {shape}",
                            "zh": "{name} 的形状不对：应为{what}，现在的形状是 {shape}"},
    "general.a_matrix": {"en": "a matrix {dims}", "zh": "一个矩阵 {dims}"},
    "general.the_shape": {"en": "shape {shape}", "zh": "形状 {shape}"},
    "general.not_finite": {"en": "{name} must hold finite numbers: {name}{where} = {value}",
                           "zh": "{name} 中必须都是有限的数：{name}{where} = {value}"},
    "general.too_many": {"en": "{name} has {label} = {size}, more than the {limit} the pictures "
                               "show (shape {shape})",
                         "zh": "{name} 的 {label} = {size}，超过了图中能显示的 {limit}（形状 {shape}）"},
    "general.overflow": {"en": "{name}{where} = {value}: the numbers are too large for float64; use "
                               "smaller values",
                         "zh": "{name}{where} = {value}：这些数太大，超出了 float64 的范围；请用小一些的数"},
    "general.channels_differ": {
        "en": "x has {cx} input channels (shape {x_shape}) but w has {cw} (shape {w_shape}): each "
              "filter needs one kernel slice per input channel",
        "zh": "x 有 {cx} 个输入通道（形状 {x_shape}），w 却有 {cw} 个（形状 {w_shape}）：每个输出通道"
              "的卷积核对每个输入通道都需要一个切片"},
    "general.bias_shape": {"en": "b must be one number or one per output channel, shape ({f},), got "
                                 "shape {shape}",
                           "zh": "b 必须是一个数，或者每个输出通道一个（形状 ({f},)），现在的形状是 {shape}"},
    "general.x_shape": {"en": "x: expected shape {want}, got {got}",
                        "zh": "x：形状应为 {want}，现在是 {got}"},
    "general.dy_shape": {
        "en": "∂L/∂Y has shape {dy}, but X {x} with W {w}, stride {stride} and padding {padding} "
              "gives an output of shape {out}: ∂L/∂Y must have the output's shape {out}",
        "zh": "∂L/∂Y 的形状是 {dy}，但 X {x} 与 W {w} 在步长 {stride}、填充 {padding} 下得到的输出形状是 "
              "{out}：∂L/∂Y 必须与输出同形，即 {out}"},
    "general.too_large": {
        "en": "kernel {kh}x{kw}{dilation} spans {sh}x{sw}, larger than the padded input {ph}x{pw} "
              "(input {h}x{w}, padding {padding})",
        "zh": "卷积核 {kh}×{kw} {dilation}跨越 {sh}×{sw}，比填充后的输入 {ph}×{pw} 还大"
              "（输入 {h}×{w}，填充 {padding}）：请减小卷积核或膨胀，或增大填充"},
    "general.with_dilation": {"en": " with dilation {dilation}", "zh": "在膨胀 {dilation} 下"},
}
