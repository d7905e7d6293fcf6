//! Validation shared by the adjustments: weights, lengths, categories, population figures.

use super::error::{Result, WeightingError};
use crate::data::MISSING_CODE;

/// Checks that there is at least one weight and that every weight is finite and non-negative.
pub(crate) fn weights(w: &[f64]) -> Result<()> {
    if w.is_empty() {
        return Err(WeightingError::Empty { what: "weights" });
    }
    match w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        Some(i) => Err(WeightingError::InvalidWeight {
            row: i + 1,
            value: w[i],
        }),
        None => Ok(()),
    }
}

/// Checks that `found` equals `expected`.
pub(crate) fn length(what: &'static str, expected: usize, found: usize) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(WeightingError::LengthMismatch {
            what,
            expected,
            found,
        })
    }
}

/// Checks that every population figure is finite and non-negative.
pub(crate) fn population(margin: usize, population: &[f64]) -> Result<()> {
    match population
        .iter()
        .position(|x| !(x.is_finite() && *x >= 0.0))
    {
        Some(c) => Err(WeightingError::InvalidPopulation {
            margin,
            code: c as u32,
            value: population[c],
        }),
        None => Ok(()),
    }
}

/// The categories of one margin, checked against its population figures as R's
/// `postStratify` does.
///
/// A category is *in the sample* when its rows carry positive weight, *in the population*
/// when its figure is positive. Categories in neither are dropped; a category in the sample
/// only is an error; a category in the population only is an error unless `partial`, in
/// which case its code is returned in `ignored`.
#[derive(Debug, Clone)]
pub(crate) struct Cells {
    /// Codes in the population only, ignored under `partial`.
    pub(crate) ignored: Vec<u32>,
    /// Number of codes (the length of the population figures).
    pub(crate) n_codes: usize,
}

/// Checks one margin: codes present, every weighted category has a population figure,
/// every populated category has sample weight (unless `partial`).
pub(crate) fn cells(
    margin: usize,
    weights: &[f64],
    cell: &[u32],
    population: &[f64],
    partial: bool,
) -> Result<Cells> {
    length("cell codes", weights.len(), cell.len())?;
    self::population(margin, population)?;
    let n_codes = population.len();
    let mut sums = vec![0.0; n_codes];
    let mut first = vec![0usize; n_codes];
    for (i, (&c, &w)) in cell.iter().zip(weights).enumerate() {
        if c == MISSING_CODE {
            return Err(WeightingError::MissingCategory { margin, row: i + 1 });
        }
        let c = c as usize;
        if c >= n_codes {
            if w > 0.0 {
                let sample_weight = cell
                    .iter()
                    .zip(weights)
                    .filter(|&(&cc, _)| cc as usize == c)
                    .map(|(_, &ww)| ww)
                    .sum();
                return Err(WeightingError::CategoryWithoutPopulation {
                    margin,
                    code: c as u32,
                    row: i + 1,
                    sample_weight,
                });
            }
            continue;
        }
        if w > 0.0 && sums[c] == 0.0 {
            first[c] = i + 1;
        }
        sums[c] += w;
    }
    let mut ignored = Vec::new();
    for c in 0..n_codes {
        let in_sample = sums[c] > 0.0;
        let in_population = population[c] > 0.0;
        if in_sample && !in_population {
            return Err(WeightingError::CategoryWithoutPopulation {
                margin,
                code: c as u32,
                row: first[c],
                sample_weight: sums[c],
            });
        }
        if in_population && !in_sample {
            if partial {
                ignored.push(c as u32);
            } else {
                return Err(WeightingError::CategoryNotInSample {
                    margin,
                    code: c as u32,
                    population: population[c],
                });
            }
        }
    }
    Ok(Cells { ignored, n_codes })
}

/// Sum of the weights per code (codes at or above `n_codes` are skipped: they carry zero
/// weight once [`cells`] has passed).
pub(crate) fn totals_by_code(weights: &[f64], cell: &[u32], n_codes: usize) -> Vec<f64> {
    let mut sums = vec![0.0; n_codes];
    for (&c, &w) in cell.iter().zip(weights) {
        if let Some(s) = sums.get_mut(c as usize) {
            *s += w;
        }
    }
    sums
}
