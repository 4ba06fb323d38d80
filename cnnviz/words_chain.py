"""Catalog entries (see cnnviz.words) for the explorers of chain: {id: {"en": ..., "zh": ...}}."""
WORDS = {
}
