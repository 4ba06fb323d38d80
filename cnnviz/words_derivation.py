"""Catalog entries (see cnnviz.words) of cnnviz.derivation's own messages (ids "formulas.*",
"geometry.*", "matrix_form.*", "pitfalls.*", "chain_math.*", "learning.*", "images.*",
"tinycnn.*", "exercises.*"): what a ValueError or TypeError says about the arguments at fault,
in the notebook's language.

Names and math stay as they are in both languages; the Chinese follows the derivation's terms
and notebook 00's glossary.
"""
WORDS = {
}
