//! The crate's one error type.

use crate::data::DataError;
use crate::design::DesignError;
use crate::estimate::EstimateError;
use crate::estimate::quantile::QuantileError;
use crate::hypothesis::{IndependenceError, TestError};
use crate::interval::IntervalError;
use crate::questionnaire::QuestionnaireError;
use crate::spec::SpecError;
use crate::weighting::{AdjustError, WeightingError};

/// A `Result` whose error is the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, in the user's terms: the column, row, value, code or
/// JSON path at fault. What went wrong is its [`ErrorKind`]; the module errors it wraps
/// keep their own variants for code that matches on them.
///
/// ```
/// use survey_stats::{Dataset, ErrorKind, Survey};
/// let data = Dataset::builder().column("y", vec![1.0, 2.0]).build()?;
/// let survey = Survey::srs(data)?;
/// let err = survey.mean("income").unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::Data(_)));
/// assert_eq!(err.to_string(), "column \"income\" is not in the data");
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// The kinds of [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or building data: a file, a row, a column, a value.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The questionnaire, or data that break it.
    #[error(transparent)]
    Questionnaire(#[from] QuestionnaireError),
    /// The survey design: weights, strata, clusters, fpc, lonely PSUs, replicates.
    #[error(transparent)]
    Design(#[from] DesignError),
    /// A weighting step: post-stratification, raking, calibration, trimming.
    #[error(transparent)]
    Weighting(#[from] AdjustError),
    /// An estimate.
    #[error(transparent)]
    Estimate(#[from] EstimateError),
    /// A test of independence.
    #[error(transparent)]
    Test(#[from] IndependenceError),
    /// The analysis spec (JSON) or its run.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// An estimate that exists in general but not here: an empty domain, a zero
    /// denominator, a function that is not finite at these totals.
    #[error("{what}: no estimate ({why})")]
    Unavailable {
        /// The estimate asked for.
        what: String,
        /// Why it cannot be computed.
        why: String,
    },
    /// A code named by the analysis (in `exclude`, a net, a selection) that does not occur
    /// in the variable.
    #[error("code {code} does not occur in {variable:?} (its codes: {known})")]
    UnknownCode {
        /// The variable.
        variable: String,
        /// The code asked for.
        code: String,
        /// The codes that do occur.
        known: String,
    },
    /// A setting out of its range (a confidence level, a probability, a threshold).
    #[error("{setting} = {value}: {reason}")]
    InvalidSetting {
        /// The setting.
        setting: String,
        /// Its value.
        value: String,
        /// What it must be.
        reason: String,
    },
    /// Writing a report (an HTML page, an Excel workbook) failed.
    #[error("{path}: cannot write: {message}")]
    Output {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

macro_rules! from_module_error {
    ($($t:ty => $variant:ident via $via:ty),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error(Box::new(ErrorKind::$variant(<$via>::from(e))))
            }
        }
    )*};
}
from_module_error!(
    DataError => Data via DataError,
    QuestionnaireError => Questionnaire via QuestionnaireError,
    DesignError => Design via DesignError,
    WeightingError => Weighting via AdjustError,
    IntervalError => Estimate via EstimateError,
    IndependenceError => Test via IndependenceError,
    TestError => Test via IndependenceError,
    SpecError => Spec via SpecError,
);

impl From<EstimateError> for Error {
    /// A data or design problem met while estimating is reported as that kind.
    fn from(e: EstimateError) -> Self {
        Error(Box::new(match e {
            EstimateError::Data(e) => ErrorKind::Data(e),
            EstimateError::Design(e) => ErrorKind::Design(e),
            e => ErrorKind::Estimate(e),
        }))
    }
}

impl From<AdjustError> for Error {
    /// A data or design problem met while weighting is reported as that kind.
    fn from(e: AdjustError) -> Self {
        Error(Box::new(match e {
            AdjustError::Data(e) => ErrorKind::Data(e),
            AdjustError::Design(e) => ErrorKind::Design(e),
            e => ErrorKind::Weighting(e),
        }))
    }
}

impl From<QuantileError> for Error {
    fn from(e: QuantileError) -> Self {
        Error(Box::new(ErrorKind::Estimate(EstimateError::Quantile(e))))
    }
}
