//! The error of building, reading or validating a questionnaire.

use std::io;
use std::path::PathBuf;

use super::{Code, QuestionId};

/// `Result` with [`QuestionnaireError`].
pub type Result<T, E = QuestionnaireError> = std::result::Result<T, E>;

/// Why a questionnaire could not be read or is not valid.
///
/// Every variant about one question names it; code-level variants name the code.
/// Validation stops at the first problem found, in questionnaire order.
///
/// ```
/// use survey_stats::questionnaire::{Questionnaire, QuestionnaireError};
///
/// let err = Questionnaire::from_json("{\"questions\": [}").unwrap_err();
/// match err {
///     QuestionnaireError::Json { line, column, .. } => assert_eq!((line, column), (1, 16)),
///     other => panic!("unexpected {other}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QuestionnaireError {
    /// A question id is empty or only whitespace.
    #[error("question id {id:?} is empty or blank")]
    InvalidQuestionId {
        /// The offending id.
        id: QuestionId,
    },
    /// Two questions share an id.
    #[error("question id `{id}` is used by more than one question")]
    DuplicateQuestionId {
        /// The id used twice.
        id: QuestionId,
    },
    /// A single-choice, multiple-response or Likert question lists no options or levels.
    #[error("question `{question}` has no answer options")]
    NoOptions {
        /// The question.
        question: QuestionId,
    },
    /// A code is declared twice within one question (among its options or levels and its
    /// extra non-substantive codes).
    #[error("question `{question}`: code {code} is declared more than once")]
    DuplicateCode {
        /// The question.
        question: QuestionId,
        /// The code declared twice.
        code: Code,
    },
    /// A non-substantive code without a label is not among the question's options.
    #[error(
        "question `{question}`: non-substantive code {code} is not an answer option; \
         an extra code needs a label"
    )]
    UnknownMissingCode {
        /// The question.
        question: QuestionId,
        /// The code.
        code: Code,
    },
    /// A non-substantive code that is an answer option also carries a label of its own.
    #[error(
        "question `{question}`: non-substantive code {code} is an answer option, which \
         already has a label; leave the missing code's label out"
    )]
    MissingCodeRelabelled {
        /// The question.
        question: QuestionId,
        /// The code.
        code: Code,
    },
    /// A Likert level (which has a score) is declared non-substantive.
    #[error(
        "question `{question}`: code {code} is a scored Likert level and cannot be \
         non-substantive; declare it as an extra code with a label instead"
    )]
    ScoredNonSubstantive {
        /// The question.
        question: QuestionId,
        /// The code.
        code: Code,
    },
    /// A net lists a code the question does not have.
    #[error("question `{question}`: net `{net}` refers to unknown code {code}")]
    UnknownNetCode {
        /// The question.
        question: QuestionId,
        /// The net's id.
        net: String,
        /// The unknown code.
        code: Code,
    },
    /// A net lists the same code twice.
    #[error("question `{question}`: net `{net}` lists code {code} twice")]
    DuplicateNetCode {
        /// The question.
        question: QuestionId,
        /// The net's id.
        net: String,
        /// The code listed twice.
        code: Code,
    },
    /// Two nets of one question share an id, or a net id is blank.
    #[error("question `{question}`: net id {net:?} is blank or used twice")]
    InvalidNetId {
        /// The question.
        question: QuestionId,
        /// The net's id.
        net: String,
    },
    /// A net lists no codes.
    #[error("question `{question}`: net `{net}` lists no codes")]
    EmptyNet {
        /// The question.
        question: QuestionId,
        /// The net's id.
        net: String,
    },
    /// A multiple-response question's exclusive code is not one of its options.
    #[error("question `{question}`: exclusive code {code} is not one of the answer options")]
    UnknownExclusiveCode {
        /// The question.
        question: QuestionId,
        /// The code.
        code: Code,
    },
    /// `max_choices` is 0.
    #[error("question `{question}`: max_choices is {max_choices}, must be at least 1")]
    InvalidMaxChoices {
        /// The question.
        question: QuestionId,
        /// The value given.
        max_choices: u32,
    },
    /// Binary storage lists a number of columns different from the number of options.
    #[error("question `{question}`: binary storage lists {columns} columns for {options} options")]
    ColumnCountMismatch {
        /// The question.
        question: QuestionId,
        /// Columns listed.
        columns: usize,
        /// Options declared.
        options: usize,
    },
    /// Codes storage lists no columns.
    #[error("question `{question}`: codes storage lists no columns")]
    NoStorageColumns {
        /// The question.
        question: QuestionId,
    },
    /// A data column name is empty or blank.
    #[error("question `{question}`: data column name {column:?} is empty or blank")]
    InvalidColumnName {
        /// The question.
        question: QuestionId,
        /// The column name.
        column: String,
    },
    /// Two questions (or one question twice) claim the same data column.
    #[error("data column `{column}` is claimed by question `{first}` and by question `{second}`")]
    DuplicateColumn {
        /// The column.
        column: String,
        /// The question that claimed it first.
        first: QuestionId,
        /// The question that claimed it again (may equal `first`).
        second: QuestionId,
    },
    /// A Likert level's score is NaN or infinite.
    #[error("question `{question}`: Likert level {code} has a non-finite score")]
    NonFiniteScore {
        /// The question.
        question: QuestionId,
        /// The level's code.
        code: Code,
    },
    /// Likert levels are not listed in strictly increasing order of score.
    #[error(
        "question `{question}`: Likert level {code} (score {score}) does not score above the \
         level listed before it; list levels in strictly increasing order of score"
    )]
    LikertNotOrdered {
        /// The question.
        question: QuestionId,
        /// The level out of order.
        code: Code,
        /// Its score.
        score: f64,
    },
    /// The Likert midpoint is not finite or lies outside the levels' scores.
    #[error(
        "question `{question}`: Likert midpoint {midpoint} is not within the scores' range \
         [{min}, {max}]"
    )]
    InvalidMidpoint {
        /// The question.
        question: QuestionId,
        /// The midpoint given.
        midpoint: f64,
        /// The lowest score.
        min: f64,
        /// The highest score.
        max: f64,
    },
    /// A numeric range is not finite or has min > max.
    #[error("question `{question}`: numeric range [{min}, {max}] must be finite with min <= max")]
    InvalidRange {
        /// The question.
        question: QuestionId,
        /// The lower bound given.
        min: f64,
        /// The upper bound given.
        max: f64,
    },
    /// The JSON text is malformed or does not have the questionnaire's shape.
    #[error("invalid questionnaire JSON: {message}")]
    Json {
        /// serde_json's message, which ends with the position ("at line 3 column 7").
        message: String,
        /// 1-based line of the error (0 when not tied to a position).
        line: usize,
        /// 1-based column of the error (0 when not tied to a position).
        column: usize,
    },
    /// The questionnaire file could not be read.
    #[error("cannot read questionnaire file {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

impl From<serde_json::Error> for QuestionnaireError {
    fn from(e: serde_json::Error) -> Self {
        Self::Json {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        }
    }
}
