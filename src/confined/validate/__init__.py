"""Layer `validate` (see DEVELOPERS.md architecture)."""
