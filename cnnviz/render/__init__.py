"""State -> HTML (and matplotlib figures): pure functions of numbers and traces, no widgets."""
