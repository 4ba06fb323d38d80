"""make site: the static pages play their stages in Chromium with no kernel and no network.

The site is built (tools/site.py) from the committed notebooks/ and from a scratch collection
executed here (two small notebooks: markdown math, a code span and a code block holding $, a
link between them, the conv explorers, an IPython Math output and a matplotlib figure).
Each page is opened from file:// in its own browser context where every request that is not
a file:// URL is blocked and recorded; then, for every page:
  * nothing was requested from outside the machine, no console error, no page error;
  * the markdown shows no $ outside code (math is MathML, made at build time);
  * every stage with more than one frame plays (its data-step moves), steps (→ and ← on the
    focused stage, the step buttons) and scrubs (the range input), and the frame shown is
    the frame of its step;
and the index page links every notebook, in order, under its title, and then the derivation
page (notebooks/derivation.md), which shows no $ either; it links the Chinese edition's index
(site/zh/index.html), which links every Chinese page, whose pages pass the same checks, and then
the derivation's Chinese page (notebooks/zh/derivation.md -> site/zh/derivation.html), which opens
under its Chinese heading and shows no $ either.
"""
import html
import importlib.util
import re

import nbformat
import pytest

from cnnviz.explorers.stage import SPEEDS
from lab import NOTEBOOKS, ROOT

SITE_PY = ROOT / "tools" / "site.py"
VIEWPORT = {"width": 1300, "height": 1000}
PLAY_TIMEOUT = 8_000  # ms for a playing stage to move on (the fast speed steps every 0.4 s)
COMMITTED = sorted(p.stem for p in NOTEBOOKS.iterdir() if re.match(r"^\d\d_.+\.ipynb$", p.name))
# The Chinese edition (notebooks/zh/ -> site/zh/, its own index linked from site/index.html).
COMMITTED_ZH = sorted(p.stem for p in (NOTEBOOKS / "zh").glob("[0-9][0-9]_*.ipynb"))
ZH_DERIVATION = NOTEBOOKS / "zh" / "derivation.md"  # its derivation page (site/zh/derivation.html)
SCRATCH = ["01_scratch", "02_other"]


def load_builder():
    spec = importlib.util.spec_from_file_location("cnnviz_site_builder", SITE_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site = load_builder()


def scratch_notebooks(folder):
    """Two small notebooks, executed (their outputs saved as a notebook run in the lab would)."""
    from nbclient import NotebookClient

    v4 = nbformat.v4
    first = v4.new_notebook(cells=[
        v4.new_markdown_cell(
            "# Scratch: the entry $x_{11}$\n\n"
            "The output $y = 1$ is\n\n$$y = 1$$\n\n"
            "Code keeps its dollars: `echo $HOME$` and a price of \\$5.\n\n"
            "Next: [the other notebook](02_other.ipynb)."),
        v4.new_code_cell("import cnnviz\ncnnviz.ConvForwardExplorer()"),
        v4.new_code_cell("cnnviz.ConvBackwardExplorer().scatter_x()"),
        v4.new_markdown_cell("## A block of code\n\n```bash\necho $x$ $$y$$\n```\n\n"
                             "and $$\\frac{\\partial L}{\\partial x_{11}} = \\sum_{i,j} "
                             "\\frac{\\partial L}{\\partial y_{ij}}$$"),
    ])
    second = v4.new_notebook(cells=[
        v4.new_markdown_cell("# The other one, with $\\partial L/\\partial W$\n\n"
                             "Back to [the scratch notebook](01_scratch.ipynb#Scratch)."),
        v4.new_code_cell("from IPython.display import Math\nMath(r'\\frac{a}{b} = 2')"),
        v4.new_code_cell("%matplotlib inline\nimport matplotlib.pyplot as plt\n"
                         "plt.figure(figsize=(2, 1.5)); plt.plot([0, 1], [1, 0]); plt.show()"),
    ])
    for name, nb in zip(SCRATCH, (first, second)):
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
        nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


@pytest.fixture(scope="module")
def committed_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, site.build_site(out, NOTEBOOKS)


@pytest.fixture(scope="module")
def scratch_site(tmp_path_factory):
    notebooks = scratch_notebooks(tmp_path_factory.mktemp("scratch_notebooks"))
    out = tmp_path_factory.mktemp("scratch_site")
    return out, site.build_site(out, notebooks)


@pytest.fixture
def sites(request):
    return {"committed": lambda: request.getfixturevalue("committed_site"),
            "scratch": lambda: request.getfixturevalue("scratch_site")}


def open_offline(browser, path):
    """``path`` in a fresh context; what it asked for outside file://, console errors, page errors."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    outside, errors = [], []

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda err: errors.append(f"page error: {err}"))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, outside, errors


STAGE_STATE = """(root) => {
  const host = root.closest('[data-cnnviz-stage]');
  const key = host.getAttribute('data-cnnviz-stage');
  const saved = (window.cnnvizSiteTest ??= new Map());
  if (!saved.has(key)) {
    const data = document.querySelector(`[data-cnnviz-stage-data="${key}"]`);
    const state = JSON.parse(data.textContent);  // frames packed: pieces, and their numbers
    const pieces = state.frames.pieces;
    state.frames = state.frames.frames.map((f) => f.split(' ').map((n) => pieces[Number(n)]).join(''));
    saved.set(key, state);
  }
  const state = saved.get(key);
  const step = Number(root.dataset.step);
  const probe = document.createElement('div');
  probe.innerHTML = state.frames[step] || '';
  return {step, n: state.frames.length, scrub: Number(root.querySelector('.cnnviz-stage-scrub').value),
          frameOk: root.querySelector('.cnnviz-stage-frame').innerHTML === probe.innerHTML,
          caption: root.querySelector('.cnnviz-stage-caption').textContent,
          captionOk: root.querySelector('.cnnviz-stage-caption').textContent === (state.captions[step] || ''),
          playing: root.dataset.playing};
}"""

MARKDOWN_DOLLARS = """() => [...document.querySelectorAll('.jp-MarkdownOutput')].map((cell) => {
  const copy = cell.cloneNode(true);
  copy.querySelectorAll('code, pre, kbd, samp, math').forEach((e) => e.remove());
  return copy.textContent;
}).filter((text) => /\\$(?!\\d)/.test(text))"""


def start_playing(root):
    """From the first step, at the fast speed, looping (so that it is still playing when the
    test pauses it, not stopping on its own at that moment): click play."""
    root.scroll_into_view_if_needed()
    root.locator(".cnnviz-stage-first").click()
    root.locator(".cnnviz-stage-speed").select_option(str(SPEEDS["fast"]))  # any language
    root.locator(".cnnviz-stage-loop input").check()
    root.locator(".cnnviz-stage-play").click()


def check_stage(page, root, where):
    """Pause a playing stage, then step (keys and buttons) and scrub it; what went wrong."""
    problems = []
    state = lambda: root.evaluate(STAGE_STATE)  # noqa: E731
    n = state()["n"]

    def expect(step, how):
        now = state()
        if now["step"] != step or now["scrub"] != step or not now["frameOk"] or not now["captionOk"]:
            problems.append(f"{where}: after {how} expected step {step}, got {now}")

    if state()["playing"] != "true":
        problems.append(f"{where}: a looping stage stopped playing by itself ({state()})")
    root.locator(".cnnviz-stage-play").click()
    if state()["playing"] != "false":
        problems.append(f"{where}: pause did not stop the stage ({state()})")
    root.locator(".cnnviz-stage-first").click()
    expect(0, "⏮")
    root.focus()
    page.keyboard.press("ArrowRight")
    expect(1, "→")
    page.keyboard.press("ArrowLeft")
    expect(0, "←")
    page.keyboard.press("End")
    expect(n - 1, "End")
    page.keyboard.press("Home")
    expect(0, "Home")
    root.locator(".cnnviz-stage-forward").click()
    expect(1, "step ▶")
    root.locator(".cnnviz-stage-back").click()
    expect(0, "◀ step")
    for target in (n - 1, n // 2):
        root.locator(".cnnviz-stage-scrub").evaluate(
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }",
            target)
        expect(target, f"scrubbing to {target}")
    return problems


# Whether each stage has left its first step since play: remembered, because a looping stage of
# two frames is back on step 0 every other tick, and several of them need not be off it together.
PLAYED = """(roots) => roots.map((root) => (root.cnnvizMoved ||= root.dataset.step !== '0'))"""


def check_page(browser, path):
    """Open ``path`` offline; every stage with more than one frame plays (all at once), steps
    and scrubs. The number of stages and of stages that have more than one frame."""
    context, page, outside, errors = open_offline(browser, path)
    try:
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        stages = page.locator(".cnnviz-stage")
        page_stages = page.locator(".cnnviz-stage-static").count()
        assert stages.count() == page_stages, \
            f"{path.name}: {page_stages} static stage(s) but {stages.count()} rendered"
        many = [stages.nth(i) for i in range(page_stages)
                if stages.nth(i).evaluate(STAGE_STATE)["n"] > 1]
        for root in many:
            start_playing(root)
        handles = [root.element_handle() for root in many]
        problems = []
        try:
            page.wait_for_function(f"(roots) => ({PLAYED})(roots).every(Boolean)", arg=handles,
                                   timeout=PLAY_TIMEOUT)
        except Exception:
            moved = page.evaluate(PLAYED, handles)
            problems += [f"{path.name} stage {i + 1}: play did not move the step within "
                         f"{PLAY_TIMEOUT} ms" for i, ok in enumerate(moved) if not ok]
        for i, root in enumerate(many):
            problems += check_stage(page, root, f"{path.name} stage {i + 1}")
        dollars = page.evaluate(MARKDOWN_DOLLARS)
        assert not outside, f"{path.name} asked for {len(outside)} URL(s) outside file://: {outside[:5]}"
        assert not errors, f"{path.name}: {errors[:5]}"
        assert not problems, "\n".join(problems)
        assert not dollars, f"{path.name}: markdown shows $ (math not converted): {dollars[:2]}"
        return page_stages, len(many)
    finally:
        context.close()


# --- what the build writes ------------------------------------------------------------------


def test_committed_notebooks_are_found():
    assert COMMITTED, f"no NN_*.ipynb in {NOTEBOOKS}"


@pytest.mark.parametrize("which", ["committed", "scratch"])
def test_pages_are_self_contained(sites, which):
    out, pages = sites[which]()
    names = COMMITTED if which == "committed" else SCRATCH
    assert [p.html.name for p in pages] == [f"{name}.html" for name in names]
    for path in [p.html for p in pages] + [out / "index.html"]:
        text = path.read_text(encoding="utf-8")
        assert site.external_references(text) == [], path.name
        assert not re.search(r"<script\b[^>]*\bsrc=", text, flags=re.I), path.name
        assert not re.search(r"<link\b[^>]*\bhref=", text, flags=re.I), path.name
        for word in ("mathjax", "require.js", "requirejs", "unpkg", "jsdelivr", "cdnjs",
                     "application/vnd.jupyter.widget-state+json",
                     "application/vnd.jupyter.widget-view+json", "CNNVIZMATH"):
            assert word.lower() not in text.lower(), f"{path.name} holds {word!r}"
        assert not re.search(r'href="(?![a-z]+:|#)[^"]*\.ipynb', text), f"{path.name} links a notebook"
        for src in re.findall(r'<img\b[^>]*\bsrc="([^"]*)"', text):
            assert src.startswith("data:image/"), f"{path.name}: image {src[:60]}"
    for page in pages:
        assert page.math_failures == [], f"{page.notebook.name}: {page.math_failures}"
        assert page.widgets_missing == [], f"{page.notebook.name}: no saved state for widgets"


def test_scratch_pages_hold_stages_and_mathml(scratch_site):
    out, pages = scratch_site
    first, second = (p.html.read_text(encoding="utf-8") for p in pages)
    assert pages[0].stages >= 2 and pages[0].stages == first.count('class="cnnviz-stage-static"')
    assert pages[0].title == "Scratch: the entry $x_{11}$"
    markdown = re.sub(r"<script\b.*?</script>", "", first, flags=re.S)  # not the stages' frames
    assert markdown.count("<math") == pages[0].math == 4  # x11, y = 1 twice, and the sum
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">' in first
    assert "<msub><mi>x</mi><mn>11</mn></msub>" in without_mrow(first)
    text = html.unescape(re.sub(r"<[^>]+>", "", markdown))
    assert "echo $HOME$" in text and "echo $x$ $$y$$" in text and "price of $5" in text
    assert 'href="02_other.html"' in first and 'href="01_scratch.html#Scratch"' in second
    assert "<mfrac><mi>a</mi><mi>b</mi></mfrac>" in without_mrow(second)  # IPython Math output
    assert re.search(r'<img\b[^>]*src="data:image/png;base64,', second)
    # the sliders, inert, with the values saved in the widget state
    ranges = re.findall(r'<label class="cnnviz-static-slider">([^<]*)<input([^>]*)>\s*<b>([^<]*)</b>', first)
    assert len(ranges) == 9 + 4 + 4 + 4 + 4  # X, W, b; W, ∂L/∂Y (not the hidden shared b)
    assert "b (one per position)" in first and "b (shared)" not in first
    assert all('type="range"' in attrs and "disabled" in attrs for _, attrs, _ in ranges)
    x11 = next(attrs for label, attrs, shown in ranges if label.strip() == "x₁₁" and shown == "1")
    assert all(f in x11 for f in ('min="-5"', 'max="5"', 'value="1"'))
    assert "open it in JupyterLab" in first and "cnnviz-site-chosen" in first
    keys = re.findall(r'class="cnnviz-stage-static" data-cnnviz-stage="([^"]+)"', first)
    assert len(keys) == len(set(keys)) == pages[0].stages


def without_mrow(text):
    return re.sub(r"</?mrow>", "", text)


def test_math_is_found_outside_code_only():
    store = site.MathStore()
    text = site.replace_math("a $x$ `$y$` b\n```\n$z$\n```\n<code>$w$</code> \\$1 $$u$$ $ 5 $", store)
    assert [tex for tex, _ in store.items] == ["x", "u"]
    assert "`$y$`" in text and "\n$z$\n" in text and "<code>$w$</code>" in text and "\\$1" in text
    assert text.endswith("$ 5 $")


# --- in the browser -------------------------------------------------------------------------


@pytest.mark.parametrize("which,name", [("committed", n) for n in COMMITTED]
                         + [("scratch", n) for n in SCRATCH])
def test_page_offline_plays(browser, sites, which, name):
    out, pages = sites[which]()
    stages, played = check_page(browser, out / f"{name}.html")
    if which == "scratch" and name == SCRATCH[0]:
        assert stages >= 2 and played == stages, (stages, played)


@pytest.mark.parametrize("which", ["committed", "scratch"])
def test_index_links_every_notebook(browser, sites, which):
    out, pages = sites[which]()
    context, page, outside, errors = open_offline(browser, out / "index.html")
    try:
        links = page.locator("ol.cnnviz-site-notebooks a")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        texts = [links.nth(i).inner_text().strip() for i in range(links.count())]
        assert hrefs == [p.html.name for p in pages]
        assert not outside and not errors, (outside, errors)
        for i, p in enumerate(pages):
            links.nth(i).click()
            page.wait_for_url(p.html.as_uri())
            heading = page.locator(".jp-MarkdownOutput :is(h1, h2, h3, h4, h5, h6)").first
            assert texts[i] and texts[i] == heading.inner_text().replace("¶", "").strip(), p.html.name
            assert page.title() == site.title_text(p.title)
            page.go_back()
            page.wait_for_url((out / "index.html").as_uri())
        derivation = page.locator(".cnnviz-site-derivation a")
        if which == "committed":  # notebooks/derivation.md: its page, after the notebooks
            assert derivation.count() == 1 and derivation.get_attribute("href") == "derivation.html"
            derivation.click()
            page.wait_for_url((out / "derivation.html").as_uri())
            heading = page.locator(".jp-MarkdownOutput h1").first.inner_text().replace("¶", "").strip()
            assert heading == derivation_text(derivation_source()) and page.title() == heading
            assert not page.evaluate(MARKDOWN_DOLLARS), "the derivation page shows $"
            page.go_back()
        else:
            assert derivation.count() == 0
        assert not outside and not errors, (outside, errors)
    finally:
        context.close()
    if which == "committed":
        check_page(browser, out / "derivation.html")


def derivation_source(path=None):
    return (path or NOTEBOOKS / site.DERIVATION).read_text(encoding="utf-8")


def derivation_text(markdown):
    return site.title_text(re.search(r"^# (.+)$", markdown, flags=re.M).group(1))


def test_cli_builds_the_default_layout(tmp_path):
    """``python tools/site.py OUT --notebooks DIR`` (what make site runs), as a subprocess."""
    import subprocess
    import sys

    (tmp_path / "nb").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# One $a$\n\nText.")])
    nbformat.write(nb, tmp_path / "nb" / "01_one.ipynb")
    nbformat.write(nb, tmp_path / "nb" / "notes.ipynb")  # not NN_*: not part of the site
    done = subprocess.run([sys.executable, str(SITE_PY), str(tmp_path / "out"),
                           "--notebooks", str(tmp_path / "nb")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.html")) == ["01_one.html", "index.html"]
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="01_one.html"' in index and "<math" in index
    assert "01_one.html" in done.stdout


# --- the Chinese edition ------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMMITTED_ZH)
def test_zh_page_offline_plays(browser, committed_site, name):
    out, _ = committed_site
    stages, played = check_page(browser, out / "zh" / f"{name}.html")
    assert stages >= 1


def test_index_links_the_chinese_edition(browser, committed_site):
    if not COMMITTED_ZH:
        pytest.skip("no Chinese notebooks committed")
    out, _ = committed_site
    context, page, outside, errors = open_offline(browser, out / "index.html")
    try:
        page.locator('.cnnviz-site-edition a[href="zh/index.html"]').click()
        page.wait_for_url((out / "zh" / "index.html").as_uri())
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        links = page.locator("ol.cnnviz-site-notebooks a")
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == \
            [f"{name}.html" for name in COMMITTED_ZH]
        for i, name in enumerate(COMMITTED_ZH):
            text = links.nth(i).inner_text().strip()
            links.nth(i).click()
            page.wait_for_url((out / "zh" / f"{name}.html").as_uri())
            heading = page.locator(".jp-MarkdownOutput :is(h1, h2, h3, h4, h5, h6)").first
            assert text and text == heading.inner_text().replace("¶", "").strip()
            assert page.locator("html").get_attribute("lang") == "zh-CN"
            page.go_back()
            page.wait_for_url((out / "zh" / "index.html").as_uri())
        derivation = page.locator(".cnnviz-site-derivation a")
        assert derivation.count() == 1 and derivation.get_attribute("href") == "derivation.html"
        derivation.click()
        page.wait_for_url((out / "zh" / "derivation.html").as_uri())
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        heading = page.locator(".jp-MarkdownOutput h1").first.inner_text().replace("¶", "").strip()
        assert heading == derivation_text(derivation_source(ZH_DERIVATION)) and page.title() == heading
        assert re.search(r"[\u4e00-\u9fff]", heading), heading
        assert not page.evaluate(MARKDOWN_DOLLARS), "the Chinese derivation page shows $"
        page.locator('a[href="../derivation.html"]').first.click()  # the English page
        page.wait_for_url((out / "derivation.html").as_uri())
        assert not outside and not errors, (outside, errors)
    finally:
        context.close()
    check_page(browser, out / "zh" / "derivation.html")
