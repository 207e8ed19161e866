"""CLI commands beyond analyze/catalog/reproduce, one module each; shared options here."""
