//! The error type of the interval layer.

use thiserror::Error;

/// Why a confidence interval, quantile or probability could not be computed.
///
/// Every variant carries the offending value(s), so that a caller can report them. Nothing in
/// this module returns NaN: an input for which the result is undefined is one of these errors.
///
/// # Example
///
/// ```
/// use survey_stats::interval::{ConfidenceLevel, IntervalError};
///
/// let err = ConfidenceLevel::new(1.5).unwrap_err();
/// assert_eq!(err, IntervalError::InvalidLevel { level: 1.5 });
/// assert_eq!(err.to_string(), "confidence level must be strictly between 0 and 1, got 1.5");
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum IntervalError {
    /// The confidence level is not strictly between 0 and 1 (or is NaN).
    #[error("confidence level must be strictly between 0 and 1, got {level}")]
    InvalidLevel {
        /// The rejected level.
        level: f64,
    },
    /// A probability argument of a quantile function is outside [0, 1] (or is NaN).
    #[error("probability must be between 0 and 1, got {p}")]
    InvalidProbability {
        /// The rejected probability.
        p: f64,
    },
    /// A distribution parameter (degrees of freedom, shape) is not positive or is NaN.
    #[error("parameter `{name}` must be positive, got {value}")]
    InvalidParameter {
        /// The parameter's name, e.g. `"df"`, `"a"`, `"d2"`.
        name: &'static str,
        /// The rejected value.
        value: f64,
    },
    /// A point at which a distribution function is evaluated is NaN.
    #[error("argument `{name}` must not be NaN")]
    NanArgument {
        /// The argument's name, e.g. `"x"`.
        name: &'static str,
    },
    /// A binomial interval was requested for zero trials.
    #[error("a binomial interval needs at least one trial")]
    NoTrials,
    /// More successes than trials.
    #[error("successes ({successes}) exceed trials ({trials})")]
    SuccessesExceedTrials {
        /// Number of successes given.
        successes: u64,
        /// Number of trials given.
        trials: u64,
    },
    /// More trials than floating point counts exactly (2^53).
    #[error(
        "{trials} trials are more than 2^53 = 9007199254740992, beyond which counts are not exact in floating point"
    )]
    TooManyTrials {
        /// Number of trials given.
        trials: u64,
    },
    /// An exact (beta quantile) method that does not converge for so many trials.
    #[error(
        "the {method} interval cannot be computed for {successes} successes in {trials} trials (its beta quantiles do not converge at this size); with so many trials the wilson interval is practically the same: use it"
    )]
    TooLargeForExact {
        /// The method's name, `clopper_pearson` or `jeffreys`.
        method: &'static str,
        /// Number of successes given.
        successes: u64,
        /// Number of trials given.
        trials: u64,
    },
    /// A method name that is not one of the known (snake case) names.
    #[error("unknown interval method `{name}`")]
    UnknownMethod {
        /// The name given.
        name: String,
    },
    /// A field of a [`ProportionInput`](super::ProportionInput) or of
    /// [`mean_interval`](super::mean_interval) is outside its domain.
    #[error("invalid `{name}` = {value}: {reason}")]
    InvalidInput {
        /// The field's name: `"estimate"`, `"std_error"`, `"df"` or `"n"`.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// What the value must satisfy.
        reason: &'static str,
    },
    /// The method cannot produce an interval at this estimate: the estimate is exactly 0 or 1
    /// and the method works on a scale (logit, arcsine, effective sample size) on which that
    /// point is at infinity or undefined. R's `svyciprop` fails or returns NaN here too.
    #[error("method `{method}` has no interval for a proportion of exactly {estimate}")]
    DegenerateProportion {
        /// The method's name as serialized, e.g. `"logit"`.
        method: &'static str,
        /// The estimate, 0 or 1.
        estimate: f64,
    },
    /// An iterative algorithm did not converge (not expected for valid inputs).
    #[error("{what} did not converge")]
    NoConvergence {
        /// Which computation failed.
        what: &'static str,
    },
}

impl From<crate::numerics::NoConvergence> for IntervalError {
    fn from(e: crate::numerics::NoConvergence) -> Self {
        IntervalError::NoConvergence { what: e.what }
    }
}

/// Result alias of the interval layer.
pub type Result<T> = std::result::Result<T, IntervalError>;
