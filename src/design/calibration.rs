//! The projection a calibrated design applies to linearized values before the variance
//! (R's `svyrecvar` with `postStrata`), kept additive: its per-estimate moments are sums over
//! rows, so calibrated estimates merge across chunks like any other.
//!
//! ```text
//! GREG (postStratify, calibrate):  z_k ← z_k − w_k·x_kᵀβ,  β = (Σ λ·x·xᵀ)⁺·Σ λ·x·u,  λ = pre-step weights
//! raking, 10 sweeps (rake):        for each margin m: z ← z − psw_m·ave_c(z/psw_m)
//! ```
//! where `u = z/w` and `psw_m` are the weights right after margin `m` in the last sweep. The
//! sweeps are linear in `z`: with `S_m[c] = Σ_{k∈c} z_k/psw_m(k)` they run on cell totals
//! (`S_m'[c'] −= Σ_c δ_c·Σ_{k∈c∩c'} psw_m/psw_m'`, `δ_c = S_m[c]/n_c`) and subtract
//! `Σ_m Σ_c δ_c·psw_m` from each unit. Source: R `survey:::svyrecvar`; Lumley (2010) §7.

use super::Design;

/// How a calibration projects linearized values.
#[derive(Debug, Clone)]
pub(crate) enum Projection {
    /// Regression residuals on auxiliaries `x` (row-major `n × p`) with regression weights
    /// `lambda`.
    Greg {
        p: usize,
        x: Vec<f64>,
        lambda: Vec<f64>,
        inverse: Vec<f64>,
    },
    /// R's ten alternating sweeps over raking margins.
    Sweeps {
        margins: Vec<SweepMargin>,
        /// `cross[a·q + b]`: `Σ_{k ∈ cell a ∩ cell b} psw_a(k)/psw_b(k)` over the margins'
        /// cells laid end to end.
        cross: Vec<f64>,
        /// Rows per cell, laid end to end.
        counts: Vec<f64>,
    },
}

/// One raking margin as R's variance uses it.
#[derive(Debug, Clone)]
pub(crate) struct SweepMargin {
    /// Cell of each row.
    pub(crate) cell: Vec<u32>,
    /// Number of cells.
    pub(crate) n_cells: usize,
    /// Weights right after this margin in the last sweep.
    pub(crate) psw: Vec<f64>,
}

/// A calibration's projection and its per-unit loadings for the design's weights.
#[derive(Debug, Clone)]
pub(crate) struct Calibration {
    /// Moments per estimator variable.
    pub(crate) q: usize,
    pub(crate) projection: Projection,
    /// Per unit of the deepest variance stage: `Σ w·x` (GREG) or `Σ psw_m` per margin cell
    /// (sweeps), `n_units × q`.
    pub(crate) unit_loads: Vec<f64>,
}

impl Projection {
    /// GREG projection: regression of `u` on `x` with weights `lambda`.
    pub(crate) fn greg(x: Vec<f64>, p: usize, lambda: Vec<f64>) -> Projection {
        let mut a = vec![0.0; p * p];
        for (row, l) in x.chunks_exact(p).zip(&lambda) {
            for i in 0..p {
                let li = l * row[i];
                for j in 0..p {
                    a[i * p + j] += li * row[j];
                }
            }
        }
        let inverse = crate::variance::pseudo_inverse(&a, p);
        Projection::Greg {
            p,
            x,
            lambda,
            inverse,
        }
    }

    /// R's raking sweeps over `margins`.
    pub(crate) fn sweeps(margins: Vec<SweepMargin>) -> Projection {
        let q: usize = margins.iter().map(|m| m.n_cells).sum();
        let offsets = offsets(&margins);
        let mut cross = vec![0.0; q * q];
        let mut counts = vec![0.0; q];
        let n = margins.first().map_or(0, |m| m.cell.len());
        for k in 0..n {
            for (a, ma) in margins.iter().enumerate() {
                let ia = offsets[a] + ma.cell[k] as usize;
                counts[ia] += 1.0;
                for (b, mb) in margins.iter().enumerate() {
                    let ib = offsets[b] + mb.cell[k] as usize;
                    cross[ia * q + ib] += ma.psw[k] / mb.psw[k];
                }
            }
        }
        Projection::Sweeps {
            margins,
            cross,
            counts,
        }
    }

    fn q(&self) -> usize {
        match self {
            Projection::Greg { p, .. } => *p,
            Projection::Sweeps { counts, .. } => counts.len(),
        }
    }
}

fn offsets(margins: &[SweepMargin]) -> Vec<usize> {
    let mut out = Vec::with_capacity(margins.len());
    let mut at = 0;
    for m in margins {
        out.push(at);
        at += m.n_cells;
    }
    out
}

impl Calibration {
    pub(crate) fn new(design: &Design, projection: Projection) -> Calibration {
        let q = projection.q();
        let mut cal = Calibration {
            q,
            projection,
            unit_loads: Vec::new(),
        };
        cal.unit_loads = cal.loads(design);
        cal
    }

    /// The same projection with loadings for the design's (new) weights.
    pub(crate) fn reloaded(self, design: &Design) -> Calibration {
        Calibration::new(design, self.projection)
    }

    fn loads(&self, design: &Design) -> Vec<f64> {
        let q = self.q;
        let units = design.variance_unit_of_row();
        let w = design.weights().as_slice();
        let mut loads = vec![0.0; design.n_variance_units() * q];
        let mut row_loads = vec![0.0; q];
        for (row, &u) in units.iter().enumerate() {
            match &self.projection {
                Projection::Greg { p, x, .. } => {
                    for (l, xi) in row_loads.iter_mut().zip(&x[row * p..(row + 1) * p]) {
                        *l = w[row] * xi;
                    }
                }
                Projection::Sweeps { margins, .. } => {
                    row_loads.iter_mut().for_each(|l| *l = 0.0);
                    let mut at = 0;
                    for m in margins {
                        row_loads[at + m.cell[row] as usize] = m.psw[row];
                        at += m.n_cells;
                    }
                }
            }
            for (d, l) in loads[u as usize * q..(u as usize + 1) * q]
                .iter_mut()
                .zip(&row_loads)
            {
                *d += l;
            }
        }
        loads
    }

    /// The row's moment factors: `λ·x` (GREG) or `w/psw_m` at each margin's cell (sweeps).
    #[inline]
    pub(crate) fn row_factors(&self, row: usize, weight: f64, out: &mut [f64]) {
        match &self.projection {
            Projection::Greg { p, x, lambda, .. } => {
                for (o, xi) in out.iter_mut().zip(&x[row * p..(row + 1) * p]) {
                    *o = lambda[row] * xi;
                }
            }
            Projection::Sweeps { margins, .. } => {
                out.iter_mut().for_each(|o| *o = 0.0);
                let mut at = 0;
                for m in margins {
                    out[at + m.cell[row] as usize] = weight / m.psw[row];
                    at += m.n_cells;
                }
            }
        }
    }

    /// The coefficients to subtract with the unit loadings, from an estimate's moments.
    pub(crate) fn solve(&self, moments: &[f64]) -> Vec<f64> {
        let q = self.q;
        match &self.projection {
            Projection::Greg { inverse, .. } => (0..q)
                .map(|i| (0..q).map(|j| inverse[i * q + j] * moments[j]).sum())
                .collect(),
            Projection::Sweeps {
                margins,
                cross,
                counts,
            } => {
                let offsets = offsets(margins);
                let mut s = moments.to_vec();
                let mut gamma = vec![0.0; q];
                for _ in 0..10 {
                    for (m, margin) in margins.iter().enumerate() {
                        let range = offsets[m]..offsets[m] + margin.n_cells;
                        let delta: Vec<f64> =
                            range.clone().map(|a| s[a] / counts[a].max(1.0)).collect();
                        for (a, d) in range.zip(&delta) {
                            gamma[a] += d;
                            if *d != 0.0 {
                                for (b, sb) in s.iter_mut().enumerate() {
                                    *sb -= d * cross[a * q + b];
                                }
                            }
                        }
                    }
                }
                gamma
            }
        }
    }
}
