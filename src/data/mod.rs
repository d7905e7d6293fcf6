//! Columnar survey data: a [`Dataset`] of typed columns, read from CSV or built from vectors.
//!
//! Each column is one typed vector: numbers as `f64` with a validity bitmap
//! ([`NumericColumn`]), text as compact `u32` codes plus a sorted dictionary
//! ([`CategoricalColumn`]). Nothing is stored per row beyond that, so a ten-million-row
//! file with twenty columns fits in well under 2 GB.
//!
//! ```
//! use survey_stats::data::{Column, Dataset, NumericColumn};
//! let ds = Dataset::from_columns(vec![
//!     ("w".to_string(), Column::Numeric(NumericColumn::from_values(vec![1.0, 2.0]))),
//!     ("y".to_string(), Column::Numeric(NumericColumn::from_values(vec![3.0, 5.0]))),
//! ])?;
//! assert_eq!(ds.n_rows(), 2);
//! assert_eq!(ds.numeric("y")?.get(1), Some(5.0));
//! # Ok::<(), survey_stats::data::DataError>(())
//! ```

mod build;
mod column;
mod csv;
mod csv_fast;
mod error;
mod factor;
mod formats;
mod permute;

pub(crate) use build::Metadata;
pub use build::{DatasetBuilder, IntoColumn};
pub use column::{CategoricalColumn, Column, ColumnKind, MISSING_CODE, NumericColumn, Validity};
pub(crate) use column::{Held, SmallLevels, small_number};
pub use csv::{CsvOptions, read_csv, read_csv_from_reader};
/// Test and benchmark hooks of the CSV readers (cargo feature `internals`): not public
/// API, and may change in any release.
#[cfg(feature = "internals")]
pub use csv::{read_csv_from_reader_tuned, read_csv_reference_from_reader, read_csv_tuned};
#[cfg(feature = "internals")]
pub use csv_fast::CsvTuning;
pub use error::{DataError, Result};
pub use factor::{Factor, Level};
pub(crate) use factor::{RowCodes, find_level, labels, small_levels};
pub use formats::{Format, OpenOptions, Opened};
pub(crate) use permute::{Scratch, gather_into};

use std::collections::HashMap;

/// A table of named, typed columns of equal length.
///
/// Every dataset has an identity: a design built on it remembers it, and estimating with
/// a design on rows it was not built on is an error. Cloning keeps the identity (the rows
/// are the same); reordering the rows or replacing a column gives a new one.
#[derive(Debug, Clone)]
pub struct Dataset {
    names: Vec<String>,
    columns: Vec<Column>,
    index: HashMap<String, usize>,
    n_rows: usize,
    id: u64,
    meta: std::sync::Arc<Metadata>,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            names: Vec::new(),
            columns: Vec::new(),
            index: HashMap::new(),
            n_rows: 0,
            id: fresh_id(),
            meta: Default::default(),
        }
    }
}

/// A new dataset identity.
fn fresh_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Dataset {
    /// Starts a dataset built from Rust values: vectors of numbers of any primitive type,
    /// `Option`s for missing values, text, multiple-response answers as lists of codes.
    ///
    /// ```
    /// use survey_stats::Dataset;
    /// let data = Dataset::builder()
    ///     .column("region", vec![1u8, 1, 2, 2])
    ///     .column("w", vec![10.0, 12.5, 8.0, 8.0])
    ///     .column("q1", vec![Some(4u8), Some(5), None, Some(9)])
    ///     .build()?;
    /// assert_eq!(data.n_rows(), 4);
    /// assert_eq!(data.numeric("q1")?.count_missing(), 1);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn builder() -> DatasetBuilder {
        DatasetBuilder::default()
    }

    /// A dataset from rows given as serde structs (or maps): each field a column. Numbers
    /// and booleans (as 0/1) make numeric columns, text makes categorical columns, `None`
    /// is missing, and a list of numbers is a multiple-response question (one 0/1 column
    /// `{field}_{code}` per code that occurs, as [`DatasetBuilder::multiple_response`]).
    ///
    /// # Errors
    /// [`DataError::InvalidInput`] naming the field and row: a field holding numbers in
    /// some rows and text in others, a nested struct, a non-finite number.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Answer { region: &'static str, q1: Option<u8>, q5: Vec<u8> }
    /// let rows = vec![
    ///     Answer { region: "north", q1: Some(4), q5: vec![1, 3] },
    ///     Answer { region: "south", q1: None, q5: vec![] },
    /// ];
    /// let data = survey_stats::Dataset::from_rows(&rows)?;
    /// assert_eq!(data.numeric("q1")?.get(1), None);
    /// assert_eq!(data.numeric("q5_3")?.values(), &[1.0, 0.0]);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn from_rows<T: serde::Serialize>(rows: &[T]) -> Result<Self> {
        build::from_rows(rows)
    }

    /// The label of a code of a numeric column, when the dataset was given one
    /// ([`DatasetBuilder::labels`]).
    pub fn label(&self, column: &str, code: f64) -> Option<&str> {
        let list = self.meta.labels.get(column)?;
        list.iter()
            .find(|(c, _)| *c == code)
            .map(|(_, l)| l.as_str())
    }

    /// The labelled codes of a numeric column, by code (none without labels).
    pub(crate) fn labelled_codes(&self, column: &str) -> &[(f64, String)] {
        self.meta.labels.get(column).map_or(&[], Vec::as_slice)
    }

    /// The option codes and 0/1 columns of a multiple-response question added with
    /// [`DatasetBuilder::multiple_response`] or [`Dataset::from_rows`].
    pub fn multiple_response_columns(&self, question: &str) -> Option<&[(f64, String)]> {
        self.meta.multiple.get(question).map(Vec::as_slice)
    }

    /// The dataset's identity (see the type's documentation).
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Gives the dataset a new identity (its rows changed).
    pub(crate) fn renew_id(&mut self) {
        self.id = fresh_id();
    }

    /// Builds a dataset from named columns.
    ///
    /// # Errors
    /// [`DataError::DuplicateColumn`] when two columns share a name,
    /// [`DataError::LengthMismatch`] when columns differ in length.
    pub fn from_columns(columns: Vec<(String, Column)>) -> Result<Self> {
        let mut ds = Dataset::default();
        for (i, (name, col)) in columns.into_iter().enumerate() {
            if i == 0 {
                ds.n_rows = col.len();
            } else if col.len() != ds.n_rows {
                return Err(DataError::LengthMismatch {
                    column: name,
                    expected: ds.n_rows,
                    found: col.len(),
                });
            }
            if ds.index.contains_key(&name) {
                return Err(DataError::DuplicateColumn {
                    file: String::new(),
                    column: name,
                });
            }
            ds.index.insert(name.clone(), ds.names.len());
            ds.names.push(name);
            ds.columns.push(col);
        }
        Ok(ds)
    }

    fn columns_mut(&mut self) -> impl Iterator<Item = &mut Column> {
        self.columns.iter_mut()
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Column names in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether a column of that name exists.
    pub fn has_column(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The column named `name`.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`] when there is none.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.index
            .get(name)
            .map(|&i| &self.columns[i])
            .ok_or_else(|| DataError::MissingColumn {
                column: name.to_string(),
            })
    }

    /// The numeric column named `name`.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`], or [`DataError::NotNumeric`] for a text column.
    pub fn numeric(&self, name: &str) -> Result<&NumericColumn> {
        match self.column(name)? {
            Column::Numeric(c) => Ok(c),
            Column::Categorical(c) => Err(DataError::NotNumeric {
                column: name.to_string(),
                example: c.levels().first().cloned().unwrap_or_default(),
            }),
        }
    }

    /// A categorical view of any column: text levels, or the distinct values of a numeric
    /// column in numeric order.
    ///
    /// # Errors
    /// [`DataError::MissingColumn`].
    pub fn factor(&self, name: &str) -> Result<Factor<'_>> {
        Ok(Factor::of(self.column(name)?))
    }

    /// Replaces (or adds) a column. Adding keeps the dataset's identity, so designs built
    /// on it still apply; replacing a column gives it a new identity.
    ///
    /// # Errors
    /// [`DataError::LengthMismatch`] when its length differs from the dataset's.
    pub fn set_column(&mut self, name: &str, col: Column) -> Result<()> {
        if !self.columns.is_empty() && col.len() != self.n_rows {
            return Err(DataError::LengthMismatch {
                column: name.to_string(),
                expected: self.n_rows,
                found: col.len(),
            });
        }
        if self.columns.is_empty() {
            self.n_rows = col.len();
        }
        match self.index.get(name) {
            Some(&i) => {
                // A design built on the old column (weights, strata) no longer fits.
                self.columns[i] = col;
                self.renew_id();
            }
            None => {
                self.index.insert(name.to_string(), self.names.len());
                self.names.push(name.to_string());
                self.columns.push(col);
            }
        }
        Ok(())
    }
}

/// A number as messages show it: `2`, `0.25`, `1e308` (the shortest text that reads back as
/// the same `f64`, without a trailing `.0`).
pub(crate) fn show_number(x: f64) -> String {
    let s = format!("{x:?}");
    s.strip_suffix(".0")
        .map_or_else(|| s.clone(), str::to_string)
}
