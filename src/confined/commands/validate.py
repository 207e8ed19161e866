"""``confined validate``: does Tc = lambda/h² predict measured Tc? Honest statistics."""

from __future__ import annotations

from pathlib import Path

import click

from confined.commands.options import echo_json, json_option

__all__ = ["command", "validate"]


@click.command("validate")
@click.option(
    "--catalog/--no-catalog",
    default=True,
    show_default=True,
    help="Include the catalog's compounds with measured structures.",
)
@click.option(
    "--results",
    type=click.Path(file_okay=False),
    default=None,
    help="A 'confined screen' result folder of the 3DSC-MP corpus (with --tc).",
)
@click.option(
    "--tc",
    "tc_csv",
    type=click.Path(dir_okay=False),
    default=None,
    help="The measured Tc table of --results (tc.csv: file, mp_id, tc_median).",
)
@click.option(
    "--corpus",
    "corpus",
    default="auto",
    show_default=True,
    metavar="DIR|auto|none",
    help="The 3DSC-MP folder (cifs.tar.xz, tc.csv) to screen when --results is not given; "
    "auto: ../shared/datasets/3dsc-mp when present.",
)
@click.option(
    "--dataset",
    "dataset_csv",
    type=click.Path(dir_okay=False),
    default=None,
    help="Your own CSV: structure_path, tc_K.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="confined-validation",
    show_default=True,
    help="Folder for report.html, report.md, metrics.json and the figures.",
)
@click.option("--seed", type=int, default=20261202, show_default=True, help="Seed of every draw.")
@click.option(
    "--n-boot", type=click.IntRange(min=10), default=1000, show_default=True,
    help="Bootstrap resamples.",
)  # fmt: skip
@click.option(
    "--n-sim", type=click.IntRange(min=10), default=2000, show_default=True,
    help="Simulations per chance test.",
)  # fmt: skip
@json_option
def validate(
    catalog: bool,
    results: str | None,
    tc_csv: str | None,
    corpus: str,
    dataset_csv: str | None,
    out_dir: str,
    seed: int,
    n_boot: int,
    n_sim: int,
    as_json: bool,
) -> None:
    """Test Tc = lambda/h² against measured Tc, beside the rules researchers use.

    Writes OUT/report.html (self-contained), OUT/report.md, OUT/metrics.json and the
    figures. Default: the catalog plus, when ../shared/datasets/3dsc-mp is present,
    the 3DSC-MP corpus, screened into OUT/screen-results (reused when it is there).
    """
    from confined.evaluation.run import CORPUS_DIR, ValidationConfig, run_validation

    if results is None and corpus != "none":
        folder = CORPUS_DIR if corpus == "auto" else Path(corpus)
        tar, table = folder / "cifs.tar.xz", folder / "tc.csv"
        if tar.is_file() and table.is_file():
            results = _screen_corpus(tar, Path(out_dir) / "screen-results")
            tc_csv = str(table)
        elif corpus != "auto":
            raise click.UsageError(f"--corpus {corpus}: no cifs.tar.xz and tc.csv there")
    say = (lambda line: click.echo(f"validate: {line}", err=True)) if not as_json else None
    doc = run_validation(
        out_dir,
        catalog=catalog,
        results=results,
        tc_csv=tc_csv,
        dataset_csv=dataset_csv,
        config=ValidationConfig(seed=seed, n_boot=n_boot, n_sim=n_sim),
        progress=say,
    )
    if as_json:
        echo_json({k: v for k, v in doc.items() if k != "figures"})
        return
    click.echo(doc["verdict"]["paragraph"])
    click.echo(f"wrote {out_dir}/report.html, report.md, metrics.json", err=True)


def _screen_corpus(tar: Path, out: Path) -> str:
    """Screen the corpus into ``out`` (resumed when a previous run left it there)."""
    from confined.screen.job import screen
    from confined.screen.task import ScreenConfig, default_reader

    click.echo(f"validate: screening {tar} into {out}", err=True)
    screen([str(tar)], out, resume=out.exists(), config=ScreenConfig(reader=default_reader()))
    return str(out)


command = validate
