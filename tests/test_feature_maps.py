"""Feature maps of an image: the maps are convolutions, the views show their values and the
sign of each value, and the explorer follows its sliders."""
import subprocess
import sys

import numpy as np
import pytest

import cnnviz
from cnnviz import i18n
from cnnviz.derivation import images
from cnnviz.render import images as image_views


@pytest.fixture(autouse=True)
def english():
    """English wherever pytest runs (the Chinese tests below say lang="zh")."""
    with i18n.using("en"):
        yield


def correlate(image, kernel):
    """Valid cross-correlation as loops, written here independently of the package."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = sum(kernel[m, n] * image[i + m, j + n] for m in range(kh) for n in range(kw))
    return out


def test_every_map_is_the_image_cross_correlated_with_its_kernel():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 17, size=(8, 8)).astype(float)
    maps = images.feature_maps(image, images.KERNELS)
    assert [m.name for m in maps] == list(images.KERNELS)
    for m in maps:
        assert m.y.shape == (8 - m.kernel.shape[0] + 1, 8 - m.kernel.shape[1] + 1)
        assert np.allclose(m.y, correlate(image, m.kernel))
    assert {m.kernel.shape for m in maps} == {(2, 2), (3, 3)}


def test_the_edge_kernels_find_edges_of_their_direction_only():
    vertical_step = np.zeros((6, 6))
    vertical_step[:, 3:] = 16  # ink starts at column 4
    horizontal_step = vertical_step.T.copy()
    kernels = {k: images.KERNELS[k] for k in ("vertical edge", "horizontal edge")}
    v, h = images.feature_maps(vertical_step, kernels)
    assert (v.y[:, 2] == 32).all() and np.count_nonzero(v.y) == 5  # only the window across the edge
    assert (h.y == 0).all()
    v, h = images.feature_maps(horizontal_step, kernels)
    assert (v.y == 0).all() and (h.y[2, :] == 32).all() and np.count_nonzero(h.y) == 5


def test_the_blur_is_the_mean_of_each_3x3_window():
    rng = np.random.default_rng(1)
    image = rng.normal(size=(5, 6))
    (blur,) = images.feature_maps(image, {"blur": images.KERNELS["blur"]})
    means = np.array([[image[i:i + 3, j:j + 3].mean() for j in range(4)] for i in range(3)])
    assert np.allclose(blur.y, means)


@pytest.mark.parametrize("image, kernels, words", [
    (np.zeros((2, 2)), {"blur": np.ones((3, 3))}, "larger than the image"),
    (np.zeros(8), {"k": np.ones((2, 2))}, "must be a non-empty 2-D array"),
    ([[0, np.nan], [0, 0]], {"k": np.ones((1, 1))}, "finite numbers only"),
    (np.zeros((3, 3)), {}, "at least one kernel"),
    (np.zeros((3, 3)), {"k": [["a"]]}, "the kernel 'k'"),
])
def test_bad_images_and_kernels_raise_clearly(image, kernels, words):
    with pytest.raises((ValueError, TypeError), match=words):
        images.feature_maps(image, kernels)


def test_the_sample_image_is_an_8x8_digit_with_ink_from_0_to_16():
    image = images.sample_image()
    assert image.shape == (8, 8) and image.min() == 0 and image.max() == 16


# ---------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------
def _rgb(colour):
    return tuple(int(ch, 16) for ch in colour[1:])


def test_a_map_shows_every_value_and_its_sign_in_colour():
    y = np.array([[-4., 0.], [2., 4.]])
    (grid,) = image_views.shown_grids(image_views.diverging_grid(y, "y"))
    assert {name: value for name, (value, _) in grid.items()} == \
        {"y11": "-4", "y12": "0", "y21": "2", "y22": "4"}
    r, g, b = _rgb(grid["y11"][1])
    assert b == 15 and r < g < b and r < 3  # strongest negative: deep blue
    assert _rgb(grid["y12"][1]) == (15, 15, 15)  # zero: white
    r, g, b = _rgb(grid["y22"][1])
    assert r == 15 and r > g > b and b < 3  # strongest positive: deep orange
    assert _rgb(grid["y22"][1])[2] < _rgb(grid["y21"][1])[2] < 15  # half as strong: paler


def test_the_image_is_grey_from_white_paper_to_black_ink():
    (grid,) = image_views.shown_grids(image_views.grey_grid(np.array([[0., 8., 16.]]), "x", 0, 16))
    greys = [_rgb(grid[f"x1{c}"][1]) for c in (1, 2, 3)]
    assert all(r == g == b for r, g, b in greys)
    assert greys[0][0] == 15 and greys[2][0] == 0 and 0 < greys[1][0] < 15


def test_the_view_holds_the_image_every_kernel_and_every_map():
    image = images.sample_image()
    maps = images.feature_maps(image, {**images.KERNELS, "yours": np.eye(2)})
    view = image_views.feature_maps_view(image, maps, yours="yours")
    grids = image_views.shown_grids(view)
    assert len(grids) == 1 + 2 * len(maps)  # the image, then a kernel and its map per kernel
    assert float(grids[0]["x14"][0]) == image[0, 3]
    for m, kernel, y in zip(maps, grids[1::2], grids[2::2]):
        assert len(kernel) == m.kernel.size and len(y) == m.y.size
        assert all(float(y[f"y{i + 1}{j + 1}"][0]) == pytest.approx(m.y[i, j], abs=1e-3)
                   for i, j in np.ndindex(m.y.shape))
    assert "yours (2×2) ◀" in view and "blur (3×3)" in view and "<style>" in view


# ---------------------------------------------------------------------------------------
# The explorer
# ---------------------------------------------------------------------------------------
def test_the_explorer_follows_the_student_kernel():
    ex = cnnviz.FeatureMapExplorer()
    assert ex.maps[-1].name == "your kernel" and ex.stage.n_steps == 1
    ex.w_editor.slider(0, 0).value = -1
    ex.w_editor.slider(1, 1).value = 1
    assert np.allclose(ex.w, [[-1, 0], [0, 1]])
    assert np.allclose(ex.maps[-1].y, correlate(ex.image, ex.w))
    shown = image_views.shown_grids(ex.stage.frame)[-1]
    assert float(shown["y11"][0]) == correlate(ex.image, ex.w)[0, 0]
    ex.w = images.KERNELS["vertical edge"]
    first, yours = image_views.shown_grids(ex.stage.frame)[2], image_views.shown_grids(ex.stage.frame)[-1]
    assert first == yours  # your kernel set to the vertical edge: the same map, square by square


def test_the_explorer_picks_an_image_from_a_stack():
    rng = np.random.default_rng(2)
    stack = rng.integers(0, 17, size=(3, 6, 5)).astype(float)
    ex = cnnviz.FeatureMapExplorer(stack, w=[[0, 1], [0, 0]])
    ex.index.value = 2
    assert np.array_equal(ex.image, stack[2])
    assert np.allclose(ex.maps[-1].y, stack[2][:5, 1:])  # w12 = 1 picks x_i(j+1)
    assert "image 3 of 3" in ex.stage.captions[0]
    assert "image 6x5" in ex.summary() and "your W = [0 1; 0 0]" in ex.summary()


def test_an_explorer_with_a_bad_setting_says_so():
    with pytest.raises(ValueError, match="image must be one image"):
        cnnviz.FeatureMapExplorer(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="larger than the image"):
        cnnviz.FeatureMapExplorer(np.zeros((2, 2)), kernels={"big": np.ones((3, 3))})
    with pytest.raises(ValueError, match="your kernel"):
        cnnviz.FeatureMapExplorer(kernels={"your kernel": np.ones((2, 2))})
    ex = cnnviz.FeatureMapExplorer()
    frame = ex.stage.frame
    with pytest.raises(ValueError):
        ex.w = [[1, 2, 3]]
    assert ex.stage.frame == frame and np.allclose(ex.w, [[1, 0], [0, -1]])


def test_the_math_imports_no_widgets():
    code = ("import sys; import cnnviz.derivation.images, cnnviz.render.images; "
            "print('ipywidgets' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_a_nan_image_is_refused():
    with pytest.raises(ValueError, match="finite numbers only"):
        cnnviz.FeatureMapExplorer([[0, np.inf], [0, 0]])


def test_kernels_take_their_tints_from_the_one_palette_of_the_colour_module():
    from pathlib import Path

    from cnnviz.render import colour
    kernel = np.array([[-1., 0.], [0.5, 2.]])
    (grid,) = image_views.shown_grids(image_views.kernel_grid(kernel))
    scale = colour.scale_for(kernel)
    assert scale == 2.0
    assert {name: c for name, (_, c) in grid.items()} == {
        "w11": colour.NEGATIVE[3], "w12": colour.ZERO, "w21": colour.POSITIVE[1],
        "w22": colour.POSITIVE[6]}  # |-1| is 4/8 of the scale: step 4 of 7; 0.5: step 2
    # one copy of the tints: the view asks the colour module, it keeps no list of its own
    source = Path(image_views.__file__).read_text(encoding="utf-8").lower()
    assert not any(tint in source for tint in (*colour.NEGATIVE, *colour.POSITIVE))


# ---------------------------------------------------------------------------------------
# In Chinese: the same maps, the kernels by notebook 01's Chinese names
# ---------------------------------------------------------------------------------------
def test_a_chinese_feature_map_explorer_shows_no_english_words_and_the_same_maps():
    import re

    from zh_words import english_in, explorer_texts, visible_text
    stack = np.random.default_rng(4).integers(0, 17, size=(3, 8, 8)).astype(float)
    zh = cnnviz.FeatureMapExplorer(stack, lang="zh")
    en = cnnviz.FeatureMapExplorer(stack, lang="en")
    zh.index.value = en.index.value = 1
    assert english_in(explorer_texts(zh)) == {}
    assert zh.stage.lang == "zh" and zh.w_editor.title == "W（你的卷积核）"
    assert zh.index.description == "图像"
    assert zh.stage.captions == ["4 张特征图（第 2/3 幅图像）"]
    # the kernels keep their names in the maps; the view says them as notebook 01 does
    assert [m.name for m in zh.maps] == [m.name for m in en.maps]
    text = visible_text(zh.stage.frame)
    titles = re.findall(r"(\S+)（(\d)×(\d)）", text)
    assert titles == [("竖直边缘", "2", "2"), ("水平边缘", "2", "2"), ("模糊", "3", "3"),
                      ("你的卷积核", "2", "2")]
    assert "你的卷积核（2×2） ◀" in text and "X（图像）" in text
    # the same squares, the same values and colours; each map equals the loops' convolution
    grids = image_views.shown_grids(zh.stage.frame)
    assert grids == image_views.shown_grids(en.stage.frame)
    kernels = [images.KERNELS["vertical edge"], images.KERNELS["horizontal edge"],
               images.KERNELS["blur"], zh.w]
    for kernel, shown in zip(kernels, grids[2::2], strict=True):
        want = correlate(stack[1], kernel)
        assert all(float(shown[f"y{i + 1}{j + 1}"][0]) == pytest.approx(want[i, j], abs=1e-3)
                   for i, j in np.ndindex(want.shape))
        low, high = image_views.format_number(want.min()), image_views.format_number(want.max())
        assert f"Y {want.shape[0]}×{want.shape[1]}：从 {low} 到 {high}" in text
    assert f"8×8 像素，从 {image_views.format_number(stack[1].min())}（白）到 " \
           f"{image_views.format_number(stack[1].max())}（黑）" in text


def test_a_kernel_of_its_own_name_keeps_it_in_chinese():
    maps = images.feature_maps(images.sample_image(), {"mine": np.eye(2), "blur": np.ones((3, 3)) / 9})
    view = image_views.feature_maps_view(images.sample_image(), maps, yours="mine", lang="zh")
    assert "mine（2×2） ◀" in view and "模糊（3×3）" in view
    assert image_views.kernel_name("horizontal edge", "zh") == "水平边缘"
