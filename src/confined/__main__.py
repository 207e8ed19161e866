"""``python -m confined``: the command line, as the ``confined`` script runs it."""

from confined.cli import run

if __name__ == "__main__":
    run()
