"""Catalog entries (see cnnviz.words) for the explorers of matrix: {id: {"en": ..., "zh": ...}}."""
WORDS = {
}
