"""Layer `web` (see DEVELOPERS.md architecture): the browser viewer of ``confined serve``.

* :mod:`confined.web.app`: the FastAPI app (:func:`~confined.web.app.create_app`);
* :mod:`confined.web.scene`: atoms, cell and cage polyhedra as JSON for the page;
* :mod:`confined.web.tasks`: the analysis task its worker processes run;
* ``static/``: the page, its script and style, and the vendored 3Dmol.js.

Importing this package loads nothing heavy (FastAPI, numpy): the names below are
imported on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "build_scene"]


def __getattr__(name: str) -> Any:
    """``create_app`` and ``build_scene``, imported on first use (PEP 562)."""
    if name == "create_app":
        from confined.web.app import create_app

        return create_app
    if name == "build_scene":
        from confined.web.scene import build_scene

        return build_scene
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
