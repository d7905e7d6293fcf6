//! Finishing an estimator that is a smooth function of weighted totals: SE by the delta
//! method, design effects, degrees of freedom and the interval.

use super::Estimate;
use super::pass::DomainPass;
use super::{DfRule, EstimateError, EstimateOptions, IntervalKind};
use crate::design::{Design, DesignError};
use crate::interval::{self, ProportionInput, ProportionMethod};
use crate::numerics;
use crate::numerics::linalg::{scale_exponent, times_pow2};
use crate::variance::linearized_covariance;

/// The SRS reference for the design effect.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SrsScale {
    /// A mean or proportion: `V_srs = s²·(N − n)/(N·n)` (without replacement), `s²/n` (with).
    Mean,
    /// A total or count: the mean's reference times `N²`.
    Total,
}

/// Standard error, design effects and degrees of freedom of one estimated quantity.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Precision {
    pub estimate: f64,
    pub std_error: f64,
    /// For a replicate design: the replicates' SE of `logit(p)` (R's svyciprop "logit" on
    /// replicate designs fits the logit with replicate variance).
    pub logit_std_error: Option<f64>,
    pub deff: Option<f64>,
    pub deff_replace: Option<f64>,
}

/// An estimator as a smooth function of the pass's totals `T`.
#[derive(Debug, Clone)]
pub(crate) enum Smooth {
    /// `aᵀT` (totals, counts).
    Linear(Vec<f64>),
    /// `aᵀT / bᵀT` (means, proportions, ratios, differences of means).
    Ratio(Vec<f64>, Vec<f64>),
    /// `Σ c·T_i/T_j` (linear combinations of domain means).
    RatioSum(Vec<(f64, usize, usize)>),
    /// Any smooth function of the totals, given by the caller (see
    /// [`super::custom`]).
    Function(super::custom::TotalsFunction),
}

impl Smooth {
    /// A ratio of two single totals, `T_i / T_j`, over `k` totals.
    pub(crate) fn ratio(k: usize, i: usize, j: usize) -> Self {
        Smooth::Ratio(unit(k, i), unit(k, j))
    }

    /// The estimate at totals `t`.
    pub(crate) fn value(&self, t: &[f64]) -> f64 {
        let dot = |a: &[f64]| a.iter().zip(t).map(|(x, y)| x * y).sum::<f64>();
        match self {
            Smooth::Linear(a) => dot(a),
            Smooth::Ratio(a, b) => dot(a) / dot(b),
            Smooth::RatioSum(terms) => terms.iter().map(|(c, i, j)| c * t[*i] / t[*j]).sum(),
            Smooth::Function(f) => f.value(t),
        }
    }

    /// The gradient at totals `t` (the delta method's linearization).
    pub(crate) fn gradient(&self, t: &[f64]) -> Vec<f64> {
        let dot = |a: &[f64]| a.iter().zip(t).map(|(x, y)| x * y).sum::<f64>();
        match self {
            Smooth::Linear(a) => a.clone(),
            // (a − r·b)/den rather than a/den − num·b/den²: den² underflows to 0 (or
            // overflows) for weights of 1e-200 (or 1e200) where the ratio is fine.
            Smooth::Ratio(a, b) => {
                let (num, den) = (dot(a), dot(b));
                let r = num / den;
                a.iter()
                    .zip(b)
                    .map(|(ai, bi)| (ai - r * bi) / den)
                    .collect()
            }
            Smooth::RatioSum(terms) => {
                let mut g = vec![0.0; t.len()];
                for (c, i, j) in terms {
                    g[*i] += c / t[*j];
                    g[*j] -= c * (t[*i] / t[*j]) / t[*j];
                }
                g
            }
            Smooth::Function(f) => f.gradient(t),
        }
    }
}

/// The design covariance matrix (row-major) of several quantities of one pass: Taylor
/// linearization of their gradients per unit, or the replicates' co-spread
/// `scale·Σ_r rscale_r·(θ_a,r − θ̄_a)(θ_b,r − θ̄_b)`.
///
/// # Errors
/// A lonely unit at a later stage under `fail`.
pub(crate) fn covariance_of(
    design: &Design,
    pass: &DomainPass,
    quantities: &[Smooth],
) -> Result<Vec<f64>, EstimateError> {
    let t = &pass.totals;
    let q = quantities.len();
    match design.replicates() {
        Some(reps) => {
            let k = t.len();
            let centre: Vec<f64> = quantities
                .iter()
                .map(|g| {
                    if reps.mse {
                        g.value(t)
                    } else {
                        pass.replicate_totals
                            .chunks_exact(k)
                            .map(|tr| g.value(tr))
                            .sum::<f64>()
                            / reps.r as f64
                    }
                })
                .collect();
            let mut cov = vec![0.0; q * q];
            for (tr, c) in pass.replicate_totals.chunks_exact(k).zip(&reps.rscales) {
                let d: Vec<f64> = quantities
                    .iter()
                    .zip(&centre)
                    .map(|(g, m)| g.value(tr) - m)
                    .collect();
                for a in 0..q {
                    for b in 0..q {
                        cov[a * q + b] += reps.scale * c * d[a] * d[b];
                    }
                }
            }
            Ok(cov)
        }
        None => {
            let grads: Vec<Vec<f64>> = quantities.iter().map(|g| g.gradient(t)).collect();
            let refs: Vec<&[f64]> = grads.iter().map(Vec::as_slice).collect();
            Ok(linearized_covariance(design, &pass.sums, &refs, Some(&pass.psu_in_base))?.to_vec())
        }
    }
}

/// The `k`-vector with 1 at `i`.
pub(crate) fn unit(k: usize, i: usize) -> Vec<f64> {
    let mut v = vec![0.0; k];
    v[i] = 1.0;
    v
}

/// Estimate, SE (Taylor linearization per unit, see
/// [`crate::variance::linearized_covariance`], or the replicates' spread for a replicate
/// design) and, for a quantity that is a mean or total of the variable `j` of the pass, its
/// design effects.
///
/// ```text
/// Var = Var_design(Σ_k z_k),  z_k = Σ_j ∂g/∂T_j·w_k·y_jk        (Taylor)
/// Var = scale·Σ_r rscale_r·(g(T_r) − ḡ)²                        (replicates)
/// s²  = (Σw·y² − N·ȳ²)/N · n/(n − 1)          (R svyvar: weighted variance, n/(n−1))
/// deff         = Var / (s²·(N − n)/(N·n)) [· N² for totals]   R svymean(deff = TRUE)
/// deff_replace = Var / (s²/n)             [· N² for totals]   R svymean(deff = "replace")
/// ```
/// with `N` the base's weight sum and `n` its rows of non-zero weight.
///
/// # Errors
/// A lonely unit at a later stage under `fail`.
pub(crate) fn precision(
    design: &Design,
    pass: &DomainPass,
    quantity: &Smooth,
    srs: Option<(usize, SrsScale)>,
) -> Result<Precision, EstimateError> {
    precision_with(design, pass, quantity, srs, None)
}

/// [`precision`] with the linearized SE when it is known already (from
/// [`linearized_std_errors`]).
fn precision_with(
    design: &Design,
    pass: &DomainPass,
    quantity: &Smooth,
    srs: Option<(usize, SrsScale)>,
    known_se: Option<f64>,
) -> Result<Precision, EstimateError> {
    let t = &pass.totals;
    let estimate = quantity.value(t);
    let (std_error, logit_std_error) = match design.replicates() {
        Some(reps) => {
            let k = t.len();
            let thetas: Vec<f64> = pass
                .replicate_totals
                .chunks_exact(k)
                .map(|tr| quantity.value(tr))
                .collect();
            let logit = |p: f64| (p / (1.0 - p)).ln();
            let in_unit = |p: &f64| *p > 0.0 && *p < 1.0;
            let logit_se = (in_unit(&estimate) && thetas.iter().all(in_unit)).then(|| {
                let l: Vec<f64> = thetas.iter().map(|p| logit(*p)).collect();
                reps.variance(logit(estimate), &l).max(0.0).sqrt()
            });
            (replicate_std_error(reps, estimate, &thetas), logit_se)
        }
        None => match known_se {
            Some(se) => (se, None),
            None => {
                let grad = quantity.gradient(t);
                let v =
                    linearized_covariance(design, &pass.sums, &[&grad], Some(&pass.psu_in_base))?;
                (v.std_error(0), None)
            }
        },
    };
    let (mut deff, mut deff_replace) = (None, None);
    if let Some((j, scale)) = srs {
        let n = pass.n_positive as f64;
        let big_n = pass.weighted_n;
        if n > 1.0 && big_n > 0.0 {
            let mean = t[j] / big_n;
            let s2 = ((pass.sum_sq[j] - big_n * mean * mean) / big_n).max(0.0) * n / (n - 1.0);
            // The variance on the scale of a mean (a total's over N²), from the SE: weights
            // far from 1 would take N² out of the range of f64.
            let se = match scale {
                SrsScale::Mean => std_error,
                SrsScale::Total => std_error / big_n,
            };
            let var = se * se;
            let v_wr = s2 / n;
            let v_wor = s2 * (big_n - n) / (big_n * n);
            if v_wor > 0.0 {
                deff = Some(var / v_wor);
            }
            if v_wr > 0.0 {
                deff_replace = Some(var / v_wr);
            }
        }
    }
    Ok(Precision {
        estimate,
        std_error,
        deff,
        deff_replace,
        logit_std_error,
    })
}

/// The replicates' SE `sqrt(scale·Σ_r rscale_r·(θ_r − θ̄)²)`, with the deviations scaled
/// by a power of two first when they are so small or large that their squares would leave
/// the range of `f64` (weights of 1e-200). NaN when a replicate's estimate is undefined.
fn replicate_std_error(reps: &crate::design::Replicates, estimate: f64, thetas: &[f64]) -> f64 {
    let e = scale_exponent(thetas.iter().fold(estimate.abs(), |m, t| m.max(t.abs())));
    if e == 0 {
        let v = reps.variance(estimate, thetas);
        return if v < 0.0 { 0.0 } else { v.sqrt() };
    }
    let scaled: Vec<f64> = thetas.iter().map(|&t| times_pow2(t, -e)).collect();
    let v = reps.variance(times_pow2(estimate, -e), &scaled);
    times_pow2(if v < 0.0 { 0.0 } else { v.sqrt() }, e)
}

/// Degrees of freedom for a domain by the options' rule (for a replicate design: the rank
/// of the domain rows' replicate weights minus one).
pub(crate) fn degrees_of_freedom(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    is_by: bool,
) -> f64 {
    match options.df {
        DfRule::Domain if is_by => pass.domain_df(design),
        DfRule::Domain => design.degrees_of_freedom(),
        DfRule::Base => pass.base_df(design),
        DfRule::Fixed(df) => df,
    }
}

/// R's `nrow(design)` for the design `svyciprop` is given: `subset` (and `svyby`) drops the
/// rows outside the domain of an ordinary or replicate design, so that is the domain's rows,
/// or the base's under `df: base` (the rows missing the variable subset away first); a
/// calibrated design keeps every row (weight 0 outside), so that is all of them. The `beta`
/// interval's effective sample size depends on it through `qt(α/2, nrow − 1)`.
fn subset_rows(design: &Design, pass: &DomainPass, options: &EstimateOptions) -> f64 {
    if design.is_calibrated() && design.replicates().is_none() {
        design.n_data_rows() as f64
    } else if options.df == DfRule::Base {
        pass.n as f64
    } else {
        (pass.n + pass.n_missing) as f64
    }
}

/// Fills a share's row: estimate, SE, design effects and the interval of
/// `options.method` (Wald by `options.interval` for `mean`), clipped to [0, 1]. `n_rows` is
/// R's `nrow(design)` (used by `beta` and `likelihood`).
pub(crate) fn fill_share(
    row: &mut Estimate,
    estimate: f64,
    p: &Precision,
    df: f64,
    n_rows: f64,
    options: &EstimateOptions,
) -> Result<(), EstimateError> {
    if options.method == ProportionMethod::Mean {
        fill_symmetric(row, estimate, p, df, options)?;
        row.ci_lower = row.ci_lower.map(|x| x.max(0.0));
        row.ci_upper = row.ci_upper.map(|x| x.min(1.0));
        return Ok(());
    }
    set_point(row, estimate, p);
    // On a replicate design the logit interval uses the replicates' SE of logit(p), which
    // the interval (built on SE(p)/(p(1 − p))) receives as that SE times p(1 − p).
    let std_error = match (options.method, p.logit_std_error) {
        (ProportionMethod::Logit, Some(se)) => se * estimate * (1.0 - estimate),
        _ => p.std_error,
    };
    let input = ProportionInput {
        estimate,
        std_error,
        df,
        n: n_rows,
    };
    match interval::proportion_interval(&input, options.method, options.level) {
        Ok((lo, hi)) => {
            row.ci_lower = Some(lo);
            row.ci_upper = Some(hi);
        }
        Err(e) => row.note = Some(format!("no interval: {e}")),
    }
    row.df = Some(df);
    row.method = options.method.to_string();
    Ok(())
}

/// Fills a row with the estimate, SE, design effects and the symmetric t or normal interval
/// `est ∓ q·SE` (none, with a note, when the degrees of freedom are not positive).
pub(crate) fn fill_symmetric(
    row: &mut Estimate,
    estimate: f64,
    p: &Precision,
    df: f64,
    options: &EstimateOptions,
) -> Result<(), EstimateError> {
    set_point(row, estimate, p);
    let df = match options.interval {
        IntervalKind::T => df,
        IntervalKind::Normal => f64::INFINITY,
    };
    row.df = df.is_finite().then_some(df);
    row.method = format!("{:?}", options.interval).to_lowercase();
    if df <= 0.0 {
        row.note = Some(format!(
            "no interval: {df} degrees of freedom (a domain with one PSU per stratum)"
        ));
        return Ok(());
    }
    let (lo, hi) = interval::mean_interval(estimate, p.std_error, df, options.level)?;
    row.ci_lower = Some(lo);
    row.ci_upper = Some(hi);
    Ok(())
}

fn set_point(row: &mut Estimate, estimate: f64, p: &Precision) {
    row.estimate = Some(estimate);
    row.std_error = Some(p.std_error);
    row.deff = p.deff;
    row.deff_replace = p.deff_replace;
    row.note = None;
}

/// Copies a pass's counts into a row.
pub(crate) fn set_counts(row: &mut Estimate, pass: &DomainPass) {
    row.n = pass.n;
    row.n_missing = pass.n_missing;
    row.weighted_n = pass.weighted_n;
}

/// Two-sided p-value of `estimate / std_error` against t with `df` (normal when infinite);
/// `None` when the SE is zero.
pub(crate) fn two_sided_p(estimate: f64, std_error: f64, df: f64) -> Option<f64> {
    if std_error <= 0.0 {
        return None;
    }
    let t = (estimate / std_error).abs();
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return None;
    }
    // t_cdf with df = ∞ is the normal cdf.
    let upper = numerics::dist::t_cdf(-t, df).ok()?;
    Some((2.0 * upper).min(1.0))
}

/// How a row's interval is made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RowInterval {
    /// `est ∓ q·SE`, t or normal (means, totals, counts, ratios).
    Symmetric,
    /// `est ∓ q·SE` clipped to [0, 1] (shares of responses).
    Clipped,
    /// A proportion's interval by `options.method`.
    Share,
    /// `est ∓ q·SE` with the p-value of `est = 0` (differences, contrasts).
    Tested,
}

/// The note of an estimate whose variance does not exist: R's SE is NaN when every stratum
/// with rows in the domain has one PSU under `average` (the average of no strata).
pub(crate) const NO_VARIANCE: &str = "no standard error: every stratum of the domain has one PSU (lonely_psu average has no other stratum to average)";

/// A row with its estimate and degrees of freedom but no SE or interval, and why.
fn without_se(
    mut row: Estimate,
    estimate: f64,
    df: f64,
    options: &EstimateOptions,
    note: String,
) -> Estimate {
    row.estimate = Some(estimate);
    row.df = (options.interval == IntervalKind::T).then_some(df);
    row.note = Some(note);
    row
}

/// One result row of a quantity of a pass: counts, the checks every estimator makes (rows
/// missing under `na_rm = false`, an empty base, a zero denominator), then estimate, SE,
/// design effects, degrees of freedom and the interval. A domain of `by` whose variance
/// meets a lonely PSU under `fail`, and an estimate without variance (every stratum lonely
/// under `average`), get the estimate and a note instead of an SE.
///
/// # Errors
/// A lonely PSU under `fail` for the whole population (R fails too); an interval that
/// cannot be computed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn quantity_row(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    row: Estimate,
    quantity: &Smooth,
    srs: Option<(usize, SrsScale)>,
    interval: RowInterval,
    is_by: bool,
) -> Result<Estimate, EstimateError> {
    quantity_row_with(
        design, pass, options, row, quantity, srs, interval, is_by, None,
    )
}

/// One row of [`quantity_rows`]: the row to fill and what it estimates.
pub(crate) struct Quantity {
    pub row: Estimate,
    pub quantity: Smooth,
    pub srs: Option<(usize, SrsScale)>,
    pub interval: RowInterval,
}

/// [`quantity_row`] of several quantities of one pass (a frequency table's shares), their
/// linearized variances computed in one sweep over the units.
///
/// # Errors
/// As [`quantity_row`].
pub(crate) fn quantity_rows(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    items: Vec<Quantity>,
    is_by: bool,
) -> Result<Vec<Estimate>, EstimateError> {
    let known = linearized_std_errors(design, pass, &items);
    items
        .into_iter()
        .zip(known)
        .map(|(item, se)| {
            let Quantity {
                row,
                quantity,
                srs,
                interval,
            } = item;
            quantity_row_with(
                design, pass, options, row, &quantity, srs, interval, is_by, se,
            )
        })
        .collect()
}

/// The linearized SE of each quantity whose gradient is finite, in one call of
/// [`crate::variance::linearized_variances`]; `None` where it is left to [`precision`] (a
/// replicate design, a zero denominator, or any error, which the single call then reports
/// as before).
fn linearized_std_errors(
    design: &Design,
    pass: &DomainPass,
    items: &[Quantity],
) -> Vec<Option<f64>> {
    let mut known = vec![None; items.len()];
    if design.replicates().is_some() || pass.n == 0 || items.len() < 2 {
        return known;
    }
    let t = &pass.totals;
    if t.iter().any(|x| !x.is_finite()) {
        return known;
    }
    let mut which = Vec::with_capacity(items.len());
    let mut grads = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let g = item.quantity.gradient(t);
        if g.iter().all(|x| x.is_finite()) {
            which.push(i);
            grads.push(g);
        }
    }
    if which.is_empty() {
        return known;
    }
    let combos: Vec<&[f64]> = grads.iter().map(Vec::as_slice).collect();
    if let Ok(v) =
        crate::variance::linearized_variances(design, &pass.sums, &combos, Some(&pass.psu_in_base))
    {
        for (a, &i) in which.iter().enumerate() {
            known[i] = Some(v.std_error(a));
        }
    }
    known
}

/// [`quantity_row`] with the linearized SE when known.
#[allow(clippy::too_many_arguments)]
fn quantity_row_with(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    mut row: Estimate,
    quantity: &Smooth,
    srs: Option<(usize, SrsScale)>,
    interval: RowInterval,
    is_by: bool,
    known_se: Option<f64>,
) -> Result<Estimate, EstimateError> {
    set_counts(&mut row, pass);
    if !options.na_rm && pass.n_missing > 0 {
        row.note = Some(format!(
            "{} rows miss {} and na_rm is false",
            pass.n_missing, row.variable
        ));
        return Ok(row);
    }
    let t = &pass.totals;
    let zero_denominator = match quantity {
        Smooth::Ratio(_, b) => b.iter().zip(t).map(|(x, y)| x * y).sum::<f64>() == 0.0,
        Smooth::RatioSum(terms) => terms.iter().any(|(_, _, j)| t[*j] == 0.0),
        Smooth::Linear(_) => false,
        Smooth::Function(f) => !f.value(t).is_finite(),
    };
    if pass.n == 0 || zero_denominator {
        row.note = Some(
            match quantity {
                Smooth::Function(_) if pass.n > 0 => "the function is not finite at these totals",
                _ => "no rows in the base (empty domain) or a zero denominator",
            }
            .to_string(),
        );
        return Ok(row);
    }
    if t.iter().any(|x| !x.is_finite()) {
        return Err(EstimateError::Overflow {
            variable: row.variable.clone(),
            detail: String::new(),
        });
    }
    let df = degrees_of_freedom(design, pass, options, is_by);
    let p = match precision_with(design, pass, quantity, srs, known_se) {
        Ok(p) => p,
        // R's svyby fails as a whole; R's subset of each other domain is estimated.
        Err(EstimateError::Design(e @ DesignError::LonelyPsu { .. })) if is_by => {
            let note = format!("no standard error: {e}");
            return Ok(without_se(row, quantity.value(t), df, options, note));
        }
        Err(e) => return Err(e),
    };
    if !p.estimate.is_finite() {
        return Err(EstimateError::Overflow {
            variable: row.variable.clone(),
            detail: String::new(),
        });
    }
    if !p.std_error.is_finite() {
        let note = if p.std_error.is_nan() && design.replicates().is_none() {
            NO_VARIANCE.to_string()
        } else {
            // A replicate's estimate that is undefined (a replicate without rows of the
            // domain), or a variance beyond the range of f64.
            "no standard error: the variance is not a finite number (e.g. a replicate \
             without rows in this domain)"
                .to_string()
        };
        return Ok(without_se(row, p.estimate, df, options, note));
    }
    match interval {
        RowInterval::Share => {
            let n_rows = match options.method {
                ProportionMethod::Beta => subset_rows(design, pass, options),
                _ => (pass.n + pass.n_missing) as f64,
            };
            fill_share(&mut row, p.estimate, &p, df, n_rows, options)?
        }
        _ => fill_symmetric(&mut row, p.estimate, &p, df, options)?,
    }
    match interval {
        RowInterval::Clipped => {
            row.ci_lower = row.ci_lower.map(|x| x.max(0.0));
            row.ci_upper = row.ci_upper.map(|x| x.min(1.0));
        }
        RowInterval::Tested => {
            row.p_value = two_sided_p(p.estimate, p.std_error, row.df.unwrap_or(f64::INFINITY));
        }
        _ => {}
    }
    Ok(row)
}
