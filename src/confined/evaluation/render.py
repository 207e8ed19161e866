"""The validation report as files: ``report.html`` (self-contained), ``report.md``, figures.

Everything shown is read from the metrics document (``metrics.json``) and the
figure files; nothing here computes or words a result by hand. The HTML embeds its
figures as data URIs and loads nothing from the network.
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Any

__all__ = ["write_html", "write_markdown", "METRIC_LABELS"]

#: Metric keys and how the report names them.
METRIC_LABELS: dict[str, str] = {
    "median_abs_log10": "median |log10(pred/meas)|",
    "mae_K": "MAE (K)",
    "within_20pct": "within ±20 %",
    "spearman_rho": "Spearman ρ",
}

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}h3{margin-top:1.4em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em}
td,th{border:1px solid #ddd;padding:3px 7px;text-align:left}
th{background:#f3f3f3}.verdict{background:#f6f8fa;border-left:4px solid #3572b0;padding:.8em 1em}
.caveat{background:#fff8e5;border-left:4px solid #d4a017;padding:.6em 1em}
.oracle{color:#888}figure{margin:1em 0}figcaption{font-size:.85em;color:#555}
img{max-width:100%}
"""


def _interval(m: dict[str, Any] | None, pct: bool = False) -> str:
    if not m or m.get("value") is None:
        return "n/a"
    k = 100.0 if pct else 1.0
    v, lo, hi = (m.get(key) for key in ("value", "lo", "hi"))
    if v is None or not math.isfinite(float(v)):
        return "n/a"
    text = f"{k * float(v):.3g}" if not pct else f"{k * float(v):.0f} %"
    if lo is None or hi is None or not (math.isfinite(float(lo)) and math.isfinite(float(hi))):
        return text
    if pct:
        return f"{text} [{k * float(lo):.0f}–{k * float(hi):.0f}]"
    return f"{text} [{float(lo):.3g}–{float(hi):.3g}]"


def _metric_rows(results: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in results:
        m = r["metrics"]
        rows.append(
            [
                r["model"] + (" (uses the answer)" if r["uses_answer"] else ""),
                str(r["n"]),
                _interval(m.get("median_abs_log10")),
                _interval(m.get("mae_K", m.get("mae_meV"))),
                _interval(m.get("within_20pct"), pct=True),
                _interval(m.get("spearman_rho")),
            ]
        )
    return rows


_METRIC_HEAD = ["model", "n", *METRIC_LABELS.values()]


def _groups(metrics: dict[str, Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in metrics.get("results", []):
        out.setdefault((r["dataset"], r["family"]), []).append(r)
    return out


def _html_table(head: list[str], rows: list[list[str]]) -> str:
    h = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{h}</tr>{body}</table>"


def _md_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _sections(metrics: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The report as (kind, title, payload) blocks, shared by the HTML and the Markdown."""
    blocks: list[tuple[str, str, Any]] = []
    blocks.append(("h1", "Does Tc = λ/h² predict measured Tc?", None))
    blocks.append(
        ("verdict", "Verdict (generated from metrics.json by fixed rules)", metrics["verdict"])
    )
    blocks.append(("p", "", metrics.get("summary_line", "")))
    for c in metrics.get("caveats", []):
        blocks.append(("caveat", "", c))
    blocks.append(("h2", "Datasets", None))
    ds_rows = [
        [d["name"], str(d["n"]), ", ".join(f"{k} {v}" for k, v in d["families"].items()),
         str(d.get("n_non_superconductors", 0)), d["description"]]
        for d in metrics.get("datasets", [])
    ]  # fmt: skip
    blocks.append(("table", "", (["dataset", "rows", "families", "Tc = 0 rows", "what"], ds_rows)))
    blocks.append(("h2", "Models", None))
    blocks.append(
        (
            "table",
            "",
            (
                ["model", "what it is"],
                [[m["name"], m["description"]] for m in metrics.get("models", [])],
            ),
        )
    )
    blocks.append(("h2", "Metrics per dataset and family", None))
    cfg = metrics["config"]
    blocks.append(
        (
            "p",
            "",
            "Over the superconductors of each dataset (measured Tc > 0). Each value with its "
            f"bootstrap {cfg['level'] * 100:.0f} % interval ({cfg['n_boot']} "
            f"resamples, seed {cfg['seed']}). Leave-one-out: no row's prediction "
            "uses its own Tc. The oracle chooses each compound's phase from its measured Tc "
            "(the paper's practice) and so is not a prediction.",
        )
    )
    figs = metrics.get("figures", {})
    for (dataset, family), rs in _groups(metrics).items():
        blocks.append(("h3", f"{dataset}: {family}", None))
        blocks.append(("table", "", (_METRIC_HEAD, _metric_rows(rs))))
        for key in ("pred_vs_meas", "residuals", "forest", "lambda_spread"):
            f = figs.get(f"{dataset}|{family}|{key}")
            if f:
                blocks.append(("figure", f["caption"], f["png"]))
    gaps = metrics.get("gap_results", [])
    if gaps:
        blocks.append(("h2", "Measured gaps", None))
        blocks.append(
            (
                "p",
                "",
                "The theory's gap Δ = ratio·k_B·Tc_pred (C4; ratio "
                f"{gaps[0]['gap_ratio']:g}) against the gaps of the user's table; the "
                "MAE in meV (the MAE column).",
            )
        )
        blocks.append(("table", "", (_METRIC_HEAD, _metric_rows(gaps))))
    blocks.append(("h2", "The phase choice against chance", None))
    blocks.append(
        (
            "p",
            "",
            "How often the phase nearest the measured Tc lies within ±5 % of it, against "
            "simulations under null models (random heights over the observed range, each "
            "compound keeping its number of phases; measured Tc shuffled among compounds), "
            "with λ free within ±20 % for the data and the simulations alike.",
        )
    )
    ch_rows = [
        [c["label"], c["null"], str(c["n_compounds"]), f"{c['observed']:.3f}",
         f"{c['observed_at_lambda']:.3f}", f"{c['null_mean']:.3f}", f"{c['p_value']:.3g}"]
        for c in metrics.get("chance", [])
    ]  # fmt: skip
    blocks.append(
        ("table", "", (["data", "null model", "n", "observed (λ free)", "observed at paper λ",
                        "null mean", "p"], ch_rows))
    )  # fmt: skip
    for c in metrics.get("chance", []):
        f = figs.get(f"chance|{c['label']}|{c['null']}")
        if f:
            blocks.append(("figure", f["caption"], f["png"]))
    blocks.append(("h2", "Non-superconductors", None))
    sep_rows = [
        [s["label"], s["rule"], str(s["n_superconductors"]), str(s["n_non"]),
         f"{s['auc']:.3f} [{s['lo']:.3f}–{s['hi']:.3f}]"]
        for s in metrics.get("separation", [])
    ]  # fmt: skip
    blocks.append(
        ("table", "", (["data", "score", "superconductors", "Tc = 0", "ROC AUC"], sep_rows))
    )
    non = metrics.get("non_superconductors", [])
    if non:
        non_rows = [[n["id"], n["family"], n["predicted"], n.get("note") or ""] for n in non]
        head = ["compound", "family", "predicted Tc per phase (K)", "note"]
        blocks.append(("table", "", (head, non_rows)))
    blocks.append(("h2", "DFT-relaxed against measured structures", None))
    dft_rows = [
        [d["id"], d["phase"], f"{d['h_measured_A']:.3f}", f"{d['h_dft_A']:.3f}",
         f"{d['shift_A']:+.3f}", f"{d['tc_measured_structure_K']:.1f}",
         f"{d['tc_dft_structure_K']:.1f}", f"{d['tc_shift_K']:+.1f}"]
        for d in metrics.get("dft_shifts", [])
    ]  # fmt: skip
    blocks.append(
        ("table", "", (["compound", "phase", "h measured (Å)", "h DFT (Å)", "shift (Å)",
                        "Tc measured structure (K)", "Tc DFT structure (K)", "Tc shift (K)"],
                       dft_rows))
    )  # fmt: skip
    blocks.append(("h2", "All findings", None))
    blocks.append(
        ("list", "", [f"{f['rule']}: {f['sentence']}" for f in metrics["verdict"]["findings"]])
    )
    blocks.append(("p", "", metrics.get("provenance", "")))
    return blocks


def write_html(metrics: dict[str, Any], out_dir: Path, path: Path) -> Path:
    """Write the self-contained HTML report (figures embedded as data URIs)."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; style-src 'unsafe-inline'\">",
        "<title>confined validate: does Tc = λ/h² work?</title>",
        f"<style>{_CSS}</style></head><body>",
    ]
    for kind, title, payload in _sections(metrics):
        if kind == "h1":
            parts.append(f"<h1>{html.escape(title)}</h1>")
        elif kind in ("h2", "h3"):
            parts.append(f"<{kind}>{html.escape(title)}</{kind}>")
        elif kind == "verdict":
            parts.append(
                f"<div class='verdict'><strong>{html.escape(title)}</strong>"
                f"<p>{html.escape(payload['paragraph'])}</p></div>"
            )
        elif kind == "caveat":
            parts.append(f"<div class='caveat'>{html.escape(payload)}</div>")
        elif kind == "p" and payload:
            parts.append(f"<p>{html.escape(payload)}</p>")
        elif kind == "table":
            parts.append(_html_table(*payload))
        elif kind == "list":
            parts.append("<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in payload) + "</ul>")
        elif kind == "figure":
            data = base64.b64encode((out_dir / payload).read_bytes()).decode("ascii")
            parts.append(
                f"<figure><img alt='{html.escape(title)}' src='data:image/png;base64,{data}'>"
                f"<figcaption>{html.escape(title)}</figcaption></figure>"
            )
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def write_markdown(metrics: dict[str, Any], path: Path) -> Path:
    """Write the Markdown report (figures linked as the PNG files beside it)."""
    lines: list[str] = []
    for kind, title, payload in _sections(metrics):
        if kind == "h1":
            lines += [f"# {title}", ""]
        elif kind == "h2":
            lines += [f"## {title}", ""]
        elif kind == "h3":
            lines += [f"### {title}", ""]
        elif kind == "verdict":
            lines += [f"**{title}.** {payload['paragraph']}", ""]
        elif kind == "caveat":
            lines += [f"> {payload}", ""]
        elif kind == "p" and payload:
            lines += [payload, ""]
        elif kind == "table":
            lines += [_md_table(*payload), ""]
        elif kind == "list":
            lines += [f"- {x}" for x in payload] + [""]
        elif kind == "figure":
            lines += [f"![{title}]({payload})", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
