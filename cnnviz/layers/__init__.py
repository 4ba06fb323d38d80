"""The layers' math in numpy: operations, plain loops, step traces, finite differences.

Imports numpy only (nothing else of cnnviz outside this package).
"""
