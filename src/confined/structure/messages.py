"""Helpers that keep every input-error message on one reasonable line.

A message starts with the source as the user gave it. A file name can be
thousands of characters long or hold a newline, so labels are shortened and
control characters escaped before they go into a message; ``Crystal.source``
still records the label in full.
"""

from __future__ import annotations

__all__ = ["short_label", "one_line", "exception_reason", "LABEL_KEEP"]

#: A label longer than ``2 * LABEL_KEEP + 5`` characters is shown as its first and
#: last ``LABEL_KEEP`` characters with an ellipsis between.
LABEL_KEEP: int = 60


def short_label(label: object, keep: int = LABEL_KEEP) -> str:
    r"""The label as given, shortened for a one-line message.

    Args:
        label: the source label (a path, a catalog id, ``"<Atoms>"``).
        keep: characters kept at each end of a long label.

    Returns:
        ``label`` itself when it is short and printable; otherwise the label with
        control characters escaped (``\n`` stays visible) and, when it is long,
        its middle replaced by ``"…"``.
    """
    text = str(label)
    if not text.isprintable():  # a newline in a file name must not split the message
        text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    if len(text) > 2 * keep + 5:
        text = f"{text[:keep]}…{text[-keep:]}"
    return text


def one_line(text: object, limit: int = 160) -> str:
    """Collapse whitespace to single spaces and cut to ``limit`` characters."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def exception_reason(exc: BaseException) -> str:
    """The exception's message on one line; its type name where the message is empty.

    Args:
        exc: an exception raised by a parser.

    Returns:
        The message (at most 160 characters), or e.g. ``"KeyError"`` when the
        message says nothing (``''``, ``None``).
    """
    text = one_line(exc)
    if not text or text in ("''", '""', "None"):
        return type(exc).__name__
    return text
