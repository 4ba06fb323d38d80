// A stage's own module: it loads the stage module (stage.js) from the one StageCode model of
// the kernel, so that a notebook saves that module once, not with every stage.
const loaded = (globalThis.cnnvizStageModules ||= new Map());

async function stageModule(model) {
  const code = await model.widget_manager.get_model(model.get("code").replace("IPY_MODEL_", ""));
  const source = code.get("source");
  if (!loaded.has(source)) {
    const style = document.createElement("style");
    style.textContent = code.get("css");
    document.head.append(style);
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    loaded.set(source, import(url));
  }
  return loaded.get(source);
}

export default {
  async render({ model, el }) {
    const { render } = await stageModule(model);
    return render({ model, el });
  },
};
