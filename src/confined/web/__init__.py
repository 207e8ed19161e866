"""Layer `web` (see DEVELOPERS.md architecture)."""
