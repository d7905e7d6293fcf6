//! Building the auxiliary matrix of calibration: dummy columns and row-major layout.

use super::error::{Result, WeightingError};
use crate::data::MISSING_CODE;

/// Indicator columns of a categorical variable: column `j` is 1 where the code is `j`.
/// With `drop_first` the first level's column is left out, which gives R's treatment
/// contrasts (`model.matrix(~stype)` has `stypeH`, `stypeM` beside the intercept).
///
/// ```
/// use survey_stats::weighting::dummies;
/// let cols = dummies(&[0, 2, 1], 3, true)?;
/// assert_eq!(cols, vec![vec![0.0, 0.0, 1.0], vec![0.0, 1.0, 0.0]]);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
///
/// # Errors
/// [`WeightingError::MissingCategory`] for a missing code,
/// [`CodeOutOfRange`](WeightingError::CodeOutOfRange) for a code not below `n_levels`.
pub fn dummies(cell: &[u32], n_levels: usize, drop_first: bool) -> Result<Vec<Vec<f64>>> {
    let first = usize::from(drop_first && n_levels > 0);
    let mut cols = vec![vec![0.0; cell.len()]; n_levels - first];
    for (i, &c) in cell.iter().enumerate() {
        if c == MISSING_CODE {
            return Err(WeightingError::MissingCategory {
                margin: 0,
                row: i + 1,
            });
        }
        let c = c as usize;
        if c >= n_levels {
            return Err(WeightingError::CodeOutOfRange {
                margin: 0,
                row: i + 1,
                code: c as u32,
                n_levels,
            });
        }
        if c >= first {
            cols[c - first][i] = 1.0;
        }
    }
    Ok(cols)
}

/// Lays columns of equal length out as the row-major matrix [`calibrate`](super::calibrate)
/// takes (`p` = the number of columns).
///
/// ```
/// use survey_stats::weighting::row_major;
/// let x = row_major(&[&[1.0, 1.0], &[5.0, 7.0]])?;
/// assert_eq!(x, vec![1.0, 5.0, 1.0, 7.0]);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
///
/// # Errors
/// [`WeightingError::Empty`] without columns, [`LengthMismatch`](WeightingError::LengthMismatch)
/// when the columns differ in length.
pub fn row_major(columns: &[&[f64]]) -> Result<Vec<f64>> {
    let Some(first) = columns.first() else {
        return Err(WeightingError::Empty { what: "columns" });
    };
    let n = first.len();
    for col in columns {
        if col.len() != n {
            return Err(WeightingError::LengthMismatch {
                what: "column",
                expected: n,
                found: col.len(),
            });
        }
    }
    Ok((0..n)
        .flat_map(|k| columns.iter().map(move |c| c[k]))
        .collect())
}
