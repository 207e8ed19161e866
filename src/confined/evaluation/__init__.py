"""Layer `evaluation`: the validation report over datasets (``confined validate``).

It stands above ``screen`` (the 3DSC-MP corpus is read from a screen's results) and
``plot`` (its figures); the pure parts it runs (rows, models, metrics, chance
tests, verdict rules) live in :mod:`confined.validate`.
"""
