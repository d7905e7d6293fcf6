//! Opening survey files of every format the crate reads: CSV, SPSS `.sav` and `.zsav`,
//! Stata `.dta` and Parquet, by the file's extension or by an explicit [`Format`].
//!
//! Every format gives the same [`Dataset`]: numbers (integers, doubles, dates) become
//! numeric columns, text becomes categorical columns. The formats that carry labels (SPSS,
//! Stata) also give the [`Questionnaire`] their metadata describe (see [`Opened`]): value
//! labels become answer options, SPSS user-missing codes become non-substantive codes (so
//! they leave the base as `"exclude"` would), variable labels become question texts and
//! SPSS multiple-response sets become multiple-response questions.
//!
//! - **Missing values.** SPSS system-missing, Stata `.` and `.a`–`.z`, and Parquet nulls
//!   are missing. SPSS user-missing codes stay in the data as codes: the questionnaire
//!   marks them non-substantive. Text in [`OpenOptions::missing`] (default `""` and `NA`)
//!   is missing in text columns of every format, and so is a number it spells in numeric
//!   columns, as in a CSV file.
//! - **Dates** are numbers: days since 1970-01-01 for a date, seconds since
//!   1970-01-01 00:00 for a date-time (SPSS, Parquet, and Stata `%td`/`%tc` formats).
//! - **Cargo features.** `sav`, `dta` and `parquet` (all three: `formats`, on by default)
//!   compile the readers; without one, opening such a file is
//!   [`DataError::UnsupportedFormat`].

#[cfg(any(feature = "sav", feature = "parquet"))]
mod arrow;
#[cfg(feature = "dta")]
mod dta;
mod meta;
#[cfg(feature = "parquet")]
mod parquet;
#[cfg(feature = "sav")]
mod sav;

use std::path::Path;

use super::{Column, CsvOptions, DataError, Dataset, read_csv};
use crate::questionnaire::Questionnaire;
#[allow(unused_imports)] // which the readers use depends on the features on
pub(crate) use meta::{FileMeta, MrSetMeta, VarMeta};

/// A file format the crate reads.
///
/// ```
/// use survey_stats::data::Format;
/// assert_eq!(Format::from_path("wave1.zsav"), Some(Format::Sav));
/// assert_eq!(Format::from_path("census.PARQUET"), Some(Format::Parquet));
/// assert_eq!(Format::from_path("notes.txt"), None);
/// assert_eq!(Format::Dta.name(), "Stata .dta");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Comma-separated text with a header line (`.csv`).
    Csv,
    /// SPSS system file, plain or zlib-compressed (`.sav`, `.zsav`).
    Sav,
    /// Stata dataset, versions 102–119 (`.dta`).
    Dta,
    /// Apache Parquet (`.parquet`, `.pq`).
    Parquet,
}

impl Format {
    /// The format a file name's extension says (case-insensitive), `None` when it says
    /// none of these.
    pub fn from_path(path: impl AsRef<Path>) -> Option<Format> {
        let ext = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "sav" | "zsav" => Some(Format::Sav),
            "dta" => Some(Format::Dta),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// The format's name as messages show it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Sav => "SPSS .sav",
            Format::Dta => "Stata .dta",
            Format::Parquet => "Parquet",
        }
    }

    /// Whether this build reads the format (its cargo feature is on).
    ///
    /// ```
    /// use survey_stats::data::Format;
    /// assert!(Format::Csv.is_available());
    /// ```
    pub fn is_available(self) -> bool {
        match self {
            Format::Csv => true,
            Format::Sav => cfg!(feature = "sav"),
            Format::Dta => cfg!(feature = "dta"),
            Format::Parquet => cfg!(feature = "parquet"),
        }
    }

    /// The cargo feature that compiles the format's reader.
    fn feature(self) -> &'static str {
        match self {
            Format::Csv => "",
            Format::Sav => "sav",
            Format::Dta => "dta",
            Format::Parquet => "parquet",
        }
    }
}

/// How [`Dataset::open_with`] reads a file: its format, the columns to read, the texts
/// read as missing, the questionnaire its values must fit.
///
/// ```
/// use survey_stats::data::{Format, OpenOptions};
/// let options = OpenOptions::new().format(Format::Parquet).columns(["w", "q5"]);
/// # let _ = options;
/// ```
#[derive(Debug, Clone)]
pub struct OpenOptions<'q> {
    format: Option<Format>,
    columns: Option<Vec<String>>,
    missing: Vec<String>,
    questionnaire: Option<&'q Questionnaire>,
    lang: String,
}

impl Default for OpenOptions<'_> {
    fn default() -> Self {
        Self {
            format: None,
            columns: None,
            missing: vec![String::new(), "NA".to_string()],
            questionnaire: None,
            lang: crate::questionnaire::Labels::FALLBACK_LANGUAGE.to_string(),
        }
    }
}

impl<'q> OpenOptions<'q> {
    /// The defaults: format by extension, every column, `""` and `NA` missing, no
    /// questionnaire, labels in `"en"`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the file as `format` whatever its name says.
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Reads only these columns (names the file does not have are left out; an SPSS
    /// multiple-response set's name stands for its variables). Parquet and SPSS files then
    /// skip the other columns' bytes.
    #[must_use]
    pub fn columns<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.columns = Some(columns.into_iter().map(Into::into).collect());
        self
    }

    /// Texts read as missing (in text columns, and the numbers they spell in numeric
    /// columns). Default: `""` and `NA`.
    #[must_use]
    pub fn missing<S: Into<String>>(mut self, missing: impl IntoIterator<Item = S>) -> Self {
        self.missing = missing.into_iter().map(Into::into).collect();
        self
    }

    /// Checks every value of the columns its questions claim against them, as the CSV
    /// reader does (a code a question does not list is an error naming the row).
    #[must_use]
    pub fn questionnaire(mut self, questionnaire: &'q Questionnaire) -> Self {
        self.questionnaire = Some(questionnaire);
        self
    }

    /// The language tag the file's labels are stored under in the inferred questionnaire
    /// (default `"en"`; a file does not say which language its labels are in).
    #[must_use]
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = lang.into();
        self
    }
}

/// A file opened by [`Dataset::open`]: its data (with the file's value labels as
/// [`Dataset::label`]s), its format, and the questionnaire its metadata describe.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Opened {
    /// The data.
    pub data: Dataset,
    /// The format read.
    pub format: Format,
    /// The questionnaire inferred from the file's labels, user-missing codes and
    /// multiple-response sets; `None` for a file without them (CSV, Parquet, a file with
    /// no labels).
    pub questionnaire: Option<Questionnaire>,
}

/// What a binary format's reader gives: the columns in file order and the metadata.
pub(crate) struct Raw {
    pub(crate) columns: Vec<(String, Column)>,
    pub(crate) meta: FileMeta,
}

impl Dataset {
    /// Opens a survey file by its extension: `.csv`, `.sav`, `.zsav`, `.dta`, `.parquet`.
    ///
    /// # Errors
    /// [`DataError`]s naming the file (and the case, column and value where one is at
    /// fault): unreadable, of an unknown extension, malformed, a value no column kind
    /// holds; [`crate::questionnaire::QuestionnaireError`] when the file's labels make no
    /// valid questionnaire.
    ///
    /// ```
    /// use survey_stats::Dataset;
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats.sav");
    /// # #[cfg(feature = "sav")] {
    /// let opened = Dataset::open(path)?;
    /// assert_eq!(opened.data.n_rows(), 144);
    /// let q = opened.questionnaire.expect("the file has labels");
    /// let q5 = q.question("q5").expect("q5 has value labels");
    /// assert_eq!(q5.text("en"), Some("Satisfaction with the project"));
    /// assert!(!q5.is_substantive(9.into())); // user-missing in SPSS
    /// # }
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> crate::Result<Opened> {
        Dataset::open_with(path, &OpenOptions::default())
    }

    /// Opens a survey file as `format`, whatever its name says.
    ///
    /// # Errors
    /// As [`Dataset::open`].
    ///
    /// ```
    /// use survey_stats::{Dataset, data::Format};
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats.csv");
    /// let opened = Dataset::open_as(path, Format::Csv)?;
    /// assert_eq!(opened.data.n_rows(), 144);
    /// assert!(opened.questionnaire.is_none());
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn open_as(path: impl AsRef<Path>, format: Format) -> crate::Result<Opened> {
        Dataset::open_with(path, &OpenOptions::default().format(format))
    }

    /// Opens a survey file as `options` say.
    ///
    /// # Errors
    /// As [`Dataset::open`]; with a questionnaire, a value its question does not accept
    /// ([`DataError::UnknownCode`], [`DataError::InvalidValue`]; the row is the case + 1,
    /// as the CSV of the same data numbers it).
    ///
    /// ```
    /// use survey_stats::{Dataset, data::OpenOptions};
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats.csv");
    /// let opened = Dataset::open_with(path, &OpenOptions::new().columns(["w", "q5"]))?;
    /// assert_eq!(opened.data.names(), ["w", "q5"]);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions<'_>) -> crate::Result<Opened> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let format = match options.format.or_else(|| Format::from_path(path)) {
            Some(f) => f,
            None => {
                return Err(DataError::UnsupportedFormat {
                    file,
                    message: "the file name does not say its format; name it .csv, .sav, .zsav, .dta or .parquet, or give the format".into(),
                }
                .into());
            }
        };
        if !format.is_available() {
            return Err(DataError::UnsupportedFormat {
                file,
                message: format!(
                    "this build reads no {} files (the cargo feature {:?} is off)",
                    format.name(),
                    format.feature()
                ),
            }
            .into());
        }
        if format == Format::Csv {
            let csv = CsvOptions {
                missing: options.missing.clone(),
                questionnaire: options.questionnaire,
                ..CsvOptions::default()
            };
            let mut data = read_csv(path, &csv)?;
            if let Some(keep) = &options.columns {
                data = project(data, keep)?;
            }
            return Ok(Opened {
                data,
                format,
                questionnaire: None,
            });
        }
        let raw = read_binary(path, &file, format, options.columns.as_deref())?;
        finish(raw, &file, format, options)
    }
}

impl Dataset {
    /// The dataset with the labels of a questionnaire's single-choice options as its
    /// value labels ([`Dataset::label`]) and its binary multiple-response questions as
    /// its multiple-response columns ([`Dataset::multiple_response_columns`]).
    pub(crate) fn with_labels_of(mut self, q: &Questionnaire) -> Dataset {
        use crate::questionnaire::{QuestionKind, ResponseStorage};
        let lang = crate::questionnaire::Labels::FALLBACK_LANGUAGE;
        let mut meta = (*self.meta).clone();
        for question in q.questions() {
            let id = question.id.to_string();
            match &question.kind {
                QuestionKind::SingleChoice { options } if self.has_column(&id) => {
                    let list = options
                        .iter()
                        .map(|o| {
                            (
                                i64::from(o.code) as f64,
                                o.label.get(lang).unwrap_or("").to_string(),
                            )
                        })
                        .collect();
                    meta.labels.insert(id, list);
                }
                QuestionKind::MultipleResponse {
                    options,
                    storage: ResponseStorage::Binary { .. },
                    ..
                } => {
                    let columns = question.columns();
                    if columns.iter().all(|c| self.has_column(c)) {
                        let list = options
                            .iter()
                            .zip(columns)
                            .map(|(o, c)| (i64::from(o.code) as f64, c))
                            .collect();
                        meta.multiple.insert(id, list);
                    }
                }
                _ => {}
            }
        }
        self.meta = std::sync::Arc::new(meta);
        self
    }
}

/// Reads a binary format, turning a panic of a reader crate on malformed bytes into an
/// error.
fn read_binary(
    path: &Path,
    file: &str,
    format: Format,
    columns: Option<&[String]>,
) -> Result<Raw, DataError> {
    let run = || -> Result<Raw, DataError> {
        match format {
            #[cfg(feature = "sav")]
            Format::Sav => sav::read(path, file, columns),
            #[cfg(feature = "dta")]
            Format::Dta => dta::read(path, file, columns),
            #[cfg(feature = "parquet")]
            Format::Parquet => parquet::read(path, file, columns),
            _ => {
                let _ = (path, columns);
                Err(DataError::UnsupportedFormat {
                    file: file.to_string(),
                    message: format!("this build reads no {} files", format.name()),
                })
            }
        }
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|_| {
        Err(DataError::BadFile {
            file: file.to_string(),
            format: format.name().to_string(),
            message: "the file's structure is inconsistent (its reader gave up)".into(),
        })
    })
}

/// The missing texts, the questionnaire check and the inferred questionnaire applied to a
/// binary format's columns.
fn finish(
    raw: Raw,
    file: &str,
    format: Format,
    options: &OpenOptions<'_>,
) -> crate::Result<Opened> {
    let Raw { mut columns, meta } = raw;
    let numbers: Vec<f64> = options
        .missing
        .iter()
        .filter_map(|m| m.trim().parse::<f64>().ok())
        .collect();
    for (_, col) in &mut columns {
        apply_missing(col, &options.missing, &numbers);
    }
    if let Some(q) = options.questionnaire {
        for (name, col) in &columns {
            if let Some(question) = q.question_for_column(name) {
                check_column(file, name, col, question)?;
            }
        }
    }
    let inferred = meta.questionnaire(&columns, &options.lang, file)?;
    // As the CSV readers end: duplicate names reported with the file, the respondents'
    // choices checked against the questionnaire's multiple-response rules.
    let csv = CsvOptions {
        questionnaire: options.questionnaire,
        ..CsvOptions::default()
    };
    let mut data = super::csv::dataset_of(columns, file, &csv)?;
    if let Some(q) = &inferred {
        data = data.with_labels_of(q);
    }
    Ok(Opened {
        data,
        format,
        questionnaire: inferred,
    })
}

/// Makes missing the cells `missing` names: text equal to one of them, numbers equal to
/// one they spell.
fn apply_missing(col: &mut Column, missing: &[String], numbers: &[f64]) {
    match col {
        Column::Numeric(c) if !numbers.is_empty() => {
            if c.values().iter().any(|v| numbers.contains(v)) {
                let values: Vec<Option<f64>> = (0..c.len())
                    .map(|i| c.get(i).filter(|v| !numbers.contains(v)))
                    .collect();
                *c = super::NumericColumn::from_options(values);
            }
        }
        Column::Categorical(c) => {
            if c.levels().iter().any(|l| missing.contains(l)) {
                let texts: Vec<Option<&str>> = (0..c.len()).map(|i| c.get(i)).collect();
                let mut b = super::column::CategoricalBuilder::default();
                for t in texts {
                    match t {
                        Some(t) if !missing.iter().any(|m| m == t) => b.push(t),
                        _ => b.push_missing(),
                    }
                }
                *c = b.finish();
            }
        }
        Column::Numeric(_) => {}
    }
}

/// Checks a column's values against the question that claims it, as the CSV reader does.
fn check_column(
    file: &str,
    name: &str,
    col: &Column,
    question: &crate::questionnaire::Question,
) -> Result<(), DataError> {
    match col {
        Column::Numeric(c) => {
            for i in 0..c.len() {
                if let Some(v) = c.get(i)
                    && let Err(problem) = question.check_value(name, v)
                {
                    return Err(super::csv::value_error(
                        file,
                        i as u64 + 2,
                        name,
                        question,
                        v,
                        problem,
                    ));
                }
            }
            Ok(())
        }
        Column::Categorical(c) => match (0..c.len()).find_map(|i| c.get(i).map(|t| (i, t))) {
            Some((i, text)) => Err(DataError::NotANumber {
                file: file.to_string(),
                row: i as u64 + 2,
                column: name.to_string(),
                value: text.to_string(),
            }),
            None => Ok(()),
        },
    }
}

/// The dataset with only the columns in `keep` (in file order).
fn project(data: Dataset, keep: &[String]) -> Result<Dataset, DataError> {
    let columns = data
        .names()
        .iter()
        .zip(&data.columns)
        .filter(|(n, _)| keep.contains(n))
        .map(|(n, c)| (n.clone(), c.clone()))
        .collect();
    Dataset::from_columns(columns)
}

/// The bad-file error of `format`.
#[cfg_attr(
    not(any(feature = "sav", feature = "dta", feature = "parquet")),
    allow(dead_code)
)]
pub(crate) fn bad_file(file: &str, format: Format, message: impl std::fmt::Display) -> DataError {
    DataError::BadFile {
        file: file.to_string(),
        format: format.name().to_string(),
        message: message.to_string(),
    }
}
