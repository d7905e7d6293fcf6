//! Confidence intervals for a binomial proportion from independent trials.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{IntervalError, Result};
use super::level::ConfidenceLevel;
use crate::numerics::dist::{Tail, beta_quantile_tail, normal_quantile};

/// How a binomial confidence interval is computed.
///
/// Serialized in snake case (`"wald"`, `"wilson"`, `"wilson_cc"`, `"agresti_coull"`,
/// `"clopper_pearson"`, `"jeffreys"`); [`FromStr`] accepts the same names. The default is
/// [`Wilson`](BinomialMethod::Wilson), which keeps close to nominal coverage at every `n`
/// (Brown, Cai & DasGupta 2001, "Interval estimation for a binomial proportion").
///
/// With `z = Φ⁻¹(1 − α/2)`, `p̂ = x/n`:
///
/// ```text
/// wald             p̂ ∓ z·sqrt(p̂(1 − p̂)/n)                        statsmodels method="normal"
/// wilson           (p̂ + z²/2n ∓ z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n)
///                                            R prop.test(correct=FALSE), statsmodels "wilson"
/// wilson_cc        the same with p̂ ± c/n inside, c = min(1/2, |x − n/2|)
///                                            R prop.test(correct=TRUE)
/// agresti_coull    ñ = n + z², p̃ = (x + z²/2)/ñ,  p̃ ∓ z·sqrt(p̃(1 − p̃)/ñ)
///                                            statsmodels method="agresti_coull"
/// clopper_pearson  [B⁻¹(α/2; x, n − x + 1), B⁻¹(1 − α/2; x + 1, n − x)]
///                                            R binom.test, statsmodels "beta"
/// jeffreys         [B⁻¹(α/2; x + 1/2, n − x + 1/2), B⁻¹(1 − α/2; x + 1/2, n − x + 1/2)]
///                                            statsmodels "jeffreys"
/// ```
///
/// Boundaries follow the references named: wald, wilson and agresti_coull are clipped to
/// [0, 1]; wilson and wilson_cc have lower bound 0 when the (corrected) `p̂ ≤ 0` and upper bound
/// 1 when it is `≥ 1`, as R's `prop.test`; clopper_pearson is 0 at `x = 0` and 1 at `x = n`;
/// jeffreys has no boundary rule (its bounds at `x = 0` are the plain beta quantiles, as in
/// statsmodels).
///
/// Note R's continuity correction `c = min(1/2, |x − n/2|)`: it vanishes when `x = n/2`, so
/// `wilson_cc` equals `wilson` there.
///
/// # Example
///
/// ```
/// use survey_stats::interval::BinomialMethod;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let m: BinomialMethod = serde_json::from_str("\"clopper_pearson\"")?;
/// assert_eq!(m, BinomialMethod::ClopperPearson);
/// assert_eq!("wilson_cc".parse::<BinomialMethod>()?, BinomialMethod::WilsonCc);
/// assert_eq!(BinomialMethod::default().to_string(), "wilson");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinomialMethod {
    /// Normal approximation (Wald), clipped to [0, 1].
    Wald,
    /// Wilson score interval (the default).
    #[default]
    Wilson,
    /// Wilson score interval with R's continuity correction.
    WilsonCc,
    /// Agresti–Coull "add z²/2 successes and failures" interval, clipped to [0, 1].
    AgrestiCoull,
    /// Clopper–Pearson exact interval.
    ClopperPearson,
    /// Jeffreys (Beta(1/2, 1/2) prior) equal-tailed interval.
    Jeffreys,
}

impl BinomialMethod {
    /// All methods, in declaration order.
    pub const ALL: [BinomialMethod; 6] = [
        BinomialMethod::Wald,
        BinomialMethod::Wilson,
        BinomialMethod::WilsonCc,
        BinomialMethod::AgrestiCoull,
        BinomialMethod::ClopperPearson,
        BinomialMethod::Jeffreys,
    ];

    /// The serialized (snake case) name.
    ///
    /// # Example
    ///
    /// ```
    /// use survey_stats::interval::BinomialMethod;
    ///
    /// assert_eq!(BinomialMethod::AgrestiCoull.name(), "agresti_coull");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            BinomialMethod::Wald => "wald",
            BinomialMethod::Wilson => "wilson",
            BinomialMethod::WilsonCc => "wilson_cc",
            BinomialMethod::AgrestiCoull => "agresti_coull",
            BinomialMethod::ClopperPearson => "clopper_pearson",
            BinomialMethod::Jeffreys => "jeffreys",
        }
    }
}

impl fmt::Display for BinomialMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for BinomialMethod {
    type Err = IntervalError;

    fn from_str(s: &str) -> Result<Self> {
        BinomialMethod::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| IntervalError::UnknownMethod {
                name: s.to_string(),
            })
    }
}

/// A point estimate with its confidence interval, the method and the level that produced it.
///
/// Serializes as `{"estimate", "ci_lower", "ci_upper", "method", "level"}` (the bounds under
/// the names of the command-line contract).
///
/// # Example
///
/// ```
/// use survey_stats::interval::{binomial_interval, BinomialMethod, ConfidenceLevel};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let ci = binomial_interval(0, 10, ConfidenceLevel::default(), BinomialMethod::Wald)?;
/// assert_eq!(
///     serde_json::to_string(&ci)?,
///     r#"{"estimate":0.0,"ci_lower":0.0,"ci_upper":0.0,"method":"wald","level":0.95}"#
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The point estimate `x / n`.
    pub estimate: f64,
    /// Lower confidence bound.
    #[serde(rename = "ci_lower")]
    pub lower: f64,
    /// Upper confidence bound.
    #[serde(rename = "ci_upper")]
    pub upper: f64,
    /// The method used.
    pub method: BinomialMethod,
    /// The confidence level.
    pub level: ConfidenceLevel,
}

/// Confidence interval for a binomial proportion from `successes` out of `trials` independent
/// trials. The formulas and boundary conventions are those of [`BinomialMethod`]; they match
/// statsmodels 0.15 `proportion_confint` and R's `binom.test`/`prop.test` (checked to relative
/// 1e-9 on the grid of `tests/data/binomial_ci.json`).
///
/// # Errors
///
/// [`IntervalError::NoTrials`] if `trials == 0`; [`IntervalError::SuccessesExceedTrials`] if
/// `successes > trials`; [`IntervalError::TooManyTrials`] above 2^53 trials;
/// [`IntervalError::TooLargeForExact`] when the beta quantiles of `clopper_pearson` or
/// `jeffreys` do not converge (from about 10^15 trials).
///
/// # Example
///
/// ```
/// use survey_stats::interval::{binomial_interval, BinomialMethod, ConfidenceLevel};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: binom.test(0, 10)$conf.int = [0, 0.30849710781876083]
/// let ci = binomial_interval(0, 10, ConfidenceLevel::default(), BinomialMethod::ClopperPearson)?;
/// assert_eq!(ci.estimate, 0.0);
/// assert_eq!(ci.lower, 0.0);
/// assert!((ci.upper - 0.30849710781876083).abs() < 1e-15);
/// # Ok(())
/// # }
/// ```
pub fn binomial_interval(
    successes: u64,
    trials: u64,
    level: ConfidenceLevel,
    method: BinomialMethod,
) -> Result<Interval> {
    if trials == 0 {
        return Err(IntervalError::NoTrials);
    }
    if successes > trials {
        return Err(IntervalError::SuccessesExceedTrials { successes, trials });
    }
    if trials > 1 << 53 {
        return Err(IntervalError::TooManyTrials { trials });
    }
    let x = successes as f64;
    let n = trials as f64;
    let (lower, upper) = bounds(x, n, level, method).map_err(|e| match e {
        IntervalError::NoConvergence { .. } => IntervalError::TooLargeForExact {
            method: method.name(),
            successes,
            trials,
        },
        other => other,
    })?;
    Ok(Interval {
        estimate: x / n,
        lower,
        upper,
        method,
        level,
    })
}

/// The bounds for `x` successes in `n` trials; `x` need not be an integer (the i.i.d. methods
/// of [`proportion_interval`](super::proportion_interval) pass `x = p̂·n`). Requires
/// `0 ≤ x ≤ n`, `n > 0`.
pub(crate) fn bounds(
    x: f64,
    n: f64,
    level: ConfidenceLevel,
    method: BinomialMethod,
) -> Result<(f64, f64)> {
    let tail = level.tail();
    let z = -normal_quantile(tail);
    Ok(match method {
        BinomialMethod::Wald => clip(wald_unclipped(x, n, z)),
        BinomialMethod::Wilson => wilson(x / n, n, z, 0.0),
        BinomialMethod::WilsonCc => wilson(x / n, n, z, (x - 0.5 * n).abs().min(0.5)),
        BinomialMethod::AgrestiCoull => clip(agresti_coull_unclipped(x, n, z)),
        BinomialMethod::ClopperPearson => {
            let lower = if x <= 0.0 {
                0.0
            } else {
                beta_quantile_tail(x, n - x + 1.0, tail, Tail::Lower)?
            };
            let upper = if x >= n {
                1.0
            } else {
                beta_quantile_tail(x + 1.0, n - x, tail, Tail::Upper)?
            };
            (lower, upper)
        }
        BinomialMethod::Jeffreys => {
            let (a, b) = (x + 0.5, n - x + 0.5);
            (
                beta_quantile_tail(a, b, tail, Tail::Lower)?,
                beta_quantile_tail(a, b, tail, Tail::Upper)?,
            )
        }
    })
}

fn clip((lower, upper): (f64, f64)) -> (f64, f64) {
    (lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0))
}

/// The Wald interval before clipping (statsmodels' `normal` formula).
pub(crate) fn wald_unclipped(x: f64, n: f64, z: f64) -> (f64, f64) {
    let p = x / n;
    let half = z * (p * (1.0 - p) / n).sqrt();
    (p - half, p + half)
}

/// The Agresti–Coull interval before clipping (statsmodels' formula).
pub(crate) fn agresti_coull_unclipped(x: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let n_c = n + z2;
    let p_c = (x + z2 / 2.0) / n_c;
    let half = z * (p_c * (1.0 - p_c) / n_c).sqrt();
    (p_c - half, p_c + half)
}

/// R's `prop.test` one-sample interval: Wilson score interval of `p` with continuity
/// correction `c` (0 for none), bound 0 when `p − c/n ≤ 0` and 1 when `p + c/n ≥ 1`.
pub(crate) fn wilson(p: f64, n: f64, z: f64, c: f64) -> (f64, f64) {
    let z22n = z * z / (2.0 * n);
    let bound = |pc: f64, sign: f64| {
        (pc + z22n + sign * z * (pc * (1.0 - pc) / n + z22n / (2.0 * n)).sqrt())
            / (1.0 + 2.0 * z22n)
    };
    let p_up = p + c / n;
    let upper = if p_up >= 1.0 { 1.0 } else { bound(p_up, 1.0) };
    let p_lo = p - c / n;
    let lower = if p_lo <= 0.0 { 0.0 } else { bound(p_lo, -1.0) };
    (lower.max(0.0), upper.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINOMIAL_CI: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/binomial_ci.json"
    ));

    /// The `formula.*_unclipped` values of the statsmodels grid (not reachable through the
    /// public API, which clips).
    #[test]
    fn unclipped_formulas_match_statsmodels() {
        let data: serde_json::Value = serde_json::from_str(BINOMIAL_CI).unwrap();
        let mut checked = 0;
        for entry in data["grid"].as_array().unwrap() {
            let x = entry["x"].as_f64().unwrap();
            let n = entry["n"].as_f64().unwrap();
            let alpha = entry["alpha"].as_f64().unwrap();
            let z = -normal_quantile(alpha / 2.0);
            for (key, got) in [
                ("normal_unclipped", wald_unclipped(x, n, z)),
                ("agresti_coull_unclipped", agresti_coull_unclipped(x, n, z)),
            ] {
                for (bound, value) in [("lower", got.0), ("upper", got.1)] {
                    let want = entry["formula"][key][bound].as_f64().unwrap();
                    let tol = 1e-12_f64.max(1e-9 * want.abs());
                    assert!(
                        (value - want).abs() <= tol,
                        "{key}.{bound} x={x} n={n} alpha={alpha}: {value} vs {want}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 64);
    }

    #[test]
    fn errors() {
        let level = ConfidenceLevel::default();
        assert_eq!(
            binomial_interval(0, 0, level, BinomialMethod::Wilson),
            Err(IntervalError::NoTrials)
        );
        assert_eq!(
            binomial_interval(4, 3, level, BinomialMethod::Wilson),
            Err(IntervalError::SuccessesExceedTrials {
                successes: 4,
                trials: 3
            })
        );
        assert!("exact".parse::<BinomialMethod>().is_err());
    }
}
