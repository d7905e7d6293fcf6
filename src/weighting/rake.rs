//! Raking (iterative proportional fitting) to several margins.

use super::check;
use super::error::{Result, WeightingError};
use crate::data::MISSING_CODE;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One raking margin: a category code per row and the population count per code.
///
/// ```
/// use survey_stats::weighting::Margin;
/// let m = Margin { cell: &[0, 1, 1], population: &[40.0, 60.0] };
/// assert_eq!(m.population.iter().sum::<f64>(), 100.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margin<'a> {
    /// Category code per row, an index into `population`.
    pub cell: &'a [u32],
    /// Population count per category.
    pub population: &'a [f64],
}

/// When raking stops, as R `rake`'s `control = list(maxit, epsilon)`.
///
/// ```
/// use survey_stats::weighting::RakeControl;
/// let c = RakeControl::default();
/// assert_eq!((c.max_iter, c.epsilon), (10, 1.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RakeControl {
    /// Most sweeps over the margins (R's `maxit`, default 10).
    #[serde(default = "default_max_iter")]
    pub max_iter: usize,
    /// Stop once no cell of the margins' cross-classification moves by less than this
    /// between sweeps (R's `epsilon`, default 1). Below 1 it is a fraction of the total of
    /// the weights before raking; from 1 up it is an absolute weighted count.
    #[serde(default = "default_epsilon")]
    pub epsilon: f64,
}

fn default_max_iter() -> usize {
    10
}

fn default_epsilon() -> f64 {
    1.0
}

impl Default for RakeControl {
    fn default() -> Self {
        Self {
            max_iter: default_max_iter(),
            epsilon: default_epsilon(),
        }
    }
}

/// The result of [`rake`].
///
/// ```
/// use survey_stats::weighting::{rake, Margin, RakeControl};
/// // one margin: a single sweep post-stratifies, the second sees no change
/// let out = rake(&[1.0, 3.0], &[Margin { cell: &[0, 1], population: &[2.0, 2.0] }], RakeControl::default())?;
/// assert_eq!((out.weights.clone(), out.iterations, out.converged), (vec![2.0, 2.0], 2, true));
/// assert_eq!(out.sweep_weights(0, &[1.0, 3.0]), vec![2.0, 2.0]);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RakeOutcome {
    /// The raked weights.
    pub weights: Vec<f64>,
    /// Sweeps done (each sweep post-stratifies once to every margin in turn). R's warning
    /// "did not converge after `maxit` iterations" counts the same; after convergence R's
    /// internal counter is one less.
    pub iterations: usize,
    /// Whether the stopping rule was met within `max_iter` sweeps (R warns otherwise).
    pub converged: bool,
    /// Sum of the raked weights per category of each margin (same shape as the margins'
    /// `population`): the margins the weights actually meet.
    pub achieved: Vec<Vec<f64>>,
    /// The cell of the margins' cross-classification of each row (dense, from 0). Every
    /// sweep multiplies all weights of a cell by the same factor, so raking runs on the
    /// table of these cells.
    pub cells: Vec<u32>,
    /// Each margin's category of each cell, `n_cells × margins` (row-major).
    pub cell_codes: Vec<u32>,
    /// Per margin, per cell: the weights right after that margin's post-stratification in
    /// the last sweep, divided by the weights before raking (0 where those were 0). R keeps
    /// these weights as the `"weights"` attribute of each margin for the raking variance
    /// (`svyrecvar`); empty when no sweep was done. See [`RakeOutcome::sweep_weights`].
    pub sweep_factors: Vec<Vec<f64>>,
}

impl RakeOutcome {
    /// The weights right after margin `m`'s post-stratification in the last sweep, for
    /// the weights `before` raking (the last margin's equal [`RakeOutcome::weights`]).
    pub fn sweep_weights(&self, m: usize, before: &[f64]) -> Vec<f64> {
        let f = &self.sweep_factors[m];
        self.cells
            .iter()
            .zip(before)
            .map(|(&c, &w)| w * f[c as usize])
            .collect()
    }
}

/// Rakes weights to the population counts of several margins, as R `survey`'s `rake`.
///
/// Each sweep post-stratifies to every margin in turn ([`poststratify`](super::poststratify));
/// the sweeps stop when the weighted counts of the margins' cross-classification move by
/// less than the tolerance:
///
/// ```text
/// sweep:  for m = 1..M:  w_k ← w_k · N_{m,c} / Σ_{j: c_m(j)=c} w_j      c = c_m(k)
/// stop:   max_cells |T_new(cell) − T_old(cell)| < ε,   ε = epsilon·Σ w⁽⁰⁾ if epsilon < 1, else epsilon
///         (T_old is the table before the sweep; at most max_iter sweeps)
/// ```
///
/// Source: R `survey` 4.1.1 `rake` (its `svytable` of all margin variables, `delta <
/// epsilon`, `epsilon * sum(weights(design, "sampling"))` when `epsilon < 1`); Deming &
/// Stephan (1940). R's default `maxit = 10, epsilon = 1` usually stops before the margins
/// are met exactly: see [`RakeOutcome::achieved`]. The cross-classification is that of the
/// margins' categories, which is R's table whenever each margin is a different variable.
///
/// ```
/// use survey_stats::weighting::{rake, Margin, RakeControl};
/// let w = [1.0; 4];
/// let sex = [0, 0, 1, 1];
/// let age = [0, 1, 0, 1];
/// let out = rake(&w, &[
///     Margin { cell: &sex, population: &[60.0, 40.0] },
///     Margin { cell: &age, population: &[50.0, 50.0] },
/// ], RakeControl::default())?;
/// assert_eq!(out.weights, vec![30.0, 30.0, 20.0, 20.0]);
/// assert_eq!(out.achieved, vec![vec![60.0, 40.0], vec![50.0, 50.0]]);
/// assert!(out.converged);
/// # Ok::<(), survey_stats::weighting::WeightingError>(())
/// ```
///
/// # Errors
/// [`WeightingError::Empty`] without weights or margins, [`InvalidWeight`](WeightingError::InvalidWeight),
/// [`LengthMismatch`](WeightingError::LengthMismatch) for a margin whose codes do not match
/// the weights, [`InvalidControl`](WeightingError::InvalidControl) for an `epsilon` that is
/// not positive and finite, and per margin the category errors of
/// [`poststratify`](super::poststratify) (R's `rake` stops on them too) and
/// [`MarginTotalsDisagree`](WeightingError::MarginTotalsDisagree) when the margins'
/// population totals differ by more than a relative 1e-6. Not converging is no error:
/// see [`RakeOutcome::converged`].
pub fn rake(weights: &[f64], margins: &[Margin<'_>], control: RakeControl) -> Result<RakeOutcome> {
    check::weights(weights)?;
    Ok(rake_valid(weights, margins, control)?.0)
}

/// Rows and rows of positive weight per cell of the margins' cross-classification.
#[derive(Debug, Clone, Default)]
pub(crate) struct CellCounts {
    pub(crate) rows: Vec<f64>,
    pub(crate) positive: Vec<f64>,
}

/// [`rake`] on weights known to be valid (a design's), with the rows per cell.
pub(crate) fn rake_valid(
    weights: &[f64],
    margins: &[Margin<'_>],
    control: RakeControl,
) -> Result<(RakeOutcome, CellCounts)> {
    if margins.is_empty() {
        return Err(WeightingError::Empty { what: "margins" });
    }
    if !(control.epsilon.is_finite() && control.epsilon > 0.0) {
        return Err(WeightingError::InvalidControl {
            parameter: "epsilon",
            value: control.epsilon,
            reason: "must be positive and finite",
        });
    }
    if weights.is_empty() {
        return Err(WeightingError::Empty { what: "weights" });
    }
    // Each margin in turn: its categories, then its total against the first margin's (R's
    // order of errors). The categories are checked row by row only when the table of cells
    // shows that a margin fails.
    let n_margins = margins.len();
    let n_codes: Vec<usize> = margins.iter().map(|m| m.population.len()).collect();
    let plain = margins.iter().enumerate().all(|(m, margin)| {
        margin.cell.len() == weights.len()
            && check::population(m, margin.population).is_ok()
            && !margin.cell.contains(&MISSING_CODE)
    });
    let table = plain.then(|| cell_table(margins, weights));
    let table_ok = table
        .as_ref()
        .is_some_and(|t| (0..n_margins).all(|m| t.margin_ok(m, margins[m].population)));
    let first_total: f64 = margins[0].population.iter().sum();
    for (m, margin) in margins.iter().enumerate() {
        if !table_ok {
            check::cells(m, weights, margin.cell, margin.population, false)?;
        }
        let total: f64 = margin.population.iter().sum();
        if (total - first_total).abs() > 1e-6 * first_total.abs() {
            return Err(WeightingError::MarginTotalsDisagree {
                margin: m,
                total,
                first_total,
            });
        }
    }
    // The checks passed, so the table was made (a margin the table cannot hold fails them).
    let CellTable {
        cells,
        codes: cell_codes,
        base,
        counts,
    } = table.unwrap_or_else(|| cell_table(margins, weights));
    let n_cells = base.len();
    let epsilon = if control.epsilon < 1.0 {
        control.epsilon * base.iter().sum::<f64>()
    } else {
        control.epsilon
    };
    // Every post-stratification multiplies all weights of a cross-classification cell by
    // one factor, so the sweeps run on the cells' weight totals and each row's weight is
    // its weight before raking times its cell's factor.
    let mut factor = vec![1.0; n_cells];
    let table = |f: &[f64]| -> Vec<f64> { base.iter().zip(f).map(|(b, f)| b * f).collect() };
    let mut old = base.clone();
    let mut sweep_factors = Vec::new();
    let mut iterations = 0;
    let mut converged = false;
    while iterations < control.max_iter {
        sweep_factors.clear();
        for (m, (margin, &k)) in margins.iter().zip(&n_codes).enumerate() {
            let code = |c: usize| cell_codes[c * n_margins + m] as usize;
            let mut sums = vec![0.0; k];
            for c in 0..n_cells {
                if let Some(s) = sums.get_mut(code(c)) {
                    *s += base[c] * factor[c];
                }
            }
            for (c, f) in factor.iter_mut().enumerate() {
                *f *= match (sums.get(code(c)), margin.population.get(code(c))) {
                    (Some(&s), Some(&p)) if s > 0.0 => p / s,
                    _ => 0.0,
                };
            }
            sweep_factors.push(factor.clone());
        }
        iterations += 1;
        let new = table(&factor);
        let delta = old
            .iter()
            .zip(&new)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        if delta < epsilon {
            converged = true;
            break;
        }
        old = new;
    }
    let w: Vec<f64> = cells
        .iter()
        .zip(weights)
        .map(|(&c, &w)| if w > 0.0 { w * factor[c as usize] } else { 0.0 })
        .collect();
    let raked_cells = table(&factor);
    let achieved = n_codes
        .iter()
        .enumerate()
        .map(|(m, &k)| {
            let mut sums = vec![0.0; k];
            for (c, t) in raked_cells.iter().enumerate() {
                if let Some(s) = sums.get_mut(cell_codes[c * n_margins + m] as usize) {
                    *s += t;
                }
            }
            sums
        })
        .collect();
    Ok((
        RakeOutcome {
            weights: w,
            iterations,
            converged,
            achieved,
            cells,
            cell_codes,
            sweep_factors,
        },
        counts,
    ))
}

/// The margins' cross-classification: each row's cell, each cell's categories
/// (`n_cells × margins`), its total of positive weights and its row counts.
struct CellTable {
    cells: Vec<u32>,
    codes: Vec<u32>,
    base: Vec<f64>,
    counts: CellCounts,
}

impl CellTable {
    /// Whether margin `m` passes [`check::cells`] (without `partial`): every category with
    /// sample weight has a population figure and every populated category has weight.
    fn margin_ok(&self, m: usize, population: &[f64]) -> bool {
        let n_margins = self.codes.len() / self.base.len().max(1);
        let mut sums = vec![0.0; population.len()];
        for (c, &b) in self.base.iter().enumerate() {
            match sums.get_mut(self.codes[c * n_margins + m] as usize) {
                Some(s) => *s += b,
                None if b > 0.0 => return false,
                None => {}
            }
        }
        sums.iter()
            .zip(population)
            .all(|(&s, &p)| (s > 0.0) == (p > 0.0))
    }
}

fn cell_table(margins: &[Margin<'_>], weights: &[f64]) -> CellTable {
    let (cells, n_cells) = cross_classify(margins);
    let n_margins = margins.len();
    let mut base = vec![0.0; n_cells];
    let mut codes = vec![u32::MAX; n_cells * n_margins];
    let mut counts = CellCounts {
        rows: vec![0.0; n_cells],
        positive: vec![0.0; n_cells],
    };
    for (row, (&c, &w)) in cells.iter().zip(weights).enumerate() {
        let c = c as usize;
        if counts.rows[c] == 0.0 {
            for (m, margin) in margins.iter().enumerate() {
                codes[c * n_margins + m] = margin.cell[row];
            }
        }
        counts.rows[c] += 1.0;
        if w > 0.0 {
            base[c] += w;
            counts.positive[c] += 1.0;
        }
    }
    CellTable {
        cells,
        codes,
        base,
        counts,
    }
}

/// A dense index of each row's combination of margin categories, and how many there are:
/// mixed-radix codes through a lookup table when the cross-classification is small (the
/// usual case), a hash map otherwise.
fn cross_classify(margins: &[Margin<'_>]) -> (Vec<u32>, usize) {
    let n = margins[0].cell.len();
    let levels: Vec<usize> = margins
        .iter()
        .map(|m| m.cell.iter().map(|&c| c as usize + 1).max().unwrap_or(1))
        .collect();
    let size = levels.iter().try_fold(1usize, |a, &l| a.checked_mul(l));
    if let Some(size) = size.filter(|&s| s <= (1 << 22).max(n) && s <= u32::MAX as usize) {
        // Mixed-radix codes a margin at a time (straight loops over the columns), then
        // numbered densely in order of first appearance.
        let mut ids: Vec<u32> = margins[0].cell.to_vec();
        let mut stride = levels[0] as u32;
        for (m, &l) in margins[1..].iter().zip(&levels[1..]) {
            for (id, &c) in ids.iter_mut().zip(m.cell) {
                *id += c * stride;
            }
            stride *= l as u32;
        }
        let mut dense = vec![u32::MAX; size];
        let mut next = 0u32;
        for id in ids.iter_mut() {
            let d = &mut dense[*id as usize];
            if *d == u32::MAX {
                *d = next;
                next += 1;
            }
            *id = *d;
        }
        return (ids, next as usize);
    }
    let mut ids: Vec<u32> = margins[0].cell.to_vec();
    for margin in &margins[1..] {
        let mut map: HashMap<(u32, u32), u32> = HashMap::new();
        for (id, &c) in ids.iter_mut().zip(margin.cell) {
            let next = map.len() as u32;
            *id = *map.entry((*id, c)).or_insert(next);
        }
    }
    let n = ids.iter().copied().max().map_or(0, |m| m as usize + 1);
    (ids, n)
}
