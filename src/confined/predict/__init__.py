"""Layer `predict` (see DEVELOPERS.md architecture)."""
