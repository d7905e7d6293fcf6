//! Validated sampling weights.

use super::error::{DesignError, Result};
use crate::data::NumericColumn;
use std::sync::Arc;

/// Sampling weights, checked once: every weight present, finite and non-negative.
///
/// ```
/// use survey_stats::design::Weights;
/// assert!(Weights::new(vec![1.0, 2.5]).is_ok());
/// assert!(Weights::new(vec![1.0, -2.0]).is_err());
/// assert!(Weights::new(vec![f64::NAN]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(Arc<Vec<f64>>);

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
        Ok(Weights(Arc::new(w)))
    }

    /// Validates a weights column; a missing value is an error too.
    ///
    /// # Errors
    /// [`DesignError::BadWeight`] naming the column, row (data row, header not counted) and value.
    pub fn from_column(col: &NumericColumn, name: &str) -> Result<Self> {
        // Blocks of values checked without a branch per value (it vectorizes); the row is
        // looked for only when a block holds a bad one. A missing row is bad too.
        let all_good = col.count_missing() == 0 && {
            // Blocks of at least 200,000 values on the machine's cores.
            let values = col.values();
            let threads = crate::parallel::cores();
            crate::parallel::map_blocks(values.len(), threads, 200_000, |rows| {
                all_finite_non_negative(&values[rows])
            })
            .into_iter()
            .all(|good| good)
        };
        if all_good {
            return Ok(Weights(col.shared_values()));
        }
        for i in 0..col.len() {
            match col.raw(i) {
                Some(x) if x.is_finite() && x >= 0.0 => {}
                other => {
                    return Err(DesignError::BadWeight {
                        column: name.to_string(),
                        row: i + 1,
                        value: other.map_or("missing".to_string(), |x| x.to_string()),
                    });
                }
            }
        }
        // Every value is present: the column's values are the weights, shared, not copied.
        Ok(Weights(col.shared_values()))
    }

    /// Weights already known valid (a reordering of valid weights).
    pub(crate) fn trusted(w: Vec<f64>) -> Self {
        Weights(Arc::new(w))
    }

    /// The weights as a vector (a copy only when they are shared).
    pub(crate) fn into_vec(self) -> Vec<f64> {
        Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone())
    }

    /// Whether these are the very weights `other` (not merely equal ones).
    pub(crate) fn is_shared(&self, other: &Arc<Vec<f64>>) -> bool {
        Arc::ptr_eq(&self.0, other)
    }

    /// Whether these are the very weights of `other` (not merely equal ones).
    pub(crate) fn same(&self, other: &Weights) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Weights that are a column's values, already validated.
    pub(crate) fn from_shared(values: Arc<Vec<f64>>) -> Self {
        Weights(values)
    }

    /// The weights, shared (a clone of the column costs nothing).
    pub(crate) fn shared(&self) -> Arc<Vec<f64>> {
        Arc::clone(&self.0)
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

/// Whether every value is finite and not negative, in eight lanes without a branch per
/// value (it vectorizes): the lanes' least value (a NaN is passed over) and the sum of
/// `x·0`, which is NaN as soon as one value is infinite or NaN.
fn all_finite_non_negative(values: &[f64]) -> bool {
    let mut low = [0.0f64; 8];
    let mut zero = [0.0f64; 8];
    let mut chunks = values.chunks_exact(8);
    for chunk in &mut chunks {
        for j in 0..8 {
            let x = chunk[j];
            low[j] = if x < low[j] { x } else { low[j] };
            zero[j] += x * 0.0;
        }
    }
    let rest = chunks.remainder();
    let low = rest
        .iter()
        .chain(&low)
        .fold(0.0f64, |m, &x| if x < m { x } else { m });
    let zero = rest
        .iter()
        .fold(zero.iter().sum::<f64>(), |s, &x| s + x * 0.0);
    low >= 0.0 && zero == 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The branch-free check finds a bad weight wherever it is (in a lane, in the rest
    /// past the last eight) and passes zeros of either sign and the largest numbers.
    #[test]
    fn every_bad_weight_is_found() {
        let n = 1003;
        let good: Vec<f64> = (0..n).map(|i| [0.0, -0.0, 1e308, 2.5][i % 4]).collect();
        let col = NumericColumn::from_values(good.clone());
        assert!(Weights::from_column(&col, "w").is_ok());
        for bad in [-1.0, -1e-300, f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            for at in [0, 7, 8, 500, 999, 1000, 1002] {
                let mut values = good.clone();
                values[at] = bad;
                let col = NumericColumn::from_values(values);
                match Weights::from_column(&col, "w") {
                    Err(DesignError::BadWeight { column, row, .. }) => {
                        assert_eq!((column.as_str(), row), ("w", at + 1), "{bad} at {at}");
                    }
                    other => panic!("{bad} at {at}: {other:?}"),
                }
            }
        }
    }
}
