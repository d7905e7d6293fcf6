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

mod column;
mod csv;
mod csv_fast;
mod error;
mod factor;
mod permute;

pub use column::{CategoricalColumn, Column, ColumnKind, MISSING_CODE, NumericColumn, Validity};
pub use csv::{CsvOptions, read_csv, read_csv_from_reader};
#[doc(hidden)]
pub use csv::{read_csv_from_reader_tuned, read_csv_reference_from_reader, read_csv_tuned};
#[doc(hidden)]
pub use csv_fast::CsvTuning;
pub use error::{DataError, Result};
pub use factor::{Factor, Level};
pub(crate) use factor::{RowCodes, find_level, labels};
pub(crate) use permute::{Scratch, gather_into};

use std::collections::HashMap;

/// A table of named, typed columns of equal length.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    names: Vec<String>,
    columns: Vec<Column>,
    index: HashMap<String, usize>,
    n_rows: usize,
}

impl Dataset {
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

    /// Replaces (or adds) a column.
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
            Some(&i) => self.columns[i] = col,
            None => {
                self.index.insert(name.to_string(), self.names.len());
                self.names.push(name.to_string());
                self.columns.push(col);
            }
        }
        Ok(())
    }
}
