"""The derivation: formulas in its notation, the matrix form, window geometry, pitfalls,
the chain conv -> pool -> loss, a tiny CNN, exercises and the worked examples. numpy only."""
