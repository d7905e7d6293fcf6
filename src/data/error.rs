//! Errors of reading and accessing data.

use thiserror::Error;

/// Result of data operations.
pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// What went wrong reading or accessing data. Row numbers are 1-based with the header as
/// row 1, so row 2 is the first data row, as a spreadsheet shows it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {message}")]
    Io {
        /// File name.
        file: String,
        /// The system's message.
        message: String,
    },
    /// The file is empty (no header).
    #[error("{file}: the file is empty (no header line)")]
    EmptyFile {
        /// File name.
        file: String,
    },
    /// The file has a header but no data rows.
    #[error("{file}: the file has a header but no data rows")]
    HeaderOnly {
        /// File name.
        file: String,
    },
    /// Two columns share a name.
    #[error("{file}: duplicate column name {column:?}")]
    DuplicateColumn {
        /// File name (empty when built in code).
        file: String,
        /// The repeated name.
        column: String,
    },
    /// A row has the wrong number of fields.
    #[error("{file}: row {row} has {found} fields, the header has {expected}")]
    RaggedRow {
        /// File name.
        file: String,
        /// Row number (header = 1).
        row: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        found: usize,
    },
    /// A malformed CSV record or text that is not UTF-8.
    #[error("{file}: row {row}: {message}")]
    Malformed {
        /// File name.
        file: String,
        /// Row number (header = 1).
        row: u64,
        /// What the parser said.
        message: String,
    },
    /// A quoted field whose closing quote never comes: the rest of the file would be one
    /// value.
    #[error(
        "{file}: row {row}, {column}: the quote that opens this field is never closed, so the rest of the file ({lines} more line(s)) would be read as one value; close the quote (a quote inside a quoted field is written twice: \"\")"
    )]
    UnclosedQuote {
        /// File name.
        file: String,
        /// Row number (header = 1) where the quote opens.
        row: u64,
        /// The field: `column "name"`, or `field 4` beyond the header's columns.
        column: String,
        /// Line ends after the quote.
        lines: usize,
    },
    /// A numeric column holds a number that is not finite (`NaN`, `inf`, or beyond the
    /// range of `f64`, such as `1e400`).
    #[error(
        "{file}: row {row}, column {column:?}: {value:?} is not a finite number; to read it as a missing value, list it among the missing values (the spec's \"missing\")"
    )]
    NotFinite {
        /// File name.
        file: String,
        /// Row number (header = 1).
        row: u64,
        /// Column name.
        column: String,
        /// The text as written.
        value: String,
    },
    /// A numeric column holds text that is not a number.
    #[error("{file}: row {row}, column {column:?}: {value:?} is not a number")]
    NotANumber {
        /// File name.
        file: String,
        /// Row number (header = 1).
        row: u64,
        /// Column name.
        column: String,
        /// The offending text.
        value: String,
    },
    /// A code the question's codebook does not list.
    #[error(
        "{file}: row {row}, column {column:?}: code {value} is not a code of question {question:?}"
    )]
    UnknownCode {
        /// File name.
        file: String,
        /// Row number (header = 1).
        row: u64,
        /// Column name.
        column: String,
        /// Question id.
        question: String,
        /// The offending value.
        value: f64,
    },
    /// A value outside the question's valid range, or not an integer / 0-1 where one is due.
    #[error(
        "{file}: row {row}, column {column:?}: value {value} is invalid for question {question:?}: {reason}"
    )]
    InvalidValue {
        /// File name.
        file: String,
        /// Row number (header = 1).
        row: u64,
        /// Column name.
        column: String,
        /// Question id.
        question: String,
        /// The offending value.
        value: f64,
        /// Why it is invalid (e.g. "outside [0, 120]").
        reason: String,
    },
    /// A respondent's choices break a multiple-response question's rules (too many
    /// choices, an exclusive option with others).
    #[error("{file}: row {row}: the answers to question {question:?} are invalid: {reason}")]
    InvalidChoices {
        /// File name.
        file: String,
        /// Row number (header = 1).
        row: u64,
        /// Question id.
        question: String,
        /// Why.
        reason: String,
    },
    /// A column that the analysis names is not in the data.
    #[error("column {column:?} is not in the data")]
    MissingColumn {
        /// The name asked for.
        column: String,
    },
    /// A numeric column was needed but the column holds text.
    #[error("column {column:?} is not numeric (it holds text such as {example:?})")]
    NotNumeric {
        /// Column name.
        column: String,
        /// One of its values.
        example: String,
    },
    /// Columns of different lengths.
    #[error("column {column:?} has {found} rows, expected {expected}")]
    LengthMismatch {
        /// Column name.
        column: String,
        /// Rows of the dataset.
        expected: usize,
        /// Rows of this column.
        found: usize,
    },
    /// A value given from Rust (a vector, a row struct) that a column cannot hold.
    #[error("column {column:?}, element {index} (counting from 0): {value}: {reason}")]
    InvalidInput {
        /// Column name.
        column: String,
        /// Index of the value in what was given (row index, from 0).
        index: usize,
        /// The offending value.
        value: String,
        /// Why it cannot be stored, and what to do instead.
        reason: String,
    },
    /// A row order that does not list every row exactly once.
    #[error("a row order must list each of the {rows} rows once: {problem}")]
    NotAPermutation {
        /// Rows of the dataset.
        rows: usize,
        /// What is wrong with the order.
        problem: String,
    },
    /// A file that is not a readable file of its format: wrong magic, truncated, a block
    /// that does not inflate, inconsistent metadata (a label set for a variable the file
    /// does not have), an encoding the reader does not know.
    #[error("{file}: cannot read it as {format}: {message}")]
    BadFile {
        /// File name.
        file: String,
        /// The format it was read as (`SPSS .sav`, `Stata .dta`, `Parquet`).
        format: String,
        /// What is wrong.
        message: String,
    },
    /// A file whose format is not known from its name, or whose reader this build of the
    /// crate leaves out (a cargo feature turned off).
    #[error("{file}: {message}")]
    UnsupportedFormat {
        /// File name.
        file: String,
        /// Why, and what to do.
        message: String,
    },
    /// One value of a binary file (SPSS, Stata, Parquet) that a column cannot hold. Cases
    /// count from 1.
    #[error("{file}: case {case}, column {column:?}: {value}: {reason}")]
    BadCell {
        /// File name.
        file: String,
        /// The case (row of data, from 1).
        case: u64,
        /// Column name.
        column: String,
        /// The value as stored.
        value: String,
        /// Why it cannot be read, and what to do.
        reason: String,
    },
    /// A column of a binary file whose type has no column kind here (binary blobs, lists,
    /// structs).
    #[error("{file}: column {column:?} has type {kind}, which is neither a number nor text")]
    UnsupportedColumn {
        /// File name.
        file: String,
        /// Column name.
        column: String,
        /// The type as the file declares it.
        kind: String,
    },
}
