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
    /// The options of a PPS design do not fit together (no fpc, several stages, weights
    /// with a method that takes them from the fpc, Yates–Grundy without a method that has it).
    #[error("pps: {problem}")]
    PpsOptions {
        /// What is wrong.
        problem: String,
    },
    /// A PPS design's fpc value is not an inclusion probability.
    #[error(
        "fpc column {column:?}, data row {row} (CSV row {}): {value} is not an inclusion probability: with pps, fpc gives each PSU's probability of selection, in (0, 1]", row + 1
    )]
    PpsProbability {
        /// Column name.
        column: String,
        /// Data row, from 1.
        row: usize,
        /// The value.
        value: f64,
    },
    /// A PPS design's inclusion probability varies within a PSU.
    #[error(
        "fpc column {column:?}, data row {row} (CSV row {}): inclusion probability {value} differs from {before} earlier in the same PSU, {psu}", row + 1
    )]
    PpsProbabilityVaries {
        /// Column name.
        column: String,
        /// Data row, from 1.
        row: usize,
        /// The value.
        value: f64,
        /// The value seen before in the PSU.
        before: f64,
        /// The PSU.
        psu: String,
    },
    /// A matrix of joint inclusion probabilities that is not square.
    #[error(
        "joint inclusion probabilities: row {row} has {values} values but the matrix has {size} rows: it must be square"
    )]
    JointShape {
        /// Row, from 1.
        row: usize,
        /// Values in that row.
        values: usize,
        /// Rows of the matrix.
        size: usize,
    },
    /// A joint inclusion probability that cannot be.
    #[error("joint inclusion probabilities, row {row}, column {column}: {value} {problem}")]
    JointProbability {
        /// Row (PSU), from 1.
        row: usize,
        /// Column (PSU), from 1.
        column: usize,
        /// The value.
        value: f64,
        /// Why it cannot be.
        problem: String,
    },
    /// A file of joint inclusion probabilities that cannot be read.
    #[error("joint inclusion probabilities file {path}, line {line}: {message}")]
    JointFile {
        /// The file.
        path: String,
        /// Line, from 1 (0: the file as a whole).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A matrix of joint inclusion probabilities of another size than the design's PSUs.
    #[error(
        "the joint inclusion probabilities are a {size}×{size} matrix but the design has {psus} PSUs: one row and column per PSU, in the order of their first row in the data"
    )]
    JointSize {
        /// Rows of the matrix.
        size: usize,
        /// PSUs of the design.
        psus: usize,
    },
    /// A diagonal of the joint inclusion probabilities that is not the PSU's inclusion
    /// probability.
    #[error(
        "joint inclusion probabilities, row {row}: the diagonal {diagonal} is not {probability}, the inclusion probability in fpc column {column:?} of {psu}"
    )]
    JointDiagonal {
        /// Row (PSU), from 1.
        row: usize,
        /// The diagonal value.
        diagonal: f64,
        /// The PSU's inclusion probability from the fpc column.
        probability: f64,
        /// The fpc column.
        column: String,
        /// The PSU.
        psu: String,
    },
}
