// The stage: steps through frames computed in Python, all in the browser (no kernel message).
// model: frames (HTML per step, packed: see unpack), captions, title, step (asked by Python),
// error, interval, loop. labels: the stage's words in its language, from Python's catalog
// (cnnviz/words.py, ids stage.*): this module holds none of its own.
// The same module plays a static copy (no kernel): a read-only stand-in for the model.
const KEYS = { ArrowRight: 1, ArrowLeft: -1 };

function button(cls, label, title) {
  const b = document.createElement("button");
  b.className = "cnnviz-stage-button " + cls;
  b.type = "button";
  b.textContent = label;
  b.title = title;
  b.setAttribute("aria-label", title);
  return b;
}

// Frames come packed: every piece of HTML once, each frame as the numbers of its pieces.
function unpack(packed) {
  if (!packed) return [];
  if (Array.isArray(packed)) return packed;
  const piece = (n) => packed.pieces[Number(n)];
  return packed.frames.map((numbers) => numbers.split(" ").filter(Boolean).map(piece).join(""));
}

function render({ model, el, labels }) {
  const say = (key) => (labels && labels[key]) || key;
  let step = 0, timer = null, all = [];
  const frames = () => all;
  const root = document.createElement("div");
  root.className = "cnnviz-stage";
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.innerHTML =
    "<div class='cnnviz-stage-title'></div><div class='cnnviz-stage-error' role='alert'></div>" +
    "<div class='cnnviz-stage-controls'></div><div class='cnnviz-stage-caption' aria-live='polite'>" +
    "</div><div class='cnnviz-stage-frame'></div>";
  const [title, error, controls, caption, frame] = root.children;
  const play = button("cnnviz-stage-play", say("play"), say("play_title"));
  const first = button("cnnviz-stage-first", say("first"), say("first_title"));
  const back = button("cnnviz-stage-back", say("back"), say("back_title"));
  const forward = button("cnnviz-stage-forward", say("forward"), say("forward_title"));
  const last = button("cnnviz-stage-last", say("last"), say("last_title"));
  const scrub = document.createElement("input");
  scrub.type = "range";
  scrub.className = "cnnviz-stage-scrub";
  scrub.min = 0;
  scrub.setAttribute("aria-label", say("step"));
  const speed = document.createElement("select");
  speed.className = "cnnviz-stage-speed";
  speed.setAttribute("aria-label", say("speed"));
  for (const [name, ms] of [["slow", 1600], ["medium", 900], ["fast", 400]]) {
    speed.add(new Option(say(name), ms, false, ms === model.get("interval")));
  }
  const loop = document.createElement("label");
  loop.className = "cnnviz-stage-loop";
  loop.innerHTML = "<input type='checkbox'> ";
  loop.append(say("loop"));
  loop.firstChild.checked = !!model.get("loop");
  const projector = button("cnnviz-stage-projector", say("projector"), say("projector_title"));
  projector.setAttribute("aria-pressed", "false");
  const stepping = [play, first, back, forward, last, scrub, speed, loop];
  controls.append(...stepping, projector);

  let drawn = null;  // the HTML in the frame now: a frame is parsed again only when it changed
  function show(n) {
    const all = frames();
    step = Math.max(0, Math.min(n, all.length - 1));
    if ((all[step] || "") !== drawn) frame.innerHTML = drawn = all[step] || "";
    caption.textContent = (model.get("captions") || [])[step] || "";
    scrub.value = step;
    root.dataset.step = step;
  }
  function stop() {
    clearInterval(timer);
    timer = null;
    play.textContent = say("play");
    root.dataset.playing = "false";
  }
  function tick() {
    const n = frames().length;
    if (step + 1 < n) show(step + 1);
    else if (loop.firstChild.checked) show(0);
    else stop();
  }
  function start() {
    if (step + 1 >= frames().length && !loop.firstChild.checked) show(0);
    clearInterval(timer);
    timer = setInterval(tick, Number(speed.value));
    play.textContent = say("pause");
    root.dataset.playing = "true";
  }
  const toggle = () => (timer ? stop() : start());
  const go = (n) => { stop(); show(n); };
  function refresh() {  // new frames: keep the current step, as far as it still exists
    all = unpack(model.get("frames"));
    const n = all.length;
    scrub.max = Math.max(n - 1, 0);
    for (const c of stepping) c.hidden = n < 2;
    if (n < 2) stop();
    title.textContent = model.get("title") || "";
    title.hidden = !title.textContent;
    error.textContent = model.get("error") || "";
    error.hidden = !error.textContent;
    root.classList.toggle("cnnviz-stage-stale", !!error.textContent);
    show(step);
  }

  play.onclick = toggle;
  first.onclick = () => go(0);
  back.onclick = () => go(step - 1);
  forward.onclick = () => go(step + 1);
  last.onclick = () => go(frames().length - 1);
  scrub.oninput = () => go(Number(scrub.value));
  speed.onchange = () => { if (timer) start(); };
  projector.onclick = () => {
    const on = root.classList.toggle("cnnviz-stage-projector-on");
    projector.setAttribute("aria-pressed", String(on));
  };
  root.addEventListener("keydown", (event) => {
    if (event.target.tagName === "SELECT") return;
    let handled = true;
    if (event.key in KEYS) go(step + KEYS[event.key]);
    else if (event.key === " ") toggle();
    else if (event.key === "Home") go(0);
    else if (event.key === "End") go(frames().length - 1);
    else handled = false;
    if (handled) {  // the stage's keys are not JupyterLab's shortcuts
      event.preventDefault();
      event.stopPropagation();
    }
  });

  model.on("change:frames", refresh);
  model.on("change:captions", () => show(step));
  model.on("change:title", refresh);
  model.on("change:error", refresh);
  model.on("change:step", () => go(model.get("step")));
  step = model.get("step") || 0;
  refresh();
  el.append(root);
  return () => stop();
}

// A read-only stand-in for the model, fed from a static copy's JSON (no kernel).
function staticModel(state) {
  return { get: (name) => state[name], on() {}, set() {}, save_changes() {} };
}

export default { render };
export { render, staticModel };
