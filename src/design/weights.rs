//! Validated sampling weights.

use super::error::{DesignError, Result};
use crate::data::NumericColumn;

/// Sampling weights, checked once: every weight present, finite and non-negative.
///
/// ```
/// use survey_stats::design::Weights;
/// assert!(Weights::new(vec![1.0, 2.5]).is_ok());
/// assert!(Weights::new(vec![1.0, -2.0]).is_err());
/// assert!(Weights::new(vec![f64::NAN]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(Vec<f64>);

impl Weights {
    /// Validates weights.
    ///
    /// # Errors
    /// [`DesignError::BadWeight`] naming the first bad row (1-based data row) and value.
    pub fn new(w: Vec<f64>) -> Result<Self> {
        if let Some(i) = w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err(DesignError::BadWeight {
                column: String::new(),
                row: i + 1,
                value: w[i].to_string(),
            });
        }
        Ok(Weights(w))
    }

    /// Validates a weights column; a missing value is an error too.
    ///
    /// # Errors
    /// [`DesignError::BadWeight`] naming the column, row (data row, header not counted) and value.
    pub fn from_column(col: &NumericColumn, name: &str) -> Result<Self> {
        let mut w = Vec::with_capacity(col.len());
        for i in 0..col.len() {
            match col.raw(i) {
                Some(x) if x.is_finite() && x >= 0.0 => w.push(x),
                other => {
                    return Err(DesignError::BadWeight {
                        column: name.to_string(),
                        row: i + 1,
                        value: other.map_or("missing".to_string(), |x| x.to_string()),
                    });
                }
            }
        }
        Ok(Weights(w))
    }

    /// The weights.
    pub fn as_slice(&self) -> &[f64] {
        &self.0
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
