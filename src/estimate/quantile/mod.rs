//! Quantiles under a design: R's `svyquantile` rules and intervals ([`rules`]) fed with the
//! domain's rows and the design-based SE of the estimated distribution function.

pub mod rules;

pub use rules::{
    QuantileError, QuantileEstimate, QuantileInterval, QuantileRule, QuantileSettings, quantile,
    quantile_with_interval,
};

use super::linear::{Smooth, degrees_of_freedom, precision};
use super::pass::{RowStatus, run_pass};
use super::{
    Domains, Estimate, EstimateError, EstimateOptions, IntervalKind, Result, Stat, unavailable,
};
use crate::data::Dataset;
use crate::design::Design;

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
/// full design (domain estimation). `std_error` is the interval's width over `2·t`, as R
/// reports it. Source: R `survey::svyquantile.survey.design` (survey ≥ 4.1).
///
/// # Errors
/// As [`super::mean`]; [`EstimateError::Quantile`] for a rule that is undefined on the data.
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
    for (row, &weight) in weights.iter().enumerate() {
        if let (Some(d), Some(v)) = (domains.code_of(row), in_base(row)) {
            samples[d].0.push(v);
            samples[d].1.push(weight);
        }
    }
    for ((d, pass), (x, w)) in passes.iter().enumerate().zip(samples) {
        let in_domain = |row: usize| domains.code_of(row) == Some(d);
        let df = degrees_of_freedom(design, pass, options, domains.is_by());
        let settings = QuantileSettings {
            rule,
            interval,
            level: options.level.value(),
            df: match options.interval {
                IntervalKind::T => df,
                IntervalKind::Normal => f64::INFINITY,
            },
            design_df: df,
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
            if x.is_empty() || pass.weighted_n <= 0.0 {
                row.note = Some("no rows in the base (empty domain)".to_string());
                out.push(row);
                continue;
            }
            let q = match quantile_with_interval(&x, &w, prob, &settings, &mut cdf) {
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
                other => {
                    let q = other?;
                    row.note = (q.ci_lower.is_none() || q.ci_upper.is_none())
                        .then(|| "interval bound outside the data's range".to_string());
                    q
                }
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
