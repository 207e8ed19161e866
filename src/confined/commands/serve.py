"""``confined serve``: the browser viewer (a FastAPI app run by uvicorn, loopback by default).

FastAPI and uvicorn are imported only when the command runs (``pip install
'confined[web]'``), so that ``confined --help`` stays light.
"""

from __future__ import annotations

import ipaddress
import socket

import click

from confined.errors import ParameterError

__all__ = ["command", "serve", "is_loopback"]


def is_loopback(host: str) -> bool:
    """True when ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_port_free(host: str, port: int) -> None:
    """Refuse a port that cannot be listened on, in one line (before uvicorn logs it)."""
    if port == 0:
        return
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ParameterError(f"--host {host}: cannot resolve it ({exc.strerror or exc})") from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(addr)
    except OSError as exc:
        raise ParameterError(
            f"--port {port}: cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None
    finally:
        sock.close()


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; another than loopback makes the viewer (and its uploads) "
    "reachable from other machines, with a warning.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="TCP port (0: any free one).",
)
@click.option(
    "--results",
    type=click.Path(file_okay=False),
    default=None,
    metavar="RESULTS",
    help="A confined screen result folder to browse (GET /api/results).",
)
@click.option(
    "--max-upload-mb",
    type=float,
    default=5.0,
    show_default=True,
    metavar="MB",
    help="Largest upload; larger ones are refused (413).",
)
@click.option(
    "--max-atoms",
    type=click.IntRange(min=1),
    default=5000,
    show_default=True,
    help="Largest structure shown (atoms in the cell).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=float,
    default=30.0,
    show_default=True,
    metavar="S",
    help="Seconds one analysis may take; past it its worker is killed.",
)
def serve(
    host: str,
    port: int,
    results: str | None,
    max_upload_mb: float,
    max_atoms: int,
    timeout_s: float,
) -> None:
    """Browse structures in 3D: cages, layers, Tc and gaps, from a file, the catalog or a screen.

    Open the printed address in a browser; Ctrl-C stops the server.
    """
    try:
        import uvicorn

        from confined.web.app import create_app
    except ImportError as exc:
        raise ParameterError(
            f"serve: {exc.name or exc} is not installed (pip install 'confined[web]')"
        ) from None
    try:
        app = create_app(
            results, max_upload_mb=max_upload_mb, max_atoms=max_atoms, timeout_s=timeout_s
        )
    except ParameterError as exc:
        raise ParameterError(_rename(str(exc))) from None
    _check_port_free(host, port)
    if not is_loopback(host):
        click.echo(
            f"warning: listening on {host}, not loopback: anyone who can reach this machine "
            "can use the viewer and upload structures to it",
            err=True,
        )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"confined viewer: http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _rename(message: str) -> str:
    """Name the options in a create_app message (``max_atoms`` -> ``--max-atoms``)."""
    for api, opt in (
        ("max_upload_mb", "--max-upload-mb"),
        ("max_atoms", "--max-atoms"),
        ("timeout_s", "--timeout"),
    ):
        if message.startswith(api):
            return opt + message[len(api) :]
    return message


command = serve
