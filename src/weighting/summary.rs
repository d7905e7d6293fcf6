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
        let n = weights.len();
        let parts = blocks(weights, Moments::of);
        let mut m = Moments::default();
        for part in &parts {
            m.add(part);
        }
        if n == 0 || !m.valid {
            // Name the first weight that fails.
            check::weights(weights)?;
        }
        if m.sum <= 0.0 {
            return Err(WeightingError::ZeroTotalWeight);
        }
        let mean = m.sum / n as f64;
        let var = blocks(weights, |w| lanes(w, |x| (x - mean) * (x - mean)))
            .into_iter()
            .sum::<f64>()
            / n as f64;
        Ok(Self {
            n,
            min: m.min,
            max: m.max,
            mean,
            sum: m.sum,
            cv: var.sqrt() / mean,
            design_effect: n as f64 * m.sum_sq / (m.sum * m.sum),
            effective_n: m.sum * m.sum / m.sum_sq,
        })
    }
}

/// `f` of each block of the weights, on the machine's cores.
fn blocks<R: Send>(w: &[f64], f: impl Fn(&[f64]) -> R + Sync) -> Vec<R> {
    crate::parallel::map_blocks(w.len(), crate::parallel::cores(), 1 << 17, |rows| {
        f(&w[rows])
    })
}

/// `Σ f(x)` in four running sums, so that the adds do not wait on one another.
fn lanes(w: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut sums = [0.0; 4];
    let mut chunks = w.chunks_exact(4);
    for chunk in &mut chunks {
        for (s, &x) in sums.iter_mut().zip(chunk) {
            *s += f(x);
        }
    }
    let rest: f64 = chunks.remainder().iter().map(|&x| f(x)).sum();
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + rest
}

/// Σw, Σw², the extremes and whether every weight is finite and non-negative.
#[derive(Debug, Clone, Copy)]
struct Moments {
    sum: f64,
    sum_sq: f64,
    min: f64,
    max: f64,
    valid: bool,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            sum: 0.0,
            sum_sq: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            valid: true,
        }
    }
}

impl Moments {
    /// One pass, four of each running figure (so the adds do not wait on one another).
    fn of(w: &[f64]) -> Moments {
        let mut lanes = [Moments::default(); 4];
        let mut chunks = w.chunks_exact(4);
        for chunk in &mut chunks {
            for (m, &x) in lanes.iter_mut().zip(chunk) {
                m.push(x);
            }
        }
        for &x in chunks.remainder() {
            lanes[0].push(x);
        }
        let [mut a, b, mut c, d] = lanes;
        a.add(&b);
        c.add(&d);
        a.add(&c);
        a
    }

    #[inline]
    fn push(&mut self, x: f64) {
        self.sum += x;
        self.sum_sq += x * x;
        self.min = if x < self.min { x } else { self.min };
        self.max = if x > self.max { x } else { self.max };
        self.valid &= x.is_finite() & (x >= 0.0);
    }

    fn add(&mut self, other: &Moments) {
        self.sum += other.sum;
        self.sum_sq += other.sum_sq;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.valid &= other.valid;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass, blocked summary agrees with the definition's sums in row order, and
    /// a bad weight is named wherever it is.
    #[test]
    fn blocks_of_weights_sum_as_the_definition() {
        let n = 300_001;
        let w: Vec<f64> = (0..n)
            .map(|i| {
                if i % 97 == 0 {
                    0.0
                } else {
                    1.0 + ((i * 7919) % 1000) as f64 / 10.0
                }
            })
            .collect();
        let s = WeightSummary::of(&w).unwrap();
        let sum: f64 = w.iter().sum();
        let sum_sq: f64 = w.iter().map(|x| x * x).sum();
        let mean = sum / n as f64;
        let var = w.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
        assert!(close(s.sum, sum) && close(s.mean, mean));
        assert!(close(s.cv, var.sqrt() / mean));
        assert!(close(s.design_effect, n as f64 * sum_sq / (sum * sum)));
        assert_eq!((s.n, s.min, s.max), (n, 0.0, 100.9));
        let mut bad = w;
        bad[n - 2] = -1.0;
        assert!(matches!(
            WeightSummary::of(&bad),
            Err(WeightingError::InvalidWeight { row, .. }) if row == n - 1
        ));
        assert!(matches!(
            WeightSummary::of(&[]),
            Err(WeightingError::Empty { .. })
        ));
        assert!(matches!(
            WeightSummary::of(&[0.0, 0.0]),
            Err(WeightingError::ZeroTotalWeight)
        ));
    }
}
