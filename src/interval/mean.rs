//! The symmetric interval of a mean, total, ratio or difference.

use super::error::{IntervalError, Result};
use super::level::ConfidenceLevel;
use crate::numerics::dist::t_quantile;

/// The two-sided interval `estimate ∓ q·std_error`, with `q` the `1 − α/2` quantile of Student's
/// t with `df` degrees of freedom, or of the standard normal when `df` is `f64::INFINITY`.
///
/// This is R survey's `confint(<svystat>, level, df)` (`confint(m)` uses `df = Inf`; the
/// design-based t interval uses `df = degf(design)`), and the one place in the crate where that
/// formula lives.
///
/// ```text
/// [estimate − q·SE, estimate + q·SE],   q = qt(1 − α/2, df)  (qnorm for df = ∞)
/// ```
///
/// # Errors
///
/// [`IntervalError::InvalidInput`] if `estimate` is not finite, `std_error` is negative or not
/// finite, or `df` is not positive (NaN included).
///
/// # Example
///
/// ```
/// use survey_stats::interval::{mean_interval, ConfidenceLevel};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // strat_fpc mean of api00: 662.2873631593208, SE 9.40894080278458, degf 197
/// let (lower, upper) =
///     mean_interval(662.2873631593208, 9.40894080278458, 197.0, ConfidenceLevel::default())?;
/// assert!((lower - 643.7321882720862).abs() < 1e-9);
/// assert!((upper - 680.8425380465553).abs() < 1e-9);
/// let (lower, _) = mean_interval(10.0, 1.0, f64::INFINITY, ConfidenceLevel::default())?;
/// assert!((lower - (10.0 - 1.959963984540054)).abs() < 1e-14);
/// # Ok(())
/// # }
/// ```
pub fn mean_interval(
    estimate: f64,
    std_error: f64,
    df: f64,
    level: ConfidenceLevel,
) -> Result<(f64, f64)> {
    if !estimate.is_finite() {
        return Err(IntervalError::InvalidInput {
            name: "estimate",
            value: estimate,
            reason: "must be finite",
        });
    }
    check_std_error(std_error)?;
    check_df(df)?;
    let q = critical_value(df, level)?;
    Ok((estimate - q * std_error, estimate + q * std_error))
}

/// `qt(1 − α/2, df)` (`qnorm` for `df = ∞`), computed as `−qt(α/2, df)`.
pub(crate) fn critical_value(df: f64, level: ConfidenceLevel) -> Result<f64> {
    Ok(-t_quantile(level.tail(), df)?)
}

pub(crate) fn check_std_error(std_error: f64) -> Result<()> {
    if std_error >= 0.0 && std_error.is_finite() {
        Ok(())
    } else {
        Err(IntervalError::InvalidInput {
            name: "std_error",
            value: std_error,
            reason: "must be finite and non-negative",
        })
    }
}

pub(crate) fn check_df(df: f64) -> Result<()> {
    if df > 0.0 {
        Ok(())
    } else {
        Err(IntervalError::InvalidInput {
            name: "df",
            value: df,
            reason: "must be positive (f64::INFINITY for the normal distribution)",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_input() {
        let level = ConfidenceLevel::default();
        assert!(mean_interval(f64::NAN, 1.0, 10.0, level).is_err());
        assert!(mean_interval(1.0, -1.0, 10.0, level).is_err());
        assert!(mean_interval(1.0, f64::INFINITY, 10.0, level).is_err());
        assert!(mean_interval(1.0, 1.0, 0.0, level).is_err());
        assert!(mean_interval(1.0, 1.0, f64::NAN, level).is_err());
        assert_eq!(mean_interval(1.0, 0.0, 3.0, level), Ok((1.0, 1.0)));
    }
}
