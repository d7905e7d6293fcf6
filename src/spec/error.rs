//! Errors of reading and running an analysis spec.

use crate::data::DataError;
use crate::design::DesignError;
use crate::estimate::EstimateError;
use crate::hypothesis::IndependenceError;
use crate::questionnaire::QuestionnaireError;
use crate::weighting::AdjustError;
use thiserror::Error;

/// What went wrong with an analysis. Each variant names where: a JSON path, a file, an
/// estimate id.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SpecError {
    /// A file could not be read.
    #[error("{path}: cannot read: {message}")]
    Read {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// The spec is not valid JSON or does not fit the spec's types.
    #[error("spec: at {path}: {message}")]
    Json {
        /// JSON path (`estimates[2].level`; `.` for the root).
        path: String,
        /// What serde said.
        message: String,
    },
    /// A value is well-typed but not acceptable.
    #[error("spec: at {path}: {message}")]
    Invalid {
        /// JSON path.
        path: String,
        /// Why.
        message: String,
    },
    /// The questionnaire file is invalid.
    #[error("questionnaire: {0}")]
    Questionnaire(#[from] QuestionnaireError),
    /// The data are invalid.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The design is invalid.
    #[error("design: {0}")]
    Design(#[from] DesignError),
    /// A weighting step failed.
    #[error("spec: at {path}: {source}")]
    Adjust {
        /// JSON path of the step (`adjust[1]`).
        path: String,
        /// What failed.
        source: Box<AdjustError>,
    },
    /// An estimate failed.
    #[error("estimate {id:?}: {source}")]
    Estimate {
        /// The estimate's id.
        id: String,
        /// What failed.
        source: Box<EstimateError>,
    },
    /// A test failed.
    #[error("estimate {id:?}: {source}")]
    Test {
        /// The estimate's id.
        id: String,
        /// What failed.
        source: Box<IndependenceError>,
    },
    /// A part of the spec this version does not implement yet.
    #[error("spec: at {path}: not implemented yet: {what}")]
    NotImplemented {
        /// JSON path.
        path: String,
        /// What.
        what: String,
    },
    /// An estimate that cannot be finished from a table of sums (see [`crate::sums`]).
    #[error("estimate {id:?}: cannot be finished from sums: {reason}")]
    NotFromSums {
        /// The estimate's id.
        id: String,
        /// Why.
        reason: String,
    },
    /// A table of sums (see [`crate::sums`]) that does not fit its spec.
    #[error("{file}: {message}")]
    Sums {
        /// The sums file.
        file: String,
        /// What is wrong, with the row where there is one.
        message: String,
    },
    /// A query engine (see [`crate::sums`]) could not read the data or run the sums query.
    #[error("{file}: {engine}: {message}")]
    Engine {
        /// The engine (`DataFusion`).
        engine: String,
        /// The data file, `the sums query` when the query failed, or the cluster's address
        /// when it cannot be reached.
        file: String,
        /// The engine's message.
        message: String,
    },
}
