//! Design-based confidence intervals for a proportion, as R survey's `svyciprop`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::binomial::{self, BinomialMethod};
use super::error::{IntervalError, Result};
use super::level::ConfidenceLevel;
use super::mean::{check_df, check_std_error, critical_value};
use crate::numerics::dist::{Tail, beta_quantile_tail, t_quantile};
use crate::numerics::roots::bisect;

/// How the confidence interval of an estimated proportion is computed.
///
/// Serialized in snake case; the default is [`Logit`](ProportionMethod::Logit), as in R's
/// `svyciprop`. The first six are `svyciprop`'s methods (survey 4.1.1), computed from the
/// estimate `p`, its standard error `SE`, the design degrees of freedom `df` and (for `beta`,
/// `likelihood`) the number of rows `n`; `t = qt(1 − α/2, df)`:
///
/// ```text
/// logit       expit(logit p ∓ t·SE/(p(1−p)))         svyciprop(method="logit")  (svyglm Wald)
/// likelihood  {q : 2·KL(p‖q) ≤ n/(n−1) · t²·SE²/(p(1−p))}
///             KL(p‖q) = p ln(p/q) + (1−p) ln((1−p)/(1−q))
///                                                      svyciprop(method="likelihood")
/// asin        sin²(asin √p ∓ t·SE/(2√(p(1−p))))         svyciprop(method="asin")
/// beta        n_eff = p(1−p)/SE² · (qt(α/2, n−1)/qt(α/2, df))²
///             [B⁻¹(α/2; n_eff·p, n_eff(1−p)+1), B⁻¹(1−α/2; n_eff·p+1, n_eff(1−p))]
///                                     svyciprop(method="beta"), Korn & Graubard (1998)
/// mean        p ∓ t·SE                                   svyciprop(method="mean")  (Wald)
/// xlogit      expit(logit p ∓ t·SE/(p(1−p)))         svyciprop(method="xlogit") (svycontrast)
/// wilson      Wilson score interval with n_eff = p(1−p)/SE² and z replaced by t
/// ```
///
/// `logit` and `xlogit` give the same interval from the same `(p, SE)`; in R they differ only
/// in how `p` is computed (a fitted `svyglm` intercept versus `svymean`, ~1e-11 apart).
///
/// **likelihood**: R profiles the deviance of the intercept-only quasibinomial `svyglm` with
/// weights `w̃ = w/mean(w)` (`Σw̃ = n`) and accepts `b` when
/// `(dev(b) − dev(b̂))/φ ≤ λ·t²`. For that model `dev(b) − dev(b̂) = 2n·KL(p‖expit b)`, the
/// dispersion (design-weighted variance of the Pearson residuals) is `φ = n/(n−1)` and the
/// ratio of design to model variance of `b̂` is `λ = n·SE²/(p(1−p))`, which gives the criterion
/// above; it is solved by bisection to the last bit on the logit scale. R interpolates its
/// profile with a spline, so its printed bounds differ from the exact roots by up to ~1e-5
/// relative. Here `n` is the number of rows with non-zero weight in the estimation domain; for
/// a whole-design estimate it is `nrow(design)`, the `n` that `beta` also uses.
///
/// **wilson** is not a `svyciprop` method in survey 4.1.1. It is the design-based Wilson
/// interval of Kott & Carr (1997, "Developing an estimation strategy for a pps wave of the
/// NHIS"; see also Franco et al. 2019, J. Survey Stat. Methodol. 7(3)) and of SAS PROC
/// SURVEYFREQ `CL(TYPE=WILSON)`: the score interval for `p` with the effective sample size
/// `n_eff = p(1−p)/SE²` in place of `n` and `t_{df}` in place of `z`, without a
/// degrees-of-freedom adjustment of `n_eff`. For a simple random sample with replacement
/// (`SE² = p(1−p)/n`, `df = ∞`) it is exactly the binomial Wilson interval.
///
/// The last three are **i.i.d.** intervals for unweighted simple random samples: they treat
/// `p` as `x/n` from `n` independent trials (`x = p·n` need not be an integer), ignore `SE`
/// and `df`, and equal [`binomial_interval`](super::binomial_interval) with the same method
/// when `p·n` is a whole number.
///
/// All intervals are clipped to [0, 1]. For `asin` that means the angle is kept in [0, π/2]
/// (R's `sin²` folds an angle below 0 back up, giving a lower bound above 0 — a quirk not
/// copied).
///
/// # Example
///
/// ```
/// use survey_stats::interval::ProportionMethod;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert_eq!(ProportionMethod::default(), ProportionMethod::Logit);
/// let m: ProportionMethod = serde_json::from_str("\"clopper_pearson\"")?;
/// assert_eq!(m, ProportionMethod::ClopperPearson);
/// assert_eq!("xlogit".parse::<ProportionMethod>()?, ProportionMethod::Xlogit);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProportionMethod {
    /// Wald interval on the logit scale (the default).
    #[default]
    Logit,
    /// Rao–Scott scaled likelihood-ratio interval.
    Likelihood,
    /// Wald interval on the arcsine-square-root scale.
    Asin,
    /// Korn–Graubard: Clopper–Pearson with a degrees-of-freedom-adjusted effective sample size.
    Beta,
    /// Wald interval on the proportion scale.
    Mean,
    /// Wald interval on the logit scale, by the delta method.
    Xlogit,
    /// Wilson score interval with the effective sample size and the t quantile.
    Wilson,
    /// Clopper–Pearson for `p·n` successes in `n` i.i.d. trials.
    ClopperPearson,
    /// Agresti–Coull for `p·n` successes in `n` i.i.d. trials.
    AgrestiCoull,
    /// Jeffreys for `p·n` successes in `n` i.i.d. trials.
    Jeffreys,
}

impl ProportionMethod {
    /// All methods, in declaration order.
    pub const ALL: [ProportionMethod; 10] = [
        ProportionMethod::Logit,
        ProportionMethod::Likelihood,
        ProportionMethod::Asin,
        ProportionMethod::Beta,
        ProportionMethod::Mean,
        ProportionMethod::Xlogit,
        ProportionMethod::Wilson,
        ProportionMethod::ClopperPearson,
        ProportionMethod::AgrestiCoull,
        ProportionMethod::Jeffreys,
    ];

    /// The serialized (snake case) name.
    ///
    /// # Example
    ///
    /// ```
    /// use survey_stats::interval::ProportionMethod;
    ///
    /// assert_eq!(ProportionMethod::Likelihood.name(), "likelihood");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ProportionMethod::Logit => "logit",
            ProportionMethod::Likelihood => "likelihood",
            ProportionMethod::Asin => "asin",
            ProportionMethod::Beta => "beta",
            ProportionMethod::Mean => "mean",
            ProportionMethod::Xlogit => "xlogit",
            ProportionMethod::Wilson => "wilson",
            ProportionMethod::ClopperPearson => "clopper_pearson",
            ProportionMethod::AgrestiCoull => "agresti_coull",
            ProportionMethod::Jeffreys => "jeffreys",
        }
    }
}

impl fmt::Display for ProportionMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ProportionMethod {
    type Err = IntervalError;

    fn from_str(s: &str) -> Result<Self> {
        ProportionMethod::ALL
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| IntervalError::UnknownMethod {
                name: s.to_string(),
            })
    }
}

/// What a proportion interval is computed from.
///
/// # Example
///
/// ```
/// use survey_stats::interval::ProportionInput;
///
/// let input = ProportionInput { estimate: 0.815, std_error: 0.0271, df: 199.0, n: 200.0 };
/// assert_eq!(input.df, 199.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionInput {
    /// The estimated proportion `p`, in [0, 1].
    pub estimate: f64,
    /// Its design-based standard error (finite, ≥ 0).
    pub std_error: f64,
    /// Design degrees of freedom (`degf`: PSUs minus strata, of the domain for domain
    /// estimates), or `f64::INFINITY` for normal quantiles. `beta` uses it where R uses
    /// `degf(design)`.
    pub df: f64,
    /// Number of rows: `nrow(design)` for `beta`; the rows with non-zero weight for
    /// `likelihood`; the number of trials for the i.i.d. methods. Other methods ignore it.
    pub n: f64,
}

/// Confidence interval `(lower, upper)` for a proportion by `method` (see
/// [`ProportionMethod`] for the formulas), clipped to [0, 1].
///
/// Checked against every `svyciprop` record of R survey 4.1.1 in `tests/data/reference.json`.
///
/// Degenerate inputs never produce NaN:
/// * `std_error = 0` with `0 < p < 1` gives the point interval `(p, p)` for every design-based
///   method (the limit of each formula as `SE → 0`);
/// * `p = 0` or `p = 1` works with `mean` (Wald, clipped) and with the i.i.d. methods, and is
///   [`IntervalError::DegenerateProportion`] for `logit`, `likelihood`, `asin`, `beta`,
///   `xlogit` and `wilson`, whose scales put it at infinity (R's `svyciprop` fails or
///   returns NaN there too).
///
/// # Errors
///
/// * [`IntervalError::InvalidInput`] if `estimate` is not in [0, 1], `std_error` is negative or
///   not finite, `df` is not positive, or `n` is out of range for the method (`beta`,
///   `likelihood`: finite and > 1; i.i.d. methods: finite and > 0);
/// * [`IntervalError::DegenerateProportion`] as above;
/// * [`IntervalError::NoConvergence`] (not expected).
///
/// # Example
///
/// ```
/// use survey_stats::interval::{proportion_interval, ConfidenceLevel, ProportionInput, ProportionMethod};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: svyciprop(~I(sch.wide=="Yes"), svydesign(id=~1, fpc=~fpc, data=apisrs), method="logit")
/// let input = ProportionInput {
///     estimate: 0.8149999999999986,
///     std_error: 0.02707764556202688,
///     df: 199.0,
///     n: 200.0,
/// };
/// let (lower, upper) =
///     proportion_interval(&input, ProportionMethod::Logit, ConfidenceLevel::default())?;
/// assert!((lower - 0.7555968945776063).abs() < 1e-12);
/// assert!((upper - 0.8625906104402522).abs() < 1e-12);
/// # Ok(())
/// # }
/// ```
pub fn proportion_interval(
    input: &ProportionInput,
    method: ProportionMethod,
    level: ConfidenceLevel,
) -> Result<(f64, f64)> {
    let ProportionInput {
        estimate: p,
        std_error: se,
        df,
        n,
    } = *input;
    if !(0.0..=1.0).contains(&p) {
        return Err(IntervalError::InvalidInput {
            name: "estimate",
            value: p,
            reason: "must be a proportion in [0, 1]",
        });
    }
    check_std_error(se)?;
    check_df(df)?;

    let iid = |binomial_method| -> Result<(f64, f64)> {
        check_n(n, 0.0, "must be finite and positive")?;
        binomial::bounds(p * n, n, level, binomial_method)
    };
    match method {
        ProportionMethod::ClopperPearson => return iid(BinomialMethod::ClopperPearson),
        ProportionMethod::AgrestiCoull => return iid(BinomialMethod::AgrestiCoull),
        ProportionMethod::Jeffreys => return iid(BinomialMethod::Jeffreys),
        ProportionMethod::Mean => {
            let t = critical_value(df, level)?;
            return Ok(clip(p - t * se, p + t * se));
        }
        ProportionMethod::Beta | ProportionMethod::Likelihood => {
            check_n(n, 1.0, "must be finite and greater than 1")?;
        }
        _ => {}
    }
    if p == 0.0 || p == 1.0 {
        return Err(IntervalError::DegenerateProportion {
            method: method.name(),
            estimate: p,
        });
    }
    if se == 0.0 {
        return Ok((p, p));
    }
    let q = 1.0 - p;
    let t = critical_value(df, level)?;
    let bounds = match method {
        ProportionMethod::Logit | ProportionMethod::Xlogit => {
            let b = (p / q).ln();
            let half = t * se / (p * q);
            (expit(b - half), expit(b + half))
        }
        ProportionMethod::Asin => {
            let theta = p.sqrt().asin();
            let half = t * se / (2.0 * (p * q).sqrt());
            let lower = (theta - half).max(0.0).sin();
            let upper = (theta + half).min(std::f64::consts::FRAC_PI_2).sin();
            (lower * lower, upper * upper)
        }
        ProportionMethod::Beta => {
            let tail = level.tail();
            let ratio = t_quantile(tail, n - 1.0)? / t_quantile(tail, df)?;
            let n_eff = p * q / (se * se) * ratio * ratio;
            if n_eff.is_finite() {
                (
                    beta_quantile_tail(n_eff * p, n_eff * q + 1.0, tail, Tail::Lower)?,
                    beta_quantile_tail(n_eff * p + 1.0, n_eff * q, tail, Tail::Upper)?,
                )
            } else {
                // An SE so small that the shapes overflow: the quantiles' limit, the mean.
                (p, p)
            }
        }
        ProportionMethod::Wilson => binomial::wilson(p, p * q / (se * se), t, 0.0),
        ProportionMethod::Likelihood => {
            let criterion = n / (n - 1.0) * t * t * se * se / (p * q);
            likelihood_bounds(p, criterion, t * se / (p * q))?
        }
        ProportionMethod::Mean
        | ProportionMethod::ClopperPearson
        | ProportionMethod::AgrestiCoull
        | ProportionMethod::Jeffreys => unreachable!("handled above"),
    };
    Ok(clip(bounds.0, bounds.1))
}

fn check_n(n: f64, min: f64, reason: &'static str) -> Result<()> {
    if n > min && n.is_finite() {
        Ok(())
    } else {
        Err(IntervalError::InvalidInput {
            name: "n",
            value: n,
            reason,
        })
    }
}

fn clip(lower: f64, upper: f64) -> (f64, f64) {
    (lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0))
}

/// `1 / (1 + e^(−η))`.
fn expit(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

/// `ln(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// The two roots of `2·KL(p ‖ expit b) = criterion` around `b̂ = logit p`, found by bracketing
/// (steps of `scale`, doubling) and bisection to adjacent doubles; returned as proportions.
fn likelihood_bounds(p: f64, criterion: f64, scale: f64) -> Result<(f64, f64)> {
    let q = 1.0 - p;
    let b_hat = (p / q).ln();
    let entropy = p * p.ln() + q * q.ln();
    // 2·KL(p ‖ expit b) − criterion, increasing in |b − b̂|.
    let f = |b: f64| 2.0 * (entropy + p * softplus(-b) + q * softplus(b)) - criterion;
    let root = |direction: f64| -> Result<f64> {
        let mut step = scale;
        let mut far = b_hat + direction * step;
        let mut doublings = 0;
        while f(far) <= 0.0 {
            step *= 2.0;
            far = b_hat + direction * step;
            doublings += 1;
            if doublings > 1100 || !far.is_finite() {
                return Err(IntervalError::NoConvergence {
                    what: "likelihood interval bracket",
                });
            }
        }
        Ok(bisect(|b| f(b) <= 0.0, b_hat, far))
    };
    Ok((expit(root(-1.0)?), expit(root(1.0)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(estimate: f64, std_error: f64, df: f64, n: f64) -> ProportionInput {
        ProportionInput {
            estimate,
            std_error,
            df,
            n,
        }
    }

    /// `svyciprop(method = "beta")` with an SE of about 0: effective sample sizes of 10³⁵ and
    /// more (R's `qbeta` answers NaN or 1 there), up to overflow; the bounds are the beta
    /// quantiles, within a few ulps of the estimate (the shapes' own rounding moves their
    /// mean by an ulp), and found at once.
    #[test]
    fn beta_with_an_se_of_about_zero_is_the_estimate() {
        let level = ConfidenceLevel::default();
        for (p, se) in [
            (0.526_315_789_473_684_2, 3e-18),
            (0.3, 1e-150),
            (0.01, 1e-170),
        ] {
            let got = proportion_interval(&input(p, se, 3.0, 30.0), ProportionMethod::Beta, level)
                .unwrap();
            let ulps = 4.0 * f64::EPSILON * p;
            assert!(
                (got.0 - p).abs() <= ulps && (got.1 - p).abs() <= ulps,
                "{got:?}"
            );
            assert!(got.0 <= got.1, "{got:?}");
        }
    }

    #[test]
    fn degenerate_inputs() {
        let level = ConfidenceLevel::default();
        for method in ProportionMethod::ALL {
            // SE = 0 inside (0, 1): a point interval for design-based methods.
            let got = proportion_interval(&input(0.3, 0.0, 10.0, 20.0), method, level).unwrap();
            assert!(got.0 <= 0.3 && got.1 >= 0.3, "{method}");
            for p in [0.0, 1.0] {
                let result = proportion_interval(&input(p, 0.1, 10.0, 20.0), method, level);
                match method {
                    ProportionMethod::Mean
                    | ProportionMethod::ClopperPearson
                    | ProportionMethod::AgrestiCoull
                    | ProportionMethod::Jeffreys => {
                        let (lo, hi) = result.unwrap();
                        assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
                        // Jeffreys has no boundary rule (statsmodels' convention).
                        if method != ProportionMethod::Jeffreys {
                            assert!(lo <= p && p <= hi, "{method} p={p}: {lo} {hi}");
                        }
                    }
                    _ => assert_eq!(
                        result,
                        Err(IntervalError::DegenerateProportion {
                            method: method.name(),
                            estimate: p
                        })
                    ),
                }
            }
        }
        assert_eq!(
            proportion_interval(&input(0.3, 0.0, 10.0, 20.0), ProportionMethod::Logit, level),
            Ok((0.3, 0.3))
        );
    }

    #[test]
    fn invalid_inputs() {
        let level = ConfidenceLevel::default();
        let m = ProportionMethod::Logit;
        assert!(proportion_interval(&input(1.2, 0.1, 10.0, 20.0), m, level).is_err());
        assert!(proportion_interval(&input(f64::NAN, 0.1, 10.0, 20.0), m, level).is_err());
        assert!(proportion_interval(&input(0.3, -0.1, 10.0, 20.0), m, level).is_err());
        assert!(proportion_interval(&input(0.3, 0.1, 0.0, 20.0), m, level).is_err());
        assert!(
            proportion_interval(&input(0.3, 0.1, 10.0, 1.0), ProportionMethod::Beta, level)
                .is_err()
        );
        assert!(
            proportion_interval(
                &input(0.3, 0.1, 10.0, f64::NAN),
                ProportionMethod::Likelihood,
                level
            )
            .is_err()
        );
        assert!(
            proportion_interval(
                &input(0.3, 0.1, 10.0, 0.0),
                ProportionMethod::Jeffreys,
                level
            )
            .is_err()
        );
        // Methods that ignore n accept anything there.
        assert!(proportion_interval(&input(0.3, 0.1, 10.0, f64::NAN), m, level).is_ok());
    }

    #[test]
    fn wilson_equals_binomial_wilson_for_srs_with_replacement() {
        let level = ConfidenceLevel::new(0.9).unwrap();
        let (x, n) = (47u64, 100u64);
        let p = x as f64 / n as f64;
        let se = (p * (1.0 - p) / n as f64).sqrt();
        let got = proportion_interval(
            &input(p, se, f64::INFINITY, 5.0),
            ProportionMethod::Wilson,
            level,
        )
        .unwrap();
        let want = super::super::binomial_interval(x, n, level, BinomialMethod::Wilson).unwrap();
        assert!((got.0 - want.lower).abs() < 1e-15 && (got.1 - want.upper).abs() < 1e-15);
    }

    #[test]
    fn iid_methods_equal_binomial_intervals() {
        let level = ConfidenceLevel::new(0.9).unwrap();
        for (x, n) in [(0u64, 10u64), (3, 7), (47, 100), (999, 1000)] {
            let p = x as f64 / n as f64;
            for (method, binomial_method) in [
                (
                    ProportionMethod::ClopperPearson,
                    BinomialMethod::ClopperPearson,
                ),
                (ProportionMethod::AgrestiCoull, BinomialMethod::AgrestiCoull),
                (ProportionMethod::Jeffreys, BinomialMethod::Jeffreys),
            ] {
                // std_error and df are ignored by the i.i.d. methods.
                let got =
                    proportion_interval(&input(p, 0.5, 3.0, n as f64), method, level).unwrap();
                let want = super::super::binomial_interval(x, n, level, binomial_method).unwrap();
                assert!((got.0 - want.lower).abs() < 1e-12, "{method} {x}/{n}");
                assert!((got.1 - want.upper).abs() < 1e-12, "{method} {x}/{n}");
            }
        }
    }

    #[test]
    fn asin_clips_the_angle() {
        // asin √p − half < 0: R folds back (lower > 0); here the lower bound is 0.
        let (lower, upper) = proportion_interval(
            &input(0.01, 0.05, 30.0, 100.0),
            ProportionMethod::Asin,
            ConfidenceLevel::default(),
        )
        .unwrap();
        assert_eq!(lower, 0.0);
        assert!(upper > 0.01 && upper < 1.0);
    }
}
