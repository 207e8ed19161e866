"""Layer `plot` (see DEVELOPERS.md architecture)."""
