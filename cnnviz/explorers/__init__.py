"""The explorers: ipywidgets sliders for the numbers, stages that step in the browser."""
