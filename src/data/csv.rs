//! Reading a CSV file into a [`Dataset`], validating against a questionnaire.

use super::Dataset;
use super::column::{CategoricalBuilder, Column, NumericColumn};
use super::csv_fast::CsvTuning;
use super::error::{DataError, Result};
use crate::questionnaire::{
    Code, Question, QuestionKind, Questionnaire, ResponseStorage, ValueProblem,
};
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// How to read a CSV file.
///
/// ```
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// let text = "id,w,region\n1,2.5,North\n2,NA,South\n";
/// let ds = read_csv_from_reader(text.as_bytes(), "inline.csv", &CsvOptions::default())?;
/// assert_eq!(ds.n_rows(), 2);
/// assert_eq!(ds.numeric("w")?.get(1), None);
/// # Ok::<(), survey_stats::data::DataError>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsvOptions<'q> {
    /// Field texts read as missing (default `""` and `"NA"`).
    pub missing: Vec<String>,
    /// Validate the columns that questions claim against the questionnaire.
    pub questionnaire: Option<&'q Questionnaire>,
    /// Columns kept as text even when every value is a number (e.g. 14-digit ids).
    pub text_columns: HashSet<String>,
}

impl Default for CsvOptions<'_> {
    fn default() -> Self {
        Self {
            missing: vec![String::new(), "NA".to_string()],
            questionnaire: None,
            text_columns: HashSet::new(),
        }
    }
}

/// Reads a CSV file (header line first) into a [`Dataset`].
///
/// A column is numeric when every non-missing value parses as a finite number, otherwise
/// categorical. Columns that a questionnaire question claims must hold numbers that the
/// question accepts.
///
/// The file is read in blocks and each block parsed on all cores, straight into the
/// columns (so memory holds the columns and one block of text); the result, and any error
/// with the row it names, are those of reading the records one by one in file order.
///
/// # Errors
/// [`DataError`] naming the file, the row (header = row 1), the column and the value:
/// unreadable file, empty file, header only, duplicate column name, ragged row, text in a
/// question's column, a code the question does not know, a value out of range.
pub fn read_csv(path: impl AsRef<Path>, options: &CsvOptions<'_>) -> Result<Dataset> {
    read_csv_tuned(path, options, &CsvTuning::default())
}

// The reference reader's columns; it is compiled for the `internals` feature's tests.
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
enum Builder<'q> {
    Numeric(NumericColumn),
    Text(CategoricalBuilder),
    Question(NumericColumn, &'q Question),
}

/// Reads CSV text from any reader; `file` names it in messages.
///
/// # Errors
/// As [`read_csv`].
pub fn read_csv_from_reader<R: Read>(
    reader: R,
    file: &str,
    options: &CsvOptions<'_>,
) -> Result<Dataset> {
    super::csv_fast::read(reader, file, options, &CsvTuning::default(), None)
}

/// [`read_csv`] with the parallel reader's blocks, chunks and threads set by hand.
///
/// # Errors
/// As [`read_csv`].
pub fn read_csv_tuned(
    path: impl AsRef<Path>,
    options: &CsvOptions<'_>,
    tuning: &CsvTuning,
) -> Result<Dataset> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| DataError::Io {
        file: name.clone(),
        message: e.to_string(),
    })?;
    let size = file.metadata().ok().map(|m| m.len());
    super::csv_fast::read(file, &name, options, tuning, size)
}

/// [`read_csv_from_reader`] with the parallel reader's blocks, chunks and threads set by
/// hand (for tests that put chunk boundaries everywhere).
///
/// # Errors
/// As [`read_csv`].
#[cfg(feature = "internals")]
pub fn read_csv_from_reader_tuned<R: Read>(
    reader: R,
    file: &str,
    options: &CsvOptions<'_>,
    tuning: &CsvTuning,
) -> Result<Dataset> {
    super::csv_fast::read(reader, file, options, tuning, None)
}

/// The simple reader: one thread, record by record through the `csv` crate. It defines
/// what [`read_csv`] does and is kept as the reference that the parallel reader is tested
/// against.
///
/// # Errors
/// As [`read_csv`].
#[cfg_attr(not(feature = "internals"), allow(dead_code))]
pub fn read_csv_reference_from_reader<R: Read>(
    reader: R,
    file: &str,
    options: &CsvOptions<'_>,
) -> Result<Dataset> {
    // The whole text in memory: a quote left open runs to its end, which the `csv` crate
    // accepts silently, so the last record is checked on the text itself.
    let mut text = Vec::new();
    let mut reader = reader;
    reader
        .read_to_end(&mut text)
        .map_err(|e| DataError::Malformed {
            file: file.to_string(),
            row: 1,
            message: ::csv::Error::from(e).to_string(),
        })?;
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&text[..]);
    let mut record = ::csv::ByteRecord::new();
    let malformed = |row: u64, e: ::csv::Error| DataError::Malformed {
        file: file.to_string(),
        row,
        message: e.to_string(),
    };
    // The record just read, when it is the last and a quote in it is never closed.
    let unclosed = |rdr: &::csv::Reader<&[u8]>, record: &::csv::ByteRecord| {
        let start = record.position().map_or(0, |p| p.byte() as usize);
        (rdr.position().byte() as usize >= text.len())
            .then(|| unclosed_quote(&text, start))
            .flatten()
    };
    if !rdr
        .read_byte_record(&mut record)
        .map_err(|e| malformed(1, e))?
    {
        return Err(DataError::EmptyFile {
            file: file.to_string(),
        });
    }
    if let Some((field, quote)) = unclosed(&rdr, &record) {
        let names: Vec<String> = Vec::new();
        return Err(unclosed_error(file, &names, 1, field, &text, quote));
    }
    let fields: Vec<&[u8]> = record.iter().collect();
    let names = header_names(&fields, file)?;
    let mut not_finite: Vec<Option<(u64, String)>> = vec![None; names.len()];
    let mut builders: Vec<Builder<'_>> = names
        .iter()
        .map(|n| {
            if options.text_columns.contains(n) {
                return Builder::Text(CategoricalBuilder::default());
            }
            match options.questionnaire.and_then(|q| q.question_for_column(n)) {
                Some(q) => Builder::Question(NumericColumn::default(), q),
                None => Builder::Numeric(NumericColumn::default()),
            }
        })
        .collect();
    let missing: Vec<&[u8]> = options.missing.iter().map(|s| s.as_bytes()).collect();
    let mut row: u64 = 1;
    while rdr
        .read_byte_record(&mut record)
        .map_err(|e| malformed(row + 1, e))?
    {
        row += 1;
        if let Some((field, quote)) = unclosed(&rdr, &record) {
            return Err(unclosed_error(file, &names, row, field, &text, quote));
        }
        if record.len() != names.len() {
            // A blank line at the end of a file is not a row.
            if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
                row -= 1;
                continue;
            }
            return Err(DataError::RaggedRow {
                file: file.to_string(),
                row,
                expected: names.len(),
                found: record.len(),
            });
        }
        for (j, field) in record.iter().enumerate() {
            let is_missing = missing.contains(&field);
            let text = || String::from_utf8_lossy(field).into_owned();
            match &mut builders[j] {
                Builder::Numeric(col) => {
                    if is_missing {
                        col.push(None);
                    } else if let Some(v) = parse_number(field) {
                        if !v.is_finite() && not_finite[j].is_none() {
                            not_finite[j] = Some((row, text()));
                        }
                        col.push(Some(v));
                    } else {
                        let t = std::str::from_utf8(field).map_err(|_| DataError::Malformed {
                            file: file.to_string(),
                            row,
                            message: format!("column {:?} is not UTF-8", names[j]),
                        })?;
                        let mut b = CategoricalBuilder::default();
                        not_finite[j] = None;
                        for i in 0..col.len() {
                            // A number that is not finite (`NaN`) becomes its text too.
                            match col.raw(i) {
                                Some(v) => b.push(&format!("{v}")),
                                None => b.push_missing(),
                            }
                        }
                        b.push(t);
                        builders[j] = Builder::Text(b);
                    }
                }
                Builder::Text(b) => {
                    if is_missing {
                        b.push_missing();
                    } else {
                        let t = std::str::from_utf8(field).map_err(|_| DataError::Malformed {
                            file: file.to_string(),
                            row,
                            message: format!("column {:?} is not UTF-8", names[j]),
                        })?;
                        b.push(t);
                    }
                }
                Builder::Question(col, q) => {
                    if is_missing {
                        col.push(None);
                        continue;
                    }
                    let v = question_number(parse_number(field), file, row, &names[j], field)?;
                    if let Err(problem) = q.check_value(&names[j], v) {
                        return Err(value_error(file, row, &names[j], q, v, problem));
                    }
                    col.push(Some(v));
                }
            }
        }
    }
    if row == 1 {
        return Err(DataError::HeaderOnly {
            file: file.to_string(),
        });
    }
    first_not_finite(file, &names, not_finite)?;
    let columns = names
        .into_iter()
        .zip(builders)
        .map(|(n, b)| {
            let col = match b {
                Builder::Numeric(c) | Builder::Question(c, _) => Column::Numeric(c),
                Builder::Text(b) => Column::Categorical(b.finish()),
            };
            (n, col)
        })
        .collect();
    dataset_of(columns, file, options)
}

/// Checks each respondent's choices of every multiple-response question present in the
/// data (at most `max_choices`, an exclusive option alone), one pass per question.
pub(super) fn check_choices(
    data: &Dataset,
    questionnaire: &Questionnaire,
    file: &str,
) -> Result<()> {
    for q in questionnaire.questions() {
        if !matches!(q.kind, QuestionKind::MultipleResponse { .. }) {
            continue;
        }
        let binary = matches!(
            q.kind,
            QuestionKind::MultipleResponse {
                storage: ResponseStorage::Binary { .. },
                ..
            }
        );
        let cols: Vec<(Option<Code>, &NumericColumn)> = q
            .columns()
            .iter()
            .filter_map(|c| match data.column(c) {
                Ok(Column::Numeric(col)) => Some((q.option_for_column(c), col)),
                _ => None,
            })
            .collect();
        if cols.is_empty() {
            continue;
        }
        let mut chosen = Vec::with_capacity(cols.len());
        for row in 0..data.n_rows() {
            chosen.clear();
            for (code, col) in &cols {
                match (binary, col.get(row)) {
                    (true, Some(1.0)) => chosen.extend(*code),
                    (false, Some(v)) => chosen.extend(Code::from_f64(v)),
                    _ => {}
                }
            }
            if let Err(problem) = q.check_choices(&chosen) {
                return Err(DataError::InvalidChoices {
                    file: file.to_string(),
                    row: row as u64 + 2,
                    question: q.id.to_string(),
                    reason: problem.to_string(),
                });
            }
        }
    }
    Ok(())
}

pub(super) fn value_error(
    file: &str,
    row: u64,
    column: &str,
    q: &Question,
    value: f64,
    problem: ValueProblem,
) -> DataError {
    let question = q.id.to_string();
    match problem {
        ValueProblem::UnknownCode { .. } => DataError::UnknownCode {
            file: file.to_string(),
            row,
            column: column.to_string(),
            question,
            value,
        },
        other => DataError::InvalidValue {
            file: file.to_string(),
            row,
            column: column.to_string(),
            question,
            value,
            reason: other.to_string(),
        },
    }
}

/// Where the last record of a CSV text, starting at `start`, opens a quoted field that is
/// never closed: the field's index and the position of its quote. A quote opens a field
/// only as its first byte; inside, `""` is a quote and any other quote closes the field.
pub(super) fn unclosed_quote(text: &[u8], start: usize) -> Option<(usize, usize)> {
    let n = text.len();
    let mut p = start;
    while p < n && matches!(text[p], b'\n' | b'\r') {
        p += 1;
    }
    let mut field = 0;
    loop {
        if p < n && text[p] == b'"' {
            let open = p;
            p += 1;
            loop {
                match memchr::memchr(b'"', &text[p..]) {
                    None => return Some((field, open)),
                    Some(i) if text.get(p + i + 1) == Some(&b'"') => p += i + 2,
                    Some(i) => {
                        p += i + 1;
                        break;
                    }
                }
            }
        }
        while p < n && !matches!(text[p], b',' | b'\n' | b'\r') {
            p += 1;
        }
        if p < n && text[p] == b',' {
            p += 1;
            field += 1;
        } else {
            return None;
        }
    }
}

/// The error of a quote opened at `text[quote]` in field `field` of row `row`, never closed.
pub(super) fn unclosed_error(
    file: &str,
    names: &[String],
    row: u64,
    field: usize,
    text: &[u8],
    quote: usize,
) -> DataError {
    let rest = &text[quote..];
    let lines = match memchr::memchr_iter(b'\n', rest).count() {
        0 => memchr::memchr_iter(b'\r', rest).count(),
        n => n,
    };
    DataError::UnclosedQuote {
        file: file.to_string(),
        row,
        column: names.get(field).map_or_else(
            || format!("field {}", field + 1),
            |name| format!("column {name:?}"),
        ),
        lines,
    }
}

/// The number in a question's column: an error unless the field reads as a finite number.
pub(super) fn question_number(
    parsed: Option<f64>,
    file: &str,
    row: u64,
    column: &str,
    field: &[u8],
) -> Result<f64> {
    let value = || String::from_utf8_lossy(field).into_owned();
    match parsed {
        Some(v) if v.is_finite() => Ok(v),
        Some(_) => Err(DataError::NotFinite {
            file: file.to_string(),
            row,
            column: column.to_string(),
            value: value(),
        }),
        None => Err(DataError::NotANumber {
            file: file.to_string(),
            row,
            column: column.to_string(),
            value: value(),
        }),
    }
}

/// The first non-finite number (earliest row, then leftmost column) among columns that
/// stayed numeric: `firsts[j]` is column `j`'s first, `None` when it has none or became
/// text.
pub(super) fn first_not_finite(
    file: &str,
    names: &[String],
    firsts: impl IntoIterator<Item = Option<(u64, String)>>,
) -> Result<()> {
    let first = firsts
        .into_iter()
        .enumerate()
        .filter_map(|(j, f)| f.map(|(row, value)| (row, j, value)))
        .min_by_key(|(row, j, _)| (*row, *j));
    match first {
        Some((row, j, value)) => Err(DataError::NotFinite {
            file: file.to_string(),
            row,
            column: names[j].clone(),
            value,
        }),
        None => Ok(()),
    }
}

/// Parses a field as a number (surrounding blanks allowed). `NaN` and `inf` parse too, so
/// that a weight column holding them is reported as such rather than as text.
#[inline]
pub(super) fn parse_number(field: &[u8]) -> Option<f64> {
    std::str::from_utf8(field).ok()?.trim().parse().ok()
}

/// The header's names, (UTF-8, trimmed, no BOM, distinct).
pub(super) fn header_names(fields: &[&[u8]], file: &str) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::with_capacity(fields.len());
    for field in fields {
        let name = std::str::from_utf8(field)
            .map_err(|e| DataError::Malformed {
                file: file.to_string(),
                row: 1,
                message: format!("header is not UTF-8: {e}"),
            })?
            .trim()
            .trim_start_matches('\u{feff}')
            .to_string();
        if names.contains(&name) {
            return Err(DataError::DuplicateColumn {
                file: file.to_string(),
                column: name,
            });
        }
        names.push(name);
    }
    Ok(names)
}

/// The dataset of the columns read from `file`, its duplicate names reported with the file
/// and checked against the questionnaire's choices (both readers end here).
pub(crate) fn dataset_of(
    columns: Vec<(String, Column)>,
    file: &str,
    options: &CsvOptions<'_>,
) -> Result<Dataset> {
    let dataset = Dataset::from_columns(columns).map_err(|e| match e {
        DataError::DuplicateColumn { column, .. } => DataError::DuplicateColumn {
            file: file.to_string(),
            column,
        },
        other => other,
    })?;
    if let Some(q) = options.questionnaire {
        check_choices(&dataset, q, file)?;
    }
    Ok(dataset)
}
