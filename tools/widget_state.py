"""A notebook's saved widget state, without the traits that still have their default value.

JupyterLab's widget manager restores a saved model over the defaults of its model class, so a
trait at its default need not be saved: a slider's layout, for one, is forty traits of which
one or two are set. ``prune`` drops them when a notebook is built (tools/notebooks.py);
``complete`` puts them back for a reader of the saved state (tools/site.py). Only the models
of ipywidgets itself are pruned, whose defaults are the same in Python and in the browser.
"""
import ipywidgets

_KEEP = ("_model_", "_view_")  # which model class to make: always saved


def _classes():
    """(model module, version, model name) -> the ipywidgets class of that model."""
    found = {}
    for value in vars(ipywidgets).values():
        if isinstance(value, type) and issubclass(value, ipywidgets.Widget):
            traits = value.class_traits()
            key = tuple(traits[name].default_value for name in
                        ("_model_module", "_model_module_version", "_model_name"))
            found.setdefault(key, value)
    return found


_DEFAULTS = {}


def defaults(state):
    """The default state of the model that ``state`` was saved from ({} if not ipywidgets')."""
    key = (state.get("_model_module"), state.get("_model_module_version"), state.get("_model_name"))
    if key not in _DEFAULTS:
        cls = _classes().get(key)
        if cls is None or key[0] not in ("@jupyter-widgets/base", "@jupyter-widgets/controls"):
            _DEFAULTS[key] = {}
        else:
            widget = cls()
            _DEFAULTS[key] = {k: v for k, v in widget.get_state().items()
                              if k not in ("layout", "style")}  # references to other models
            widget.close()
    return _DEFAULTS[key]


def prune(models):
    """The saved models ({id: {"model_name", ..., "state": {...}}}) without default traits."""
    for model in models.values():
        default = defaults(model["state"])
        model["state"] = {k: v for k, v in model["state"].items()
                          if k.startswith(_KEEP) or k not in default or default[k] != v}
    return models


def complete(models):
    """The saved models with every default trait put back (the inverse of ``prune``)."""
    for model in models.values():
        model["state"] = {**defaults(model["state"]), **model["state"]}
    return models
