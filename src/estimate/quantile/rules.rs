//! Weighted quantiles and their confidence intervals, as R `survey` 4.1.1's `svyquantile`.
//!
//! This module reproduces `survey:::svyquantile.survey.design` (the "new" `svyquantile` with
//! `qrule` and `interval.type`) without knowing anything about the design: the variance
//! engine is supplied as a callback that returns the estimated share of rows at or below a
//! threshold and its design standard error (R's `svymean(x <= t, design)`).
//!
//! # What R computes
//!
//! For one variable `x`, weights `w = weights(design)` and one probability `p`:
//!
//! ```text
//! estimate  q̂ = qrule(x, w, p)
//! interval  Woodruff (interval.type "mean", "beta", "xlogit", "asin"):
//!             (F̂, se) = svymean(x <= q̂, design)
//!             [p_lo, p_hi] = svyciprop-style interval for the proportion F̂
//!             [lo, hi] = [qrule(x, w, p_lo), qrule(x, w, p_hi)]   (NaN if p_lo < 0 or p_hi > 1)
//!           score (Francisco & Fuller): roots of
//!             S(θ) = svymean(1[x > θ] − (1 − p)) / SE − c,   c = +t (lower), −t (upper)
//!             found with uniroot() on [min x + IQR/100, max x − IQR/100],
//!             tol = 1/(100·√nrow(design)); then
//!             [lo, hi] = qrule(x, w, mean(x <= root))   (an UNWEIGHTED share of all rows)
//! std_error = (hi − lo) / (2·t),   t = qt(1 − α/2, df)  (qnorm when df = ∞)
//! ```
//!
//! `df` defaults to `degf(design)` in R; `level = 1 − alpha`.
//!
//! # Rows, zero weights and domains
//!
//! Pass `x` and `w` exactly as R holds them in the design object:
//!
//! * every quantile rule first drops the rows with weight 0 (`qrule_*`: `w[w != 0]`);
//! * R's `svyby`/`subset` on an ordinary `svydesign` **drops** the rows outside the domain,
//!   but on a calibrated, post-stratified, raked or PPS design it **keeps** them with weight 0
//!   (`prob = Inf`); `na.rm = TRUE` does the same and sets the missing values to 0 in the rows
//!   it keeps.
//!
//! The kept zero-weight rows change nothing in the estimate or the Woodruff intervals except
//! `nrow(design)` in the `beta` interval (here `x.len()`), but the `score` interval uses all
//! of `x`: its search range (min, max, IQR), its tolerance (`nrow`) and the unweighted share
//! `mean(x <= root)`. The callback must estimate the share over the design's domain (rows
//! with positive weight), with the full design's variance structure. In a domain R's `df`
//! and `degf(design)` are those of the subset: PSUs with a positive weight minus their strata.
//!
//! The score statistic divides by the callback's SE; where that is 0 (a threshold beyond the
//! domain's values) the resulting ±∞ is replaced by ±`f64::MAX` inside the root finder, as
//! R's `zeroin` wrapper does (with a warning).
//!
//! # Huge degrees of freedom and shapes
//!
//! The critical values and the `beta` interval's quantiles come from the crate's numerics, which
//! answer at any degrees of freedom (a simple random sample of 15M rows has 1.5·10⁷) and any
//! shapes. Where a share's SE is about 0 the `beta` interval's shapes `m·F̂` reach 10³⁵ and
//! more: R's `qbeta` then answers NaN or a wrong bound (1 for `qbeta(0.975, 1e300, 2e300)`),
//! this module the quantile, which tends to the mean `F̂`. At an SE of exactly 0 (`m = ∞`) it
//! takes that limit, `[F̂, F̂]`, as the other intervals do; R's `qbeta(p, ∞, ∞)` is 1/2.
//!
//! # Floating point
//!
//! R accumulates `cumsum(w)` and `sum(w)` in 80-bit long doubles, so with equal weights the
//! cumulative weight of the k-th row is the correctly rounded `k·w` and, e.g., the 50th of
//! 200 equal weights is *exactly* `0.25·Σw`: the `math` rule then sees an exact tie. Plain
//! `f64` summation gives `1548.5000000000011` instead of `1548.5` for 50 × 30.97 and breaks
//! that tie. Nor is the correctly rounded sum always R's: the long double rounds every
//! partial sum to 64 bits, and rounding that again to a double can land an ulp away (11 of
//! 5000 cumulative weights of 4-decimal weights; at such a share R's `school` takes a
//! midpoint that a correctly rounded sum misses). So this module reproduces R's accumulator
//! bit for bit (the x87 80-bit format of x86-64, where R's reference outputs were made) for
//! `cumsum(w)` and `sum(w)`, and compares with `<=` and `== 0` exactly as R does. R's
//! two-pass `mean` (Shah–Vaish, `approx` ties) is approximated by a compensated sum.

use crate::numerics::{dist, roots::zeroin};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Result of quantile computations.
pub type Result<T, E = QuantileError> = std::result::Result<T, E>;

/// How a weighted quantile is read off the weighted distribution function: R `survey`'s
/// `qrule` argument of `svyquantile` (`survey:::qrule_math`, `qrule_school`, …).
///
/// Notation: rows with positive weight sorted by value (ties in their original order),
/// `x₍₁₎ ≤ … ≤ x₍ₙ₎`, weights `w₍ᵢ₎`, cumulative weights `Cᵢ`, total `W = Cₙ`.
///
/// ```text
/// qs(p):  k = the last i with Cᵢ <= p·W, or 1 when there is none (R's survey:::last);
///         q_lo = x₍ₖ₎, q_hi = x₍ₖ₊₁₎ (x₍ₙ₎ when k = n);
///         w_lo = p − Cₖ/W, w_hi = Cₖ₊₁/W − p
/// math, hf1   w_lo == 0 ? q_lo : q_hi
/// school, hf2 w_lo == 0 ? (q_lo + q_hi)/2 : q_hi
/// hf3         qs on the distinct values (weights summed per value):
///             w_lo == 0 and k even ? q_lo : q_hi
/// hf4         q_lo·(1 − γ) + q_hi·γ,  γ = w_lo/(w_hi + w_lo)
/// shahvaish   step function (left-continuous) through
///             pᵢ = (Sᵢ + 0.5 − w₍ᵢ₎/2)/(n + 1), Sᵢ = cumsum(w/mean(w))
/// hf5..hf9    linear interpolation through (pᵢ, x₍ᵢ₎), constant beyond the ends:
///   hf5  pᵢ = (Cᵢ − w₍ᵢ₎/2)/W
///   hf6  pᵢ = Cᵢ/(W + w₍ₙ₎)
///   hf7  pᵢ = Cᵢ₋₁/Cₙ₋₁            (C₀ = 0)
///   hf8  pᵢ = (Cᵢ₋₁/3 + 2Cᵢ/3)/(W + w₍ₙ₎/3)
///   hf9  pᵢ = (3Cᵢ₋₁/8 + 5Cᵢ/8)/(W + w₍ₙ₎/4)
/// ```
///
/// Faithful to R including its edge behaviour: because `survey:::last` returns 1 when no
/// cumulative weight reaches `p·W`, `math`/`school`/`hf1`–`hf3` return the *second*
/// smallest value for `p < w₍₁₎/W` (e.g. `p = 0`), and `hf4` extrapolates below `x₍₁₎`
/// there. `shahvaish` subtracts the raw `w₍ᵢ₎/2`, not the normalised one, so unlike the
/// other rules it changes when all weights are multiplied by a constant (as in R). With
/// equal weights `hf7` is R's `quantile(type = 7)`.
///
/// # Examples
///
/// ```
/// use survey_stats::estimate::quantile::QuantileRule;
///
/// let rule: QuantileRule = serde_json::from_str("\"hf7\"")?;
/// assert_eq!(rule, QuantileRule::Hf7);
/// assert_eq!(QuantileRule::default(), QuantileRule::Math);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuantileRule {
    /// The smallest value whose weighted distribution function reaches `p` (R's default).
    #[default]
    Math,
    /// As `Math`, but the midpoint of the two neighbouring values at an exact tie.
    School,
    /// Shah & Vaish (2006) step function of the normalised cumulative weights.
    #[serde(rename = "shahvaish")]
    ShahVaish,
    /// Hyndman & Fan type 1 (same as `Math`).
    Hf1,
    /// Hyndman & Fan type 2 (same as `School`).
    Hf2,
    /// Hyndman & Fan type 3 (nearest even order statistic at a tie).
    Hf3,
    /// Hyndman & Fan type 4 (linear interpolation of the distribution function).
    Hf4,
    /// Hyndman & Fan type 5.
    Hf5,
    /// Hyndman & Fan type 6.
    Hf6,
    /// Hyndman & Fan type 7 (R's `quantile()` default).
    Hf7,
    /// Hyndman & Fan type 8.
    Hf8,
    /// Hyndman & Fan type 9.
    Hf9,
}

/// Confidence-interval method of a quantile: R `survey`'s `interval.type` of `svyquantile`.
///
/// The four Woodruff types build an interval `[p_lo, p_hi]` for the share
/// `F̂ = svymean(x <= q̂)` (standard error `se`, `t = qt(1 − α/2, df)`) and map it back
/// through the quantile rule; they mirror `svyciprop`'s methods of the same names:
///
/// ```text
/// mean    F̂ ∓ t·se
/// xlogit  expit(logit F̂ ∓ t·se·g),  g = (1/(1−F̂) + F̂/(1−F̂)²)/(F̂/(1−F̂)),
///         expit(η) = exp(η)/(1 + exp(η))            (svycontrast delta method, as R)
/// asin    sin²(asin √F̂ ∓ t·se·g),   g = 0.5·F̂^(−0.5)/√(1 − (√F̂)²)
/// beta    m = F̂(1−F̂)/se² · (qt(α/2, n−1)/qt(α/2, degf))²,  n = nrow(design)
///         [qbeta(α/2, m·F̂, m(1−F̂)+1), qbeta(1−α/2, m·F̂+1, m(1−F̂))]
/// score   Francisco & Fuller (1991) test inversion, see the module documentation
/// ```
///
/// On a replicate design, `quantile` takes the spread of the replicates' quantiles instead
/// (R's `interval.type = "quantile"` of `svyquantile.svyrep.design`, `survey:::repCI`):
///
/// ```text
/// quantile  q_r = qrule(x, w_r, p) for each replicate's weights w_r
///           SE² = scale·Σ_r rscale_r·(q_r − q̄)²  (q̄: the mean of the q_r, or q̂ with mse)
///           [q̂ − t·SE, q̂ + t·SE]
/// ```
///
/// R warns that jackknife replicates may not give valid SEs for quantiles (a delete-one
/// jackknife of a quantile is not consistent); bootstrap, BRR and Fay replicates do.
///
/// Source: `survey:::woodruffCI`, `survey:::ffullerCI` and `survey:::repCI` (survey 4.1.1).
///
/// # Examples
///
/// ```
/// use survey_stats::estimate::quantile::QuantileInterval;
///
/// let method: QuantileInterval = serde_json::from_str("\"xlogit\"")?;
/// assert_eq!(method, QuantileInterval::Xlogit);
/// assert_eq!(QuantileInterval::default(), QuantileInterval::Mean);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuantileInterval {
    /// Woodruff interval from the Wald interval of the share (R's default).
    #[default]
    Mean,
    /// Woodruff interval from a Clopper–Pearson-type interval with effective sample size.
    Beta,
    /// Woodruff interval from a Wald interval on the logit scale.
    Xlogit,
    /// Woodruff interval from a Wald interval on the arcsine-square-root scale.
    Asin,
    /// Francisco–Fuller score interval (test inversion).
    Score,
    /// From the replicates' quantiles (replicate designs only; see
    /// [`crate::estimate::quantiles`]); [`quantile_with_interval`] cannot make it.
    Quantile,
}

/// Settings of [`quantile_with_interval`]: R's `qrule`, `interval.type`, `alpha` (as
/// `level = 1 − alpha`), `df`, plus `degf(design)` for the `beta` interval.
///
/// # Examples
///
/// ```
/// use survey_stats::estimate::quantile::{QuantileInterval, QuantileRule, QuantileSettings};
///
/// let s = QuantileSettings::new(199.0).with_rule(QuantileRule::School);
/// assert_eq!(s.rule, QuantileRule::School);
/// assert_eq!(s.interval, QuantileInterval::Mean);
/// assert_eq!((s.level, s.df, s.design_df), (0.95, 199.0, 199.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileSettings {
    /// Quantile rule (default [`QuantileRule::Math`]).
    pub rule: QuantileRule,
    /// Interval method (default [`QuantileInterval::Mean`]).
    pub interval: QuantileInterval,
    /// Confidence level `1 − alpha`, in (0, 1); default 0.95.
    pub level: f64,
    /// Degrees of freedom of the critical values (R's `df`, default `degf(design)`);
    /// `f64::INFINITY` uses the normal distribution.
    pub df: f64,
    /// `degf(design)`: used only by the `beta` interval, which R computes with the design's
    /// degrees of freedom whatever `df` says.
    pub design_df: f64,
}

impl QuantileSettings {
    /// Default settings (math rule, Woodruff `mean` interval, level 0.95) with `df` as both
    /// the critical-value and the design degrees of freedom.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_stats::estimate::quantile::QuantileSettings;
    ///
    /// assert_eq!(QuantileSettings::new(14.0).df, 14.0);
    /// ```
    pub fn new(df: f64) -> Self {
        Self {
            rule: QuantileRule::Math,
            interval: QuantileInterval::Mean,
            level: 0.95,
            df,
            design_df: df,
        }
    }

    /// The same settings with another quantile rule.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_stats::estimate::quantile::{QuantileRule, QuantileSettings};
    ///
    /// assert_eq!(QuantileSettings::new(9.0).with_rule(QuantileRule::Hf7).rule, QuantileRule::Hf7);
    /// ```
    pub fn with_rule(self, rule: QuantileRule) -> Self {
        Self { rule, ..self }
    }

    /// The same settings with another interval method.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_stats::estimate::quantile::{QuantileInterval, QuantileSettings};
    ///
    /// let s = QuantileSettings::new(9.0).with_interval(QuantileInterval::Beta);
    /// assert_eq!(s.interval, QuantileInterval::Beta);
    /// ```
    pub fn with_interval(self, interval: QuantileInterval) -> Self {
        Self { interval, ..self }
    }

    /// The same settings with another confidence level.
    ///
    /// # Examples
    ///
    /// ```
    /// use survey_stats::estimate::quantile::QuantileSettings;
    ///
    /// assert_eq!(QuantileSettings::new(9.0).with_level(0.9).level, 0.9);
    /// ```
    pub fn with_level(self, level: f64) -> Self {
        Self { level, ..self }
    }
}

/// A quantile with its confidence interval, as one row of R's `svyquantile` output.
///
/// A bound is `None` where R reports `NaN`: the share's interval leaves `[0, 1]` (`mean`),
/// or it cannot be computed (e.g. a share of exactly 0 or 1 on the logit scale).
/// `std_error` is `(ci_upper − ci_lower)/(2·t)`, `None` when a bound is.
///
/// # Examples
///
/// ```
/// use survey_stats::estimate::quantile::QuantileEstimate;
///
/// let q = QuantileEstimate { estimate: 3.0, ci_lower: Some(2.0), ci_upper: None, std_error: None };
/// assert_eq!(q.ci_lower, Some(2.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantileEstimate {
    /// The quantile.
    pub estimate: f64,
    /// Lower confidence bound.
    pub ci_lower: Option<f64>,
    /// Upper confidence bound.
    pub ci_upper: Option<f64>,
    /// Standard error implied by the interval: width over `2·t`.
    pub std_error: Option<f64>,
}

/// What went wrong computing a quantile.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum QuantileError {
    /// Values and weights differ in length.
    #[error("{values} values but {weights} weights")]
    LengthMismatch {
        /// Number of values.
        values: usize,
        /// Number of weights.
        weights: usize,
    },
    /// A value is NaN or infinite.
    #[error("value {value} at row {row} (0-based) is not finite")]
    NonFiniteValue {
        /// 0-based row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// A weight is negative, NaN or infinite.
    #[error("weight {weight} at row {row} (0-based) is negative or not finite")]
    InvalidWeight {
        /// 0-based row.
        row: usize,
        /// The weight.
        weight: f64,
    },
    /// No row has a positive weight (an empty domain).
    #[error("no row has a positive weight")]
    NoPositiveWeight,
    /// The probability is not in `[0, 1]`.
    #[error("probability {prob} is not in [0, 1]")]
    InvalidProbability {
        /// The probability.
        prob: f64,
    },
    /// The confidence level is not in `(0, 1)`.
    #[error("confidence level {level} is not in (0, 1)")]
    InvalidLevel {
        /// The level.
        level: f64,
    },
    /// The degrees of freedom are not positive.
    #[error("degrees of freedom {df} are not positive")]
    InvalidDegreesOfFreedom {
        /// The degrees of freedom.
        df: f64,
    },
    /// An interpolating rule needs two rows with positive weight (R's `approx` fails).
    #[error("quantile rule {rule:?} needs at least 2 rows with positive weight, found {found}")]
    TooFewValues {
        /// The rule.
        rule: QuantileRule,
        /// Rows with positive weight.
        found: usize,
    },
    /// The rule gives no number here (R returns NaN, e.g. `hf4` at `p = 1`).
    #[error("quantile rule {rule:?} is undefined at probability {prob} for these data")]
    Undefined {
        /// The rule.
        rule: QuantileRule,
        /// The probability.
        prob: f64,
    },
    /// The callback returned a share outside `[0, 1]` or a negative or non-finite SE.
    #[error(
        "distribution callback at threshold {threshold} returned share {share} with SE {std_error}"
    )]
    InvalidCdf {
        /// The threshold.
        threshold: f64,
        /// The returned share.
        share: f64,
        /// The returned standard error.
        std_error: f64,
    },
    /// The `quantile` interval needs the replicate weights of a replicate design.
    #[error("interval type quantile needs a replicate design (its replicates' quantiles)")]
    NeedsReplicates,
    /// Score interval: the search range `[min + IQR/100, max − IQR/100]` is empty.
    #[error("score interval: empty search range [{lower}, {upper}]")]
    ScoreRangeEmpty {
        /// Lower end.
        lower: f64,
        /// Upper end.
        upper: f64,
    },
    /// Score interval: the test statistic is NaN at an end of the search range, or has the
    /// same sign at both ends (R's `uniroot` stops).
    #[error(
        "score interval: statistic {f_lower} at {lower} and {f_upper} at {upper} do not bracket a root"
    )]
    ScoreNoRoot {
        /// Lower end.
        lower: f64,
        /// Upper end.
        upper: f64,
        /// Statistic at the lower end.
        f_lower: f64,
        /// Statistic at the upper end.
        f_upper: f64,
    },
}

/// Weighted quantile of `x` at probability `p` with R `survey`'s quantile rule `rule`
/// (`survey:::qrule_<rule>(x, w, p)`).
///
/// `x` and `w` are the design's rows in any order; rows with weight 0 are ignored (R drops
/// them). See [`QuantileRule`] for the formulas.
///
/// # Errors
///
/// [`QuantileError::LengthMismatch`], [`QuantileError::NonFiniteValue`],
/// [`QuantileError::InvalidWeight`], [`QuantileError::NoPositiveWeight`],
/// [`QuantileError::InvalidProbability`]; [`QuantileError::TooFewValues`] for `hf5`–`hf9`
/// with one row; [`QuantileError::Undefined`] where R returns NaN (`hf4` at `p = 1` or with
/// one row).
///
/// # Examples
///
/// ```
/// use survey_stats::estimate::quantile::{quantile, QuantileRule};
///
/// let x = [5.0, 1.0, 3.0, 2.0, 4.0];
/// let w = [1.0; 5];
/// assert_eq!(quantile(&x, &w, 0.5, QuantileRule::Math)?, 3.0);
/// // an exact tie (F(2) = 0.4): math takes 2, school the midpoint
/// assert_eq!(quantile(&x, &w, 0.4, QuantileRule::Math)?, 2.0);
/// assert_eq!(quantile(&x, &w, 0.4, QuantileRule::School)?, 2.5);
/// assert_eq!(quantile(&x, &w, 0.1, QuantileRule::Hf7)?, 1.399_999_999_999_999_9); // R: 1.3999999999999999
/// # Ok::<(), survey_stats::estimate::quantile::QuantileError>(())
/// ```
pub fn quantile(x: &[f64], w: &[f64], p: f64, rule: QuantileRule) -> Result<f64> {
    let sample = Sample::new(x, w)?;
    check_probability(p)?;
    sample.quantile(p, rule)
}

/// Weighted quantile with its confidence interval and standard error, as R `survey` 4.1.1's
/// `svyquantile(~x, design, p, qrule=, interval.type=, alpha=, df=)`.
///
/// `cdf` is the design engine: for a threshold `t` it returns the estimated share of the
/// domain with `x <= t` and its design standard error — R's `svymean(x <= t, design)`.
/// The Woodruff intervals call it once (at the estimate); `score` calls it at the ends of
/// the search range and at each root-finder step (a few dozen calls).
///
/// `x` and `w` are the rows of the design object as R holds them (see the module
/// documentation on domains); `x.len()` is `nrow(design)`.
///
/// ```text
/// std_error = (ci_upper − ci_lower)/(2·qt(1 − α/2, df))     (R svyquantile, se = TRUE)
/// ```
///
/// # Errors
///
/// Those of [`quantile`] for the estimate; [`QuantileError::InvalidLevel`],
/// [`QuantileError::InvalidDegreesOfFreedom`] for bad settings;
/// [`QuantileError::InvalidCdf`] when the callback returns a share outside `[0, 1]` or a
/// negative or non-finite SE; [`QuantileError::ScoreRangeEmpty`] and
/// [`QuantileError::ScoreNoRoot`] where R's `uniroot` stops;
/// [`QuantileError::NeedsReplicates`] for [`QuantileInterval::Quantile`]; and any error of
/// the callback.
///
/// # Examples
///
/// A simple random sample of the values 1, …, 20 with equal weights; the callback is the
/// with-replacement SE of a proportion, `√(F(1−F)/(n−1))`. The median is an exact tie
/// (`F(10) = 0.5`); the share interval `0.5 ∓ qt(0.975, 19)·0.1147 = [0.2599, 0.7401]` maps
/// to the 6th and 15th values:
///
/// ```
/// use survey_stats::estimate::quantile::{quantile_with_interval, QuantileError, QuantileSettings};
///
/// let x: Vec<f64> = (1..=20).map(f64::from).collect();
/// let w = vec![1.0; 20];
/// let mut cdf = |t: f64| -> Result<(f64, f64), QuantileError> {
///     let f = x.iter().filter(|&&v| v <= t).count() as f64 / 20.0;
///     Ok((f, (f * (1.0 - f) / 19.0).sqrt()))
/// };
/// let q = quantile_with_interval(&x, &w, 0.5, &QuantileSettings::new(19.0), &mut cdf)?;
/// assert_eq!((q.estimate, q.ci_lower, q.ci_upper), (10.0, Some(6.0), Some(15.0)));
/// // R: 9/(2*qt(0.975, 19)) = 2.1499991796664442
/// assert!((q.std_error.unwrap_or(0.0) - 2.1499991796664442).abs() < 1e-12);
/// # Ok::<(), QuantileError>(())
/// ```
///
/// Bounds whose share falls outside `[0, 1]` are `None` (R: `NaN`):
///
/// ```
/// use survey_stats::estimate::quantile::{quantile_with_interval, QuantileError, QuantileSettings};
///
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0];
/// let mut cdf = |t: f64| -> Result<(f64, f64), QuantileError> {
///     let f = x.iter().filter(|&&v| v <= t).count() as f64 / 5.0;
///     Ok((f, (f * (1.0 - f) / 4.0).sqrt()))
/// };
/// let q = quantile_with_interval(&x, &[1.0; 5], 0.5, &QuantileSettings::new(4.0), &mut cdf)?;
/// assert_eq!(q.estimate, 3.0);
/// assert_eq!((q.ci_lower, q.ci_upper, q.std_error), (None, None, None)); // 0.6 ∓ 2.78·0.245
/// # Ok::<(), QuantileError>(())
/// ```
pub fn quantile_with_interval<E: From<QuantileError>>(
    x: &[f64],
    w: &[f64],
    p: f64,
    settings: &QuantileSettings,
    cdf: &mut dyn FnMut(f64) -> Result<(f64, f64), E>,
) -> Result<QuantileEstimate, E> {
    let sample = Sample::new(x, w)?;
    check_probability(p)?;
    if !(settings.level > 0.0 && settings.level < 1.0) {
        return Err(QuantileError::InvalidLevel {
            level: settings.level,
        }
        .into());
    }
    if settings.df.is_nan() || settings.df <= 0.0 {
        return Err(QuantileError::InvalidDegreesOfFreedom { df: settings.df }.into());
    }
    let estimate = sample.quantile(p, settings.rule)?;
    let alpha = 1.0 - settings.level;
    let (ci_lower, ci_upper) = match settings.interval {
        QuantileInterval::Score => score_interval(&sample, p, settings, alpha, cdf)?,
        QuantileInterval::Quantile => return Err(QuantileError::NeedsReplicates.into()),
        method => woodruff_interval(&sample, estimate, settings, alpha, method, cdf)?,
    };
    let std_error = match (ci_lower, ci_upper) {
        (Some(lo), Some(hi)) => t_quantile(1.0 - alpha / 2.0, settings.df)
            .map(|t| (hi - lo) / (2.0 * t))
            .filter(|se| se.is_finite()),
        _ => None,
    };
    Ok(QuantileEstimate {
        estimate,
        ci_lower,
        ci_upper,
        std_error,
    })
}

/// The validated rows: all values (for the score interval) and the positive-weight rows
/// sorted stably by value, with compensated cumulative weights.
struct Sample<'a> {
    all: &'a [f64],
    xs: Vec<f64>,
    ws: Vec<f64>,
    cumw: Vec<f64>,
    total: f64,
}

impl<'a> Sample<'a> {
    fn new(x: &'a [f64], w: &[f64]) -> Result<Self> {
        if x.len() != w.len() {
            return Err(QuantileError::LengthMismatch {
                values: x.len(),
                weights: w.len(),
            });
        }
        if let Some((row, &value)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(QuantileError::NonFiniteValue { row, value });
        }
        if let Some((row, &weight)) = w
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(QuantileError::InvalidWeight { row, weight });
        }
        let kept: Vec<usize> = (0..x.len()).filter(|&i| w[i] != 0.0).collect();
        if kept.is_empty() {
            return Err(QuantileError::NoPositiveWeight);
        }
        // R's sum(w) runs over the kept rows in their original order.
        let total = long_double_sum(kept.iter().map(|&i| w[i]));
        let mut order = kept;
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        let xs: Vec<f64> = order.iter().map(|&i| x[i]).collect();
        let ws: Vec<f64> = order.iter().map(|&i| w[i]).collect();
        let cumw = long_double_cumsum(&ws);
        Ok(Self {
            all: x,
            xs,
            ws,
            cumw,
            total,
        })
    }

    fn n(&self) -> usize {
        self.xs.len()
    }

    fn quantile(&self, p: f64, rule: QuantileRule) -> Result<f64> {
        let n = self.n();
        let value = match rule {
            QuantileRule::Math | QuantileRule::Hf1 => {
                let q = qs(&self.xs, &self.cumw, self.total, p);
                if q.w_lo == 0.0 { q.lo } else { q.hi }
            }
            QuantileRule::School | QuantileRule::Hf2 => {
                let q = qs(&self.xs, &self.cumw, self.total, p);
                if q.w_lo == 0.0 {
                    (q.lo + q.hi) / 2.0
                } else {
                    q.hi
                }
            }
            QuantileRule::Hf3 => {
                let (ux, uw) = self.distinct_values();
                let cumw = long_double_cumsum(&uw);
                let total = long_double_sum(uw.iter().copied());
                let q = qs(&ux, &cumw, total, p);
                // R: ilow %% 2 == 0 with a 1-based ilow.
                if q.w_lo == 0.0 && (q.k + 1).is_multiple_of(2) {
                    q.lo
                } else {
                    q.hi
                }
            }
            QuantileRule::Hf4 => {
                let q = qs(&self.xs, &self.cumw, self.total, p);
                let gamma = q.w_lo / (q.w_hi + q.w_lo);
                q.lo * (1.0 - gamma) + q.hi * gamma
            }
            QuantileRule::ShahVaish => {
                let mean_w = compensated_sum(self.ws.iter().copied()) / n as f64;
                let wbar: Vec<f64> = self.ws.iter().map(|w| w / mean_w).collect();
                let s = long_double_cumsum(&wbar);
                let pk: Vec<f64> = s
                    .iter()
                    .zip(&self.ws)
                    .map(|(s, w)| (s + 0.5 - w / 2.0) / (n as f64 + 1.0))
                    .collect();
                approx(&pk, &self.xs, p, false)
            }
            QuantileRule::Hf5
            | QuantileRule::Hf6
            | QuantileRule::Hf7
            | QuantileRule::Hf8
            | QuantileRule::Hf9 => {
                if n < 2 {
                    return Err(QuantileError::TooFewValues { rule, found: n });
                }
                let c = &self.cumw;
                let last_c = c[n - 1];
                let last_w = self.ws[n - 1];
                let prev = |i: usize| if i == 0 { 0.0 } else { c[i - 1] };
                let pk: Vec<f64> = (0..n)
                    .map(|i| match rule {
                        QuantileRule::Hf5 => (c[i] - self.ws[i] / 2.0) / last_c,
                        QuantileRule::Hf6 => c[i] / (last_c + last_w),
                        QuantileRule::Hf7 => prev(i) / c[n - 2],
                        QuantileRule::Hf8 => {
                            (prev(i) * 1.0 / 3.0 + c[i] * 2.0 / 3.0) / (last_c + last_w / 3.0)
                        }
                        _ => (prev(i) * 3.0 / 8.0 + c[i] * 5.0 / 8.0) / (last_c + last_w / 4.0),
                    })
                    .collect();
                approx(&pk, &self.xs, p, true)
            }
        };
        if value.is_finite() {
            Ok(value)
        } else {
            Err(QuantileError::Undefined { rule, prob: p })
        }
    }

    /// Distinct values ascending with their summed weights (R's `rowsum(w, x)`, which adds
    /// in plain double precision in row order).
    fn distinct_values(&self) -> (Vec<f64>, Vec<f64>) {
        let mut ux: Vec<f64> = Vec::new();
        let mut uw: Vec<f64> = Vec::new();
        for (&x, &w) in self.xs.iter().zip(&self.ws) {
            match (ux.last(), uw.last_mut()) {
                (Some(&last), Some(acc)) if last == x => *acc += w,
                _ => {
                    ux.push(x);
                    uw.push(w);
                }
            }
        }
        (ux, uw)
    }
}

/// `survey:::qs`: the bracketing order statistics of `p`.
struct Bracket {
    lo: f64,
    hi: f64,
    k: usize,
    w_lo: f64,
    w_hi: f64,
}

fn qs(xs: &[f64], cumw: &[f64], total: f64, p: f64) -> Bracket {
    let n = xs.len();
    let target = p * total;
    let k = cumw.iter().rposition(|&c| c <= target).unwrap_or(0);
    let next = if k == n - 1 { k } else { k + 1 };
    Bracket {
        lo: xs[k],
        hi: xs[next],
        k,
        w_lo: p - cumw[k] / total,
        w_hi: cumw[next] / total - p,
    }
}

fn check_probability(p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(QuantileError::InvalidProbability { prob: p })
    }
}

/// Neumaier's compensated sum: the correctly rounded sum in all but pathological cases,
/// standing in for R's two-pass long-double `mean` (Shah–Vaish weights, `approx` ties).
fn compensated_sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0_f64, 0.0_f64);
    for v in values {
        let t = s + v;
        c += if s.abs() >= v.abs() {
            (s - t) + v
        } else {
            (v - t) + s
        };
        s = t;
    }
    s + c
}

/// R's `sum(w)` of non-negative weights: accumulated in R's long double, then rounded to
/// double.
fn long_double_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut s = LongDouble::default();
    values.for_each(|v| s.add(v));
    s.to_f64()
}

/// R's `cumsum(w)` of non-negative weights: each running long-double sum rounded to double.
fn long_double_cumsum(values: &[f64]) -> Vec<f64> {
    let mut s = LongDouble::default();
    values
        .iter()
        .map(|&v| {
            s.add(v);
            s.to_f64()
        })
        .collect()
}

/// R's `LDOUBLE` accumulator on x86-64, where R's reference outputs were made: the x87
/// 80-bit format, a 64-bit significand rounded to nearest (ties to even) after every
/// addition. Only for non-negative finite addends (weights). The value is `m·2^e`, `m`
/// with its top bit set (or 0).
#[derive(Debug, Clone, Copy, Default)]
struct LongDouble {
    m: u64,
    e: i32,
}

impl LongDouble {
    /// `self += v`, rounded to 64 significant bits.
    fn add(&mut self, v: f64) {
        debug_assert!(v >= 0.0 && v.is_finite(), "weights are non-negative");
        let (mv, ev) = significand_exponent(v);
        if mv == 0 {
            return;
        }
        if self.m == 0 {
            let shift = mv.leading_zeros();
            (self.m, self.e) = (mv << shift, ev - shift as i32);
            return;
        }
        // Both operands in 128 bits, the larger one's top bit at bit 126; bits of the smaller
        // one below bit 0 only matter as "sticky" (they lie below the rounding bit).
        let top = |m: u64, e: i32| e + 63 - m.leading_zeros() as i32;
        let base = top(self.m, self.e).max(top(mv, ev)) - 126;
        let place = |m: u64, e: i32| -> (u128, bool) {
            let shift = e - base;
            if shift >= 0 {
                ((m as u128) << shift, false)
            } else if shift <= -128 {
                (0, m != 0)
            } else {
                let s = shift.unsigned_abs();
                ((m as u128) >> s, (m as u128) & ((1u128 << s) - 1) != 0)
            }
        };
        let ((a, lost_a), (b, lost_b)) = (place(self.m, self.e), place(mv, ev));
        let sum = a + b;
        let low = 64 - sum.leading_zeros() as i32; // the sum's top bit is at low + 63
        let mut m = (sum >> low) as u64;
        let round = (sum >> (low - 1)) & 1 == 1;
        let sticky = lost_a || lost_b || sum & ((1u128 << (low - 1)) - 1) != 0;
        let mut e = base + low;
        if round && (sticky || m & 1 == 1) {
            m = m.wrapping_add(1);
            if m == 0 {
                (m, e) = (1 << 63, e + 1);
            }
        }
        (self.m, self.e) = (m, e);
    }

    /// `(double) s`: rounded to 53 significant bits, ties to even.
    fn to_f64(self) -> f64 {
        let mut m = self.m >> 11;
        if (self.m >> 10) & 1 == 1 && (self.m & 0x3ff != 0 || m & 1 == 1) {
            m += 1;
        }
        // 2^k itself must not underflow (a subnormal result rounds once, at the end).
        let k = self.e + 11;
        if k < -1000 {
            m as f64 * 2f64.powi(k + 600) * 2f64.powi(-600)
        } else {
            m as f64 * 2f64.powi(k)
        }
    }
}

/// `v = m·2^e` with `m` the integer significand of a finite non-negative double.
fn significand_exponent(v: f64) -> (u64, i32) {
    let bits = v.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    match exponent {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, exponent - 1075),
    }
}

/// R's `approx(x, y, v, method, rule = 2, f = 0, ties = mean)` at one point: the knots are
/// ordered by `x` (stably) and tied knots collapse to the mean of their `y`.
fn approx(knots: &[f64], y: &[f64], v: f64, linear: bool) -> f64 {
    let mut order: Vec<usize> = (0..knots.len()).collect();
    order.sort_by(|&a, &b| knots[a].total_cmp(&knots[b]));
    let mut kx: Vec<f64> = Vec::with_capacity(order.len());
    let mut ky: Vec<f64> = Vec::with_capacity(order.len());
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && knots[order[j + 1]] == knots[order[i]] {
            j += 1;
        }
        kx.push(knots[order[i]]);
        ky.push(compensated_sum(order[i..=j].iter().map(|&k| y[k])) / (j - i + 1) as f64);
        i = j + 1;
    }
    let n = kx.len();
    if v < kx[0] {
        return ky[0];
    }
    if v > kx[n - 1] {
        return ky[n - 1];
    }
    let (mut lo, mut hi) = (0, n - 1);
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if v < kx[mid] {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    if v == kx[hi] {
        return ky[hi];
    }
    if v == kx[lo] {
        return ky[lo];
    }
    if linear {
        ky[lo] + (ky[hi] - ky[lo]) * ((v - kx[lo]) / (kx[hi] - kx[lo]))
    } else {
        ky[lo]
    }
}

/// `qt(prob, df)`, or `qnorm(prob)` for infinite `df`, at any degrees of freedom; `None` for
/// invalid arguments.
fn t_quantile(prob: f64, df: f64) -> Option<f64> {
    if !(prob > 0.0 && prob < 1.0) || df.is_nan() || df <= 0.0 {
        return None;
    }
    dist::t_quantile(prob, df).ok().filter(|q| q.is_finite())
}

/// `qbeta(prob, a, b)` with R's limits at zero shape parameters, at any finite shapes
/// (Beta(10²⁰·f, 10²⁰·(1 − f)) answers its mean plus a normal deviation, where R's `qbeta`
/// gives NaN); `None` where R gives NaN for other reasons (infinite or negative shapes).
fn beta_quantile(prob: f64, a: f64, b: f64) -> Option<f64> {
    if !(a >= 0.0 && b >= 0.0 && a.is_finite() && b.is_finite()) || (a == 0.0 && b == 0.0) {
        return None;
    }
    if a == 0.0 {
        return Some(0.0);
    }
    if b == 0.0 {
        return Some(1.0);
    }
    dist::beta_quantile(prob, a, b).ok()
}

fn call_cdf<E: From<QuantileError>>(
    cdf: &mut dyn FnMut(f64) -> Result<(f64, f64), E>,
    threshold: f64,
) -> Result<(f64, f64), E> {
    let (share, std_error) = cdf(threshold)?;
    if (0.0..=1.0).contains(&share) && std_error.is_finite() && std_error >= 0.0 {
        Ok((share, std_error))
    } else {
        Err(QuantileError::InvalidCdf {
            threshold,
            share,
            std_error,
        }
        .into())
    }
}

/// `survey:::woodruffCI`: a share interval mapped back through the rule.
fn woodruff_interval<E: From<QuantileError>>(
    sample: &Sample<'_>,
    estimate: f64,
    settings: &QuantileSettings,
    alpha: f64,
    method: QuantileInterval,
    cdf: &mut dyn FnMut(f64) -> Result<(f64, f64), E>,
) -> Result<(Option<f64>, Option<f64>), E> {
    let (f, se) = call_cdf(cdf, estimate)?;
    let var = se * se;
    let a = alpha / 2.0;
    let crit = |prob: f64| t_quantile(prob, settings.df).unwrap_or(f64::NAN);
    let (t_lo, t_hi) = (crit(a), crit(1.0 - a));
    let (p_lo, p_hi) = match method {
        QuantileInterval::Xlogit => {
            let odds_den = 1.0 - f;
            let odds = f / odds_den;
            let eta = odds.ln();
            let grad = (1.0 / odds_den + f / (odds_den * odds_den)) / odds;
            let se_eta = (grad * var * grad).sqrt();
            let expit = |e: f64| e.exp() / (1.0 + e.exp());
            (expit(eta + se_eta * t_lo), expit(eta + se_eta * t_hi))
        }
        QuantileInterval::Asin => {
            let root = f.sqrt();
            let angle = root.asin();
            let grad = 0.5 * f.powf(-0.5) / (1.0 - root * root).sqrt();
            let se_angle = (grad * var * grad).sqrt();
            (
                (angle + se_angle * t_lo).sin().powi(2),
                (angle + se_angle * t_hi).sin().powi(2),
            )
        }
        QuantileInterval::Beta => {
            let n_rows = sample.all.len() as f64;
            let ratio = match (
                t_quantile(a, n_rows - 1.0),
                t_quantile(a, settings.design_df),
            ) {
                (Some(num), Some(den)) => num / den,
                _ => f64::NAN,
            };
            let m = f * (1.0 - f) / var * (ratio * ratio);
            if m == f64::INFINITY && f > 0.0 && f < 1.0 {
                // SE 0: the beta quantiles' limit as the shapes grow, the mean f.
                (f, f)
            } else {
                (
                    beta_quantile(a, m * f, m * (1.0 - f) + 1.0).unwrap_or(f64::NAN),
                    beta_quantile(1.0 - a, m * f + 1.0, m * (1.0 - f)).unwrap_or(f64::NAN),
                )
            }
        }
        _ => (f + se * t_lo, f + se * t_hi),
    };
    let bound = |prob: f64| {
        if (0.0..=1.0).contains(&prob) {
            sample.quantile(prob, settings.rule).ok()
        } else {
            None
        }
    };
    Ok((bound(p_lo), bound(p_hi)))
}

/// `survey:::ffullerCI`: Francisco–Fuller score interval.
fn score_interval<E: From<QuantileError>>(
    sample: &Sample<'_>,
    p: f64,
    settings: &QuantileSettings,
    alpha: f64,
    cdf: &mut dyn FnMut(f64) -> Result<(f64, f64), E>,
) -> Result<(Option<f64>, Option<f64>), E> {
    let all = sample.all;
    let mut sorted = all.to_vec();
    sorted.sort_by(f64::total_cmp);
    let iqr = type7_quantile(&sorted, 0.75) - type7_quantile(&sorted, 0.25);
    let lower = sorted[0] + iqr / 100.0;
    let upper = sorted[sorted.len() - 1] - iqr / 100.0;
    if lower.partial_cmp(&upper) != Some(std::cmp::Ordering::Less) {
        return Err(QuantileError::ScoreRangeEmpty { lower, upper }.into());
    }
    let tol = 1.0 / (100.0 * (all.len() as f64).sqrt());
    let t_upper = t_quantile(1.0 - alpha / 2.0, settings.df).unwrap_or(f64::NAN);
    let t_lower = t_quantile(alpha / 2.0, settings.df).unwrap_or(f64::NAN);
    let mut statistic = |theta: f64| -> Result<f64, E> {
        let (f, se) = call_cdf(cdf, theta)?;
        Ok(((1.0 - f) - (1.0 - p)) / se)
    };
    let s_lower = statistic(lower)?;
    let s_upper = statistic(upper)?;
    let mut roots = [0.0; 2];
    for (root, limit) in roots.iter_mut().zip([t_upper, t_lower]) {
        let (f_lower, f_upper) = (s_lower - limit, s_upper - limit);
        if f_lower.is_nan() || f_upper.is_nan() || f_lower.signum() * f_upper.signum() > 0.0 {
            return Err(QuantileError::ScoreNoRoot {
                lower,
                upper,
                f_lower,
                f_upper,
            }
            .into());
        }
        let mut f = |theta: f64| -> Result<f64, E> {
            let v = statistic(theta)? - limit;
            // R's zeroin wrapper (fcn2): -Inf -> -DBL_MAX, NaN/+Inf -> +DBL_MAX.
            Ok(if v.is_finite() {
                v
            } else if v == f64::NEG_INFINITY {
                f64::MIN
            } else {
                f64::MAX
            })
        };
        *root = zeroin(&mut f, lower, upper, f_lower, f_upper, tol, 1000)?;
    }
    let n_rows = all.len() as f64;
    let share_below = |root: f64| all.iter().filter(|&&v| v <= root).count() as f64 / n_rows;
    let bound = |root: f64| sample.quantile(share_below(root), settings.rule).ok();
    Ok((bound(roots[0]), bound(roots[1])))
}

/// R's `quantile(x, prob, type = 7)` of sorted values.
fn type7_quantile(sorted: &[f64], prob: f64) -> f64 {
    let n = sorted.len();
    let index = 1.0 + (n.saturating_sub(1)) as f64 * prob;
    let lo = index.floor();
    let hi = index.ceil();
    let q_lo = sorted[lo as usize - 1];
    let q_hi = sorted[hi as usize - 1];
    if index > lo && q_hi != q_lo {
        let h = index - lo;
        (1.0 - h) * q_lo + h * q_hi
    } else {
        q_lo
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_weight_sums_are_exact_ties() {
        let w = vec![6194.0 / 200.0; 200];
        let c = long_double_cumsum(&w);
        assert_eq!(c[49], 1548.5);
        assert_eq!(long_double_sum(w.iter().copied()) * 0.25, c[49]);
    }

    #[test]
    fn long_double_sums_are_rs() {
        // R 4.2.2 on x86-64: cumsum(c(2^60, 1 + 2^-52, 127)) - 2^60 is 0 0 0, and so is
        // sum(...) - 2^60: the long double drops the 2^-52 (below its 64 bits), leaving
        // 2^60 + 128, a tie that rounds to even; the exact sum rounds to 2^60 + 256.
        let w = [2f64.powi(60), 1.0 + f64::EPSILON, 127.0];
        assert_eq!(long_double_cumsum(&w), vec![2f64.powi(60); 3]);
        assert_eq!(long_double_sum(w.into_iter()), 2f64.powi(60));
        // Exactly representable sums stay exact; zero and subnormals are fine.
        assert_eq!(long_double_sum([0.5, 0.25, 0.0, 0.125].into_iter()), 0.875);
        assert_eq!(
            long_double_sum([f64::from_bits(1); 2].into_iter()),
            f64::from_bits(2)
        );
    }

    #[test]
    fn long_double_cumsum_matches_r_where_correct_rounding_does_not() {
        // tests/data/parity_R.json, `school.many`: 5000 weights k/10000; R's cumsum at
        // positions `at` (1-based), 11 of which differ from the correctly rounded sums.
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/parity_R.json");
        let text = std::fs::read_to_string(path).expect("parity_R.json");
        let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let many = &json["school"]["many"];
        let ints = |key: &str| -> Vec<f64> {
            let list = many[key].as_str().expect("list");
            list.split(' ')
                .map(|v| v.parse().expect("integer"))
                .collect()
        };
        let (x, k) = (ints("x"), ints("k"));
        let w: Vec<f64> = k.iter().map(|k| k / 10000.0).collect();
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
        let sorted: Vec<f64> = order.iter().map(|&i| w[i]).collect();
        let c = long_double_cumsum(&sorted);
        let r = |v: &serde_json::Value| v.as_str().expect("number").parse::<f64>().expect("f64");
        assert_eq!(long_double_sum(w.iter().copied()), r(&many["sum"]));
        let at = many["at"].as_array().expect("at");
        let differ = many["differs_from_correctly_rounded"]
            .as_array()
            .expect("flags");
        assert_eq!(
            differ.iter().filter(|d| d.as_bool() == Some(true)).count(),
            11
        );
        for (j, want) in at.iter().zip(many["cumsum"].as_array().expect("cumsum")) {
            let j = j.as_u64().expect("index") as usize - 1;
            assert_eq!(c[j], r(want), "cumsum[{}]", j + 1);
        }
    }

    #[test]
    fn r_edge_cases_are_reproduced() -> Result<()> {
        // Values from R: survey:::qrule_math(c(5,1,3,2,4), rep(1,5), p).
        let x = [5.0, 1.0, 3.0, 2.0, 4.0];
        let w = [1.0; 5];
        let got: Vec<f64> = [0.0, 0.1, 0.2, 0.21, 0.5, 1.0]
            .iter()
            .map(|&p| quantile(&x, &w, p, QuantileRule::Math))
            .collect::<Result<_>>()?;
        assert_eq!(got, vec![2.0, 2.0, 1.0, 2.0, 3.0, 5.0]);
        assert_eq!(
            quantile(&x, &w, 0.1, QuantileRule::Hf4)?,
            0.500_000_000_000_000_1
        );
        assert!(matches!(
            quantile(&x, &w, 1.0, QuantileRule::Hf4),
            Err(QuantileError::Undefined { .. })
        ));
        assert_eq!(
            quantile(&x, &w, 0.33, QuantileRule::Hf7)?,
            2.320_000_000_000_000_3
        );
        Ok(())
    }
}
