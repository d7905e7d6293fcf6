//! Post-stratification: scale the weights of each cell to its population count.

use super::check;
use super::error::Result;

/// Post-stratifies weights to population counts, as R `survey`'s `postStratify`.
///
/// Each row's weight is multiplied by its cell's population count over the cell's sum of
/// weights, so the weights of every cell add up to its population count:
///
/// ```text
/// w*_k = w_k · N_c / Σ_{j∈c} w_j        c = cell of row k
/// ```
///
/// Source: R `survey` 4.1.1 `postStratify.survey.design` (`reweight <- Pop.Freq/Freq`);
/// Lumley (2010) *Complex Surveys*, §7.2.
///
/// `cell` holds one code per row, an index into `population` (combine several variables
/// into one code for a cross-classification). A cell with neither sample weight nor
/// population is ignored; rows of weight zero keep weight zero.
///
/// ```
/// use survey_stats::weighting::poststratify;
/// let w = poststratify(&[1.0, 1.0, 2.0], &[0, 0, 1], &[10.0, 4.0])?;
/// assert_eq!(w, vec![5.0, 5.0, 4.0]);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
///
/// # Errors
/// [`WeightingError::Empty`](super::WeightingError::Empty),
/// [`InvalidWeight`](super::WeightingError::InvalidWeight) for a negative or non-finite
/// weight, [`LengthMismatch`](super::WeightingError::LengthMismatch) when `cell` and
/// `weights` differ in length, [`MissingCategory`](super::WeightingError::MissingCategory),
/// [`InvalidPopulation`](super::WeightingError::InvalidPopulation),
/// [`CategoryWithoutPopulation`](super::WeightingError::CategoryWithoutPopulation) for a
/// weighted cell with no (or a zero) population count, and
/// [`CategoryNotInSample`](super::WeightingError::CategoryNotInSample) for a populated cell
/// without sample weight — R stops on both (see [`poststratify_partial`] for R's
/// `partial = TRUE`).
pub fn poststratify(weights: &[f64], cell: &[u32], population: &[f64]) -> Result<Vec<f64>> {
    check::weights(weights)?;
    let cells = check::cells(0, weights, cell, population, false)?;
    Ok(scale_to(weights, cell, population, cells.n_codes))
}

/// The result of [`poststratify_partial`] (example there).
#[derive(Debug, Clone, PartialEq)]
pub struct PartialPostStratification {
    /// The post-stratified weights.
    pub weights: Vec<f64>,
    /// Codes of the cells with a population count but no sample weight, left out (R warns
    /// "Some strata absent from sample: ignored").
    pub ignored: Vec<u32>,
}

/// Post-stratifies as [`poststratify`], but ignores population cells that have no sample
/// weight instead of failing, as R's `postStratify(..., partial = TRUE)`: their population
/// counts are left out, so the weights then add up to less than the population total.
///
/// ```
/// use survey_stats::weighting::poststratify_partial;
/// let out = poststratify_partial(&[1.0, 1.0], &[0, 0], &[10.0, 4.0])?;
/// assert_eq!(out.weights, vec![5.0, 5.0]);
/// assert_eq!(out.ignored, vec![1]);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
///
/// # Errors
/// As [`poststratify`], except that a populated cell without sample weight is no error.
pub fn poststratify_partial(
    weights: &[f64],
    cell: &[u32],
    population: &[f64],
) -> Result<PartialPostStratification> {
    check::weights(weights)?;
    let cells = check::cells(0, weights, cell, population, true)?;
    Ok(PartialPostStratification {
        weights: scale_to(weights, cell, population, cells.n_codes),
        ignored: cells.ignored,
    })
}

/// `w_k · N_c / Σ_{j∈c} w_j`, for checked cells (a cell with zero weight keeps its zeros).
pub(crate) fn scale_to(
    weights: &[f64],
    cell: &[u32],
    population: &[f64],
    n_codes: usize,
) -> Vec<f64> {
    let sums = check::totals_by_code(weights, cell, n_codes);
    let factor: Vec<f64> = sums
        .iter()
        .zip(population)
        .map(|(&s, &p)| if s > 0.0 { p / s } else { 0.0 })
        .collect();
    weights
        .iter()
        .zip(cell)
        .map(|(&w, &c)| match factor.get(c as usize) {
            Some(&f) if w > 0.0 => w * f,
            _ => 0.0,
        })
        .collect()
}
