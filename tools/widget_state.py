"""A notebook's saved widget state, without what the browser would fill in by itself.

JupyterLab's widget manager makes a saved model from the class the saved entry names
(``model_module``, ``model_module_version``, ``model_name``) and sets the saved state over the
defaults of that class. So a trait at its default need not be saved: a slider's layout, for one,
is forty traits of which one or two are set, and the ``_model_*``/``_view_*`` traits repeat
what the entry already names. ``prune`` drops them when a notebook is built
(tools/notebooks.py), and drops the layout and style models left with nothing to set, with the
references to them (a view with no layout model keeps the default layout). ``complete`` puts the
defaults back for a reader of the saved state (tools/site.py). Only the models of ipywidgets
itself are pruned, whose defaults are the same in Python and in the browser.
"""
import json

import ipywidgets

_REF = "IPY_MODEL_"
_STYLING = ("layout", "style")  # references to models that only style a view


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _classes():
    """(model module, version, model name) -> the ipywidgets class of that model (all of
    them: some, like HTMLStyle, are not exported at the top of the package)."""
    found = {}
    for cls in (ipywidgets.Widget, *_subclasses(ipywidgets.Widget)):
        if not cls.__module__.startswith("ipywidgets."):
            continue
        traits = cls.class_traits()
        key = tuple(traits[name].default_value for name in
                    ("_model_module", "_model_module_version", "_model_name"))
        found.setdefault(key, cls)
    return found


_DEFAULTS = {}


def defaults(model):
    """The default state of a saved model ({} if it is not one of ipywidgets')."""
    key = (model.get("model_module"), model.get("model_module_version"), model.get("model_name"))
    if key not in _DEFAULTS:
        cls = _classes().get(key)
        if cls is None or key[0] not in ("@jupyter-widgets/base", "@jupyter-widgets/controls"):
            _DEFAULTS[key] = {}
        else:
            widget = cls()
            state = json.loads(json.dumps(widget.get_state()))  # as saved: tuples are lists
            _DEFAULTS[key] = {k: v for k, v in state.items() if k not in _STYLING}
            widget.close()
    return _DEFAULTS[key]


def prune(models):
    """The saved models ({id: {"model_name", ..., "state": {...}}}) without default traits,
    and without the layout and style models that set nothing."""
    for model in models.values():
        default = defaults(model)
        model["state"] = {k: v for k, v in model["state"].items()
                          if k not in default or default[k] != v}
    empty = {_REF + key for key, model in models.items()
             if model["state"] == {} and model["model_name"].endswith(("LayoutModel", "StyleModel"))}
    for model in models.values():
        for name in _STYLING:
            if model["state"].get(name) in empty:
                del model["state"][name]
    used = {ref for model in models.values() for ref in _references(model["state"])}
    for ref in empty - used:
        del models[ref.removeprefix(_REF)]
    return models


def _references(value):
    if isinstance(value, str):
        return [value] if value.startswith(_REF) else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []


def complete(models):
    """The saved models with every default trait put back (the inverse of ``prune``, but for
    the layout and style models that set nothing: a reader takes a missing one as default)."""
    for model in models.values():
        model["state"] = {**defaults(model), **model["state"]}
    return models
