// A stage's own module: it imports the stage module (stage.js), its stylesheet and its words
// from the kernel's one StageCode model, so that a notebook saves them once, not with every stage.
const modules = (globalThis.cnnvizStageModules ||= new Map());
export default {
  async render({ model, el }) {
    const code = await model.widget_manager.get_model(model.get("code").replace("IPY_MODEL_", ""));
    const source = code.get("source");
    if (!modules.has(source)) {
      document.head.append(Object.assign(document.createElement("style"), { textContent: code.get("css") }));
      modules.set(source, import(URL.createObjectURL(new Blob([source], { type: "text/javascript" }))));
    }
    // the stage's words, in its language, from the catalog (Python)
    const labels = (code.get("labels") || {})[model.get("lang")] || (code.get("labels") || {}).en;
    return (await modules.get(source)).render({ model, el, labels });
  },
};
