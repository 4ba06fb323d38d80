"""Catalog entries (see cnnviz.words) of the operations' own messages (cnnviz.layers; ids
"args.*" for the argument checks shared by ops, naive and the traces, "steps.*",
"gradcheck.*"): what a ValueError or TypeError says about the shapes or values at fault, in
the notebook's language.

Names and math (x, w, dy, (3, 3), H_out, stride, padding as a Python argument) stay as they are
in both languages; the Chinese follows the derivation's terms and notebook 00's glossary.
"""
WORDS = {
    # --- arrays (layers/_args.py) ---------------------------------------------------------------
    "args.masked": {
        "en": "{name} is a masked array: its mask would be ignored; pass {call} with the value "
              "masked entries should take",
        "zh": "{name} 是带掩码的数组：计算时会忽略它的掩码；请改为传入 {call}，"
              "括号中给出被掩去的元素应取的值"},
    "args.ragged": {"en": "{name} must be a rectangular array of numbers: {where}",
                    "zh": "{name} 必须是规整的数值数组：{where}"},
    "args.ragged_lengths": {"en": "{first} has length {n} but {other} has length {m}",
                            "zh": "{first} 的长度是 {n}，而 {other} 的长度是 {m}"},
    "args.ragged_mixed": {"en": "{first} is a list but {other} is a number",
                          "zh": "{first} 是一个列表，而 {other} 是一个数"},
    "args.not_numbers": {"en": "{name} must hold numbers only, got an entry {entry!r} of type {kind}",
                         "zh": "{name} 只能包含数，现在其中有一个元素 {entry!r}，类型为 {kind}"},
    "args.no_numbers": {"en": "{name} must hold numbers", "zh": "{name} 必须由数构成"},
    "args.complex": {"en": "{name} must hold real numbers, got complex values",
                     "zh": "{name} 必须只包含实数，现在其中有复数"},
    "args.dtype": {"en": "{name} must hold real numbers, got dtype {dtype}",
                   "zh": "{name} 必须只包含实数，现在的数据类型是 {dtype}"},
    "args.empty": {"en": "{name} has shape {shape}: every dimension must be at least 1",
                   "zh": "{name} 的形状是 {shape}：每一维的长度都必须至少是 1"},
    "args.too_many": {
        "en": "{what} would hold {count} numbers, more than the {limit} ({mib} MiB) this "
              "package works with: use smaller inputs",
        "zh": "{what}将有 {count} 个数，超过了这个程序包能处理的 {limit} 个（{mib} MB）："
              "请用更小的输入"},
    # what would hold too many numbers (the Python names x, w, b, dy stay as they are)
    "args.padded_input": {"en": "the padded input", "zh": "填充后的输入"},
    "args.output": {"en": "the output", "zh": "输出"},
    "args.windows": {"en": "the windows, one by one,", "zh": "逐个排开的窗口"},
    "args.matrix_c": {"en": "the matrix C", "zh": "矩阵 C"},
    # --- ints and pairs ---------------------------------------------------------------------------
    "args.not_pair": {"en": "{name} must be an int or a (rows, cols) pair of ints, got {value!r}",
                      "zh": "{name} 必须是一个整数，或一对整数 (行数, 列数)，现在是 {value!r}"},
    "args.too_small": {"en": "{name} must be >= {minimum}, got {value!r}",
                       "zh": "{name} 必须 >= {minimum}，现在是 {value!r}"},
    "args.one_of": {"en": "{name} must be one of {choices}, got {value!r}",
                    "zh": "{name} 必须是 {choices} 之一，现在是 {value!r}"},
    # --- layouts and shapes -----------------------------------------------------------------------
    "args.not_2d_4d": {"en": "{name} must be 2-D (H, W) or 4-D (N, C, H, W), got shape {shape}",
                       "zh": "{name} 必须是二维 (H, W) 或四维 (N, C, H, W) 的数组，现在的形状是 {shape}"},
    "args.kernel_dims": {"en": "w must be {want}-D {layout} to match a {want}-D x, got shape {shape}",
                         "zh": "w 必须是 {want} 维 {layout} 的数组，才能与 {want} 维的 x 相配，"
                               "现在的形状是 {shape}"},
    "args.channels": {
        "en": "channel mismatch: x has C={cx} channels (shape {x_shape}) but w expects C={cw} "
              "(shape {w_shape})",
        "zh": "通道数不一致：x 有 C={cx} 个通道（形状 {x_shape}），而 w 要求 C={cw}（形状 {w_shape}）"},
    "args.too_large": {
        "en": "{what} {kh}x{kw}{dilation} spans {sh}x{sw}, larger than the padded input {ph}x{pw} "
              "(input {h}x{w}, padding {padding})",
        "zh": "{what} {kh}×{kw} {dilation}跨越 {sh}×{sw}，比填充后的输入 {ph}×{pw} 还大"
              "（输入 {h}×{w}，填充 {padding}）"},
    "args.with_dilation": {"en": " with dilation {dilation}", "zh": "在膨胀 {dilation} 下"},
    "args.kernel": {"en": "kernel", "zh": "卷积核"},
    "args.pooling_window": {"en": "pooling window", "zh": "池化窗口"},
    "args.bias_shape": {"en": "b has shape {shape}, which fits neither bias mode: expected {expected}",
                        "zh": "b 的形状是 {shape}，两种偏置方式都对不上：应当是{expected}"},
    "args.bias_2d": {"en": "a scalar (shared) or {out} (one per output position)",
                     "zh": "一个数（共用）或 {out}（每个输出位置一个）"},
    "args.bias_4d": {
        "en": "a scalar or ({filters},) (shared per output channel) or {full} (one per output "
              "position)",
        "zh": "一个数或 ({filters},)（每个输出通道共用一个）或 {full}（每个输出位置一个）"},
    "args.gradient_shape": {"en": "{name} has shape {shape} but the layer's output y has shape {want}",
                            "zh": "{name} 的形状是 {shape}，但这一层的输出 y 的形状是 {want}"},
    "args.nan": {"en": "x has NaN at index {where}: {why}", "zh": "x 在下标 {where} 处是 NaN：{why}"},
    "args.nan_max": {"en": "max pooling compares the values of a window, and NaN is neither larger "
                           "nor smaller than any number",
                     "zh": "最大池化要比较窗口中的数值，而 NaN 既不大于也不小于任何数"},
    "args.nan_average": {"en": "the average of a window that holds NaN is NaN, and so would be its "
                               "gradient's check",
                         "zh": "含有 NaN 的窗口的平均值是 NaN，它的梯度检验结果也会是 NaN"},
    # --- step-by-step traces (layers/steps.py, layers/avg_steps.py) -------------------------------
    "steps.two_d_only": {
        "en": "step-by-step traces are 2-D only (one image, one channel): x (H, W), w (KH, KW); "
              "got x with shape {shape}",
        "zh": "逐步计算记录只支持二维（一张图像、一个通道）：x (H, W)，w (KH, KW)；"
              "现在 x 的形状是 {shape}"},
    "steps.two_d_only_x": {
        "en": "step-by-step traces are 2-D only (one image, one channel): x (H, W); got x with "
              "shape {shape}",
        "zh": "逐步计算记录只支持二维（一张图像、一个通道）：x (H, W)；现在 x 的形状是 {shape}"},
    # --- finite differences (layers/gradcheck.py) ---------------------------------------------------
    "gradcheck.eps": {"en": "{name} must be > 0, got {value!r}", "zh": "{name} 必须 > 0，现在是 {value!r}"},
    "gradcheck.not_scalar": {"en": "f must return a scalar loss, got an array of shape {shape}",
                             "zh": "f 必须返回一个标量损失，现在返回的是形状为 {shape} 的数组"},
    "gradcheck.shapes": {"en": "cannot compare gradients of shapes {a} and {b}",
                         "zh": "无法比较形状分别为 {a} 和 {b} 的两个梯度"},
}
