"""Structures: loading, normalising (disorder), and the catalog of the paper's compounds."""
