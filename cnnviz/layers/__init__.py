"""The layers' math in numpy: operations, plain loops, step traces, finite differences.

Imports numpy and, for the messages of its errors, the catalog of words (cnnviz.words, a
pure-Python data module); nothing else of cnnviz outside this package.
"""
