//! Confidence intervals: the confidence level, the distribution functions behind them, and
//! the interval methods for binomial proportions, design-based proportions and means.
//!
//! * [`ConfidenceLevel`]: a level in (0, 1), 0.95 by default.
//! * [`dist`]: quantiles and tail probabilities of the normal, t, beta, χ² and F
//!   distributions, accurate to ~1e-13 (checked against R).
//! * [`binomial_interval`] with [`BinomialMethod`]: intervals for `x` successes in `n`
//!   independent trials (Wald, Wilson, Wilson with continuity correction, Agresti–Coull,
//!   Clopper–Pearson, Jeffreys), matching statsmodels and R.
//! * [`proportion_interval`] with [`ProportionMethod`]: intervals for a proportion estimated
//!   from a survey design, from its estimate, standard error and degrees of freedom, as R
//!   survey's `svyciprop` (logit, likelihood, asin, beta, mean, xlogit) plus a design-based
//!   Wilson interval and i.i.d. intervals for simple random samples.
//! * [`mean_interval`]: `estimate ∓ t·SE` for means, totals, ratios and differences.
//!
//! Errors are [`IntervalError`]; no function here returns NaN.
//!
//! # Example
//!
//! ```
//! use survey_stats::interval::{
//!     binomial_interval, mean_interval, proportion_interval, BinomialMethod, ConfidenceLevel,
//!     ProportionInput, ProportionMethod,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let level = ConfidenceLevel::new(0.95)?;
//! let ci = binomial_interval(47, 100, level, BinomialMethod::Wilson)?;
//! assert!(ci.lower < 0.47 && 0.47 < ci.upper);
//!
//! let input = ProportionInput { estimate: 0.47, std_error: 0.06, df: 14.0, n: 183.0 };
//! let (lower, upper) = proportion_interval(&input, ProportionMethod::default(), level)?;
//! assert!(lower < 0.47 && 0.47 < upper);
//!
//! let (lower, upper) = mean_interval(100.0, 0.0, 14.0, level)?;
//! assert_eq!((lower, upper), (100.0, 100.0));
//! # Ok(())
//! # }
//! ```

mod binomial;
pub mod dist;
mod error;
mod level;
mod mean;
mod proportion;

pub use binomial::{BinomialMethod, Interval, binomial_interval};
pub use error::{IntervalError, Result};
pub use level::ConfidenceLevel;
pub use mean::mean_interval;
pub use proportion::{ProportionInput, ProportionMethod, proportion_interval};
