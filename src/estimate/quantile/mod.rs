//! Quantiles under a design: R's `svyquantile` rules and intervals ([`rules`]) fed with the
//! domain's rows and the design-based SE of the estimated distribution function.

pub mod rules;

pub use rules::{
    QuantileError, QuantileEstimate, QuantileInterval, QuantileRule, QuantileSettings, quantile,
    quantile_with_interval,
};

use super::linear::{NO_VARIANCE, Smooth, precision};
use super::pass::{RowStatus, run_pass};
use super::{
    DfRule, Domains, Estimate, EstimateError, EstimateOptions, IntervalKind, Result, Stat,
    unavailable,
};
use crate::data::Dataset;
use crate::design::{Design, DesignError};
use crate::interval::ConfidenceLevel;

impl From<QuantileError> for EstimateError {
    fn from(e: QuantileError) -> Self {
        EstimateError::Quantile(e)
    }
}

/// Quantiles of `variable` at each of `probs`, per domain, as R's
/// `svyquantile(~y, design, quantiles = probs, qrule = rule, interval.type = interval)`.
///
/// The estimate is the rule applied to the base's values and weights; the interval
/// (Woodruff 1952 for `mean`, `beta`, `xlogit`, `asin`; test inversion for `score`) uses
/// `F̂(t)` = the weighted share of the base with `y ≤ t` and its design SE, computed with the
/// full design (domain estimation). On a replicate design, `quantile` instead takes the
/// spread of the quantiles under each replicate's weights (R's `interval.type =
/// "quantile"`, see [`QuantileInterval`]). `std_error` is the interval's width over `2·t`, as R
/// reports it. Where rows miss the variable, the degrees of freedom are the base's (PSUs with
/// a row that has it, less their strata) under `df: domain` as under `base`: R's
/// `na.rm = TRUE` drops those rows from the design before `degf(design)`.
/// Source: R `survey::svyquantile.survey.design` (survey ≥ 4.1).
///
/// # Errors
/// As [`super::mean`]; [`EstimateError::Quantile`] for a rule that is undefined on the data,
/// and for the `quantile` interval on a design without replicate weights.
///
/// ```
/// use survey_stats::data::{Column, Dataset, NumericColumn};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{quantiles, Domains, EstimateOptions};
/// use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule};
/// let ds = Dataset::from_columns(vec![(
///     "y".into(),
///     Column::Numeric(NumericColumn::from_values((1..=9).map(f64::from).collect())),
/// )])?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let q = quantiles(&ds, &d, "y", &[0.5], QuantileRule::Math, QuantileInterval::Mean,
///     &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(q[0].estimate, Some(5.0));
/// assert_eq!(q[0].prob, Some(0.5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[allow(clippy::too_many_arguments)]
#[doc(alias = "svyquantile")]
pub fn quantiles(
    data: &Dataset,
    design: &Design,
    variable: &str,
    probs: &[f64],
    rule: QuantileRule,
    interval: QuantileInterval,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let col = data.numeric(variable)?;
    let excluded = options.excluded_values();
    let in_base = |row: usize| col.get(row).filter(|v| !excluded.contains(*v));
    let weights = design.weights().as_slice();
    let replicated = interval == QuantileInterval::Quantile;
    if replicated && design.replicates().is_none() {
        return Err(QuantileError::NeedsReplicates.into());
    }
    // One pass for the counts and degrees of freedom of every domain.
    let passes = run_pass(design, domains, 1, |row, buf| match in_base(row) {
        Some(_) => {
            buf[0] = 1.0;
            RowStatus::In
        }
        None => RowStatus::Missing,
    });
    let mut out = Vec::with_capacity(passes.len() * probs.len());
    // Each domain's base values and weights, gathered in one pass over the rows.
    let mut samples: Vec<(Vec<f64>, Vec<f64>)> = vec![(Vec::new(), Vec::new()); passes.len()];
    // For the `quantile` interval, also the rows (to read their replicate weights).
    let mut rows: Vec<Vec<u32>> = vec![Vec::new(); passes.len()];
    for (row, &weight) in weights.iter().enumerate() {
        if let (Some(d), Some(v)) = (domains.code_of(row), in_base(row)) {
            samples[d].0.push(v);
            samples[d].1.push(weight);
            if replicated {
                rows[d].push(row as u32);
            }
        }
    }
    let domain_samples = samples.into_iter().zip(rows);
    for ((d, pass), ((x, w), rows)) in passes.iter().enumerate().zip(domain_samples) {
        let in_domain = |row: usize| domains.code_of(row) == Some(d);
        // R's `degf(design)` of the design svyquantile works on: the domain's (`svyby`), less
        // the rows that `na.rm = TRUE` drops from the design when some miss the variable. The
        // beta interval uses it whatever `df` says.
        let r_degf = if pass.n_missing > 0 {
            pass.base_df(design)
        } else if domains.is_by() {
            pass.domain_df(design)
        } else {
            design.degrees_of_freedom()
        };
        let df = match options.df {
            DfRule::Fixed(df) => df,
            DfRule::Base => pass.base_df(design),
            DfRule::Domain => r_degf,
        };
        let settings = QuantileSettings {
            rule,
            interval,
            level: options.level.value(),
            df: match options.interval {
                IntervalKind::T => df,
                IntervalKind::Normal => f64::INFINITY,
            },
            design_df: r_degf,
        };
        let mut cdf = |t: f64| -> Result<(f64, f64)> {
            let p = run_pass(design, &Domains::whole(), 2, |row, buf| {
                match in_base(row) {
                    Some(v) if in_domain(row) => {
                        buf[0] = if v <= t { 1.0 } else { 0.0 };
                        buf[1] = 1.0;
                        RowStatus::In
                    }
                    _ => RowStatus::Missing,
                }
            });
            let p = precision(design, &p[0], &Smooth::ratio(2, 0, 1), None)?;
            Ok((p.estimate, p.std_error))
        };
        for &prob in probs {
            let mut row = unavailable(Stat::Quantile, variable, options.level.value(), "");
            row.prob = Some(prob);
            row.n = pass.n;
            row.n_missing = pass.n_missing;
            row.weighted_n = pass.weighted_n;
            if domains.is_by() {
                row.domain = Some(domains.label(d).clone());
            }
            if !pass.weighted_n.is_finite() {
                return Err(EstimateError::Overflow {
                    variable: variable.to_string(),
                    detail: String::new(),
                });
            }
            if x.is_empty() || pass.weighted_n <= 0.0 {
                row.note = Some("no rows in the base (empty domain)".to_string());
                out.push(row);
                continue;
            }
            if settings.df <= 0.0 {
                // R: qt(·, df = 0) is NaN, so the interval and SE are; the quantile is not.
                row.estimate = Some(quantile(&x, &w, prob, rule)?);
                row.note = Some(format!(
                    "no interval: {} degrees of freedom (a domain with one PSU per stratum)",
                    settings.df
                ));
                out.push(row);
                continue;
            }
            let q = match interval {
                QuantileInterval::Quantile => {
                    replicate_interval(design, &x, &w, &rows, prob, &settings, options.level)
                }
                _ => quantile_with_interval(&x, &w, prob, &settings, &mut cdf),
            };
            let q = match q {
                Ok(q) => {
                    row.note = (q.ci_lower.is_none() || q.ci_upper.is_none())
                        .then(|| "interval bound outside the data's range".to_string());
                    q
                }
                // The score interval's search found no root: this row has no interval, the
                // estimate stands, and the other estimates go on.
                Err(EstimateError::Quantile(
                    e @ (QuantileError::ScoreNoRoot { .. } | QuantileError::ScoreRangeEmpty { .. }),
                )) => {
                    row.note = Some(match e {
                        QuantileError::ScoreNoRoot { lower, upper, .. } => format!(
                            "no interval: the score test does not cross its critical value \
                             between {lower} and {upper} (too few rows or distinct values for \
                             a score interval; quantile_interval \"mean\" gives one)"
                        ),
                        _ => "no interval: the values' range is too narrow for a score \
                              interval (quantile_interval \"mean\" gives one)"
                            .to_string(),
                    });
                    QuantileEstimate {
                        estimate: quantile(&x, &w, prob, rule)?,
                        ci_lower: None,
                        ci_upper: None,
                        std_error: None,
                    }
                }
                // R's svyby fails as a whole; R's subset of each other domain is estimated.
                Err(EstimateError::Design(e @ DesignError::LonelyPsu { .. }))
                    if domains.is_by() =>
                {
                    row.estimate = Some(quantile(&x, &w, prob, rule)?);
                    row.note = Some(format!("no interval: {e}"));
                    out.push(row);
                    continue;
                }
                // No variance (every stratum lonely under `average`): R's interval is NaN.
                Err(EstimateError::Quantile(QuantileError::InvalidCdf { std_error, .. }))
                    if std_error.is_nan() =>
                {
                    row.estimate = Some(quantile(&x, &w, prob, rule)?);
                    row.note = Some(NO_VARIANCE.to_string());
                    out.push(row);
                    continue;
                }
                Err(e) => return Err(e),
            };
            row.estimate = Some(q.estimate);
            row.std_error = q.std_error;
            row.ci_lower = q.ci_lower;
            row.ci_upper = q.ci_upper;
            row.df = settings.df.is_finite().then_some(settings.df);
            row.method = format!("{rule:?}/{interval:?}").to_lowercase();
            row.null_non_finite();
            out.push(row);
        }
    }
    Ok(out)
}

/// R's `repCI` (`svyquantile(interval.type = "quantile")` on a replicate design): the
/// quantile `q_r` under each replicate's analysis weights (the domain's base rows `rows`,
/// values `x`), then
///
/// ```text
/// SE² = scale·Σ_r rscale_r·(q_r − q̄)²,  q̄ = mean of the q_r with rscale_r > 0 (q̂ with mse)
/// [q̂ − t·SE, q̂ + t·SE],  t = qt(1 − α/2, df)
/// ```
/// A replicate with no weight left in the base (R's quantile is NA) is left out, as R's
/// `svrVar` leaves out NA replicates.
fn replicate_interval(
    design: &Design,
    x: &[f64],
    w: &[f64],
    rows: &[u32],
    p: f64,
    settings: &QuantileSettings,
    level: ConfidenceLevel,
) -> Result<QuantileEstimate> {
    let estimate = quantile(x, w, p, settings.rule)?;
    let Some(reps) = design.replicates() else {
        return Err(QuantileError::NeedsReplicates.into());
    };
    let all = design.replicate_weights();
    let mut w_r = vec![0.0; x.len()];
    let mut thetas: Vec<(f64, f64)> = Vec::with_capacity(reps.r);
    for (r, &rscale) in reps.rscales.iter().enumerate() {
        for (wi, &row) in w_r.iter_mut().zip(rows) {
            *wi = all[row as usize * reps.r + r];
        }
        match quantile(x, &w_r, p, settings.rule) {
            Ok(q) => thetas.push((q, rscale)),
            Err(QuantileError::NoPositiveWeight | QuantileError::Undefined { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let counted: Vec<f64> = thetas.iter().filter(|t| t.1 > 0.0).map(|t| t.0).collect();
    let centre = match reps.mse {
        true => estimate,
        false => counted.iter().sum::<f64>() / counted.len() as f64,
    };
    let var = reps.scale
        * thetas
            .iter()
            .map(|(q, c)| c * (q - centre).powi(2))
            .sum::<f64>();
    if !var.is_finite() {
        return Ok(QuantileEstimate {
            estimate,
            ci_lower: None,
            ci_upper: None,
            std_error: None,
        });
    }
    let std_error = var.sqrt();
    let (lower, upper) = crate::interval::mean_interval(estimate, std_error, settings.df, level)?;
    Ok(QuantileEstimate {
        estimate,
        ci_lower: Some(lower),
        ci_upper: Some(upper),
        std_error: Some(std_error),
    })
}
