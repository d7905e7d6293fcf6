//! The pairwise test of two banner columns and the multiple-comparison adjustment.
//!
//! ```text
//! d = m_a − m_b;  SE(d)² = Var(m_a) + Var(m_b) − 2·Cov(m_a, m_b)
//! t = d / SE(d);  p = 2·P(T_df > |t|),  df = degf(design)
//! ```
//! The difference and its SE come from the crate's domain contrast (one pass over the full
//! design, the domains' covariance through shared PSUs and strata counted):
//! [`crate::estimate::domain_contrast`]'s machinery. Source: R
//! `svycontrast(svyby(~y, ~banner, design, svymean, covmat = TRUE), c(1, -1))`, with the
//! p-value `2 * pt(-abs(t), degf(design))`; `p.adjust(p, "bonferroni" | "holm")` for the
//! adjustment.

use super::PairTest;
use crate::design::Design;
use crate::error::Result;
use crate::estimate::contrast::domain_linear;
use crate::estimate::pass::DomainPass;
use crate::estimate::{EstimateOptions, Stat, unavailable};
use serde::{Deserialize, Serialize};

/// The multiple-comparison adjustment of the pairwise p-values of one row and one banner
/// variable (R's `p.adjust`). Default: none.
///
/// ```
/// use survey_stats::Adjust;
/// assert_eq!(Adjust::default(), Adjust::None);
/// assert_eq!(Adjust::Holm.adjusted(&[0.125, 0.5, 0.25]), vec![0.375, 0.5, 0.5]);
/// assert_eq!(Adjust::Bonferroni.adjusted(&[0.125, 0.5]), vec![0.25, 1.0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjust {
    /// Each pair at the nominal level.
    #[default]
    None,
    /// Bonferroni: `min(1, m·p)` over the `m` pairs tested.
    Bonferroni,
    /// Holm's step-down: the `i`-th smallest of `m` p-values becomes
    /// `max_{j ≤ i} min(1, (m − j + 1)·p_(j))`; as powerful as Bonferroni or more, with the
    /// same family-wise error guarantee.
    Holm,
}

impl Adjust {
    /// The adjusted p-values, in the order given (R's `p.adjust(p, method)`).
    pub fn adjusted(self, p: &[f64]) -> Vec<f64> {
        let m = p.len() as f64;
        match self {
            Adjust::None => p.to_vec(),
            Adjust::Bonferroni => p.iter().map(|x| (x * m).min(1.0)).collect(),
            Adjust::Holm => {
                let mut order: Vec<usize> = (0..p.len()).collect();
                order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
                let mut out = vec![0.0; p.len()];
                let mut running: f64 = 0.0;
                for (rank, &i) in order.iter().enumerate() {
                    running = running.max(((m - rank as f64) * p[i]).min(1.0));
                    out[i] = running;
                }
                out
            }
        }
    }
}

impl std::str::FromStr for Adjust {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "none" => Ok(Adjust::None),
            "bonferroni" => Ok(Adjust::Bonferroni),
            "holm" => Ok(Adjust::Holm),
            other => Err(format!(
                "unknown adjustment {other:?} (none, bonferroni, holm)"
            )),
        }
    }
}

/// The estimate and SE of the mean of the domain at slot `d` of a pass of
/// [`crate::estimate::contrast::domain_value_totals`] of `variable` (named in errors);
/// `None` without a base.
pub(super) fn domain_mean(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    variable: &str,
    d: usize,
) -> Result<Option<(f64, Option<f64>)>> {
    let row = unavailable(Stat::Mean, variable, options.level.value(), "");
    let row = domain_linear(design, pass, options, row, &[(1.0, d)])?;
    Ok(row.estimate.map(|v| (v, row.std_error)))
}

/// The tests of `pairs` of domain slots `(a, b)` of one pass, adjusted together; slot `d`
/// is the banner's column `column_of[d]`; the values are `variable`'s (named in errors).
/// Pairs without a p-value (no SE, no degrees of freedom) are left out.
pub(super) fn test_pairs(
    design: &Design,
    pass: &DomainPass,
    options: &EstimateOptions,
    variable: &str,
    pairs: &[(usize, usize)],
    column_of: &[usize],
    adjust: Adjust,
) -> Result<Vec<PairTest>> {
    let mut tests = Vec::with_capacity(pairs.len());
    for &(da, db) in pairs {
        let row = unavailable(Stat::Difference, variable, options.level.value(), "");
        let row = domain_linear(design, pass, options, row, &[(1.0, da), (-1.0, db)])?;
        if let (Some(difference), Some(std_error), Some(p_value)) =
            (row.estimate, row.std_error, row.p_value)
        {
            tests.push(PairTest {
                a: column_of[da],
                b: column_of[db],
                difference,
                std_error,
                df: row.df.filter(|d| d.is_finite()),
                p_value,
                p_adjusted: p_value,
                significant: false,
            });
        }
    }
    let p: Vec<f64> = tests.iter().map(|t| t.p_value).collect();
    let alpha = 1.0 - options.level.value();
    for (t, q) in tests.iter_mut().zip(adjust.adjusted(&p)) {
        t.p_adjusted = q;
        t.significant = q < alpha;
    }
    Ok(tests)
}
