"""The models ``confined validate`` compares: the paper's Tc = lambda/h² and the rules of thumb.

Every model predicts Tc (K) for every row of one family's rows (a sequence of
:class:`~confined.validate.dataset.Compound`). A model with parameters is fitted
leave-one-out: the prediction for row i is fitted on the other rows only, so no row
sees its own Tc. Fits use only the rows that superconduct (Tc > 0) and have the
inputs the model needs; a row without the inputs gets None, a row with Tc = 0 is
predicted but never fitted on. A fit on fewer rows than its number of parameters + 1
gives None for that row.

The models (:data:`MODEL_NAMES`, :func:`models_for_family`):

* the theory, Tc = lambda/h² (C1, C2), with the paper's lambda
  (:data:`confined.defaults.LAMBDA_K_A2`: 1320 K·Å² cuprates, 400 iron-based) or with
  lambda fitted leave-one-out (the median of Tc·h² over the other rows), each under
  three phase rules: the phase nearest the measured Tc (the paper's practice, an
  oracle: it uses the answer), the inner phase (alpha), the outermost phase;
* the family median (a constant, the baseline every model should beat);
* iron-based: the anion height rule (Tc peaks near h_anion = 1.38 Å, Mizuguchi et
  al. 2010, Okabe et al. 2010) as a triangle and as a Gaussian, and the X–Fe–X angle
  rule (Tc peaks at the regular tetrahedron, 109.47°, Lee et al. 2008);
* cuprates: the number of CuO2 planes per block (Tc rises to n = 3, then falls) and
  a linear fit on the apical Cu–O distance.

Fitting details. The leave-one-out lambda of row i is the median of Tc_j·h_j² over
the other superconducting rows, h_j the phase the rule picks for j (for the oracle,
the phase of j nearest Tc_j under the paper's lambda); the oracle then picks, for
row i, the phase whose lambda_i/h² is nearest Tc_i. The anion-height fits use
:func:`scipy.optimize.least_squares` from p = 1.38 Å, A = the largest Tc, s = 100 K/Å
(triangle) or w = 0.15 Å (Gaussian), within p in [1, 2] Å, A ≥ 0, s ≥ 0, w in
[0.02, 2] Å, at most 200 evaluations. The angle and apical fits are linear least
squares (None when every input is the same), their predictions clipped at 0 K.

Each result is a :class:`ModelPrediction`; :func:`predict` computes one.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import least_squares

from confined.errors import ParameterError
from confined.serialize import serializable
from confined.theory import lambda_for_family
from confined.validate.dataset import Compound

__all__ = [
    "ModelPrediction",
    "MODEL_NAMES",
    "THEORY_MODELS",
    "ORACLE_MODELS",
    "FAMILIES",
    "ANION_PEAK_START_A",
    "TETRAHEDRAL_ANGLE_DEG",
    "models_for_family",
    "predict",
]

#: The families validated (the paper gives a lambda for these only).
FAMILIES: tuple[str, ...] = ("cuprate", "iron-based")

#: Start of the anion-height peak, Å (Mizuguchi et al. 2010, Okabe et al. 2010).
ANION_PEAK_START_A: float = 1.38

#: The X–Fe–X angle of a regular tetrahedron, degrees (arccos(−1/3) = 109.47°).
TETRAHEDRAL_ANGLE_DEG: float = math.degrees(math.acos(-1.0 / 3.0))

_PAPER_ORACLE = "theory, paper λ, nearest phase (oracle)"
_PAPER_ALPHA = "theory, paper λ, alpha"
_PAPER_OUTER = "theory, paper λ, outermost"
_LOO_ORACLE = "theory, LOO λ, nearest phase (oracle)"
_LOO_ALPHA = "theory, LOO λ, alpha"
_LOO_OUTER = "theory, LOO λ, outermost"
_CONSTANT = "constant (family median, LOO)"
_TRIANGLE = "anion height, triangle (LOO)"
_GAUSSIAN = "anion height, Gaussian (LOO)"
_ANGLE = "X–Fe–X angle (LOO)"
_PLANES = "CuO2 planes per block (LOO)"
_APICAL = "apical Cu–O (LOO)"

#: The theory models: Tc = lambda/h² under a phase rule.
THEORY_MODELS: tuple[str, ...] = (
    _PAPER_ORACLE,
    _PAPER_ALPHA,
    _PAPER_OUTER,
    _LOO_ORACLE,
    _LOO_ALPHA,
    _LOO_OUTER,
)

#: The models that pick the phase knowing the measured Tc (``uses_answer``).
ORACLE_MODELS: tuple[str, ...] = (_PAPER_ORACLE, _LOO_ORACLE)

_COMMON: tuple[str, ...] = (*THEORY_MODELS, _CONSTANT)
_FAMILY_MODELS: dict[str, tuple[str, ...]] = {
    "cuprate": (*_COMMON, _PLANES, _APICAL),
    "iron-based": (*_COMMON, _TRIANGLE, _GAUSSIAN, _ANGLE),
}

#: Every model, in the order they are reported.
MODEL_NAMES: tuple[str, ...] = (*_COMMON, _TRIANGLE, _GAUSSIAN, _ANGLE, _PLANES, _APICAL)

_DESCRIPTIONS: dict[str, str] = {
    _PAPER_ORACLE: (
        "Tc = lambda/h² with the paper's lambda (C1, C2), per row the phase whose "
        "prediction is nearest the measured Tc: the paper's practice; it uses the answer"
    ),
    _PAPER_ALPHA: "Tc = lambda/h² with the paper's lambda (C1, C2), the inner phase (alpha)",
    _PAPER_OUTER: "Tc = lambda/h² with the paper's lambda (C1, C2), the outermost phase",
    _LOO_ORACLE: (
        "Tc = lambda/h², lambda the median Tc·h² of the other rows (their phase nearest "
        "their Tc under the paper's lambda), per row the phase nearest the measured Tc; "
        "it uses the answer"
    ),
    _LOO_ALPHA: "Tc = lambda/h², lambda the median Tc·h² of the other rows, the inner phase",
    _LOO_OUTER: "Tc = lambda/h², lambda the median Tc·h² of the other rows, the outermost phase",
    _CONSTANT: "the median measured Tc of the other rows of the family: the baseline",
    _TRIANGLE: (
        "Tc = max(0, A − s·|h_anion − p|), least squares, the peak near 1.38 Å "
        "(Mizuguchi et al. 2010, Okabe et al. 2010)"
    ),
    _GAUSSIAN: (
        "Tc = A·exp(−(h_anion − p)²/(2w²)), least squares, the peak near 1.38 Å "
        "(Mizuguchi et al. 2010, Okabe et al. 2010)"
    ),
    _ANGLE: (
        "Tc = max(0, A − s·|α − 109.47°|), linear least squares, the peak fixed at the "
        "regular tetrahedron (Lee et al. 2008)"
    ),
    _PLANES: (
        "the median Tc of the other rows with as many CuO2 planes per block (Tc peaks at "
        "n = 3); falls back to the median of all the others where no other row has that n"
    ),
    _APICAL: "Tc = a + b·d(apical Cu–O), linear least squares, clipped at 0",
}


@serializable
@dataclass(frozen=True)
class ModelPrediction:
    """What one model predicts for every row of one family.

    Attributes:
        model: the model's name (one of :data:`MODEL_NAMES`).
        family: "cuprate" or "iron-based".
        ids: the rows' ids, in the order of the rows given.
        pred_K: the predicted Tc per row, K (None: the row lacks the model's inputs,
            or too few other rows to fit on).
        phase: the phase the theory models used per row (None for the baselines and
            where there is no prediction).
        params: (name, value) of the fit on all rows (lambda in K·Å², peaks in Å or
            degrees, slopes in K per unit, ``n_fit`` the rows fitted on); None where
            too few rows.
        description: one line: what the model is and where its rule comes from.
        uses_answer: True when the model picks, per row, using the measured Tc (the
            oracle phase rule): its agreement is not a prediction.
    """

    model: str
    family: str
    ids: tuple[str, ...]
    pred_K: tuple[float | None, ...]
    phase: tuple[str | None, ...]
    params: tuple[tuple[str, float | None], ...]
    description: str
    uses_answer: bool = False

    def param(self, name: str) -> float | None:
        """The value of one fitted parameter (None: not fitted)."""
        for key, value in self.params:
            if key == name:
                return value
        raise ParameterError(f"name: {self.model!r} has no parameter {name!r}")


def models_for_family(family: str) -> tuple[str, ...]:
    """The models that apply to a family, in the order they are reported.

    Args:
        family: "cuprate" or "iron-based".

    Returns:
        The model names (the theory, the constant, then the family's own rules).

    Raises:
        ParameterError: a family that is not validated.
    """
    if family not in _FAMILY_MODELS:
        raise ParameterError(f"family: expected one of {', '.join(FAMILIES)}, got {family!r:.80}")
    return _FAMILY_MODELS[family]


def predict(model: str, rows: Sequence[Compound]) -> ModelPrediction:
    """Predict Tc with one model for every row of one family, leave-one-out.

    Args:
        model: one of :func:`models_for_family` of the rows' family.
        rows: the rows, all of one family ("cuprate" or "iron-based").

    Returns:
        The predictions, in the order of ``rows``.

    Raises:
        ParameterError: an unknown model, no rows, rows of several families, a family
            that is not validated, or a model that is not for the family.
    """
    if model not in MODEL_NAMES:
        raise ParameterError(f"model: unknown model {model!r:.80}")
    rows = tuple(rows)
    if not rows:
        raise ParameterError("rows: no rows to predict")
    if not all(isinstance(r, Compound) for r in rows):
        raise ParameterError("rows: expected Compound rows")
    families = sorted({r.family for r in rows})
    if len(families) > 1:
        raise ParameterError(f"rows: expected one family, got {', '.join(families)}")
    family = families[0]
    if model not in models_for_family(family):
        raise ParameterError(f"model: {model!r} is not a model for the {family} family")
    pred, phase, params = _MODELS[model](rows, family)
    return ModelPrediction(
        model=model,
        family=family,
        ids=tuple(r.id for r in rows),
        pred_K=tuple(None if p is None else float(p) for p in pred),
        phase=tuple(phase),
        params=tuple((k, None if v is None else float(v)) for k, v in params),
        description=_DESCRIPTIONS[model],
        uses_answer=model in ORACLE_MODELS,
    )


# --- leave-one-out machinery -------------------------------------------------------

_Fit = Callable[[list[Any], np.ndarray], Any]
_Eval = Callable[[Any, Any], float]


def _loo(
    x: Sequence[Any | None],
    tc: Sequence[float],
    fit_mask: Sequence[bool],
    n_params: int,
    fit: _Fit,
    evaluate: _Eval,
) -> tuple[list[float | None], Any | None, int]:
    """Leave-one-out predictions of a fitted model.

    Args:
        x: the model's input per row (None: missing, the row gets None).
        tc: the measured Tc per row, K.
        fit_mask: the rows a fit may use (superconducting, with the inputs).
        n_params: the number of parameters; a fit needs at least n_params + 1 rows.
        fit: (inputs, Tc) of the training rows -> fitted parameters (None: no fit).
        evaluate: (parameters, input) -> predicted Tc, K.

    Returns:
        The prediction per row, the parameters fitted on all rows (None when too few),
        and the number of rows of that fit.
    """
    idx = [i for i, m in enumerate(fit_mask) if m]

    def fit_on(train: list[int]) -> Any | None:
        if len(train) < n_params + 1:
            return None
        return fit([x[j] for j in train], np.array([tc[j] for j in train], dtype=float))

    full = fit_on(idx)
    pred: list[float | None] = []
    for i, xi in enumerate(x):
        if xi is None:
            pred.append(None)
            continue
        params = fit_on([j for j in idx if j != i]) if fit_mask[i] else full
        pred.append(None if params is None else float(evaluate(params, xi)))
    return pred, full, len(idx)


def _tc(rows: Sequence[Compound]) -> list[float]:
    return [float(r.tc_K) for r in rows]


def _positive(v: float | None) -> float | None:
    """A height or distance that is usable: finite and > 0 (else None)."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) and v > 0 else None


def _finite(v: float | None) -> float | None:
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def _phases(row: Compound) -> list[tuple[str, float]]:
    """The phases with a usable height, inner first."""
    out = []
    for name, h in row.heights_A:
        h = _positive(h)
        if h is not None:
            out.append((name, h))
    return out


def _nearest(phases: list[tuple[str, float]], lam: float, tc: float) -> tuple[str, float] | None:
    """The phase whose lam/h² is nearest tc (the first on a tie; None: none or no Tc)."""
    if not phases or not math.isfinite(tc):
        return None
    return min(phases, key=lambda p: abs(lam / p[1] ** 2 - tc))


def _rule_phase(row: Compound, rule: str, lam: float) -> tuple[str, float] | None:
    """The (phase, h) a phase rule picks for a row (oracle under ``lam``)."""
    phases = _phases(row)
    if not phases:
        return None
    if rule == "oracle":
        return _nearest(phases, lam, float(row.tc_K))
    if rule == "alpha":
        return next(((n, h) for n, h in phases if n == "alpha"), None)
    return phases[-1]  # "outer"


# --- the theory --------------------------------------------------------------------


def _paper_lambda(family: str) -> float:
    lam = lambda_for_family(family)
    if lam is None:  # pragma: no cover - FAMILIES all have one
        raise ParameterError(f"family: the paper gives no lambda for {family!r}")
    return float(lam)


def _theory_paper(rule: str) -> Callable[[Sequence[Compound], str], Any]:
    def run(rows: Sequence[Compound], family: str) -> Any:
        lam = _paper_lambda(family)
        pred: list[float | None] = []
        phase: list[str | None] = []
        for r in rows:
            pick = _rule_phase(r, rule, lam)
            pred.append(None if pick is None else lam / pick[1] ** 2)
            phase.append(None if pick is None else pick[0])
        return pred, phase, (("lambda_K_A2", lam),)

    return run


def _theory_loo(rule: str) -> Callable[[Sequence[Compound], str], Any]:
    def run(rows: Sequence[Compound], family: str) -> Any:
        lam_paper = _paper_lambda(family)
        tc = _tc(rows)
        # the height each row contributes to the fit: the rule's phase (the oracle's
        # under the paper's lambda)
        fit_h = [_rule_phase(r, rule, lam_paper) for r in rows]
        fit_mask = [r.superconducts and h is not None for r, h in zip(rows, fit_h, strict=True)]
        values = [
            t * h[1] ** 2 if m and h is not None else math.nan
            for t, h, m in zip(tc, fit_h, fit_mask, strict=True)
        ]
        idx = [i for i, m in enumerate(fit_mask) if m]

        def lam_without(i: int | None) -> float | None:
            train = [values[j] for j in idx if j != i]
            return statistics.median(train) if len(train) >= 2 else None

        full = lam_without(None)
        pred: list[float | None] = []
        phase: list[str | None] = []
        for i, r in enumerate(rows):
            lam = lam_without(i) if fit_mask[i] else full
            pick = None if lam is None else _rule_phase(r, rule, lam)
            pred.append(None if pick is None else lam / pick[1] ** 2)
            phase.append(None if pick is None else pick[0])
        return pred, phase, (("lambda_K_A2", full), ("n_fit", len(idx)))

    return run


# --- baselines ---------------------------------------------------------------------


def _median_fit(_x: list[Any], tc: np.ndarray) -> float:
    return float(statistics.median(tc.tolist()))


def _constant(rows: Sequence[Compound], family: str) -> Any:
    tc = _tc(rows)
    mask = [r.superconducts for r in rows]
    pred, full, n = _loo([0.0] * len(rows), tc, mask, 1, _median_fit, lambda p, _x: p)
    return pred, [None] * len(rows), (("median_K", full), ("n_fit", n))


def _triangle(p: np.ndarray, h: np.ndarray) -> np.ndarray:
    a, s, peak = p
    return np.maximum(0.0, a - s * np.abs(h - peak))


def _triangle_jac(p: np.ndarray, h: np.ndarray) -> np.ndarray:
    a, s, peak = p
    on = (a - s * np.abs(h - peak)) > 0
    jac = np.column_stack([np.ones_like(h), -np.abs(h - peak), s * np.sign(h - peak)])
    return jac * on[:, None]


def _gaussian(p: np.ndarray, h: np.ndarray) -> np.ndarray:
    a, w, peak = p
    return a * np.exp(-((h - peak) ** 2) / (2.0 * w**2))


def _gaussian_jac(p: np.ndarray, h: np.ndarray) -> np.ndarray:
    a, w, peak = p
    e = np.exp(-((h - peak) ** 2) / (2.0 * w**2))
    return np.column_stack([e, a * e * (h - peak) ** 2 / w**3, a * e * (h - peak) / w**2])


#: Function evaluations per least-squares fit: noise-free data converge in a few tens; an
#: outlier that pulls the Gaussian towards a spike on one row stops here, at the best
#: parameters found (the fit of one leave-one-out row, not an error).
_MAX_NFEV = 200

#: Bounds of the Gaussian's width, Å: narrower than 0.02 Å is a spike on one row (anion
#: heights are known to about 0.01 Å), wider than 2 Å is flat over every anion height.
_MIN_WIDTH_A, _MAX_WIDTH_A = 0.02, 2.0


def _least_squares_fit(
    model: Callable[[np.ndarray, np.ndarray], np.ndarray],
    jac: Callable[[np.ndarray, np.ndarray], np.ndarray],
    second_start: float,
    lower: tuple[float, float, float],
    upper: tuple[float, float, float],
) -> _Fit:
    """A fit of (A, second, peak) by scipy.optimize.least_squares within bounds."""

    def fit(x: list[Any], tc: np.ndarray) -> np.ndarray | None:
        h = np.asarray(x, dtype=float)
        start = np.array([float(np.max(tc)), second_start, ANION_PEAK_START_A])
        try:
            res = least_squares(
                lambda p: model(p, h) - tc,
                start,
                jac=lambda p: jac(p, h),
                bounds=(lower, upper),
                xtol=1e-15,
                ftol=1e-15,
                gtol=1e-15,
                x_scale="jac",
                max_nfev=_MAX_NFEV,
            )
        except (ValueError, np.linalg.LinAlgError):
            return None
        return res.x if np.all(np.isfinite(res.x)) else None

    return fit


def _anion_fit(
    rows: Sequence[Compound],
    fit: _Fit,
    model: Callable[[np.ndarray, np.ndarray], np.ndarray],
    second: str,
) -> Any:
    tc = _tc(rows)
    x = [_positive(r.anion_height_A) for r in rows]
    mask = [r.superconducts and h is not None for r, h in zip(rows, x, strict=True)]
    pred, full, n = _loo(x, tc, mask, 3, fit, lambda p, h: float(model(p, np.array([h]))[0]))
    a, s, peak = (None, None, None) if full is None else full
    params = (("peak_A", peak), ("max_K", a), (second, s), ("n_fit", n))
    return pred, [None] * len(rows), params


_TRIANGLE_FIT = _least_squares_fit(
    _triangle, _triangle_jac, 100.0, (0.0, 0.0, 1.0), (math.inf, math.inf, 2.0)
)
_GAUSSIAN_FIT = _least_squares_fit(
    _gaussian, _gaussian_jac, 0.15, (0.0, _MIN_WIDTH_A, 1.0), (math.inf, _MAX_WIDTH_A, 2.0)
)


def _triangle_model(rows: Sequence[Compound], family: str) -> Any:
    return _anion_fit(rows, _TRIANGLE_FIT, _triangle, "slope_K_per_A")


def _gaussian_model(rows: Sequence[Compound], family: str) -> Any:
    return _anion_fit(rows, _GAUSSIAN_FIT, _gaussian, "width_A")


def _linear_fit(x: list[Any], tc: np.ndarray) -> tuple[float, float] | None:
    """(intercept, slope) of tc = a + b·x by least squares (None: x all equal)."""
    xs = np.asarray(x, dtype=float)
    if np.ptp(xs) <= 1e-12 * max(1.0, float(np.max(np.abs(xs)))):
        return None
    design = np.column_stack([np.ones_like(xs), xs])
    (a, b), *_ = np.linalg.lstsq(design, tc, rcond=None)
    return float(a), float(b)


def _clipped_line(p: tuple[float, float], x: float) -> float:
    return max(0.0, p[0] + p[1] * x)


def _angle(rows: Sequence[Compound], family: str) -> Any:
    tc = _tc(rows)
    angle = [_finite(r.x_fe_x_angle_deg) for r in rows]
    x = [None if a is None else abs(a - TETRAHEDRAL_ANGLE_DEG) for a in angle]
    mask = [r.superconducts and v is not None for r, v in zip(rows, x, strict=True)]
    pred, full, n = _loo(x, tc, mask, 2, _linear_fit, _clipped_line)
    a, b = (None, None) if full is None else full
    slope = None if b is None else -b  # Tc = A − s·|α − α0|
    params = (("peak_deg", TETRAHEDRAL_ANGLE_DEG), ("max_K", a), ("slope_K_per_deg", slope))
    return pred, [None] * len(rows), (*params, ("n_fit", n))


def _apical(rows: Sequence[Compound], family: str) -> Any:
    tc = _tc(rows)
    x = [_positive(r.apical_cu_o_A) for r in rows]
    mask = [r.superconducts and v is not None for r, v in zip(rows, x, strict=True)]
    pred, full, n = _loo(x, tc, mask, 2, _linear_fit, _clipped_line)
    a, b = (None, None) if full is None else full
    params = (("intercept_K", a), ("slope_K_per_A", b), ("n_fit", n))
    return pred, [None] * len(rows), params


def _planes(rows: Sequence[Compound], family: str) -> Any:
    tc = _tc(rows)
    n_planes = [r.cuo2_planes_per_block for r in rows]
    n_planes = [None if n is None or int(n) < 1 else int(n) for n in n_planes]
    mask = [r.superconducts and n is not None for r, n in zip(rows, n_planes, strict=True)]
    idx = [i for i, m in enumerate(mask) if m]

    def median_without(i: int | None, n: int) -> float | None:
        same = [tc[j] for j in idx if j != i and n_planes[j] == n]
        if same:
            return statistics.median(same)
        others = [tc[j] for j in idx if j != i]  # fallback: the family median
        return statistics.median(others) if len(others) >= 2 else None

    pred: list[float | None] = []
    for i, n in enumerate(n_planes):
        pred.append(None if n is None else median_without(i if mask[i] else None, n))
    groups = sorted({n_planes[j] for j in idx if n_planes[j] is not None})
    params: list[tuple[str, float | None]] = [
        (f"median_K_n{n}", statistics.median([tc[j] for j in idx if n_planes[j] == n]))
        for n in groups
    ]
    params.append(("n_fit", len(idx)))
    return pred, [None] * len(rows), tuple(params)


_MODELS: dict[str, Callable[[Sequence[Compound], str], Any]] = {
    _PAPER_ORACLE: _theory_paper("oracle"),
    _PAPER_ALPHA: _theory_paper("alpha"),
    _PAPER_OUTER: _theory_paper("outer"),
    _LOO_ORACLE: _theory_loo("oracle"),
    _LOO_ALPHA: _theory_loo("alpha"),
    _LOO_OUTER: _theory_loo("outer"),
    _CONSTANT: _constant,
    _TRIANGLE: _triangle_model,
    _GAUSSIAN: _gaussian_model,
    _ANGLE: _angle,
    _PLANES: _planes,
    _APICAL: _apical,
}
