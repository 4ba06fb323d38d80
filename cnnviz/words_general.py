"""Catalog entries (see cnnviz.words) for the explorers of general: {id: {"en": ..., "zh": ...}}."""
WORDS = {
}
