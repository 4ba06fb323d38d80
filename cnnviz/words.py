"""The catalog: every word the package shows a student, in English and Chinese (zh-CN).

One entry per message id, ``{"en": ..., "zh": ...}``, in ``str.format`` syntax; ``say(id,
**fields)`` gives it in the current language (``cnnviz.i18n.language()``) or in ``lang``:

>>> say("check.right", value="7", lang="en")
'Right: 7.'
>>> say("check.right", value="7", lang="zh")
'正确：7。'

The Chinese uses the derivation's terms (卷积核, 偏置, 池化, 下采样, 掩码, 局部梯度, 累加, 步长,
填充, 膨胀, 通道, 窗口, 输出, 输入) and those of notebook 00's glossary (术语对照). Math and names
(x23, ∂L/∂y12·w22, X'3, dx, dw, db) stay as they are in both languages.
"""
from .i18n import LANGS, resolve

__all__ = ["WORDS", "say", "join"]

WORDS = {
    # --- exercises: verdicts ---------------------------------------------------------------
    "check.right": {"en": "Right: {value}.", "zh": "正确：{value}。"},
    "check.not_yet": {"en": "Not yet: {what}.", "zh": "还不对：{what}。"},
    "check.hint": {"en": " Hint: {hint}", "zh": "提示：{hint}"},
    "check.unanswered": {
        "en": "Not answered yet: replace None by your answer and run this cell again.",
        "zh": "尚未作答：把 None 换成你的答案，再运行一次这个单元格。"},
    "check.returns_none": {"en": "Not answered yet: your function returns None.",
                           "zh": "尚未作答：你的函数返回的是 None。"},
    "check.still_stuck": {"en": "Still stuck? The solution cell below shows one.",
                          "zh": "还是没有头绪？下面的解答单元格给出了一种写法。"},
    "check.solution_title": {"en": "A solution (compare it with yours):",
                             "zh": "一种解法（和你的写法对照一下）："},
    "check.right_all": {"en": "Right on all {count} test cases.",
                        "zh": "正确：全部 {count} 个测试用例都通过了。"},
    "check.right_all_conv": {"en": "Right on all {count} test cases: dx, dw and db.",
                             "zh": "正确：全部 {count} 个测试用例中 dx、dw 和 db 都对。"},
    "check.right_all_pool": {"en": "Right on all {count} test cases, the one with a tie included.",
                             "zh": "正确：全部 {count} 个测试用例都通过了，包括有并列最大值的那一个。"},
    # --- exercises: what an answer is ------------------------------------------------------
    "what.array": {"en": "an array of shape {shape}", "zh": "一个形状为 {shape} 的数组"},
    "what.type": {"en": "{article} {name}", "zh": "一个 {name} 类型的值"},
    "what.not_numbers": {"en": "it is {what}, not an array of numbers",
                         "zh": "它是{what}，不是由数构成的数组"},
    "what.complex": {"en": "it holds complex numbers", "zh": "其中有复数"},
    "what.bools": {"en": "it holds True/False, not numbers", "zh": "其中是 True/False，不是数"},
    "what.answer": {"en": "answer", "zh": "答案"},  # nested lists' rows: answer[1], 答案[1]
    "what.ragged": {"en": "it is {what} that is not a rectangular array of numbers ({error})",
                    "zh": "它是{what}，构不成规整的数值数组（{error}）"},
    # --- exercises: check_number / check_array / check_through -----------------------------
    "number.bool": {"en": "{answer} is True/False, not a number",
                    "zh": "{answer} 是 True/False，不是数"},
    "number.complex": {"en": "{answer} is a complex number, not a real one",
                       "zh": "{answer} 是复数，不是实数"},
    "number.not_number": {"en": "{answer} is not a number", "zh": "{answer} 不是数"},
    "number.wrong": {"en": "{value} is not the answer", "zh": "{value} 不是正确答案"},
    "array.not_numbers": {"en": "the answer must be an array (or nested list) of numbers: {problem}",
                          "zh": "答案必须是由数构成的数组（或嵌套列表）：{problem}"},
    "array.shape": {"en": "the shape is {shape}, it should be {want}",
                    "zh": "形状是 {shape}，应当是 {want}"},
    "array.differ": {"en": "{wrong} of {size} entries differ",
                     "zh": "{size} 个元素中有 {wrong} 个不对"},
    "through.changes": {"en": "{changed} entries differ from the starting one; change exactly {changes}",
                        "zh": "与起始数组相比有 {changed} 个元素不同；应当恰好改动 {changes} 个"},
    "through.unusable": {"en": "it cannot be used: {error}", "zh": "它无法使用：{error}"},
    # --- exercises: a student's function ---------------------------------------------------
    "call.too_slow": {"en": "case {case} took longer than {seconds} s (an endless loop?)",
                      "zh": "第 {case} 个用例运行超过了 {seconds} 秒（是不是陷入了死循环？）"},
    "call.name_error": {
        "en": "case {case} raised NameError: {error}; if it names your function, "
              "run the cell that defines it first",
        "zh": "第 {case} 个用例引发了 NameError：{error}；如果它说的是你的函数，"
              "请先运行定义这个函数的单元格"},
    "call.raised": {"en": "case {case} raised {kind}: {error}",
                    "zh": "第 {case} 个用例引发了 {kind}：{error}"},
    "call.changed_input": {
        "en": "case {case}: your function changed its input argument {k}; "
              "it must leave its inputs as they are (work on a copy)",
        "zh": "第 {case} 个用例：你的函数改动了它的第 {k} 个输入参数；"
              "函数不能改动输入（请在副本上计算）"},
    "call.not_function": {"en": "{given} is not a function", "zh": "{given} 不是函数"},
    "function.not_array": {
        "en": "case {case} returned something other than an array of shape {shape}: {problem}",
        "zh": "第 {case} 个用例返回的不是形状为 {shape} 的数组：{problem}"},
    "function.wrong": {"en": "case {case} (arguments of shapes {shapes}) gives {got}, expected {want}",
                       "zh": "第 {case} 个用例（参数形状为 {shapes}）得到 {got}，应为 {want}"},
    # --- exercises: check_terms -------------------------------------------------------------
    "terms.unreadable": {
        "en": "the answer is {what}; give a list of pairs such as [('dy12', 'w22'), ...] "
              "or a string such as 'dy12*w22 + ...'",
        "zh": "答案是{what}；请给出由成对名字组成的列表，例如 [('dy12', 'w22'), ...]，"
              "或者一个字符串，例如 'dy12*w22 + ...'"},
    "terms.single": {"en": "{item} is a single factor: a term is a pair such as ('dy12', 'w22') "
                           "or 'dy12*w22'",
                     "zh": "{item} 只是一个因子：每一项是两个因子的乘积，例如 ('dy12', 'w22') "
                           "或 'dy12*w22'"},
    "terms.not_term": {"en": "{item} is not a term: write a pair such as ('dy12', 'w22') or 'dy12*w22'",
                       "zh": "{item} 不是一项：请写成一对因子，例如 ('dy12', 'w22') 或 'dy12*w22'"},
    "terms.not_pair": {"en": "{item} is not a product of two factors such as 'dy12*w22'",
                       "zh": "{item} 不是两个因子的乘积（例如 'dy12*w22'）"},
    "terms.not_name": {"en": "{part} is not a name from the derivation (such as dy12, w22, x23)",
                       "zh": "{part} 不是推导中的名字（例如 dy12、w22、x23）"},
    "terms.output": {"en": "{part} is the output itself; its gradient is dy{ij} (∂L/∂y{ij})",
                     "zh": "{part} 是输出本身；它的梯度是 dy{ij}（∂L/∂y{ij}）"},
    "terms.wrong_kind": {"en": "{term} is not a term of {what}: each term is a gradient "
                               "∂L/∂y_ij times {factor}",
                         "zh": "{term} 不是 {what} 中的项：每一项都是梯度 ∂L/∂y_ij 乘以{factor}"},
    "terms.a_weight": {"en": "a weight w_mn", "zh": "一个权重 w_mn"},
    "terms.an_input": {"en": "an input x_pq", "zh": "一个输入 x_pq"},
    "terms.no_such": {"en": "{name} does not exist: {array} is {rows}×{cols}",
                      "zh": "{name} 不存在：{array} 是 {rows}×{cols} 的"},
    "terms.right_zero": {"en": "Right: no window covers {cell}, so {what} = 0.",
                         "zh": "正确：没有窗口覆盖 {cell}，所以 {what} = 0。"},
    "terms.right": {"en": "Right: {what} = {sum}.", "zh": "正确：{what} = {sum}。"},
    "terms.none": {"en": "no terms given", "zh": "没有给出任何项"},
    "terms.missing": {"en": "missing {items}", "zh": "缺少 {items}"},
    "terms.extra": {"en": "extra {items}", "zh": "多出了 {items}"},
    "terms.twice": {"en": "{items} listed twice (each term counts once)",
                    "zh": "{items} 写了两次（每一项只算一次）"},
    "terms.because": {"en": "{term} ({why})", "zh": "{term}（{why}）"},
    "terms.not_covered": {"en": "the window of y{ij} does not cover x{rc}",
                          "zh": "y{ij} 的窗口没有覆盖 x{rc}"},
    "terms.meets": {"en": "in the window of y{ij}, {cell} meets {partner}, not {factor}",
                    "zh": "在 y{ij} 的窗口中，与 {cell} 相乘的是 {partner}，不是 {factor}"},
    # --- exercises: check_windows -----------------------------------------------------------
    "windows.unreadable": {"en": "the answer is {what}; give the window numbers, e.g. {{1, 2}}",
                           "zh": "答案是{what}；请给出窗口的编号，例如 {{1, 2}}"},
    "windows.not_number": {"en": "{item} is not a window number (write 3 or \"X'3\")",
                           "zh": "{item} 不是窗口编号（请写 3 或 \"X'3\"）"},
    "windows.out_of_range": {"en": "there are only {count} windows, X'1 to X'{count}; {k} is none of them",
                             "zh": "一共只有 {count} 个窗口，X'1 到 X'{count}；{k} 不在其中"},
    "windows.right_none": {"en": "Right: no window contains {cell}.",
                           "zh": "正确：没有窗口包含 {cell}。"},
    "windows.right": {"en": "Right: {cell} lies in {windows}.", "zh": "正确：{cell} 位于 {windows} 中。"},
    "windows.covers": {"en": "{window} (it covers {cells})", "zh": "{window}（它覆盖 {cells}）"},
    # --- exercises: the backward passes a student writes ------------------------------------
    "backward.case": {"en": "case {case} ({shapes})", "zh": "第 {case} 个用例（{shapes}）"},
    "backward.three": {"en": "{where}: your function returned {what}; it must return three things: "
                             "dx, dw, db",
                       "zh": "{where}：你的函数返回的是{what}；它必须返回三样东西：dx、dw、db"},
    "backward.not_array": {"en": "{name} is not an array of numbers: {problem}",
                           "zh": "{name} 不是由数构成的数组：{problem}"},
    "backward.shape": {"en": "{name} has shape {shape}, it should have {owner}'s shape {want}",
                       "zh": "{name} 的形状是 {shape}，应当与 {owner} 同形，即 {want}"},
    "backward.wrong": {"en": "{name} is wrong: {got}, expected {want}",
                       "zh": "{name} 不对：得到 {got}，应为 {want}"},
    "backward.db_not_number": {"en": "db is not a number: {problem}", "zh": "db 不是一个数：{problem}"},
    "backward.db_array": {"en": "db is an array of shape {shape}, it should be one number{extra}",
                          "zh": "db 是形状为 {shape} 的数组，它应当是一个数{extra}"},
    "backward.db_per_position": {
        "en": " (that is the gradient of one bias per position; this bias is shared, so "
              "db is one number: the sum of ∂L/∂y_ij over every position)",
        "zh": "（那是每个位置各有一个偏置时的梯度；这里的偏置是共用的，"
              "所以 db 是一个数：所有位置上 ∂L/∂y_ij 之和）"},
    "backward.at": {"en": "{where}: {problems}", "zh": "{where}：{problems}"},
    "pool.not_array": {"en": "{where} returned something other than an array of x's shape: {problem}",
                       "zh": "{where}返回的不是与 x 同形的数组：{problem}"},
    "pool.shape": {"en": "{where}: dx has shape {shape}, it should have x's shape {want}",
                   "zh": "{where}：dx 的形状是 {shape}，应当与 x 同形，即 {want}"},
    "pool.wrong": {"en": "{where} gives {got}, expected {want}",
                   "zh": "{where}得到 {got}，应为 {want}"},
    "pool.tie": {"en": ". This case has a tie: window X'{k} holds its maximum {value} at {cells}; "
                       "the convention here sends all of ∂L/∂y{ij} to the first maximum in "
                       "row-major order, {first}",
                 "zh": "。这个用例中有并列的最大值：窗口 X'{k} 的最大值 {value} 同时出现在 {cells}；"
                       "这里的约定是把 ∂L/∂y{ij} 全部交给按行优先顺序的第一个最大值 {first}"},
    "check.tie_all": {"en": "; yours sends it to every tied maximum (counted twice)",
                     "zh": "；你的写法把它交给了每一个并列的最大值（重复计算了）"},
    "check.tie_split": {"en": "; yours splits it between them", "zh": "；你的写法把它分摊给了它们"},
    "check.tie_last": {"en": "; yours sends it to the last one", "zh": "；你的写法把它交给了最后一个"},
    "pool.overwrite": {"en": ". Where windows share a maximum their gradients must ADD up (+=), "
                             "not replace each other (=)",
                       "zh": "。几个窗口共用同一个最大值时，它们的梯度必须累加（+=），"
                             "而不是互相覆盖（=）"},
    # --- the stage (stage.js gets these from Python: explorers/stage.py) -------------------
    "stage.play": {"en": "▶ play", "zh": "▶ 播放"},
    "stage.pause": {"en": "❚❚ pause", "zh": "❚❚ 暂停"},
    "stage.play_title": {"en": "play / pause (space)", "zh": "播放 / 暂停（空格键）"},
    "stage.first": {"en": "⇤ first", "zh": "⇤ 第一步"},
    "stage.first_title": {"en": "first step (Home)", "zh": "第一步（Home 键）"},
    "stage.back": {"en": "◀ step", "zh": "◀ 上一步"},
    "stage.back_title": {"en": "previous step (←)", "zh": "上一步（←）"},
    "stage.forward": {"en": "step ▶", "zh": "下一步 ▶"},
    "stage.forward_title": {"en": "next step (→)", "zh": "下一步（→）"},
    "stage.last": {"en": "last ⇥", "zh": "最后一步 ⇥"},
    "stage.last_title": {"en": "last step (End)", "zh": "最后一步（End 键）"},
    "stage.step": {"en": "step", "zh": "步骤滑块"},
    "stage.speed": {"en": "speed", "zh": "速度"},
    "stage.slow": {"en": "slow", "zh": "慢"},
    "stage.medium": {"en": "medium", "zh": "中"},
    "stage.fast": {"en": "fast", "zh": "快"},
    "stage.loop": {"en": "loop", "zh": "循环"},
    "stage.projector": {"en": "⤢ projector", "zh": "⤢ 投影模式"},
    "stage.projector_title": {"en": "large type for a projector", "zh": "放大字号，便于投影"},
    "stage.open_to_edit": {
        "en": "The sliders need a running notebook: open it in JupyterLab (make lab) to edit the "
              "numbers. The steps play here too.",
        "zh": "滑块需要在运行中的笔记本里才能拖动：请在 JupyterLab 中打开它（make lab-zh）来修改数值。"
              "这里也能逐步播放。"},
    # --- explorers: what every explorer says --------------------------------------------------
    "explorer.went_wrong": {
        "en": "Something went wrong in the explorer ({kind}: {error}); your values are kept. "
              "Restart the kernel if it persists.",
        "zh": "探索器内部出了问题（{kind}：{error}）；你设置的数值都保留着。如果问题一直存在，请重启内核。"},
    "explorer.bad_setting": {"en": "{error}", "zh": "这个设置不可用：{error}"},
    "explorer.overflow": {"en": "{name} has entries too large to compute ({entry} = {value}): use "
                                "smaller numbers",
                          "zh": "{name} 中有元素太大，无法计算（{entry} = {value}）：请用小一些的数"},
    "explorer.either": {"en": "{name} must be {first} or {second}, got {value}",
                        "zh": "{name} 必须是 {first} 或 {second}，现在是 {value}"},
    "explorer.step_range": {"en": "{name} must be between 0 and {last}, got {value}",
                            "zh": "{name} 必须在 0 到 {last} 之间，现在是 {value}"},
    "explorer.captions": {"en": "{frames} frames need {frames} captions, got {captions}",
                          "zh": "{frames} 帧需要 {frames} 条说明，现在有 {captions} 条"},
    "explorer.not_number": {"en": "{name} must be a number, got {value}",
                            "zh": "{name} 必须是一个数，现在是 {value}"},
    "explorer.not_whole_number": {"en": "{name} must be a whole number, got {value}",
                                  "zh": "{name} 必须是整数，现在是 {value}"},
    "explorer.the_slider": {"en": "the slider", "zh": "这个滑块"},
    "explorer.slider_not_finite": {"en": "{name} must be a finite number, got {value}",
                                   "zh": "{name} 必须是有限数，现在是 {value}"},
    # --- views: what several views share (render/conv.py, render/colour.py) ------------------
    "view.x_input": {"en": "X (input)", "zh": "X（输入）"},
    "view.y_output": {"en": "Y (output)", "zh": "Y（输出）"},
    "view.dy_given": {"en": "∂L/∂Y (given)", "zh": "∂L/∂Y（已知）"},
    "view.w_kernel": {"en": "W (kernel)", "zh": "W（卷积核）"},
    "colour.legend": {"en": "blue = negative · white = 0 · orange = positive; the deeper, the larger "
                            "|value| (up to ±{end})",
                      "zh": "蓝 = 负 · 白 = 0 · 橙 = 正；颜色越深，|数值| 越大（最大到 ±{end}）"},
    # --- views of the convolution (render/conv.py) --------------------------------------------
    "conv.in_window": {"en": "▣ = inside the current window", "zh": "▣ = 在当前窗口内"},
    "conv.padding_note": {"en": "; dotted grey cells are the zero padding",
                          "zh": "；灰色虚线格是补零的填充"},
    "conv.pad": {"en": "(pad)", "zh": "（填充）"},
    "conv.sum": {"en": "sum", "zh": "求和"},
    "conv.computing": {"en": "Step {k}: computing {y}", "zh": "第 {k} 步：计算 {y}"},
    "conv.output_caption": {"en": "? = not computed yet; ◀ dashed = this step",
                            "zh": "? = 尚未计算；◀ 虚线框 = 这一步"},
    "conv.flows_back_now": {"en": "◀ dashed = the output whose gradient flows back now",
                            "zh": "◀ 虚线框 = 此刻把梯度传回去的那个输出"},
    "conv.of": {"en": "{done} of {total}", "zh": "{done}/{total}"},
    "conv.dx_adds": {"en": "Step {k} adds {dy} · W = {grad} · W", "zh": "第 {k} 步加上 {dy} · W = {grad} · W"},
    "conv.window_of": {"en": "▣ = the window of {y}", "zh": "▣ = {y} 的窗口"},
    "conv.running_dx": {"en": "Running ∂L/∂X", "zh": "∂L/∂X 的累加值"},
    "conv.dx_caption": {"en": "+ = changed at this step; under each number: windows added so far of "
                              "all that cover the cell",
                        "zh": "+ = 这一步改变的格；每个数下方：已累加的窗口数/覆盖这一格的窗口总数"},
    "conv.dw_adds": {"en": "Step {k} adds {dy} · window = {grad} · window",
                     "zh": "第 {k} 步加上 {dy} · 窗口 = {grad} · 窗口"},
    "conv.running_dw": {"en": "Running ∂L/∂W", "zh": "∂L/∂W 的累加值"},
    "conv.running_db_shared": {"en": "Running ∂L/∂b (shared bias)", "zh": "∂L/∂b 的累加值（共用一个偏置）"},
    "conv.db_shared_caption": {"en": "= the sum of every ∂L/∂y<sub>ij</sub> seen so far",
                               "zh": "= 到目前为止所有 ∂L/∂y<sub>ij</sub> 之和"},
    "conv.running_db_position": {"en": "Running ∂L/∂b (one bias per position)",
                                 "zh": "∂L/∂b 的累加值（每个位置一个偏置）"},
    "matrixform.padded": {"en": "∂L/∂Y padded with {rows}/{cols} zeros",
                          "zh": "∂L/∂Y，四周补上 {rows}/{cols} 圈零"},
    "matrixform.padded_strided": {"en": "∂L/∂Y, zeros inserted (stride) and padded with {rows}/{cols} zeros",
                                  "zh": "∂L/∂Y，插入零（步长）并在四周补上 {rows}/{cols} 圈零"},
    "matrixform.was": {"en": "was {w}", "zh": "原为 {w}"},
    "matrixform.caption": {"en": "dotted grey = zeros added around ∂L/∂Y",
                           "zh": "灰色虚线格 = 在 ∂L/∂Y 四周补上的零"},
    "matrixform.rotated": {"en": "W rotated by 180°", "zh": "W 旋转 180°"},
    "gradcheck.agree": {"en": "relative error < {threshold} ✔ agree", "zh": "相对误差 < {threshold} ✔ 一致"},
    "gradcheck.disagree": {"en": "relative error ≥ {threshold} ✘ DISAGREE",
                           "zh": "相对误差 ≥ {threshold} ✘ 不一致"},
    "gradcheck.backward": {"en": "backward pass", "zh": "反向传播"},
    "gradcheck.numeric": {"en": "finite differences", "zh": "有限差分"},
    # --- explorers: editors and switches several explorers share -----------------------------
    "editor.x_input": {"en": "X (input)", "zh": "X（输入）"},
    "editor.w_kernel": {"en": "W (kernel)", "zh": "W（卷积核）"},
    "editor.b_position": {"en": "b (one per position)", "zh": "b（每个位置一个）"},
    "editor.b_shared": {"en": "b (shared)", "zh": "b（共用）"},
    "editor.dy_given": {"en": "∂L/∂Y (given)", "zh": "∂L/∂Y（已知）"},
    "editor.wrong_shape": {"en": "{symbol}: expected a {rows}x{cols} matrix, got shape {shape}",
                           "zh": "{symbol}：应为 {rows}×{cols} 的矩阵，现在的形状是 {shape}"},
    "editor.not_2d": {"en": "{symbol}: expected a non-empty 2-D matrix, got shape {shape}",
                      "zh": "{symbol}：应为非空的二维矩阵，现在的形状是 {shape}"},
    "editor.too_many": {"en": "{symbol}: the sliders edit at most {most}x{most} entries, got shape "
                              "{shape}; use {package}'s functions for larger arrays",
                        "zh": "{symbol}：滑块最多编辑 {most}×{most} 个元素，现在的形状是 {shape}；"
                              "更大的数组请用 {package} 的函数"},
    "editor.not_finite": {"en": "{symbol}: every entry must be a finite number; {entries}",
                          "zh": "{symbol}：每个元素都必须是有限数；{entries}"},
    "caption.step_of": {"en": "step {k} of {n}: {what}", "zh": "第 {k}/{n} 步：{what}"},
    # --- explorers of the convolution (explorers/conv.py) ----------------------------------------
    "conv.bias": {"en": "bias", "zh": "偏置"},
    "conv.bias_position": {"en": "one bias per position (b₁₁ … b₂₂)", "zh": "每个位置一个偏置（b₁₁ … b₂₂）"},
    "conv.bias_shared": {"en": "one shared bias (b)", "zh": "共用一个偏置（b）"},
    "conv.flows_back": {"en": "{dy} flows back", "zh": "{dy} 传回"},
    "conv.check_button": {"en": "check by finite differences", "zh": "用有限差分检验"},
    "conv.check_again": {"en": "Values changed: press the button to check again.",
                         "zh": "数值已改变：请再按一次按钮重新检验。"},
    "conv.dx_note": {"en": "∂L/∂X depends on W and ∂L/∂Y only: X itself does not appear.",
                     "zh": "∂L/∂X 只取决于 W 和 ∂L/∂Y：X 本身并不出现。"},
    "conv.dw_note": {"en": "∂L/∂W depends on X and ∂L/∂Y only: W itself does not appear.",
                     "zh": "∂L/∂W 只取决于 X 和 ∂L/∂Y：W 本身并不出现。"},
    "conv.bad_b": {"en": "b must be a number (shared) or a {rows}x{cols} matrix (one per position), "
                         "got shape {shape}",
                   "zh": "b 必须是一个数（共用）或一个 {rows}×{cols} 的矩阵（每个位置一个），"
                         "现在的形状是 {shape}"},
    # --- views of pooling (render/pool.py) -----------------------------------------------------
    "pool.mark_max": {"en": "max", "zh": "最大"},
    "pool.mark_tie": {"en": "tie", "zh": "并列"},
    "pool.input_caption": {"en": "▣ = in window {window}; max (double outline) = where its maximum sits",
                           "zh": "▣ = 在窗口 {window} 内；最大（双线框）= 它的最大值所在的位置"},
    "pool.tie_caption": {"en": "; tie = equal to the maximum", "zh": "；并列 = 与最大值相等"},
    "pool.at": {"en": "at", "zh": "位于"},
    "pool.window": {"en": "Window {window}", "zh": "窗口 {window}"},
    "pool.one_window": {"en": "<b>One window</b>: a step of {stride} from the first window would leave "
                              "the input, so Y has a single entry.",
                        "zh": "<b>只有一个窗口</b>：从第一个窗口再移动 {stride} 格就会超出输入，所以 Y 只有一个元素。"},
    "pool.tiling": {"en": "<b>Tiling</b> (stride {stride} = size {size}): the windows touch without "
                          "overlapping; each cell is read at most once.",
                    "zh": "<b>平铺</b>（步长 {stride} = 窗口大小 {size}）：窗口首尾相接、互不重叠；每一格最多被读取一次。"},
    "pool.overlapping": {"en": "<b>Overlapping</b> (stride {stride} &lt; size {size}): neighbouring windows "
                               "share cells, so one input can be the maximum of several windows.",
                         "zh": "<b>重叠</b>（步长 {stride} &lt; 窗口大小 {size}）：相邻的窗口共用一些格子，"
                               "所以一个输入可以同时是好几个窗口的最大值。"},
    "pool.skipping": {"en": "<b>Skipping</b> (stride {stride} &gt; size {size}): there are gaps between the "
                            "windows; skipped inputs never reach Y.",
                      "zh": "<b>跳过</b>（步长 {stride} &gt; 窗口大小 {size}）：窗口之间留有空隙；被跳过的输入永远到不了 Y。"},
    "pool.mixed": {"en": "size {kh}×{kw}, stride {sh}×{sw}", "zh": "窗口大小 {kh}×{kw}，步长 {sh}×{sw}"},
    "pool.map_label": {"en": "window positions", "zh": "窗口的位置"},
    "pool.steps_legend": {"en": "▣ = in the window; max = its maximum", "zh": "▣ = 在窗口内；最大 = 它的最大值"},
    "pool.steps_skipped": {"en": "; dotted = in no window", "zh": "；虚线框 = 不在任何窗口内"},
    "pool.steps_tie": {"en": "; tie = equal to it", "zh": "；并列 = 与最大值相等"},
    "pool.read_in": {"en": "in {count}", "zh": "{count} 个窗口"},
    "pool.skipped": {"en": "skipped", "zh": "跳过"},
    "pool.cells_read": {"en": "X ({h}×{w}): windows reading each cell", "zh": "X（{h}×{w}）：读取每一格的窗口数"},
    "pool.cells_read_caption": {"en": "under each number: how many windows read the cell; "
                                      "skipped (dotted) = in no window",
                                "zh": "每个数下方：有几个窗口读取这一格；跳过（虚线框）= 不在任何窗口内"},
    "pool.only_window": {"en": "The only window", "zh": "唯一的窗口"},
    "pool.all_windows": {"en": "All {count} windows", "zh": "全部 {count} 个窗口"},
    "pool.map_caption": {"en": "each outline is one window, numbered row by row; hatched = in no window",
                         "zh": "每个方框是一个窗口，逐行编号；斜线格 = 不在任何窗口内"},
    "pool.y_shape": {"en": "Y ({h}×{w})", "zh": "Y（{h}×{w}）"},
    "pool.y_caption": {"en": "y<sub>ij</sub> = the maximum of window X′<sub>k</sub>, row by row",
                       "zh": "y<sub>ij</sub> = 窗口 X′<sub>k</sub> 的最大值，逐行排列"},
    "pool.remainder": {"en": " The last rows or columns do not fill a whole window: they are skipped "
                             "(the floor in the formula drops the remainder).",
                       "zh": "最后几行或几列凑不满一个完整的窗口，所以被跳过（公式中的向下取整舍去了余数）。"},
    "pool.tex_size": {"en": "size", "zh": "窗口大小"},
    "pool.tex_stride": {"en": "stride", "zh": "步长"},
    "pool.mask": {"en": "Mask M{k}", "zh": "掩码 M{k}"},
    "pool.mask_caption": {"en": "1 where the window's maximum sits, 0 elsewhere",
                          "zh": "窗口最大值所在处为 1，其余为 0"},
    "pool.local_grad": {"en": "Local gradient ∂L/∂X′{k}", "zh": "局部梯度 ∂L/∂X′{k}"},
    "pool.won": {"en": "won {count}", "zh": "胜出 {count} 次"},
    "pool.adds_at": {"en": "Step {k} adds ∂L/∂X′{sub} at {window}'s place",
                     "zh": "第 {k} 步在 {window} 的位置加上 ∂L/∂X′{sub}"},
    "pool.window_zero_outside": {"en": "▣ = window {window}; zero outside it", "zh": "▣ = 窗口 {window}；窗口外为零"},
    "pool.running_dx": {"en": "Running ∂L/∂X (+=)", "zh": "∂L/∂X 的累加值（+=）"},
    "pool.running_caption": {"en": "+ = changed at this step; under each number: how many windows the cell "
                                   "has won so far, and which",
                             "zh": "+ = 这一步改变的格；每个数下方：到目前为止这一格在几个窗口中是最大值，以及是哪几个"},
    "pool.max_here": {"en": "max here ✔ (M = {m})", "zh": "最大值在此 ✔（M = {m}）"},
    "pool.max_at": {"en": "max at {cells} (M = 0)", "zh": "最大值在 {cells}（M = 0）"},
    "pool.not_added": {"en": "step {k}: not added yet", "zh": "第 {k} 步：尚未加入"},
    "pool.meeting": {"en": "Meeting at {cell}: every window that covers it", "zh": "在 {cell} 汇合：覆盖它的每一个窗口"},
    "pool.so_far": {"en": "{target} so far = {terms} = {total}", "zh": "{target} 目前 = {terms} = {total}"},
    "pool.receives_from": {"en": "{cell} receives gradient from {windows}; windows that overlap ADD "
                                 "their contributions",
                           "zh": "{cell} 收到来自 {windows} 的梯度；相互重叠的窗口把各自的贡献累加起来"},
    "pool.receives_none": {"en": "{cell} receives gradient no window has picked it yet; windows that "
                                 "overlap ADD their contributions",
                           "zh": "还没有窗口选中 {cell}；相互重叠的窗口把各自的贡献累加起来"},
    "pool.tie_first": {"en": "the first maximum (row by row) gets it all: what PyTorch and others do",
                       "zh": "（逐行数）第一个最大值得到全部梯度：PyTorch 等框架都这样做"},
    "pool.tie_all": {"en": "every tied maximum gets all of it", "zh": "每一个并列的最大值都得到全部梯度"},
    "pool.tie_split": {"en": "t tied maxima get 1/t each", "zh": "t 个并列的最大值各得 1/t"},
    "pool.ties_equal": {"en": "✔ equal: nothing lost, nothing invented", "zh": "✔ 相等：既没有丢失，也没有凭空多出"},
    "pool.ties_over": {"en": "✘ over-counts", "zh": "✘ 重复计算了"},
    "pool.ties_sums": {"en": "Σ∂L/∂X = <b>{dx}</b> vs Σ∂L/∂Y = <b>{dy}</b>",
                       "zh": "Σ∂L/∂X = <b>{dx}</b>，对比 Σ∂L/∂Y = <b>{dy}</b>"},
    "pool.ties_title": {"en": "ties = \"{policy}\"", "zh": "<code>ties=\"{policy}\"</code>"},
    "pool.in_use": {"en": " ◀ in use", "zh": " ◀ 正在使用"},
    "pool.holds_at": {"en": "{window} holds its maximum at {cells}", "zh": "{window} 的最大值同时出现在 {cells}"},
    "pool.no_ties": {"en": "No window holds its maximum twice: the three policies agree. Make two entries "
                           "of one window equal to its maximum to see them differ.",
                     "zh": "没有哪个窗口的最大值出现两次：三种规则的结果相同。把某个窗口中的两个元素都设成它的最大值，就能看到它们的区别。"},
    "pool.end": {"en": ".", "zh": "。"},
    "pool.sums_after": {"en": "After all {n} windows: Σ∂L/∂Y = <b>{dy}</b>; Σ∂L/∂X = <b>{right}</b> with "
                              "<code>+=</code>, <b>{wrong}</b> with <code>=</code>",
                        "zh": "全部 {n} 个窗口之后：Σ∂L/∂Y = <b>{dy}</b>；Σ∂L/∂X 用 <code>+=</code> 时为 "
                              "<b>{right}</b>，用 <code>=</code> 时为 <b>{wrong}</b>"},
    "pool.sums_lost": {"en": ": <b>{lost}</b> of gradient lost.", "zh": "：丢失了 <b>{lost}</b> 的梯度。"},
    "pool.sums_agree": {"en": ". The sums happen to agree, but the cells marked ✘ are wrong.",
                        "zh": "。两个和恰好相等，但标 ✘ 的格子是错的。"},
    "pool.sums_lucky": {"en": ". Here the bug happens to give the right answer: no window wrote over a "
                              "non-zero gradient. Move a slider to see it fail.",
                        "zh": "。这里的错误写法碰巧给出了正确答案：没有哪个窗口覆盖掉非零的梯度。拖动一个滑块，就能看到它出错。"},
    "pool.should_be": {"en": "should be {value}", "zh": "应为 {value}"},
    "pool.after_window": {"en": "after window {k} of {n}", "zh": "第 {k}/{n} 个窗口之后"},
    "pool.right_code": {"en": "Right: {code}", "zh": "正确：{code}"},
    "pool.bug_code": {"en": "The bug: {code}", "zh": "错误写法：{code}"},
    "pool.bug_wrong_cell": {"en": "; ✘ = the bug gets this cell wrong", "zh": "；✘ = 错误写法算错了这一格"},
    "pool.bug_right_value": {"en": "; ✘ = wrong, with the right value", "zh": "；✘ = 算错的格，下方是正确值"},
    "pool.avg_input_caption": {"en": "▣ = in window {window}: every entry counts",
                               "zh": "▣ = 在窗口 {window} 内：每个元素都参与计算"},
    "pool.avg_window_caption": {"en": "{y} = average of {window} = {total} / {count} = {value}",
                                "zh": "{y} = {window} 的平均值 = {total} / {count} = {value}"},
    "pool.avg_mask_caption": {"en": "{share} in every cell: average pooling chooses no entry, each one gets "
                                    "the same share",
                              "zh": "每一格都是 {share}：平均池化不挑选元素，每个元素得到同样的份额"},
    "pool.avg_local_caption": {"en": "= {dy} · M{k} = {grad} / {count} in every cell",
                               "zh": "= {dy} · M{k} = 每一格 {grad} / {count}"},
    "pool.avg_window_share": {"en": "▣ = window {window}: all of its cells get a share; zero outside it",
                              "zh": "▣ = 窗口 {window}：窗口内每一格都得到一份；窗口外为零"},
    "pool.avg_running_caption": {"en": "+ = changed at this step; under each number: the windows that have "
                                       "sent it a share so far, of all the windows that cover it",
                                 "zh": "+ = 这一步改变的格；每个数下方：已向它送来份额的窗口数/覆盖它的窗口总数"},
    "pool.avg_covers": {"en": "covers it (M = {share})", "zh": "覆盖它（M = {share}）"},
    "pool.avg_cover_one": {"en": "{count} window cover {cell}; each sends it a share, and the shares ADD",
                           "zh": "{count} 个窗口覆盖 {cell}；每个窗口送来一份，这些份额累加起来"},
    "pool.avg_cover_many": {"en": "{count} windows cover {cell}; each sends it a share, and the shares ADD",
                            "zh": "{count} 个窗口覆盖 {cell}；每个窗口送来一份，这些份额累加起来"},
    "pool.avg_note": {"en": "{section} is about max pooling: average pooling chooses no entry, so the view "
                            "needs <b>mode</b> = max. The steps above show what each average-pooling window "
                            "sends back.",
                      "zh": "{section}只适用于最大池化：平均池化不挑选元素，所以这里需要把<b>模式</b>设为“最大”。"
                            "上面的步骤展示了每个平均池化窗口传回的内容。"},
    # --- explorers of pooling (explorers/pool.py) ------------------------------------------------
    "pool.mode": {"en": "mode", "zh": "模式"},
    "pool.mode_max": {"en": "max", "zh": "最大"},
    "pool.mode_average": {"en": "average", "zh": "平均"},
    "pool.ties": {"en": "ties", "zh": "并列"},
    "pool.ties_first": {"en": "first (frameworks)", "zh": "取第一个（框架的做法）"},
    "pool.ties_all": {"en": "all", "zh": "全部"},
    "pool.ties_split": {"en": "split", "zh": "平分"},
    "pool.meet_at": {"en": "meet at", "zh": "汇合于"},
    "pool.size": {"en": "size", "zh": "窗口大小"},
    "pool.stride": {"en": "stride", "zh": "步长"},
    "pool.new_input": {"en": "new random input", "zh": "换一个随机输入"},
    "pool.window_caption": {"en": "window {t} of {n}: {window} → {y}", "zh": "第 {t}/{n} 个窗口：{window} → {y}"},
    "pool.not_finite": {"en": "{symbol}: every entry must be a finite number; {entries}. The picture shows "
                              "the last values that were.",
                        "zh": "{symbol}：每个元素都必须是有限的数；{entries}。图中显示的是最后一组有效的数值。"},
    "pool.too_large": {"en": "{name} is {value}: the values are too large for floating-point sums. Choose "
                             "smaller numbers.",
                       "zh": "{name} 为 {value}：这些数值太大，浮点数求和会溢出。请选小一些的数。"},
    "pool.dx_with_overwrite": {"en": "∂L/∂X with =", "zh": "用 = 算出的 ∂L/∂X"},
    "pool.gradient_lost": {"en": "the gradient lost", "zh": "丢失的梯度"},
    "pool.not_matrix": {"en": "X must be a matrix (H, W), got an array of shape {shape}. The picture shows "
                              "the last input that worked.",
                        "zh": "X 必须是一个矩阵 (H, W)，现在却是形状为 {shape} 的数组。图中显示的是最后一个可用的输入。"},
    "pool.empty": {"en": "X is empty (shape {shape}): it needs at least one row and one column. The picture "
                         "shows the last input that worked.",
                   "zh": "X 是空的（形状 {shape}）：它至少需要一行一列。图中显示的是最后一个可用的输入。"},
    "pool.too_big": {"en": "A {size}×{size} window does not fit in the {h}×{w} input: choose a size of at "
                           "most {most}. The picture shows the last setting that fit.",
                     "zh": "{size}×{size} 的窗口放不进 {h}×{w} 的输入：窗口大小最多只能是 {most}。"
                           "图中显示的是最后一个放得下的设置。"},
    "pool.ties_comparison": {"en": "The ties comparison", "zh": "并列最大值的比较"},
    "pool.overwrite_comparison": {"en": "The overwrite comparison", "zh": "覆盖错误的比较"},
    "pool.bad_cell": {"en": "{name} must be a (row, col) of X (0-based, X is {h}x{w}), got {cell}",
                      "zh": "{name} 必须是 X 中一格的 (行, 列)（从 0 开始编号，X 是 {h}×{w} 的），"
                            "现在是 {cell}"},
    # --- explorers of the other notebooks: what a student passes in (explorers/images.py,
    # explorers/matrix.py; their other words are in words_matrix) ------------------------------
    "feature_maps.bad_image": {"en": "{name} must be one image (H_in, W_in) or a stack (N, H_in, W_in), "
                                     "got shape {shape}",
                               "zh": "{name} 必须是一幅图像 (H_in, W_in) 或一叠图像 (N, H_in, W_in)，"
                                     "现在的形状是 {shape}"},
    "feature_maps.not_a_dict": {"en": "{name} must be a dict {{name: kernel}}, got {kind}",
                                "zh": "{name} 必须是一个字典 {{名称: 卷积核}}，现在是 {kind}"},
    "feature_maps.not_finite": {"en": "{name} must hold finite numbers only (no NaN or infinity)",
                                "zh": "{name} 中只能有有限数（不能有 NaN 或无穷大）"},
    "feature_maps.your_name": {"en": "{yours} is the name of the kernel on the sliders; rename yours",
                               "zh": "{yours} 是滑块上那个卷积核的名字；请给你的卷积核换一个名字"},
    "feature_maps.map": {"en": "the feature map of {kernel}", "zh": "{kernel}特征图 Y"},
    "matrix.share_given": {"en": "{name}=...: x, w, b and dy come from the shared explorer; pass them "
                                 "to it instead",
                           "zh": "{name}=...：x、w、b 和 dy 都来自共用的那个探索器；请把它们传给那个探索器"},
    "matrix.share_type": {"en": "{name} must be an explorer with x, w and ∂L/∂y sliders (a {example}), "
                                "got {kind}",
                          "zh": "{name} 必须是带有 x、w 和 ∂L/∂y 滑块的探索器（例如 {example}），"
                                "现在是 {kind}"},
    # --- explorers: the names of their sections (the text/plain copy: "<name> — <summary>") ----
    "section.conv_forward": {"en": "convolution forward", "zh": "卷积的前向传播"},
    "section.conv_equations": {"en": "the equations for every y_ij", "zh": "每个 y_ij 的方程"},
    "section.conv_backward": {"en": "convolution backward", "zh": "卷积的反向传播"},
    "section.conv_scatter_x": {"en": "∂L/∂X, scatter view", "zh": "∂L/∂X，分发视图"},
    "section.dw_steps": {"en": "∂L/∂W, step by step", "zh": "∂L/∂W，一步一步地算"},
    "section.conv_gather_x": {"en": "∂L/∂X, gather view (step through the cells of X)",
                              "zh": "∂L/∂X，收集视图（逐个走过 X 的每一格）"},
    "section.conv_matrix_form": {"en": "∂L/∂X as a full convolution with the rotated kernel",
                                 "zh": "把 ∂L/∂X 写成与旋转后的卷积核的全卷积"},
    "section.conv_weight_equations": {"en": "the four ∂L/∂w formulas", "zh": "四个 ∂L/∂w 公式"},
    "section.gradient_check": {"en": "gradient check", "zh": "梯度检验"},
    "section.pool": {"en": "{mode} pooling {direction}", "zh": "{mode}池化的{direction}"},
    "section.forward": {"en": "forward", "zh": "前向传播"},
    "section.backward": {"en": "backward", "zh": "反向传播"},
    "section.pool_windows": {"en": "pooling windows: size and stride", "zh": "池化窗口：窗口大小与步长"},
    "section.pool_steps": {"en": "window by window: mask, local gradient, running ∂L/∂X",
                           "zh": "逐个窗口：掩码、局部梯度、∂L/∂X 的累加值"},
    "section.pool_meeting": {"en": "contributions meeting at one input", "zh": "在同一个输入处汇合的贡献"},
    "section.pool_ties": {"en": "ties: first, all, split", "zh": "并列最大值：取第一个、全部、平分"},
    "section.pool_overwrite": {"en": "the overwrite bug (= instead of +=)",
                               "zh": "覆盖错误（用 = 代替了 +=）"},
    "section.output_size": {"en": "output size", "zh": "输出尺寸"},
    "section.channels": {"en": "several channels, one output position per step",
                         "zh": "多个通道，每一步一个输出位置"},
    "section.batch": {"en": "the whole batch, every output channel", "zh": "整个批次，每个输出通道"},
    "section.strided": {"en": "∂L/∂X of a strided, padded convolution", "zh": "带步长和填充的卷积的 ∂L/∂X"},
    "section.strided_full": {"en": "∂L/∂X as a full convolution of ∂L/∂Y, zeros inserted, with the "
                                   "rotated kernel",
                             "zh": "把 ∂L/∂X 写成 ∂L/∂Y（插入零后）与旋转后的卷积核的全卷积"},
    "section.feature_maps": {"en": "feature maps", "zh": "特征图"},
    "section.learning": {"en": "learning a kernel", "zh": "学习一个卷积核"},
    "section.jacobian": {"en": "the Jacobian view: C and Cᵀ", "zh": "雅可比视图：C 和 Cᵀ"},
    "section.im2col": {"en": "the im2col view: P and Pᵀ", "zh": "im2col 视图：P 和 Pᵀ"},
    # --- explorers: the one-line summaries (text/plain); {name} is the explorer's class ---------
    "summary.error": {"en": "{name}: {error}", "zh": "{name}：{error}"},
    "summary.error_setting": {"en": "{name}: {setting}: {error}", "zh": "{name}：{setting}：{error}"},
    "summary.no_output_yet": {"en": "no output yet", "zh": "尚无输出"},
    "summary.no_result_yet": {"en": "no result yet", "zh": "尚无结果"},
    "summary.no_maps_yet": {"en": "no maps yet", "zh": "尚无特征图"},
    "summary.no_run_yet": {"en": "no run yet", "zh": "尚未运行"},
    "summary.no_output": {"en": "{text} -> no output: {error}", "zh": "{text} -> 没有输出：{error}"},
    "summary.size": {"en": "{h}x{w}", "zh": "{h}×{w}"},
    "summary.of_shape": {"en": "of shape {shape}", "zh": "形状为 {shape}"},
    "summary.conv_shared": {"en": "one shared bias", "zh": "共用一个偏置"},
    "summary.conv_per_output": {"en": "one bias per output position", "zh": "每个输出位置一个偏置"},
    "summary.conv_forward": {"en": "{name}: X {xh}x{xw}, W {wh}x{ww}, {mode}; Y = {y}",
                             "zh": "{name}：X {xh}×{xw}，W {wh}×{ww}，{mode}；Y = {y}"},
    "summary.conv_shared_bias": {"en": "shared bias", "zh": "共用偏置"},
    "summary.conv_per_position": {"en": "one bias per position", "zh": "每个位置一个偏置"},
    "summary.conv_backward": {"en": "{name} ({mode}): dL/dX = {dx}, dL/dW = {dw}, dL/db = {db}",
                              "zh": "{name}（{mode}）：梯度 dL/dX = {dx}，dL/dW = {dw}，dL/db = {db}"},
    "summary.pool_average": {"en": " (average)", "zh": "（平均池化）"},
    "summary.pool_setting": {"en": "X {shape}, window {size}x{size}, stride {stride}",
                             "zh": "X {shape}，窗口 {size}×{size}，步长 {stride}"},
    "summary.pool_forward": {"en": "{name}{mode}: {setting}; Y = {y}", "zh": "{name}{mode}：{setting}；Y = {y}"},
    "summary.pool_windows": {"en": "{name}: {setting}: Y {ho}x{wo} with H_out = ({h} - {size}) // "
                                   "{stride} + 1, {n} windows; Y = {y}",
                             "zh": "{name}：{setting}：Y 为 {ho}×{wo}，H_out = ({h} - {size}) // "
                                   "{stride} + 1，共 {n} 个窗口；Y = {y}"},
    "summary.pool_backward_average": {"en": "{name} (average): dL/dX = {dx}, windows covering each "
                                            "cell = {covers}",
                                      "zh": "{name}（平均池化）：dL/dX = {dx}，覆盖每一格的窗口数 = {covers}"},
    "summary.pool_backward": {"en": "{name} (ties: {policy}): dL/dX = {dx}, windows won = {wins}, sum "
                                    "dL/dX = {sum_dx}, sum dL/dY = {sum_dy}",
                              "zh": "{name}（并列最大值：{policy}）：dL/dX = {dx}，每格胜出的窗口数 = "
                                    "{wins}，dL/dX 之和 = {sum_dx}，dL/dY 之和 = {sum_dy}"},
    "summary.ties_first": {"en": "first", "zh": "取第一个"},
    "summary.ties_all": {"en": "all", "zh": "全部"},
    "summary.ties_split": {"en": "split", "zh": "平分"},
    "summary.output_size": {"en": "{name}: input {h}x{w}, kernel {k}x{k}, padding {padding}, stride "
                                  "{stride}, dilation {dilation}",
                            "zh": "{name}：输入 {h}×{w}，卷积核 {k}×{k}，填充 {padding}，步长 {stride}，"
                                  "膨胀 {dilation}"},
    "summary.output_size_result": {"en": "{text} -> output {ho}x{wo} ({n} windows)",
                                   "zh": "{text} -> 输出 {ho}×{wo}（{n} 个窗口）"},
    "summary.channels": {"en": "{name}: X {x}, W {w}, b {b}", "zh": "{name}：X {x}，W {w}，b {b}"},
    "summary.channels_y": {"en": "{text}; Y[n={n}, f={f}] = [{y}]", "zh": "{text}；Y[n={n}, f={f}] = [{y}]"},
    "summary.strided": {"en": "{name}: X {given}, W {kh}x{kw}, stride {stride}, padding {padding}",
                        "zh": "{name}：X {given}，W {kh}×{kw}，步长 {stride}，填充 {padding}"},
    "summary.strided_dx": {"en": "{text}; dL/dX = {dx} ({agree} the full convolution of dL/dY with "
                                 "zeros inserted and W rotated by 180 degrees)",
                           "zh": "{text}；dL/dX = {dx}（{agree} dL/dY 插入零后与旋转 180 度的 W 的全卷积）"},
    "summary.equals": {"en": "equals", "zh": "等于"},
    "summary.differs": {"en": "DIFFERS FROM", "zh": "不等于"},
    "summary.chain": {"en": "{name}: dL/dZ = {dz} -> dL/dY = {dy} -> dL/dX = {dx}, dL/dW = {dw}, "
                            "dL/db = {db}",
                      "zh": "{name}：反向传播 dL/dZ = {dz} -> dL/dY = {dy} -> dL/dX = {dx}，"
                            "dL/dW = {dw}，dL/db = {db}"},
    "summary.map_size": {"en": "{map} {h}x{w}", "zh": "{map} {h}×{w}"},
    "summary.feature_maps": {"en": "{name}: image {h}x{w}, your W = {yours}; maps: {sizes}",
                             "zh": "{name}：图像 {h}×{w}，你的 W = {yours}；特征图：{sizes}"},
    "summary.diverged": {"en": "diverged", "zh": "已发散"},
    "summary.steps": {"en": "{n} steps", "zh": "{n} 步"},
    "summary.learning": {"en": "{name}: η = {rate}, {state}; L {first} -> {last}; W = {w}",
                         "zh": "{name}：η = {rate}，{state}；L {first} -> {last}；W = {w}"},
    "summary.matrix": {"en": "{name}: C is {ch}x{cw}, P is {ph}x{pw}; Y = {y}, dL/dX = {dx}, "
                             "dL/dW = {dw}",
                       "zh": "{name}：C 是 {ch}×{cw} 的，P 是 {ph}×{pw} 的；Y = {y}，dL/dX = {dx}，"
                             "dL/dW = {dw}"},
    # --- joining lists ------------------------------------------------------------------------
    "list.sep": {"en": ", ", "zh": "、"},
    "list.and": {"en": " and ", "zh": "和"},
    "list.and_all": {"en": " and ", "zh": "、"},  # between all items: "x12 and x21 and x22"
    "list.parts": {"en": "; ", "zh": "；"},
}

# The entries of some explorers live beside this file, one module each; the catalog is one dict.
from . import (words_chain, words_derivation, words_general, words_layers,  # noqa: E402
               words_matrix)

PARTS = (words_chain, words_derivation, words_general, words_layers, words_matrix)
for _part in PARTS:
    if WORDS.keys() & _part.WORDS.keys():
        raise RuntimeError(f"catalog ids written twice: {sorted(WORDS.keys() & _part.WORDS.keys())}")
    WORDS.update(_part.WORDS)


def say(key, lang=None, **fields):
    """The catalog's entry ``key`` in ``lang`` (default: the current language), its
    ``{fields}`` filled in."""
    return WORDS[key][resolve(lang)].format(**fields)


def join(items, lang=None, last_and=False):
    """``items`` (strs) as a list in the language: "a, b and c" / "a、b和c"."""
    items = list(items)
    sep = say("list.sep", lang)
    if last_and and len(items) > 1:
        return sep.join(items[:-1]) + say("list.and", lang) + items[-1]
    return sep.join(items)


def _missing():
    """Catalog entries without one of the languages (a test keeps this empty)."""
    return sorted(key for key, entry in WORDS.items() if set(entry) != set(LANGS)
                  or not all(isinstance(v, str) and v for v in entry.values()))
