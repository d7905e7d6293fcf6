//! Errors of building a design or computing its variance.

use crate::data::DataError;
use thiserror::Error;

/// Result of design operations.
pub type Result<T, E = DesignError> = std::result::Result<T, E>;

/// What is wrong with a survey design. `row` fields count data rows from 1; messages also
/// give the CSV row (header = row 1), which is one more.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DesignError {
    /// The data have no rows.
    #[error("the data have no rows")]
    NoRows,
    /// A design was given rows it was not built on (another dataset, the same rows in
    /// another order, or a dataset whose columns were replaced since).
    #[error(
        "the design was built on other rows than these ({design_rows} rows in the design, {data_rows} in the data): build the design on this dataset, or use a Survey, which keeps the two together"
    )]
    OtherData {
        /// Rows of the design.
        design_rows: usize,
        /// Rows of the data given.
        data_rows: usize,
    },
    /// A column named by the design is missing or has the wrong type.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A weight is missing, negative or not finite.
    #[error(
        "weight column {column:?}, data row {row} (CSV row {}): weight {value} is not a finite non-negative number", row + 1
    )]
    BadWeight {
        /// Column name (empty when given in code).
        column: String,
        /// Data row, from 1.
        row: usize,
        /// The value.
        value: String,
    },
    /// A stratum or cluster id is missing.
    #[error("column {column:?}, data row {row} (CSV row {}): the stratum or cluster id is missing", row + 1)]
    MissingId {
        /// Column name.
        column: String,
        /// Data row, from 1.
        row: usize,
    },
    /// A cluster appears in two strata.
    #[error("cluster {cluster:?} of column {column:?} appears in strata {:?} and {:?}: clusters must nest in strata (set nest = true if ids repeat across strata)", strata[0], strata[1])]
    ClusterCrossesStrata {
        /// Cluster id.
        cluster: String,
        /// Column name.
        column: String,
        /// Two strata it appears in.
        strata: [String; 2],
    },
    /// More fpc columns than stages.
    #[error("{fpc} fpc columns for {stages} sampling stage(s)")]
    TooManyFpc {
        /// Number of fpc columns.
        fpc: usize,
        /// Number of stages.
        stages: usize,
    },
    /// An fpc value is missing.
    #[error("fpc column {column:?}, data row {row} (CSV row {}): value missing", row + 1)]
    MissingFpc {
        /// Column name.
        column: String,
        /// Data row, from 1.
        row: usize,
    },
    /// An fpc value is not positive.
    #[error("fpc column {column:?}: value {value} is not a positive number")]
    BadFpc {
        /// Column name.
        column: String,
        /// The value.
        value: f64,
    },
    /// fpc varies within a stratum (or within a parent unit at later stages).
    #[error(
        "fpc column {column:?}, data row {row} (CSV row {}): {value} differs from {before} earlier in the same stratum", row + 1
    )]
    FpcVaries {
        /// Column name.
        column: String,
        /// Data row, from 1.
        row: usize,
        /// The value.
        value: f64,
        /// The value seen before.
        before: f64,
    },
    /// The population size is smaller than the number of sampled units.
    #[error(
        "fpc column {column:?}: population size {population} at stage {stage} is smaller than the {sampled} units sampled"
    )]
    FpcTooSmall {
        /// Column name.
        column: String,
        /// Stage, from 1.
        stage: usize,
        /// Population size.
        population: f64,
        /// Units sampled.
        sampled: usize,
    },
    /// Replicate weights that cannot be used or made.
    #[error("replicate weights: {message}")]
    Replicates {
        /// What is wrong.
        message: String,
    },
    /// A stratum has only one PSU and the policy is `fail`.
    #[error(
        "stratum {stratum:?} has only one PSU at stage {stage} (set lonely_psu to remove, certainty, adjust or average)"
    )]
    LonelyPsu {
        /// Stratum label (or parent unit at later stages).
        stratum: String,
        /// Stage, from 1.
        stage: usize,
    },
}
