//! Trimming extreme weights, keeping their total.

use super::check;
use super::error::{Result, WeightingError};

/// Most rounds of strict trimming before giving up.
const MAX_ROUNDS: usize = 10_000;

/// Trims weights to `[lower, upper]` and spreads the amount trimmed over the other weights,
/// as R `survey`'s `trimWeights`.
///
/// Weights outside the bounds are set to the nearer bound; the net amount removed is
/// shared *equally* (not in proportion) among the weights that were not outside, so the
/// total is kept. That can push other weights over a bound; with `strict` the step is
/// repeated until no weight is outside (weights already at a bound count as inside and
/// take their share too, as in R):
///
/// ```text
/// O = {k : w_k < L or w_k > U},   w_k ← clip(w_k, L, U) for k ∈ O
/// w_k ← w_k + Σ_{j∈O} (w_j − clip(w_j, L, U)) / #(not O)   for k ∉ O
/// ```
///
/// Source: R `survey` 4.1.1 `trimWeights.survey.design2` (`sum(trimmings)/sum(!outside)`;
/// `strict = TRUE` recurses). Strict rounds stop, as R's recursion does in floating point,
/// once the amount still to share is rounding noise (below `4ε·Σw`): the last such amount is
/// dropped by clipping.
///
/// ```
/// use survey_stats::weighting::trim;
/// let w = trim(&[1.0, 2.0, 3.0, 12.0], 0.0, 6.0, false)?;
/// assert_eq!(w, vec![3.0, 4.0, 5.0, 6.0]);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
///
/// # Errors
/// [`WeightingError::Empty`], [`InvalidWeight`](WeightingError::InvalidWeight),
/// [`InvalidBounds`](WeightingError::InvalidBounds) when a bound is NaN or `lower >
/// upper`, [`NothingLeftToTrim`](WeightingError::NothingLeftToTrim) when every weight is
/// outside the bounds (R then changes the total),
/// [`InfeasibleTrim`](WeightingError::InfeasibleTrim) when `strict` and `n·lower > Σw` or
/// `n·upper < Σw` (R recurses without end), and
/// [`TrimNotConverged`](WeightingError::TrimNotConverged) after 10 000 strict rounds.
pub fn trim(weights: &[f64], lower: f64, upper: f64, strict: bool) -> Result<Vec<f64>> {
    check::weights(weights)?;
    if lower.is_nan() || upper.is_nan() || lower > upper {
        return Err(WeightingError::InvalidBounds {
            lower,
            upper,
            reason: "trimming needs lower <= upper, neither NaN",
        });
    }
    let n = weights.len();
    let total: f64 = weights.iter().sum();
    if strict && (n as f64 * lower > total || n as f64 * upper < total) {
        return Err(WeightingError::InfeasibleTrim {
            lower,
            upper,
            total,
            n,
        });
    }
    let noise = 4.0 * f64::EPSILON * total;
    let mut w = weights.to_vec();
    let outside = |x: f64| x < lower || x > upper;
    for round in 0..MAX_ROUNDS {
        if !w.iter().any(|&x| outside(x)) || (!strict && round == 1) {
            return Ok(w);
        }
        let mut excess = 0.0;
        let mut receivers = 0usize;
        for &x in &w {
            if outside(x) {
                excess += x - x.clamp(lower, upper);
            } else {
                receivers += 1;
            }
        }
        if receivers == 0 {
            return Err(WeightingError::NothingLeftToTrim { lower, upper });
        }
        let share = excess / receivers as f64;
        let settled = strict && excess.abs() <= noise;
        for x in &mut w {
            if outside(*x) {
                *x = x.clamp(lower, upper);
            } else if !settled {
                *x += share;
            }
        }
        if settled {
            return Ok(w);
        }
    }
    Err(WeightingError::TrimNotConverged { rounds: MAX_ROUNDS })
}
