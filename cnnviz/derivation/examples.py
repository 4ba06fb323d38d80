"""The numbers the notebooks start from: small integers a student can add up in their head.

The derivation gives no numbers; these fill in its setting (X 3x3, W 2x2, b 2x2, stride 1).
Functions return fresh arrays, so changing one never changes the defaults.

>>> worked_conv()["x"].shape, worked_conv()["w"].shape, worked_conv()["b"].shape
((3, 3), (2, 2), (2, 2))
"""
import numpy as np

__all__ = ["worked_conv", "worked_pool"]


def worked_conv():
    """X (3x3), W (2x2), b (2x2, one per output position), dy = dL/dY (2x2)."""
    return {
        "x": np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0], [2.0, 1.0, 1.0]]),
        "w": np.array([[1.0, -1.0], [2.0, 0.0]]),
        "b": np.array([[1.0, 0.0], [0.0, 1.0]]),
        "dy": np.array([[1.0, -1.0], [2.0, 1.0]]),
    }


def worked_pool():
    """X (3x3) whose x22 wins three of the four 2x2 windows, and dy = dL/dY (2x2)."""
    return {
        "x": np.array([[1.0, 3.0, 2.0], [4.0, 8.0, 1.0], [0.0, 5.0, 9.0]]),
        "dy": np.array([[1.0, 2.0], [-1.0, 3.0]]),
    }
