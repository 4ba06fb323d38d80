"""Catalog entries (see cnnviz.words) of the operations' own messages (cnnviz.layers; ids
"args.*", "ops.*", "steps.*", "gradcheck.*"): what a ValueError or TypeError says about the
shapes or values at fault, in the notebook's language.

Names and math (x, w, dy, (3, 3), H_out, stride, padding as a Python argument) stay as they are
in both languages; the Chinese follows the derivation's terms and notebook 00's glossary.
"""
WORDS = {
}
