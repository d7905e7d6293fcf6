//! Errors of the weighting adjustments.

use thiserror::Error;

/// Result of weighting operations.
pub type Result<T, E = WeightingError> = std::result::Result<T, E>;

/// What stops a weighting adjustment. Rows are data rows counted from 1; `margin` is the
/// position of the margin in the list given to [`rake`](super::rake) (0 for
/// [`poststratify`](super::poststratify) and [`dummies`](super::dummies)); `code` is a
/// category code (an index into the margin's population figures); `column` is a column of
/// the auxiliary matrix of [`calibrate`](super::calibrate), counted from 0.
///
/// ```
/// use survey_stats::weighting::{poststratify, WeightingError};
/// let err = poststratify(&[1.0, 1.0], &[0, 0], &[5.0, 3.0]).unwrap_err();
/// assert_eq!(err, WeightingError::CategoryNotInSample { margin: 0, code: 1, population: 3.0 });
/// assert_eq!(err.to_string(), "margin 0: category 1 has population 3 but no sample row with positive weight");
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum WeightingError {
    /// There are no rows (or no margins, or no auxiliary columns).
    #[error("nothing to weight: {what} is empty")]
    Empty {
        /// What is empty.
        what: &'static str,
    },
    /// Two inputs that must match in length do not.
    #[error("{what} has {found} entries, expected {expected}")]
    LengthMismatch {
        /// The input at fault.
        what: &'static str,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        found: usize,
    },
    /// A weight is negative or not finite.
    #[error("data row {row}: weight {value} is not a finite non-negative number")]
    InvalidWeight {
        /// Data row, from 1.
        row: usize,
        /// The weight.
        value: f64,
    },
    /// Every weight is zero, so there is nothing to scale.
    #[error("the weights sum to zero")]
    ZeroTotalWeight,
    /// A row has no category (its code is [`MISSING_CODE`](crate::data::MISSING_CODE)).
    /// R's `model.frame(..., na.action = na.fail)` stops here too.
    #[error("margin {margin}, data row {row}: the category is missing")]
    MissingCategory {
        /// Margin, from 0.
        margin: usize,
        /// Data row, from 1.
        row: usize,
    },
    /// A category code is not below the number of levels declared for it.
    #[error(
        "margin {margin}, data row {row}: code {code} is not below the number of levels {n_levels}"
    )]
    CodeOutOfRange {
        /// Margin, from 0.
        margin: usize,
        /// Data row, from 1.
        row: usize,
        /// The code.
        code: u32,
        /// Number of levels.
        n_levels: usize,
    },
    /// A category occurs in the sample (with positive weight) but its population figure is
    /// zero or absent. R's `postStratify` (and so `rake`) stops: "Strata in sample absent
    /// from population. This Can't Happen".
    #[error(
        "margin {margin}: category {code} has sample weight {sample_weight} (first at data row {row}) but no population figure"
    )]
    CategoryWithoutPopulation {
        /// Margin, from 0.
        margin: usize,
        /// Category code.
        code: u32,
        /// First data row (from 1) of the category with positive weight.
        row: usize,
        /// Sum of the weights of the category.
        sample_weight: f64,
    },
    /// A category has a positive population figure but no sample row with positive weight.
    /// R's `postStratify` stops ("Some strata absent from sample: use partial=TRUE to ignore
    /// them"), and so does `rake`; [`poststratify_partial`](super::poststratify_partial) ignores
    /// such categories as `partial = TRUE` does.
    #[error(
        "margin {margin}: category {code} has population {population} but no sample row with positive weight"
    )]
    CategoryNotInSample {
        /// Margin, from 0.
        margin: usize,
        /// Category code.
        code: u32,
        /// Its population figure.
        population: f64,
    },
    /// A population figure is negative or not finite.
    #[error(
        "margin {margin}: the population figure {value} of category {code} is not a finite non-negative number"
    )]
    InvalidPopulation {
        /// Margin, from 0.
        margin: usize,
        /// Category code.
        code: u32,
        /// The figure.
        value: f64,
    },
    /// The population figures of two raking margins add up to different totals (relative
    /// difference above 1e-6), so no weights can meet both. R's `rake` does not check and
    /// simply fails to converge.
    #[error(
        "margin {margin} adds up to {total}, margin 0 to {first_total}: raking margins must share one population total"
    )]
    MarginTotalsDisagree {
        /// Margin, from 0.
        margin: usize,
        /// Its total.
        total: f64,
        /// The total of margin 0.
        first_total: f64,
    },
    /// An entry of the auxiliary matrix is not finite.
    #[error("data row {row}, auxiliary column {column}: {value} is not a finite number")]
    InvalidAuxiliary {
        /// Data row, from 1.
        row: usize,
        /// Column, from 0.
        column: usize,
        /// The value.
        value: f64,
    },
    /// A calibration total is not finite.
    #[error("the calibration total {value} of column {column} is not a finite number")]
    InvalidTotal {
        /// Column, from 0.
        column: usize,
        /// The total.
        value: f64,
    },
    /// An auxiliary column is zero on every row with positive weight but its total is not
    /// zero: no weights can reach it. (A column that is zero everywhere with total zero is
    /// dropped, as R's `calibrate` does.)
    #[error("auxiliary column {column} is zero in the sample but its total is {total}")]
    ZeroColumn {
        /// Column, from 0.
        column: usize,
        /// Its total.
        total: f64,
    },
    /// The auxiliary columns are linearly dependent in the sample, so linear calibration
    /// without bounds has no unique solution. R's `solve` stops here ("system is exactly
    /// singular").
    #[error(
        "the {columns} auxiliary columns have rank {rank} in the sample: linear calibration needs independent columns"
    )]
    Singular {
        /// Numerical rank.
        rank: usize,
        /// Number of columns.
        columns: usize,
    },
    /// A control parameter is out of range.
    #[error("{parameter} = {value} is out of range: {reason}")]
    InvalidControl {
        /// The parameter.
        parameter: &'static str,
        /// Its value.
        value: f64,
        /// What it must be.
        reason: &'static str,
    },
    /// Bounds that are not ordered, are NaN, or do not suit the distance (logit calibration
    /// needs finite bounds with `lower < 1 < upper`).
    #[error("bounds ({lower}, {upper}) are invalid: {reason}")]
    InvalidBounds {
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
        /// Why.
        reason: &'static str,
    },
    /// No weights within the bounds can reach a total: `column` has entries of one sign, so
    /// its calibrated total lies in `[reachable_min, reachable_max]`, which misses `total`.
    #[error(
        "calibration bounds are infeasible: the total of column {column} can only reach [{reachable_min}, {reachable_max}], not {total}"
    )]
    InfeasibleBounds {
        /// Column, from 0.
        column: usize,
        /// Smallest reachable total.
        reachable_min: f64,
        /// Largest reachable total.
        reachable_max: f64,
        /// The total asked for.
        total: f64,
    },
    /// Calibration did not meet every total within `max_iter` Newton steps. `achieved` is the
    /// largest relative miss `|T̂_j − T_j|/(1 + |T_j|)` at the last step (R's `eps` in its
    /// "Failed to converge" warning; R then stops with "Calibration failed").
    #[error(
        "calibration did not converge in {iterations} iterations: the largest relative miss of the totals is {achieved}"
    )]
    NotConverged {
        /// Newton steps taken.
        iterations: usize,
        /// Largest relative miss of the totals.
        achieved: f64,
    },
    /// Strict trimming cannot keep the total: `n` weights within `[lower, upper]` add up to
    /// at most `n·upper` and at least `n·lower`.
    #[error("trimming to [{lower}, {upper}] cannot keep the total {total} of {n} weights")]
    InfeasibleTrim {
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
        /// Total weight.
        total: f64,
        /// Number of weights.
        n: usize,
    },
    /// Every weight lies outside the trimming bounds, so no weight is left to take the
    /// trimmed amount (R's `trimWeights` then silently changes the total).
    #[error(
        "every weight lies outside [{lower}, {upper}]: none is left to take the trimmed amount"
    )]
    NothingLeftToTrim {
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
    /// Strict trimming was still moving weights after `rounds` rounds.
    #[error("strict trimming did not settle in {rounds} rounds")]
    TrimNotConverged {
        /// Rounds done.
        rounds: usize,
    },
}

impl WeightingError {
    /// The same error with its data row (from 1) passed through `row`: a design whose rows
    /// were grouped reports the rows as loaded.
    pub(crate) fn map_row(mut self, row: impl Fn(usize) -> usize) -> Self {
        match &mut self {
            WeightingError::InvalidWeight { row: r, .. }
            | WeightingError::MissingCategory { row: r, .. }
            | WeightingError::CodeOutOfRange { row: r, .. }
            | WeightingError::CategoryWithoutPopulation { row: r, .. }
            | WeightingError::InvalidAuxiliary { row: r, .. } => *r = row(*r),
            _ => {}
        }
        self
    }
}
