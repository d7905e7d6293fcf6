//! Tests of hypotheses on survey data.
//!
//! * [`svychisq`]: design-based tests of independence in a two-way table (Rao–Scott first-
//!   and second-order corrections of Pearson's X², Wald and adjusted Wald tests, and a
//!   saddlepoint approximation to the asymptotic distribution of X²), as R `survey`'s
//!   `svychisq`.
//!
//! The functions here are pure: they take already-estimated quantities (cell shares and their
//! design covariance matrix, degrees of freedom) from the variance engine and return the test.
//!
//! ```
//! use survey_stats::hypothesis::{svychisq, ChisqStatistic, TableMoments};
//!
//! // A 2×2 table whose design covariance equals the multinomial one: no design effect.
//! let p = [0.3, 0.2, 0.2, 0.3];
//! let n = 100.0;
//! let mut vcov = vec![0.0; 16];
//! for a in 0..4 {
//!     for b in 0..4 {
//!         vcov[a * 4 + b] = (if a == b { p[a] } else { 0.0 } - p[a] * p[b]) / n;
//!     }
//! }
//! let table = TableMoments {
//!     n_rows: 2,
//!     n_cols: 2,
//!     cell_proportions: &p,
//!     vcov: &vcov,
//!     cell_total_vcov: None,
//!     n_obs: n,
//!     design_df: 99.0,
//!     total_weight: 1000.0,
//! };
//! let test = svychisq(&table, ChisqStatistic::Chisq)?;
//! assert!((test.statistic - 4.0).abs() < 1e-12);
//! # Ok::<(), survey_stats::hypothesis::TestError>(())
//! ```

mod chisq;
mod independence;

pub use chisq::{ChisqStatistic, ChisqTest, TableMoments, svychisq};
pub use independence::{IndependenceError, MAX_CONTRASTS, TestRow, independence, independence_by};

/// Errors of the tests of hypotheses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TestError {
    /// The table has fewer than two rows or fewer than two columns.
    #[error("a test of independence needs at least 2 rows and 2 columns, got {n_rows}×{n_cols}")]
    TooFewCategories {
        /// Number of row categories given.
        n_rows: usize,
        /// Number of column categories given.
        n_cols: usize,
    },
    /// An input slice has the wrong length.
    #[error("{what} has length {got}, expected {expected}")]
    LengthMismatch {
        /// Which input.
        what: &'static str,
        /// The length implied by the table's dimensions.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// An input holds a NaN or infinite value.
    #[error("{what}[{index}] is not finite")]
    NonFinite {
        /// Which input.
        what: &'static str,
        /// Position of the first offending entry.
        index: usize,
    },
    /// A cell share is negative.
    #[error("cell share {index} is negative ({value})")]
    NegativeProportion {
        /// Cell index (column-major: `row + n_rows · column`).
        index: usize,
        /// The share given.
        value: f64,
    },
    /// The cell shares do not add up to one.
    #[error("cell shares sum to {sum}, expected 1")]
    ProportionsDoNotSumToOne {
        /// Their sum.
        sum: f64,
    },
    /// A scalar parameter is out of range (e.g. a non-positive number of observations).
    #[error("{what} must be finite and positive, got {value}")]
    InvalidParameter {
        /// Which parameter.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// A whole row or column of the table has zero weight, so Pearson's X² is undefined.
    #[error("{margin} {index} of the table has zero weight")]
    EmptyMargin {
        /// `"row"` or `"column"`.
        margin: &'static str,
        /// Its 0-based index.
        index: usize,
    },
    /// A matrix that must be inverted is singular to working precision.
    #[error("{what} is singular")]
    SingularMatrix {
        /// Which matrix.
        what: &'static str,
    },
    /// The Wald tests need the covariance matrix of the weighted cell totals.
    #[error(
        "statistic {statistic:?} needs `cell_total_vcov` (covariance of the weighted cell totals)"
    )]
    MissingTotalVcov {
        /// The statistic asked for.
        statistic: chisq::ChisqStatistic,
    },
    /// The adjusted Wald test has no positive denominator degrees of freedom
    /// (`design_df − (r − 1)(c − 1) + 1 ≤ 0`).
    #[error("adjusted Wald test: denominator df {ddf} is not positive")]
    NonPositiveDf {
        /// The denominator degrees of freedom.
        ddf: f64,
    },
    /// A result could not be computed as a finite number.
    #[error("{what} is not a finite number")]
    NonFiniteResult {
        /// Which quantity.
        what: &'static str,
    },
}

/// The result type of this module.
pub type Result<T, E = TestError> = std::result::Result<T, E>;
