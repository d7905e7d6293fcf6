//! Calibration to known totals of auxiliary variables (GREG, raking ratio, logit).

use super::check;
use super::error::{Result, WeightingError};
use crate::numerics::linalg::pseudo_solve;
use serde::{Deserialize, Serialize};

/// The distance between the calibrated and the original weights, as R `calibrate`'s
/// `calfun`. Each is a function `F` with `g = F(u)`, `u = x_kᵀη`, clipped to the bounds
/// `[L, U]` on `g` when there are bounds:
///
/// ```text
/// Linear   g = clip(1 + u, L, U)                                   (GREG; R cal.linear)
/// Raking   g = clip(exp(u), L, U)                                  (R cal.raking)
/// Logit    g = (L(U−1) + U(1−L)·e^{Au}) / (U − 1 + (1−L)·e^{Au}),  A = (U−L)/((U−1)(1−L))
///                                                                   (R cal.logit; needs L < 1 < U)
/// ```
///
/// Source: Deville & Särndal (1992), *JASA* 87:376; R `survey` 4.1.1 `cal.linear`,
/// `cal.raking`, `cal.logit`.
///
/// ```
/// use survey_stats::weighting::Distance;
/// assert_eq!(Distance::default(), Distance::Linear);
/// assert_eq!(serde_json::to_string(&Distance::Logit)?, "\"logit\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Distance {
    /// Linear (chi-squared distance, GREG); the default, as R's.
    #[default]
    Linear,
    /// Raking ratio (multiplicative, `g > 0`).
    Raking,
    /// Logit: `g` strictly between finite bounds.
    Logit,
}

impl Distance {
    /// `F(u) − 1`, R's `Fm1(u, bounds)`.
    fn fm1(self, u: f64, lo: f64, hi: f64) -> f64 {
        match self {
            Distance::Linear => (u + 1.0).max(lo).min(hi) - 1.0,
            Distance::Raking => u.exp().max(lo).min(hi) - 1.0,
            Distance::Logit => {
                let a = (hi - lo) / ((hi - 1.0) * (1.0 - lo));
                let e = (a * u).exp();
                (lo * (hi - 1.0) + hi * (1.0 - lo) * e) / (hi - 1.0 + (1.0 - lo) * e) - 1.0
            }
        }
    }

    /// `F′(u)`, R's `dF(u, bounds)`. For `Raking` R compares `u` (not `e^u`) with the
    /// bounds minus one, and so does this, to follow R's Newton steps exactly.
    fn df(self, u: f64, lo: f64, hi: f64) -> f64 {
        let inside = u < hi - 1.0 && u > lo - 1.0;
        match self {
            Distance::Linear => f64::from(u8::from(inside)),
            Distance::Raking => {
                if inside {
                    u.exp()
                } else {
                    0.0
                }
            }
            Distance::Logit => {
                let a = (hi - lo) / ((hi - 1.0) * (1.0 - lo));
                let e = (a * u).exp();
                let den = hi - 1.0 + (1.0 - lo) * e;
                hi * (1.0 - lo) * e * a / den
                    - ((lo * (hi - 1.0) + hi * (1.0 - lo) * e) * ((1.0 - lo) * e * a)) / (den * den)
            }
        }
    }
}

/// How to calibrate, as R `calibrate`'s `calfun`, `bounds`, `maxit` and `epsilon`.
///
/// ```
/// use survey_stats::weighting::{CalibrateOptions, Distance};
/// let o = CalibrateOptions::default();
/// assert_eq!((o.method, o.bounds, o.max_iter, o.epsilon), (Distance::Linear, None, 50, 1e-7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrateOptions {
    /// The distance (R's `calfun`, default linear).
    #[serde(default)]
    pub method: Distance,
    /// Bounds `(L, U)` on the ratio `g` of calibrated to original weight; `None` means
    /// `(−∞, ∞)` (R's default). Logit calibration needs finite bounds with `L < 1 < U`.
    #[serde(default)]
    pub bounds: Option<(f64, f64)>,
    /// Most Newton steps (R's `maxit`, default 50).
    #[serde(default = "default_max_iter")]
    pub max_iter: usize,
    /// Convergence: every `|T̂_j − T_j|/(1 + |T_j|)` below it (R's `epsilon`, default 1e-7).
    #[serde(default = "default_epsilon")]
    pub epsilon: f64,
}

fn default_max_iter() -> usize {
    50
}

fn default_epsilon() -> f64 {
    1e-7
}

impl Default for CalibrateOptions {
    fn default() -> Self {
        Self {
            method: Distance::Linear,
            bounds: None,
            max_iter: default_max_iter(),
            epsilon: default_epsilon(),
        }
    }
}

/// The result of [`calibrate`].
///
/// ```
/// use survey_stats::weighting::{calibrate, CalibrateOptions};
/// // intercept only: every g is the ratio of the totals
/// let out = calibrate(&[1.0, 3.0], &[1.0, 1.0], 1, &[8.0], CalibrateOptions::default())?;
/// assert_eq!((out.g, out.weights, out.iterations), (vec![2.0, 2.0], vec![2.0, 6.0], 1));
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationOutcome {
    /// The calibrated weights `w_k·g_k`.
    pub weights: Vec<f64>,
    /// The ratios `g_k` of calibrated to original weight.
    pub g: Vec<f64>,
    /// Newton steps taken, step halvings included, as R's `grake` counts them; 1 for linear
    /// calibration without bounds, which R solves in closed form (`regcalibrate`).
    pub iterations: usize,
}

/// Relative size below which a singular value is dropped (R's `grake`: `MASS::ginv(…, tol
/// = 256 * .Machine$double.eps)`).
const GINV_TOL: f64 = 256.0 * f64::EPSILON;

/// R's `grake` rescales the weights by the mean ratio of population to sample totals when
/// every ratio exceeds this (`SOMETHRESHOLD`).
const RESCALE_THRESHOLD: f64 = 20.0;

/// Calibrates weights to known population totals of auxiliary variables, as R `survey`'s
/// `calibrate` (with `grake`).
///
/// `x` is the `n × p` auxiliary matrix, row-major (one row per weight, an intercept
/// column included if wanted: see [`dummies`](super::dummies) and
/// [`row_major`](super::row_major)); `totals` its `p` population totals. The calibrated
/// weights `w_k·g_k` meet `Σ_k w_k g_k x_k = T`:
///
/// ```text
/// linear, no bounds (R regcalibrate):   g_k = 1 + x_kᵀ (XᵀWX)⁻¹ (T − Xᵀw)
/// otherwise (R grake), from η = 0:      g_k = F(x_kᵀη)   (see Distance)
///     H = Σ_k w_k F′(x_kᵀη) x_k x_kᵀ,   r = T − Σ_k w_k F(x_kᵀη) x_k
///     η ← η + H⁺ r                       H⁺ = MASS::ginv(H, tol = 256ε)
///     (halved while some g or F′ is not finite)
///     stop when max_j |r_j|/(1 + |T_j|) < epsilon, fail after max_iter steps
/// ```
///
/// As R, when every `T_j / Σ_k w_k x_kj` exceeds 20 the iteration runs on the weights
/// scaled by the mean of these ratios, the bounds then apply to `g` relative to the scaled
/// weights, and the returned `g` includes the scale. A column that is zero on every row
/// and has total zero is dropped, as R does.
///
/// Source: R `survey` 4.1.1 `calibrate.survey.design2`, `regcalibrate.survey.design2`,
/// `grake`; Deville & Särndal (1992), *JASA* 87:376.
///
/// ```
/// use survey_stats::weighting::{calibrate, CalibrateOptions};
/// // intercept and one variable x = 1, 2, 3; population size 9, total of x 21
/// let x = [1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
/// let out = calibrate(&[2.0, 2.0, 2.0], &x, 2, &[9.0, 21.0], CalibrateOptions::default())?;
/// let rounded = |v: &[f64]| v.iter().map(|x| (x * 1e12).round() / 1e12).collect::<Vec<_>>();
/// assert_eq!(rounded(&out.g), vec![0.75, 1.5, 2.25]); // g = 0.75·x
/// assert_eq!(rounded(&out.weights), vec![1.5, 3.0, 4.5]);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
///
/// # Errors
/// [`WeightingError::Empty`] without rows or columns, [`InvalidWeight`](WeightingError::InvalidWeight),
/// [`LengthMismatch`](WeightingError::LengthMismatch) unless `x` has `n·p` entries and
/// `totals` `p`, [`InvalidAuxiliary`](WeightingError::InvalidAuxiliary) and
/// [`InvalidTotal`](WeightingError::InvalidTotal) for non-finite numbers,
/// [`InvalidControl`](WeightingError::InvalidControl) for `max_iter` 0 or an `epsilon`
/// that is not positive and finite, [`InvalidBounds`](WeightingError::InvalidBounds),
/// [`ZeroColumn`](WeightingError::ZeroColumn) for a column the sample cannot reach,
/// [`InfeasibleBounds`](WeightingError::InfeasibleBounds) when a column of one sign cannot
/// reach its total within the bounds, [`Singular`](WeightingError::Singular) for dependent
/// columns in linear calibration without bounds (R's `solve` fails), and
/// [`NotConverged`](WeightingError::NotConverged) when the totals are not met within
/// `max_iter` steps (R stops with "Calibration failed"), carrying the largest relative miss.
pub fn calibrate(
    weights: &[f64],
    x: &[f64],
    p: usize,
    totals: &[f64],
    options: CalibrateOptions,
) -> Result<CalibrationOutcome> {
    check::weights(weights)?;
    let n = weights.len();
    if p == 0 {
        return Err(WeightingError::Empty {
            what: "auxiliary columns",
        });
    }
    check::length("auxiliary matrix x (n·p)", n.saturating_mul(p), x.len())?;
    check::length("totals", p, totals.len())?;
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(WeightingError::InvalidAuxiliary {
            row: i / p + 1,
            column: i % p,
            value: x[i],
        });
    }
    if let Some(j) = totals.iter().position(|v| !v.is_finite()) {
        return Err(WeightingError::InvalidTotal {
            column: j,
            value: totals[j],
        });
    }
    if options.max_iter == 0 {
        return Err(WeightingError::InvalidControl {
            parameter: "max_iter",
            value: 0.0,
            reason: "must be at least 1",
        });
    }
    if !(options.epsilon.is_finite() && options.epsilon > 0.0) {
        return Err(WeightingError::InvalidControl {
            parameter: "epsilon",
            value: options.epsilon,
            reason: "must be positive and finite",
        });
    }
    let (lo, hi) = options.bounds.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    check_bounds(options.method, lo, hi)?;

    // Drop columns that are zero everywhere with total zero (R: `zz`).
    let keep: Vec<usize> = (0..p)
        .filter(|&j| !(totals[j] == 0.0 && (0..n).all(|k| x[k * p + j] == 0.0)))
        .collect();
    if keep.is_empty() {
        return Ok(CalibrationOutcome {
            weights: weights.to_vec(),
            g: vec![1.0; n],
            iterations: 0,
        });
    }
    let q = keep.len();
    let xs: Vec<f64> = (0..n)
        .flat_map(|k| keep.iter().map(move |&j| x[k * p + j]))
        .collect();
    let pop: Vec<f64> = keep.iter().map(|&j| totals[j]).collect();
    check_reachable(weights, &xs, q, &pop, &keep, options.method, lo, hi)?;

    let g = if options.method == Distance::Linear && lo == f64::NEG_INFINITY && hi == f64::INFINITY
    {
        let mut h = vec![0.0; q * q];
        let mut sample_total = vec![0.0; q];
        for (k, &w) in weights.iter().enumerate() {
            let row = &xs[k * q..(k + 1) * q];
            accumulate(&mut h, row, w, q);
            for (s, &v) in sample_total.iter_mut().zip(row) {
                *s += w * v;
            }
        }
        let r: Vec<f64> = pop.iter().zip(&sample_total).map(|(t, s)| t - s).collect();
        let (lambda, rank) = pseudo_solve(&h, q, &r, GINV_TOL);
        if rank < q {
            return Err(WeightingError::Singular { rank, columns: q });
        }
        let g = (0..n)
            .map(|k| 1.0 + dot(&xs[k * q..(k + 1) * q], &lambda))
            .collect();
        (g, 1)
    } else {
        grake(weights, &xs, q, &pop, options, lo, hi)?
    };
    let (g, iterations) = g;
    Ok(CalibrationOutcome {
        weights: weights.iter().zip(&g).map(|(w, g)| w * g).collect(),
        g,
        iterations,
    })
}

/// Bounds must be ordered and not NaN; logit needs them finite around 1.
fn check_bounds(method: Distance, lo: f64, hi: f64) -> Result<()> {
    let invalid = |reason| {
        Err(WeightingError::InvalidBounds {
            lower: lo,
            upper: hi,
            reason,
        })
    };
    if lo.is_nan() || hi.is_nan() {
        return invalid("a bound is NaN");
    }
    if lo >= hi {
        return invalid("the lower bound must be below the upper bound");
    }
    if method == Distance::Logit && !(lo.is_finite() && hi.is_finite() && lo < 1.0 && hi > 1.0) {
        return invalid("logit calibration needs finite bounds with lower < 1 < upper");
    }
    Ok(())
}

/// A column of one sign on the rows with positive weight reaches only
/// `[L·Σ w|x|, U·Σ w|x|]` (with `g ≥ 0` for raking); a column that is zero there reaches 0.
#[allow(clippy::too_many_arguments)]
fn check_reachable(
    weights: &[f64],
    xs: &[f64],
    q: usize,
    pop: &[f64],
    keep: &[usize],
    method: Distance,
    lo: f64,
    hi: f64,
) -> Result<()> {
    let g_lo = if method == Distance::Raking {
        lo.max(0.0)
    } else {
        lo
    };
    for j in 0..q {
        let column = keep[j];
        let (mut pos, mut neg) = (0.0, 0.0);
        for (k, &w) in weights.iter().enumerate() {
            let v = w * xs[k * q + j];
            if v > 0.0 {
                pos += v;
            } else {
                neg -= v;
            }
        }
        if pos == 0.0 && neg == 0.0 {
            return Err(WeightingError::ZeroColumn {
                column,
                total: pop[j],
            });
        }
        if pos > 0.0 && neg > 0.0 {
            continue;
        }
        let (sum, sign) = if pos > 0.0 { (pos, 1.0) } else { (neg, -1.0) };
        let (a, b) = (g_lo * sum * sign, hi * sum * sign);
        let (reachable_min, reachable_max) = if a <= b { (a, b) } else { (b, a) };
        let slack = 1e-12 * pop[j].abs().max(sum);
        if pop[j] < reachable_min - slack || pop[j] > reachable_max + slack {
            return Err(WeightingError::InfeasibleBounds {
                column,
                reachable_min,
                reachable_max,
                total: pop[j],
            });
        }
    }
    Ok(())
}

/// `h += w·x xᵀ` for a `q`-vector `x`.
fn accumulate(h: &mut [f64], x: &[f64], w: f64, q: usize) {
    if w == 0.0 {
        return;
    }
    for a in 0..q {
        let wa = w * x[a];
        for b in 0..q {
            h[a * q + b] += wa * x[b];
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// R's `grake`: Newton–Raphson on the calibration equations from `η = 0`.
fn grake(
    weights: &[f64],
    xs: &[f64],
    q: usize,
    pop: &[f64],
    options: CalibrateOptions,
    lo: f64,
    hi: f64,
) -> Result<(Vec<f64>, usize)> {
    let n = weights.len();
    let f = options.method;
    let mut ww = weights.to_vec();
    let mut sample_total = vec![0.0; q];
    for (k, &w) in ww.iter().enumerate() {
        for (s, &v) in sample_total.iter_mut().zip(&xs[k * q..(k + 1) * q]) {
            *s += w * v;
        }
    }
    let scales: Vec<f64> = pop.iter().zip(&sample_total).map(|(t, s)| t / s).collect();
    let mut scale = 1.0;
    if scales.iter().all(|&s| s > RESCALE_THRESHOLD) {
        let mean = scales.iter().sum::<f64>() / q as f64;
        if mean.is_finite() {
            scale = mean;
            ww.iter_mut().for_each(|w| *w *= mean);
            sample_total.iter_mut().for_each(|s| *s *= mean);
        }
    }
    let mut eta = vec![0.0; q];
    let mut xeta = vec![0.0; n];
    let evaluate = |xeta: &[f64]| -> (Vec<f64>, Vec<f64>) {
        let g = xeta.iter().map(|&u| 1.0 + f.fm1(u, lo, hi)).collect();
        let d = xeta.iter().map(|&u| f.df(u, lo, hi)).collect();
        (g, d)
    };
    let misfit = |xeta: &[f64]| -> Vec<f64> {
        let mut m: Vec<f64> = pop.iter().zip(&sample_total).map(|(t, s)| t - s).collect();
        for (k, &u) in xeta.iter().enumerate() {
            let c = ww[k] * f.fm1(u, lo, hi);
            for (mj, &v) in m.iter_mut().zip(&xs[k * q..(k + 1) * q]) {
                *mj -= c * v;
            }
        }
        m
    };
    let miss = |m: &[f64]| -> Vec<f64> {
        m.iter()
            .zip(pop)
            .map(|(r, t)| r.abs() / (1.0 + t.abs()))
            .collect()
    };
    let project = |eta: &[f64], xeta: &mut Vec<f64>| {
        for (k, u) in xeta.iter_mut().enumerate() {
            *u = dot(&xs[k * q..(k + 1) * q], eta);
        }
    };
    let (_, mut deriv) = evaluate(&xeta);
    let mut g: Vec<f64>;
    let mut achieved = miss(&misfit(&xeta)).into_iter().fold(0.0, f64::max);
    let mut iter = 1;
    loop {
        let mut h = vec![0.0; q * q];
        for k in 0..n {
            accumulate(&mut h, &xs[k * q..(k + 1) * q], ww[k] * deriv[k], q);
        }
        let (mut deta, _) = pseudo_solve(&h, q, &misfit(&xeta), GINV_TOL);
        eta.iter_mut().zip(&deta).for_each(|(e, d)| *e += d);
        project(&eta, &mut xeta);
        (g, deriv) = evaluate(&xeta);
        let not_finite = |g: &[f64], d: &[f64]| g.iter().chain(d).any(|v| !v.is_finite());
        while iter < options.max_iter && not_finite(&g, &deriv) {
            iter += 1;
            deta.iter_mut().for_each(|d| *d /= 2.0);
            eta.iter_mut().zip(&deta).for_each(|(e, d)| *e -= d);
            project(&eta, &mut xeta);
            (g, deriv) = evaluate(&xeta);
        }
        let rel = miss(&misfit(&xeta));
        if rel.iter().any(|v| !v.is_finite()) {
            // R stops here too ("missing value where TRUE/FALSE needed").
            return Err(WeightingError::NotConverged {
                iterations: iter,
                achieved,
            });
        }
        achieved = rel.iter().copied().fold(0.0, f64::max);
        if rel.iter().all(|&v| v < options.epsilon) {
            break;
        }
        iter += 1;
        if iter > options.max_iter {
            return Err(WeightingError::NotConverged {
                iterations: options.max_iter,
                achieved,
            });
        }
    }
    if scale != 1.0 {
        g.iter_mut().for_each(|v| *v *= scale);
    }
    Ok((g, iter))
}
