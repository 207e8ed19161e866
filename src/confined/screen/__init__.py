"""Layer `screen` (see DEVELOPERS.md architecture)."""
