"""Layer `validate` (see DEVELOPERS.md architecture): the computation against the paper.

- :mod:`~confined.validate.claims`: every claim checked, with what the paper says (C1–C13).
- :mod:`~confined.validate.pressure`: Hg-1223 under pressure against measurement (C4).
- :mod:`~confined.validate.tables`: Tables I and II rebuilt from structures (C1–C3).

It may import ``predict`` and ``theory``; nothing below imports it.
"""
