//! Distribution functions and quantiles: normal, Student t, beta, χ² and F — the checked
//! public face of the crate's numerics.
//!
//! Everything a confidence interval or a test needs, to about 1e-13 relative accuracy at any
//! degrees of freedom and any shape parameters (checked against R 4.2.2's `qt`, `pt`,
//! `qbeta`, `qnorm`, `pnorm`, `pchisq`, `pf`; degrees of freedom from 0.5 to 10⁹ and ∞,
//! shapes up to 10⁴⁰). Each function checks its arguments and calls the crate's numerics
//! module (`src/numerics/dist.rs`), which documents the algorithms: Didonato & Morris'
//! continued fraction and Temme's uniform expansion for the incomplete beta function,
//! Loader's saddle-point prefactors, Newton's method in a bracket for quantiles. statrs is
//! used only where it is that accurate (the normal quantile, `ln Γ` of small arguments).

use super::error::{IntervalError, Result};
use crate::numerics::dist;

/// Quantile of the standard normal distribution, `Φ⁻¹(p)` (R's `qnorm(p)`).
///
/// Returns `-∞` at `p = 0` and `+∞` at `p = 1`.
///
/// ```text
/// Φ⁻¹(p) = −√2 · erfc⁻¹(2p)          for p ≤ 1/2,  Φ⁻¹(p) = −Φ⁻¹(1 − p) above
/// ```
///
/// # Errors
///
/// [`IntervalError::InvalidProbability`] if `p` is outside [0, 1] or NaN.
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::normal_quantile;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: qnorm(0.975) = 1.959963984540054
/// assert!((normal_quantile(0.975)? - 1.959963984540054).abs() < 1e-15);
/// # Ok(())
/// # }
/// ```
pub fn normal_quantile(p: f64) -> Result<f64> {
    check_probability(p)?;
    Ok(dist::normal_quantile(p))
}

/// Cumulative distribution function of the standard normal, `Φ(x)` (R's `pnorm(x)`).
///
/// ```text
/// Φ(x) = Q(1/2, x²/2) / 2  for x ≤ 0,   Φ(x) = 1 − Φ(−x)  for x > 0
/// ```
///
/// (`Q` is the regularized upper incomplete gamma function; `Q(1/2, x²/2) = erfc(|x|/√2)`.)
///
/// # Errors
///
/// [`IntervalError::NanArgument`] if `x` is NaN.
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::normal_cdf;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert_eq!(normal_cdf(0.0)?, 0.5);
/// // R: pnorm(-1.959963984540054) = 0.025000000000000012
/// assert!((normal_cdf(-1.959963984540054)? / 0.025000000000000012 - 1.0).abs() < 1e-14);
/// # Ok(())
/// # }
/// ```
pub fn normal_cdf(x: f64) -> Result<f64> {
    check_not_nan(x, "x")?;
    Ok(dist::normal_cdf(x)?)
}

/// Quantile of Student's t distribution with `df` degrees of freedom (R's `qt(p, df)`).
///
/// `df` need not be an integer; `df = f64::INFINITY` gives the normal quantile. Returns `∓∞` at
/// `p = 0` and `p = 1`.
///
/// ```text
/// for p < 1/2:  t = −sqrt(df · (1 − x) / x)  where  I_x(df/2, 1/2) = 2p
/// for p > 1/2:  t(p) = −t(1 − p)
/// ```
///
/// (`I_x` is the regularized incomplete beta function.) The root is found by Newton's method
/// on `ln I` as a function of `logit(x)`, to a few ulps.
///
/// # Errors
///
/// [`IntervalError::InvalidProbability`] if `p` is outside [0, 1] or NaN;
/// [`IntervalError::InvalidParameter`] if `df` is not positive or NaN;
/// [`IntervalError::NoConvergence`] (not expected) if the iteration fails.
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::t_quantile;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: qt(0.975, 197) = 1.972079033778501
/// assert!((t_quantile(0.975, 197.0)? - 1.972079033778501).abs() < 1e-14);
/// assert!((t_quantile(0.975, f64::INFINITY)? - 1.959963984540054).abs() < 1e-15);
/// assert_eq!(t_quantile(0.5, 3.0)?, 0.0);
/// # Ok(())
/// # }
/// ```
pub fn t_quantile(p: f64, df: f64) -> Result<f64> {
    check_probability(p)?;
    check_df(df, "df")?;
    Ok(dist::t_quantile(p, df)?)
}

/// Cumulative distribution function of Student's t distribution (R's `pt(x, df)`).
///
/// `df` need not be an integer; `df = f64::INFINITY` gives the normal cdf.
///
/// ```text
/// for x ≤ 0:  F(x) = I_{df/(df+x²)}(df/2, 1/2) / 2,      F(x) = 1 − F(−x) for x > 0
/// ```
///
/// # Errors
///
/// [`IntervalError::NanArgument`] if `x` is NaN; [`IntervalError::InvalidParameter`] if `df`
/// is not positive or NaN; [`IntervalError::NoConvergence`] (not expected).
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::t_cdf;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: pt(-2, 14) = 0.032643976444555987
/// assert!((t_cdf(-2.0, 14.0)? / 0.032643976444555987 - 1.0).abs() < 1e-13);
/// assert_eq!(t_cdf(0.0, 5.0)?, 0.5);
/// # Ok(())
/// # }
/// ```
pub fn t_cdf(x: f64, df: f64) -> Result<f64> {
    check_not_nan(x, "x")?;
    check_df(df, "df")?;
    Ok(dist::t_cdf(x, df)?)
}

/// Quantile of the beta distribution with shapes `a` and `b` (R's `qbeta(p, a, b)`).
///
/// ```text
/// x such that I_x(a, b) = p     (I = regularized incomplete beta function)
/// ```
///
/// For `p > 1/2` the upper tail `1 − I_x(a, b) = 1 − p` is solved instead, so that quantiles
/// near 1 keep their accuracy. `p = 0` gives 0 and `p = 1` gives 1. A quantile below the
/// smallest positive double is returned as 0.
///
/// # Errors
///
/// [`IntervalError::InvalidProbability`] if `p` is outside [0, 1] or NaN;
/// [`IntervalError::InvalidParameter`] if a shape is not positive and finite;
/// [`IntervalError::NoConvergence`] (not expected).
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::beta_quantile;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: qbeta(0.975, 1, 10) = 0.30849710781876083 (the Clopper–Pearson bound for 0 of 10)
/// assert!((beta_quantile(0.975, 1.0, 10.0)? - 0.30849710781876083).abs() < 1e-15);
/// assert!((beta_quantile(0.5, 2.0, 2.0)? - 0.5).abs() < 1e-15);
/// # Ok(())
/// # }
/// ```
pub fn beta_quantile(p: f64, a: f64, b: f64) -> Result<f64> {
    check_probability(p)?;
    check_shape(a, "a")?;
    check_shape(b, "b")?;
    Ok(dist::beta_quantile(p, a, b)?)
}

/// Cumulative distribution function of the χ² distribution with `df` degrees of freedom
/// (R's `pchisq(x, df)`). `df` need not be an integer.
///
/// ```text
/// F(x) = P(df/2, x/2)      (regularized lower incomplete gamma function)
/// ```
///
/// # Errors
///
/// [`IntervalError::NanArgument`] if `x` is NaN; [`IntervalError::InvalidParameter`] if `df`
/// is not positive and finite; [`IntervalError::NoConvergence`] (not expected).
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::chisq_cdf;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: pchisq(3.84, 1) = 0.94995647875129474
/// assert!((chisq_cdf(3.84, 1.0)? - 0.94995647875129474).abs() < 1e-15);
/// # Ok(())
/// # }
/// ```
pub fn chisq_cdf(x: f64, df: f64) -> Result<f64> {
    check_not_nan(x, "x")?;
    check_shape(df, "df")?;
    Ok(dist::chisq_cdf(x, df)?)
}

/// Survival function `1 − F(x)` of the χ² distribution (R's
/// `pchisq(x, df, lower.tail = FALSE)`), computed directly so that small p-values keep their
/// relative accuracy.
///
/// ```text
/// 1 − F(x) = Q(df/2, x/2)      (regularized upper incomplete gamma function)
/// ```
///
/// # Errors
///
/// As [`chisq_cdf`].
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::chisq_sf;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: pchisq(50, 2, lower.tail = FALSE) = exp(-25) = 1.3887943864964021e-11
/// assert!((chisq_sf(50.0, 2.0)? / 1.3887943864964021e-11 - 1.0).abs() < 1e-14);
/// # Ok(())
/// # }
/// ```
pub fn chisq_sf(x: f64, df: f64) -> Result<f64> {
    check_not_nan(x, "x")?;
    check_shape(df, "df")?;
    Ok(dist::chisq_sf(x, df)?)
}

/// Survival function `P(F > x)` of the F distribution with `d1` and `d2` degrees of freedom
/// (R's `pf(x, d1, d2, lower.tail = FALSE)`). Both may be non-integer (Rao–Scott tests use
/// fractional degrees of freedom); either may be `f64::INFINITY` (its limit: `d2 = ∞` gives
/// `χ²_{d1}/d1`, `d1 = ∞` gives `d2/χ²_{d2}`).
///
/// ```text
/// P(F > x) = I_{d2/(d2 + d1·x)}(d2/2, d1/2)
/// ```
///
/// # Errors
///
/// [`IntervalError::NanArgument`] if `x` is NaN; [`IntervalError::InvalidParameter`] if a
/// degrees of freedom is not positive or NaN; [`IntervalError::NoConvergence`] (not expected).
///
/// # Example
///
/// ```
/// use survey_stats::interval::dist::f_sf;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // R: pf(2.5, 1, 197, lower.tail = FALSE) = 0.11545048741262133
/// assert!((f_sf(2.5, 1.0, 197.0)? - 0.11545048741262133).abs() < 1e-15);
/// # Ok(())
/// # }
/// ```
pub fn f_sf(x: f64, d1: f64, d2: f64) -> Result<f64> {
    check_not_nan(x, "x")?;
    check_df(d1, "d1")?;
    check_df(d2, "d2")?;
    Ok(dist::f_sf(x, d1, d2)?)
}

// ---------------------------------------------------------------------------------------------
// Argument checks
// ---------------------------------------------------------------------------------------------

fn check_probability(p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(IntervalError::InvalidProbability { p })
    }
}

fn check_not_nan(x: f64, name: &'static str) -> Result<()> {
    if x.is_nan() {
        Err(IntervalError::NanArgument { name })
    } else {
        Ok(())
    }
}

/// Degrees of freedom: positive, infinity allowed.
fn check_df(df: f64, name: &'static str) -> Result<()> {
    if df > 0.0 {
        Ok(())
    } else {
        Err(IntervalError::InvalidParameter { name, value: df })
    }
}

/// Shape parameters: positive and finite.
fn check_shape(v: f64, name: &'static str) -> Result<()> {
    if v > 0.0 && v.is_finite() {
        Ok(())
    } else {
        Err(IntervalError::InvalidParameter { name, value: v })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_arguments_are_errors() {
        assert_eq!(
            t_quantile(1.5, 3.0),
            Err(IntervalError::InvalidProbability { p: 1.5 })
        );
        assert!(matches!(
            t_quantile(0.5, 0.0),
            Err(IntervalError::InvalidParameter { name: "df", .. })
        ));
        assert!(t_quantile(f64::NAN, 3.0).is_err());
        assert!(t_quantile(0.3, f64::NAN).is_err());
        assert!(t_cdf(f64::NAN, 3.0).is_err());
        assert!(beta_quantile(0.5, -1.0, 2.0).is_err());
        assert!(beta_quantile(0.5, 1.0, f64::INFINITY).is_err());
        assert!(chisq_cdf(1.0, 0.0).is_err());
        assert!(f_sf(1.0, 2.0, -3.0).is_err());
        assert!(normal_quantile(-0.1).is_err());
    }

    #[test]
    fn large_degrees_of_freedom_and_shapes_answer() -> Result<()> {
        // R: qt(0.975, 1.5e7) = 1.9599641426914816 (statrs does not return here).
        let q = t_quantile(0.975, 1.5e7)?;
        assert!((q / 1.959_964_142_691_481_6 - 1.0).abs() < 1e-14, "{q}");
        // Beta(3e19, 7e19): the normal limit 0.3 + qnorm(0.025)·sd (R's qbeta gives NaN).
        let q = beta_quantile(0.025, 3e19, 7e19)?;
        assert!((q / 0.299_999_999_910_183_17 - 1.0).abs() < 1e-15, "{q}");
        Ok(())
    }
}
