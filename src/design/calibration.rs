//! The projection a calibrated design applies to linearized values before the variance
//! (R's `svyrecvar` with `postStrata`), kept additive: its per-estimate moments are sums over
//! rows, so calibrated estimates merge across chunks like any other.
//!
//! ```text
//! GREG (postStratify, calibrate):  z_k ← z_k − w_k·x_kᵀβ,  β = (Σ λ·x·xᵀ)⁺·Σ λ·x·u,  λ = pre-step weights
//! raking, 10 sweeps (rake):        for each margin m: z ← z − psw_m·ave_c(z/psw_m)
//! ```
//! where `u = z/w_s` with `w_s` the weights right after the step, and `psw_m` the weights
//! right after margin `m` in the last sweep. The sweeps are linear in `z`: with
//! `S_m[c] = Σ_{k∈c} z_k/psw_m(k)` they run on cell totals (`S_m'[c'] −= Σ_c δ_c·Σ_{k∈c∩c'}
//! psw_m/psw_m'`, `δ_c = S_m[c]/n_c`) and subtract `Σ_m Σ_c δ_c·psw_m` from each unit.
//!
//! Steps chain in the order they were applied, as R applies `postStrata`: each step's
//! moments are taken of the values the earlier steps left, which only needs the design
//! constants `Σ_k f_s(k)·L_r(k)/w(k)` between a step's moment factors and an earlier step's
//! loadings. Source: R `survey:::svyrecvar`; Lumley (2010) §7.

use super::Design;
use std::ops::Range;

/// How a calibration projects linearized values.
#[derive(Debug, Clone)]
pub(crate) enum Projection {
    /// Regression residuals on auxiliaries `x` (row-major `n × p`) with regression weights
    /// `lambda`.
    Greg {
        p: usize,
        x: Vec<f64>,
        lambda: Vec<f64>,
        /// The weights right after this step.
        w_step: Vec<f64>,
        inverse: Vec<f64>,
    },
    /// R's ten alternating sweeps over raking margins.
    Sweeps {
        sweeps: Sweeps,
        /// `cross[a·q + b]`: `Σ_{k ∈ cell a ∩ cell b} psw_a(k)/psw_b(k)` over the margins'
        /// categories laid end to end.
        cross: Vec<f64>,
        /// Rows per category, laid end to end.
        counts: Vec<f64>,
    },
}

/// Raking margins as R's variance uses them. Each margin's weights of the last sweep
/// (`psw_m`) are the raked weights times a factor of the row's cell of the margins'
/// cross-classification, so they are kept as one weight column and a small table.
#[derive(Debug, Clone)]
pub(crate) struct Sweeps {
    /// Cross-classification cell of each row.
    pub(crate) cell: Vec<u32>,
    /// Each margin's category of each cell, `n_cells × margins`.
    pub(crate) cell_codes: Vec<u32>,
    /// Number of categories of each margin.
    pub(crate) n_codes: Vec<usize>,
    /// `psw_m / raked` per cell and margin, `n_cells × margins` (0 where the raked weight
    /// is 0).
    pub(crate) ratio: Vec<f64>,
    /// The raked weights (the last margin's weights of the last sweep).
    pub(crate) raked: std::sync::Arc<Vec<f64>>,
}

impl Sweeps {
    fn margins(&self) -> usize {
        self.n_codes.len()
    }

    /// `psw_m` of `row` for each margin, with the margin's category.
    #[inline]
    fn row(&self, row: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let m = self.margins();
        let c = self.cell[row] as usize;
        let raked = self.raked[row];
        (0..m).map(move |j| {
            (
                self.cell_codes[c * m + j] as usize,
                raked * self.ratio[c * m + j],
            )
        })
    }
}

/// The calibration steps of a design, in order, with their per-unit loadings and the
/// constants that chain them.
#[derive(Debug, Clone)]
pub(crate) struct Calibration {
    /// Moments per estimator variable, all steps laid end to end.
    pub(crate) q: usize,
    steps: Vec<Projection>,
    offsets: Vec<usize>,
    /// `chain[a·q + b]` for `a` of a later step, `b` of an earlier one:
    /// `Σ_k f_a(k)·L_b(k)/w(k)`.
    chain: Vec<f64>,
    /// Per unit of the deepest variance stage: each step's loadings (`Σ w_s·x`, or `Σ psw_m`
    /// per margin cell), `n_units × q`.
    pub(crate) unit_loads: Vec<f64>,
}

impl Projection {
    /// GREG projection: regression of `u` on `x` with weights `lambda` (the weights before
    /// the step); `w_step` are the weights after it.
    pub(crate) fn greg(x: Vec<f64>, p: usize, lambda: Vec<f64>, w_step: Vec<f64>) -> Projection {
        let mut a = vec![0.0; p * p];
        for (row, l) in x.chunks_exact(p).zip(&lambda) {
            for i in 0..p {
                let li = l * row[i];
                for j in 0..p {
                    a[i * p + j] += li * row[j];
                }
            }
        }
        let inverse = crate::numerics::linalg::pseudo_inverse(&a, p);
        Projection::Greg {
            p,
            x,
            lambda,
            w_step,
            inverse,
        }
    }

    /// R's raking sweeps, given the rows and the rows of positive weight per cell.
    pub(crate) fn sweeps(sweeps: Sweeps, rows: &[f64], positive: &[f64]) -> Projection {
        let m = sweeps.margins();
        let q: usize = sweeps.n_codes.iter().sum();
        let offsets = offsets(&sweeps.n_codes);
        let n_cells = sweeps.cell_codes.len() / m.max(1);
        let mut cross = vec![0.0; q * q];
        let mut counts = vec![0.0; q];
        for c in 0..n_cells {
            let at = |j: usize| offsets[j] + sweeps.cell_codes[c * m + j] as usize;
            for a in 0..m {
                counts[at(a)] += rows[c];
                if positive[c] == 0.0 {
                    continue;
                }
                for b in 0..m {
                    cross[at(a) * q + at(b)] +=
                        positive[c] * sweeps.ratio[c * m + a] / sweeps.ratio[c * m + b];
                }
            }
        }
        Projection::Sweeps {
            sweeps,
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

fn offsets(n_codes: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(n_codes.len());
    let mut at = 0;
    for n in n_codes {
        out.push(at);
        at += n;
    }
    out
}

impl Projection {
    /// Adds the row's loadings to `out`: `w_s·x` (GREG) or `psw_m` at each margin's
    /// category (sweeps).
    #[inline]
    fn add_row_loads(&self, row: usize, out: &mut [f64]) {
        match self {
            Projection::Greg { p, x, w_step, .. } => {
                for (o, xi) in out.iter_mut().zip(&x[row * p..(row + 1) * p]) {
                    *o += w_step[row] * xi;
                }
            }
            Projection::Sweeps { sweeps, .. } => {
                let mut at = 0;
                for ((code, psw), n) in sweeps.row(row).zip(&sweeps.n_codes) {
                    out[at + code] += psw;
                    at += n;
                }
            }
        }
    }

    /// Adds the loadings of `rows` to their units' ([`Projection::add_row_loads`]):
    /// `loads[unit·q + a]` for this step's moment `a`, one loop per kind of step.
    fn add_unit_loads(&self, rows: Range<usize>, units: &[u32], q: usize, loads: &mut [f64]) {
        match self {
            Projection::Greg { .. } => {
                for row in rows {
                    let u = units[row] as usize;
                    self.add_row_loads(row, &mut loads[u * q..u * q + self.q()]);
                }
            }
            Projection::Sweeps { sweeps, .. } => {
                let mut acc = CellLoads::new(&sweeps.cell_codes, &sweeps.n_codes, &sweeps.ratio);
                let (cells, raked) = (&sweeps.cell[rows.clone()], &sweeps.raked[rows.clone()]);
                acc.add_rows(&units[rows], cells, raked, q, loads);
                acc.finish(q, loads);
            }
        }
    }

    /// The row's moment factors acting on `u = z/w` (`w` the design's final weight):
    /// `λ·x·w/w_s` (GREG) or `w/psw_m` at each margin's cell (sweeps; times the row's
    /// `mass` in unweighted sums, R's cell means being unweighted).
    fn row_factors(&self, row: usize, weight: f64, mass: f64, out: &mut [f64]) {
        match self {
            Projection::Greg {
                p,
                x,
                lambda,
                w_step,
                ..
            } => {
                let scale = if w_step[row] > 0.0 {
                    lambda[row] * weight / w_step[row]
                } else {
                    0.0
                };
                for (o, xi) in out.iter_mut().zip(&x[row * p..(row + 1) * p]) {
                    *o = scale * xi;
                }
            }
            Projection::Sweeps { sweeps, .. } => {
                out.iter_mut().for_each(|o| *o = 0.0);
                let mut at = 0;
                for ((code, psw), n) in sweeps.row(row).zip(&sweeps.n_codes) {
                    out[at + code] = if psw > 0.0 { mass * weight / psw } else { 0.0 };
                    at += n;
                }
            }
        }
    }

    /// This step's coefficients from its moments.
    fn solve(&self, moments: &[f64]) -> Vec<f64> {
        let q = moments.len();
        match self {
            Projection::Greg { inverse, .. } => (0..q)
                .map(|i| (0..q).map(|j| inverse[i * q + j] * moments[j]).sum())
                .collect(),
            Projection::Sweeps {
                sweeps,
                cross,
                counts,
            } => {
                let offsets = offsets(&sweeps.n_codes);
                let mut s = moments.to_vec();
                let mut gamma = vec![0.0; q];
                for _ in 0..10 {
                    for (m, n) in sweeps.n_codes.iter().enumerate() {
                        let range = offsets[m]..offsets[m] + n;
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

/// The loadings of a raking step, `Σ psw_m` per unit and margin category: a unit's raked
/// weights summed per cell, each touched cell's sum times its ratio added at each margin's
/// category when the unit changes. One add per row, and no chain of adds to one slot (a
/// unit lies in one category of a margin constant within units, as strata are).
struct CellLoads<'s> {
    m: usize,
    /// Each cell's moment slot per margin, `n_cells × m`.
    slots: Vec<usize>,
    ratio: &'s [f64],
    /// The current unit's sum of raked weights per cell.
    sums: Vec<f64>,
    /// Whether the current unit has a row in each cell.
    seen: Vec<bool>,
    /// The current unit's cells, listed without a branch per row: one slot more than the
    /// cells, written each row, kept when the cell is new.
    touched: Vec<u32>,
    n_touched: usize,
    unit: Option<usize>,
}

impl<'s> CellLoads<'s> {
    fn new(cell_codes: &[u32], n_codes: &[usize], ratio: &'s [f64]) -> Self {
        let m = n_codes.len();
        let offsets = offsets(n_codes);
        let n_cells = ratio.len() / m.max(1);
        CellLoads {
            m,
            slots: (0..cell_codes.len())
                .map(|i| offsets[i % m] + cell_codes[i] as usize)
                .collect(),
            ratio,
            sums: vec![0.0; n_cells],
            seen: vec![false; n_cells],
            touched: vec![0; n_cells + 1],
            n_touched: 0,
            unit: None,
        }
    }

    /// Adds rows of `units` in `cells` with raked weights `raked` (`loads` is
    /// `n_units × q`), a run of rows of one unit at a time.
    fn add_rows(
        &mut self,
        units: &[u32],
        cells: &[u32],
        raked: &[f64],
        q: usize,
        loads: &mut [f64],
    ) {
        let mut start = 0;
        while start < units.len() {
            let unit = units[start];
            let end = units[start..]
                .iter()
                .position(|&u| u != unit)
                .map_or(units.len(), |len| start + len);
            if self.unit != Some(unit as usize) {
                self.finish(q, loads);
                self.unit = Some(unit as usize);
            }
            let (sums, seen, touched) = (&mut self.sums, &mut self.seen, &mut self.touched);
            let mut n = self.n_touched;
            for (&c, &r) in cells[start..end].iter().zip(&raked[start..end]) {
                touched[n] = c;
                n += usize::from(!seen[c as usize]);
                seen[c as usize] = true;
                sums[c as usize] += r;
            }
            self.n_touched = n;
            start = end;
        }
    }

    /// Adds the current unit's cells to its loadings.
    fn finish(&mut self, q: usize, loads: &mut [f64]) {
        let Some(unit) = self.unit else { return };
        let m = self.m;
        let load = &mut loads[unit * q..];
        for &c in &self.touched[..self.n_touched] {
            let c = c as usize;
            for (&slot, &ratio) in self.slots[c * m..(c + 1) * m]
                .iter()
                .zip(&self.ratio[c * m..(c + 1) * m])
            {
                load[slot] += self.sums[c] * ratio;
            }
            self.sums[c] = 0.0;
            self.seen[c] = false;
        }
        self.n_touched = 0;
    }
}

/// Fewest rows per thread making per-unit loadings: each thread holds loadings for every
/// unit, so a thread pays only for many rows per unit.
const LOADS_MIN_ROWS: usize = 500_000;

/// Where each step's moments start among all steps', and how many there are in all.
fn step_offsets(steps: &[Projection]) -> (Vec<usize>, usize) {
    let sizes: Vec<usize> = steps.iter().map(Projection::q).collect();
    (offsets(&sizes), sizes.iter().sum())
}

/// The design raked: each row's weight before raking times its cell's factor (0 where the
/// weight was 0), written in one pass over blocks of rows, calibrated by R's raking
/// sweeps. On a design not yet calibrated the same pass makes the raking step's per-unit
/// loadings; otherwise the chain of steps is made anew ([`Design::with_calibration`]).
///
/// # Errors
/// [`DesignError::BadWeight`](super::DesignError::BadWeight) when a raked weight overflows.
pub(crate) fn rake_rows(
    design: &Design,
    cell: Vec<u32>,
    factor: &[f64],
    table: SweepTable,
    counts: (&[f64], &[f64]),
) -> super::Result<Design> {
    let before = design.weights().as_slice();
    let units = design.variance_unit_of_row();
    let q: usize = table.n_codes.iter().sum();
    let fresh = design.calibration().is_none();
    let n_units = if fresh { design.n_variance_units() } else { 0 };
    let mut raked = vec![0.0; before.len()];
    let min_rows = if fresh { LOADS_MIN_ROWS } else { 1 << 16 };
    let parts =
        crate::parallel::map_chunks(&mut raked, design.threads(), min_rows, |start, out| {
            let mut finite = true;
            let mut loads = vec![0.0; n_units * q];
            let mut acc =
                fresh.then(|| CellLoads::new(&table.cell_codes, &table.n_codes, &table.ratio));
            // A few thousand rows at a time: their raked weights, then (while they are in the
            // fastest cache) their loadings.
            for (b, out) in out.chunks_mut(4096).enumerate() {
                let rows = start + b * 4096..start + b * 4096 + out.len();
                for ((o, &x), &c) in out
                    .iter_mut()
                    .zip(&before[rows.clone()])
                    .zip(&cell[rows.clone()])
                {
                    *o = raked_weight(x, factor[c as usize]);
                    finite &= o.is_finite();
                }
                if let Some(acc) = acc.as_mut() {
                    acc.add_rows(&units[rows.clone()], &cell[rows], out, q, &mut loads);
                }
            }
            if let Some(acc) = acc.as_mut() {
                acc.finish(q, &mut loads);
            }
            (finite, loads)
        });
    let finite = parts.iter().all(|(f, _)| *f);
    let unit_loads = crate::parallel::sum_blocks(parts.into_iter().map(|(_, l)| l).collect());
    // Valid weights times finite factors are valid unless a product overflows.
    let weights = if finite {
        super::Weights::trusted(raked)
    } else {
        super::Weights::new(raked)?
    };
    let sweeps = Sweeps {
        cell,
        cell_codes: table.cell_codes,
        n_codes: table.n_codes,
        ratio: table.ratio,
        raked: weights.shared(),
    };
    let projection = Projection::sweeps(sweeps, counts.0, counts.1);
    let raked_design = if fresh {
        design.with_calibration_loaded(weights, |design| {
            Calibration::from_loads(design, vec![projection], unit_loads)
        })
    } else {
        design.with_calibration(weights, projection)
    };
    Ok(raked_design)
}

/// A raked weight: the weight before raking times its cell's factor, 0 where the weight
/// was 0 (R's sweeps give those rows 0/0; they stay out of the raking).
#[inline]
pub(crate) fn raked_weight(before: f64, factor: f64) -> f64 {
    if before > 0.0 { before * factor } else { 0.0 }
}

/// The margins' cross-classification as R's raking variance reads it: each cell's
/// categories, the number of categories per margin, and `psw_m / raked` per cell and margin.
pub(crate) struct SweepTable {
    pub(crate) cell_codes: Vec<u32>,
    pub(crate) n_codes: Vec<usize>,
    pub(crate) ratio: Vec<f64>,
}

impl Calibration {
    /// The chain of `steps` (in the order applied) on a design with its final weights.
    pub(crate) fn new(design: &Design, steps: Vec<Projection>) -> Calibration {
        let (offsets, q) = step_offsets(&steps);
        let units = design.variance_unit_of_row();
        // Loadings per unit, from contiguous blocks of rows on the design's threads.
        let loads_of = |rows: std::ops::Range<usize>| {
            let mut unit_loads = vec![0.0; design.n_variance_units() * q];
            for (step, &offset) in steps.iter().zip(&offsets) {
                step.add_unit_loads(rows.clone(), units, q, &mut unit_loads[offset..]);
            }
            unit_loads
        };
        let parts =
            crate::parallel::map_blocks(units.len(), design.threads(), LOADS_MIN_ROWS, loads_of);
        Calibration::from_loads(design, steps, crate::parallel::sum_blocks(parts))
    }

    /// The chain of `steps` given their per-unit loadings (`n_units × q`).
    fn from_loads(design: &Design, steps: Vec<Projection>, unit_loads: Vec<f64>) -> Calibration {
        let (offsets, q) = step_offsets(&steps);
        let w = design.weights().as_slice();
        let mut chain = vec![0.0; q * q];
        if steps.len() > 1 {
            let (mut loads, mut factors) = (vec![0.0; q], vec![0.0; q]);
            let masses = design.row_masses();
            let mass = |row: usize| masses.map_or(1.0, |m| m[row]);
            for (row, &wr) in w.iter().enumerate() {
                if wr <= 0.0 {
                    continue;
                }
                loads.iter_mut().for_each(|l| *l = 0.0);
                for (s, step) in steps.iter().enumerate() {
                    let range = offsets[s]..offsets[s] + step.q();
                    step.add_row_loads(row, &mut loads[range.clone()]);
                    step.row_factors(row, wr, mass(row), &mut factors[range]);
                }
                for (s, step) in steps.iter().enumerate().skip(1) {
                    for a in offsets[s]..offsets[s] + step.q() {
                        if factors[a] == 0.0 {
                            continue;
                        }
                        for b in 0..offsets[s] {
                            chain[a * q + b] += factors[a] * loads[b] / wr;
                        }
                    }
                }
            }
        }
        Calibration {
            q,
            steps,
            offsets,
            chain,
            unit_loads,
        }
    }

    /// The same chain with one more step (applied last).
    pub(crate) fn then(self, design: &Design, step: Projection) -> Calibration {
        let mut steps = self.steps;
        steps.push(step);
        Calibration::new(design, steps)
    }

    /// The same chain for the design's (new) weights.
    pub(crate) fn reloaded(self, design: &Design) -> Calibration {
        Calibration::new(design, self.steps)
    }

    /// When every row's moment factors depend only on a cell of the row (raking, as the
    /// design's last and only step, with the raked weights): the cell of each row and the
    /// number of cells. A pass may then sum values per cell and apply
    /// [`Calibration::cell_factors`] once per cell instead of once per row.
    pub(crate) fn cells(&self, weights: &super::Weights) -> Option<(&[u32], usize)> {
        match self.steps.as_slice() {
            [Projection::Sweeps { sweeps, .. }] if weights.is_shared(&sweeps.raked) => {
                Some((&sweeps.cell, sweeps.ratio.len() / sweeps.margins().max(1)))
            }
            _ => None,
        }
    }

    /// The moment factors of the rows of positive weight in `cell` (see
    /// [`Calibration::cells`]): `w/psw_m = 1/ratio_m` at each margin's category.
    pub(crate) fn cell_factors(&self, cell: usize, out: &mut [f64]) {
        out.iter_mut().for_each(|o| *o = 0.0);
        if let [Projection::Sweeps { sweeps, .. }] = self.steps.as_slice() {
            let m = sweeps.margins();
            let mut at = 0;
            for (j, n) in sweeps.n_codes.iter().enumerate() {
                let ratio = sweeps.ratio[cell * m + j];
                if ratio > 0.0 {
                    out[at + sweeps.cell_codes[cell * m + j] as usize] = 1.0 / ratio;
                }
                at += n;
            }
        }
    }

    /// The row's moment factors of every step (see [`Projection`]); `mass`: how many
    /// times the row counts in unweighted sums (1 but on a sums table's rows).
    #[inline]
    pub(crate) fn row_factors(&self, row: usize, weight: f64, mass: f64, out: &mut [f64]) {
        for (s, step) in self.steps.iter().enumerate() {
            step.row_factors(
                row,
                weight,
                mass,
                &mut out[self.offsets[s]..self.offsets[s] + step.q()],
            );
        }
    }

    /// The coefficients of every step from an estimate's moments, each step working on what
    /// the earlier ones left.
    pub(crate) fn solve(&self, moments: &[f64]) -> Vec<f64> {
        let q = self.q;
        let mut beta = vec![0.0; q];
        for (s, step) in self.steps.iter().enumerate() {
            let range = self.offsets[s]..self.offsets[s] + step.q();
            let m: Vec<f64> = range
                .clone()
                .map(|a| {
                    moments[a]
                        - (0..self.offsets[s])
                            .map(|b| self.chain[a * q + b] * beta[b])
                            .sum::<f64>()
                })
                .collect();
            for (b, v) in range.zip(step.solve(&m)) {
                beta[b] = v;
            }
        }
        beta
    }
}
