//! Summary of a set of weights: spread and the design effect due to weighting.

use super::check;
use super::error::{Result, WeightingError};

/// The spread of a set of weights and what it costs in precision.
///
/// ```text
/// mean = Σw/n,   cv = √(Σ(w − mean)²/n) / mean            (population standard deviation)
/// design_effect = 1 + cv² = n·Σw²/(Σw)²                    (Kish 1965, §11.7)
/// effective_n   = n / design_effect = (Σw)²/Σw²
/// ```
///
/// Every row counts, weights of zero included.
///
/// ```
/// use survey_stats::weighting::WeightSummary;
/// let s = WeightSummary::of(&[1.0, 1.0, 4.0])?;
/// assert_eq!((s.n, s.min, s.max, s.mean, s.sum), (3, 1.0, 4.0, 2.0, 6.0));
/// assert_eq!(s.design_effect, 1.5);  // 3·18/36
/// assert_eq!(s.effective_n, 2.0);    // 36/18
/// assert_eq!(s.cv, 0.5_f64.sqrt());
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WeightSummary {
    /// Number of weights.
    pub n: usize,
    /// Smallest weight.
    pub min: f64,
    /// Largest weight.
    pub max: f64,
    /// Mean weight.
    pub mean: f64,
    /// Sum of the weights.
    pub sum: f64,
    /// Coefficient of variation (population standard deviation over the mean).
    pub cv: f64,
    /// Kish's design effect due to weighting, `1 + cv²`.
    pub design_effect: f64,
    /// Kish's effective sample size, `(Σw)²/Σw²`.
    pub effective_n: f64,
}

impl WeightSummary {
    /// Summarises weights.
    ///
    /// # Errors
    /// [`WeightingError::Empty`], [`InvalidWeight`](WeightingError::InvalidWeight) for a
    /// negative or non-finite weight, [`ZeroTotalWeight`](WeightingError::ZeroTotalWeight)
    /// when all weights are zero.
    pub fn of(weights: &[f64]) -> Result<Self> {
        check::weights(weights)?;
        let n = weights.len();
        let sum: f64 = weights.iter().sum();
        if sum <= 0.0 {
            return Err(WeightingError::ZeroTotalWeight);
        }
        let sum_sq: f64 = weights.iter().map(|w| w * w).sum();
        let mean = sum / n as f64;
        let var = weights.iter().map(|w| (w - mean) * (w - mean)).sum::<f64>() / n as f64;
        let (min, max) = weights
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &w| {
                (a.min(w), b.max(w))
            });
        Ok(Self {
            n,
            min,
            max,
            mean,
            sum,
            cv: var.sqrt() / mean,
            design_effect: n as f64 * sum_sq / (sum * sum),
            effective_n: sum * sum / sum_sq,
        })
    }
}
