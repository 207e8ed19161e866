"""Layer `mechanism` (see DEVELOPERS.md architecture)."""
