"""Catalog entries (see cnnviz.words) of notebook 05: the chain explorer (cnnviz.render.chain,
cnnviz.explorers.chain; ids "chain.*") and the figures and tables of cnnviz.plots ("plots.*").

Math and names (∂L/∂z₁₂, Y′₂, M₂, y₂₂) stay as they are in both languages; the Chinese follows the
derivation's terms and notebook 00's glossary (掩码, 局部梯度, 累加, 池化层, 卷积层, 卷积核).
"""
WORDS = {
    # --- the views of the chain (render/chain.py) -------------------------------------------
    "chain.pool_caption": {"en": "through the pool, window {k} of {n}: ∂L/∂{z} → Y′{sub}",
                           "zh": "经过池化层，第 {k}/{n} 个窗口：∂L/∂{z} → Y′{sub}"},
    "chain.pool_head": {
        "en": "<b>1 · Through the pool.</b> Window Y′{k}: its maximum is {where}, so "
              "∂L/∂{z} = {grad} goes there and is <b>added</b> to ∂L/∂Y.",
        "zh": "<b>1 · 经过池化层。</b>窗口 Y′{k}：它的最大值是 {where}，所以 "
              "∂L/∂{z} = {grad} 传到那里，<b>累加</b>到 ∂L/∂Y 中。"},
    "chain.dz_arriving": {"en": "∂L/∂Z (arriving)", "zh": "∂L/∂Z（传来的梯度）"},
    "chain.flows_back_now": {"en": "◀ dashed = the gradient that flows back now",
                             "zh": "◀ 虚线框 = 此刻传回的梯度"},
    "chain.y_window": {"en": "Y, window Y′{k}", "zh": "Y，窗口 Y′{k}"},
    "chain.y_window_caption": {"en": "▣ = in the window; max = its maximum",
                               "zh": "▣ = 在窗口内；最大 = 它的最大值"},
    "chain.y_window_tie": {"en": "; tie = equal to it, not chosen",
                           "zh": "；并列 = 与最大值相等，但没有被选中"},
    "chain.mask_caption": {"en": "1 at the maximum", "zh": "最大值处为 1"},
    "chain.landed_caption": {"en": "= {grad} · M{k}, at the window's place in Y",
                             "zh": "= {grad} · M{k}，位于该窗口在 Y 中的位置"},
    "chain.running_dy": {"en": "Running ∂L/∂Y (+=)", "zh": "∂L/∂Y 的累加值（+=）"},
    "chain.running_dy_caption": {
        "en": "+ = added at this step; won n = the windows whose maximum the cell is, so far",
        "zh": "+ = 这一步累加的格；胜出 n 次 = 到目前为止这一格是几个窗口的最大值"},
    "chain.conv_caption": {"en": "through the convolution, step {k} of {n}: ∂L/∂{y} flows back",
                           "zh": "经过卷积层，第 {k}/{n} 步：∂L/∂{y} 传回"},
    "chain.conv_head": {
        "en": "<b>2 · Through the convolution.</b> ∂L/∂{y} = {grad}: ∂L/∂X gets {grad} · W on the "
              "window of {y}, ∂L/∂W gets {grad} · (that window of X), {bias} gets {grad}.",
        "zh": "<b>2 · 经过卷积层。</b>∂L/∂{y} = {grad}：∂L/∂X 在 {y} 的窗口上加上 {grad} · W，"
              "∂L/∂W 加上 {grad} ·（X 的这个窗口），{bias} 加上 {grad}。"},
    "chain.conv_head_zero": {
        "en": "<b>2 · Through the convolution.</b> ∂L/∂{y} = 0: it sends nothing back, and "
              "nothing changes.",
        "zh": "<b>2 · 经过卷积层。</b>∂L/∂{y} = 0：它什么也不传回，什么也不改变。"},
    "chain.dy_from_pool": {"en": "∂L/∂Y (from the pool)", "zh": "∂L/∂Y（来自池化层）"},
    "chain.x_window": {"en": "X, the window of {y}", "zh": "X，{y} 的窗口"},
    "chain.dx_caption": {"en": "under each number of the window: what this step adds",
                         "zh": "窗口中每个数下方：这一步加上的量"},
    "chain.dw_caption": {"en": "under each number: what this step adds",
                         "zh": "每个数下方：这一步加上的量"},
    "chain.db_shared_caption": {"en": "= the sum of the ∂L/∂y seen so far",
                                "zh": "= 到目前为止传回的 ∂L/∂y 之和"},
    "chain.running_db_position": {"en": "Running ∂L/∂b (one per position)",
                                  "zh": "∂L/∂b 的累加值（每个位置一个）"},
    # --- the chain explorer (explorers/chain.py) -----------------------------------------------
    "chain.dz_editor": {"en": "∂L/∂Z (arriving at the pool's output)",
                        "zh": "∂L/∂Z（传到池化层输出端的梯度）"},
    "chain.what": {"en": "the chain, backward", "zh": "这条链的反向传播"},
    "chain.step": {"en": "step {t} of {total}, {what}", "zh": "第 {t}/{total} 步，{what}"},
    "chain.too_large": {
        "en": "{name} is {value}: the values are too large for floating-point sums. Choose smaller "
              "numbers; the picture shows the last values that worked.",
        "zh": "{name} 为 {value}：这些数值太大，浮点数求和会溢出。请选小一些的数；"
              "图中显示的是最后一组可用的数值。"},
    "chain.no_result": {"en": "no result yet", "zh": "尚无结果"},
    # --- cnnviz.plots: the pool's backward pass, window by window ------------------------------
    "plots.window": {"en": "Window Y'<sub>{k}</sub>", "zh": "窗口 Y'<sub>{k}</sub>"},
    "plots.max_caption": {"en": "max = {top} = {z}", "zh": "最大值 = {top} = {z}"},
    "plots.mask": {"en": "Mask M<sub>{k}</sub>", "zh": "掩码 M<sub>{k}</sub>"},
    "plots.mask_caption": {"en": "1 where the maximum sits", "zh": "最大值所在处为 1"},
    "plots.added": {"en": "= {grad} · M<sub>{k}</sub>, added at the window's place",
                    "zh": "= {grad} · M<sub>{k}</sub>，累加到该窗口所在的位置上"},
    "plots.window_text": {"en": "Y'{k}: max {top} at {names}; local gradient {grad} * M{k}",
                          "zh": "Y'{k}：最大值 {top} 位于 {names}；局部梯度 {grad} * M{k}"},
    # --- cnnviz.plots: the figures (matplotlib) ------------------------------------------------
    "plots.loss_title": {"en": "training loss", "zh": "训练损失"},
    "plots.epoch": {"en": "epoch", "zh": "轮"},
    "plots.loss_axis": {"en": "cross-entropy loss", "zh": "交叉熵损失"},
    "plots.mini_batch": {"en": "mini-batch", "zh": "小批量"},
    "plots.training_set": {"en": "training set", "zh": "训练集"},
    "plots.kernels_title": {"en": "learned {kh}×{kw} kernels", "zh": "学到的 {kh}×{kw} 卷积核"},
    "plots.filter": {"en": "filter {f}", "zh": "滤波器 {f}"},
}
