//! Raking (iterative proportional fitting) to several margins.

use super::check;
use super::error::{Result, WeightingError};
use crate::data::RowCodes;
use crate::design::raked_weight;
use crate::parallel;
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
    /// The cell of the margins' cross-classification of each row, an index into the cells
    /// of [`RakeOutcome::cell_codes`]. Every sweep multiplies all weights of a cell by the
    /// same factor, so raking runs on the table of these cells. While the combinations of
    /// categories are few (at most one per 16 rows, or 256, and never more than 65,536)
    /// and every row's code has a population figure, every combination is a cell,
    /// numbered with the first margin varying fastest, and some cells may hold no row.
    /// Otherwise (more combinations, or codes past a margin's population figures on rows
    /// of zero weight) the cells are the combinations the rows hold, in order of
    /// appearance.
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
    let rows: Vec<MarginRows<'_>> = margins
        .iter()
        .map(|m| MarginRows {
            codes: RowCodes::Stored(m.cell),
            population: m.population,
        })
        .collect();
    rake_margins(weights, &rows, control, parallel::cores())
}

/// [`rake`] on margins read through [`RowCodes`], on `threads` threads.
pub(crate) fn rake_margins(
    weights: &[f64],
    margins: &[MarginRows<'_>],
    control: RakeControl,
    threads: usize,
) -> Result<RakeOutcome> {
    check::weights(weights)?;
    let raked = rake_valid(weights, margins, control, threads)?;
    let w = raked.factor_rows(weights, threads);
    Ok(RakeOutcome {
        weights: w,
        ..raked.outcome
    })
}

/// One margin as raking reads it: each row's category code (stored, or read from a
/// column on demand) and the population count per code.
#[derive(Debug, Clone)]
pub(crate) struct MarginRows<'a> {
    pub(crate) codes: RowCodes<'a>,
    pub(crate) population: &'a [f64],
}

/// What [`rake_valid`] returns: the outcome without its weights, each cell's factor and
/// the rows per cell.
pub(crate) struct Raked {
    /// The outcome; its `weights` are left empty.
    pub(crate) outcome: RakeOutcome,
    /// The factor of each cell: a row's raked weight is its weight before raking times it.
    pub(crate) factor: Vec<f64>,
    /// Rows and rows of positive weight per cell.
    pub(crate) counts: CellCounts,
}

impl Raked {
    /// Each row's weight times its cell's factor ([`raked_weight`]), in blocks of rows on
    /// `threads` threads.
    pub(crate) fn factor_rows(&self, before: &[f64], threads: usize) -> Vec<f64> {
        let cells = &self.outcome.cells;
        let mut w = vec![0.0; before.len()];
        parallel::map_chunks(&mut w, threads, 1 << 16, |start, out| {
            for ((o, &x), &c) in out.iter_mut().zip(&before[start..]).zip(&cells[start..]) {
                *o = raked_weight(x, self.factor[c as usize]);
            }
        });
        w
    }
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
    margins: &[MarginRows<'_>],
    control: RakeControl,
    threads: usize,
) -> Result<Raked> {
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
    // shows that a margin fails (or cannot be made).
    let n_margins = margins.len();
    let n_codes: Vec<usize> = margins.iter().map(|m| m.population.len()).collect();
    let plain = margins.iter().enumerate().all(|(m, margin)| {
        margin.codes.len() == weights.len() && check::population(m, margin.population).is_ok()
    });
    let table = if plain {
        dense_table(margins, weights, threads)
    } else {
        None
    };
    let table_ok = table
        .as_ref()
        .is_some_and(|t| (0..n_margins).all(|m| t.margin_ok(m, margins[m].population)));
    let first_total: f64 = margins[0].population.iter().sum();
    let mut stored: Vec<Vec<u32>> = Vec::new();
    for (m, margin) in margins.iter().enumerate() {
        if !table_ok {
            stored.push(margin.codes.collect());
            check::cells(m, weights, &stored[m], margin.population, false)?;
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
    // The checks passed: the dense table when it was made, else the table of the rows'
    // combinations of codes.
    let CellTable {
        cells,
        codes: cell_codes,
        base,
        counts,
    } = match table {
        Some(t) if table_ok => t,
        _ => sparse_table(&stored, weights),
    };
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
    Ok(Raked {
        outcome: RakeOutcome {
            weights: Vec::new(),
            iterations,
            converged,
            achieved,
            cells,
            cell_codes,
            sweep_factors,
        },
        factor,
        counts,
    })
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

/// Cross-classifications up to one cell per 16 rows (at least 256, at most this many cells)
/// are tabulated densely: few enough that empty cells cost little and a table fits in
/// cache on each core.
const DENSE_CELLS: usize = 1 << 16;

/// Rows per block of the dense table's pass (its buffers stay in the fastest cache).
const BLOCK: usize = 2048;

/// The table of every combination of the margins' codes (cell = mixed-radix index of the
/// codes, first margin fastest; combinations without rows are empty cells), in one pass
/// over blocks of rows on `threads` threads that also writes each row's cell. `None` when
/// a row's code has no population figure (or is missing) or the combinations are too many
/// ([`DENSE_CELLS`]).
fn dense_table(margins: &[MarginRows<'_>], weights: &[f64], threads: usize) -> Option<CellTable> {
    let n = weights.len();
    let n_margins = margins.len();
    let radix: Vec<usize> = margins.iter().map(|m| m.population.len()).collect();
    let n_cells = radix
        .iter()
        .try_fold(1usize, |a, &r| a.checked_mul(r))
        .filter(|&k| k <= (n / 16).clamp(256, DENSE_CELLS))?;
    let mut cells = vec![0u32; n];
    // Per block: the weight, the rows of zero weight and the rows of positive weight of
    // each cell, end to end.
    let parts = parallel::map_chunks(&mut cells, threads, 1 << 16, |start, out| {
        let mut sums = vec![0.0; 3 * n_cells];
        let (base, rest) = sums.split_at_mut(n_cells);
        let (zero, positive) = rest.split_at_mut(n_cells);
        // A few thousand rows at a time: each margin's codes into a buffer, added to the
        // cells with the margin's stride, then the cells' sums.
        let mut codes = vec![0u32; BLOCK.min(out.len())];
        for (b, keys) in out.chunks_mut(BLOCK).enumerate() {
            let first = start + b * BLOCK;
            let codes = &mut codes[..keys.len()];
            let mut stride = 1;
            for (m, (margin, &r)) in margins.iter().zip(&radix).enumerate() {
                margin.codes.write(first, codes);
                if codes.iter().fold(false, |off, &c| off | (c as usize >= r)) {
                    return None;
                }
                if m == 0 {
                    keys.copy_from_slice(codes);
                } else {
                    for (k, &c) in keys.iter_mut().zip(codes.iter()) {
                        *k += c * stride;
                    }
                }
                stride *= r as u32;
            }
            for (&k, &w) in keys.iter().zip(&weights[first..]) {
                let k = k as usize;
                if w > 0.0 {
                    base[k] += w;
                    positive[k] += 1.0;
                } else {
                    zero[k] += 1.0;
                }
            }
        }
        Some(sums)
    });
    let sums = parallel::sum_blocks(parts.into_iter().collect::<Option<Vec<_>>>()?);
    let base = sums[..n_cells].to_vec();
    let positive = sums[2 * n_cells..].to_vec();
    // Rows = rows of zero weight + rows of positive weight.
    let rows = sums[n_cells..2 * n_cells]
        .iter()
        .zip(&positive)
        .map(|(z, p)| z + p)
        .collect();
    let mut codes = vec![0u32; n_cells * n_margins];
    for (k, cell_codes) in codes.chunks_exact_mut(n_margins.max(1)).enumerate() {
        let mut rest = k;
        for (code, &r) in cell_codes.iter_mut().zip(&radix) {
            *code = (rest % r) as u32;
            rest /= r;
        }
    }
    Some(CellTable {
        cells,
        codes,
        base,
        counts: CellCounts { rows, positive },
    })
}

/// The table of the combinations of codes that rows hold, numbered in order of first
/// appearance (any codes, any number of combinations).
fn sparse_table(codes: &[Vec<u32>], weights: &[f64]) -> CellTable {
    let (cells, n_cells) = cross_classify(codes);
    let n_margins = codes.len();
    let mut base = vec![0.0; n_cells];
    let mut cell_codes = vec![u32::MAX; n_cells * n_margins];
    let mut counts = CellCounts {
        rows: vec![0.0; n_cells],
        positive: vec![0.0; n_cells],
    };
    for (row, (&c, &w)) in cells.iter().zip(weights).enumerate() {
        let c = c as usize;
        if counts.rows[c] == 0.0 {
            for (m, margin) in codes.iter().enumerate() {
                cell_codes[c * n_margins + m] = margin[row];
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
        codes: cell_codes,
        base,
        counts,
    }
}

/// A dense index of each row's combination of margin categories, and how many there are:
/// mixed-radix codes through a lookup table when the cross-classification is small (the
/// usual case), a hash map otherwise.
fn cross_classify(margins: &[Vec<u32>]) -> (Vec<u32>, usize) {
    let n = margins[0].len();
    let levels: Vec<usize> = margins
        .iter()
        .map(|m| m.iter().map(|&c| c as usize + 1).max().unwrap_or(1))
        .collect();
    let size = levels.iter().try_fold(1usize, |a, &l| a.checked_mul(l));
    if let Some(size) = size.filter(|&s| s <= (1 << 22).max(n) && s <= u32::MAX as usize) {
        // Mixed-radix codes a margin at a time (straight loops over the columns), then
        // numbered densely in order of first appearance.
        let mut ids: Vec<u32> = margins[0].clone();
        let mut stride = levels[0] as u32;
        for (m, &l) in margins[1..].iter().zip(&levels[1..]) {
            for (id, &c) in ids.iter_mut().zip(m) {
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
    let mut ids: Vec<u32> = margins[0].clone();
    for margin in &margins[1..] {
        let mut map: HashMap<(u32, u32), u32> = HashMap::new();
        for (id, &c) in ids.iter_mut().zip(margin) {
            let next = map.len() as u32;
            *id = *map.entry((*id, c)).or_insert(next);
        }
    }
    let n = ids.iter().copied().max().map_or(0, |m| m as usize + 1);
    (ids, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dense table (cells by mixed-radix codes, on blocks of rows) and the sparse one
    /// (cells in order of appearance) classify every row alike and sum the same weights.
    #[test]
    fn dense_and_sparse_tables_agree() {
        let n = 200_000;
        let codes: Vec<Vec<u32>> = [(3usize, 7919usize), (5, 104_729), (4, 15_485_863)]
            .iter()
            .map(|&(k, p)| (0..n).map(|i| ((i * p / 7) % k) as u32).collect())
            .collect();
        let weights: Vec<f64> = (0..n).map(|i| ((i * 31) % 17) as f64 * 0.5).collect();
        let populations: Vec<Vec<f64>> = [3, 5, 4].iter().map(|&k| vec![1.0; k]).collect();
        let margins: Vec<MarginRows<'_>> = codes
            .iter()
            .zip(&populations)
            .map(|(c, p)| MarginRows {
                codes: RowCodes::Stored(c),
                population: p,
            })
            .collect();
        let dense = dense_table(&margins, &weights, 2).expect("60 cells tabulate densely");
        let sparse = sparse_table(&codes, &weights);
        assert_eq!(dense.base.len(), 60);
        let of = |t: &CellTable, c: u32| t.codes[c as usize * 3..c as usize * 3 + 3].to_vec();
        for (row, (&d, &s)) in dense.cells.iter().zip(&sparse.cells).enumerate() {
            let expected: Vec<u32> = codes.iter().map(|c| c[row]).collect();
            assert_eq!(of(&dense, d), expected);
            assert_eq!(of(&sparse, s), expected);
        }
        for (c, &b) in sparse.base.iter().enumerate() {
            let codes = of(&sparse, c as u32);
            let d = (codes[0] + 3 * codes[1] + 15 * codes[2]) as usize;
            assert!((dense.base[d] - b).abs() <= 1e-9 * b);
            assert_eq!(dense.counts.rows[d], sparse.counts.rows[c]);
            assert_eq!(dense.counts.positive[d], sparse.counts.positive[c]);
        }
        // A code without a population figure leaves the dense table to the sparse one.
        let short = [MarginRows {
            codes: RowCodes::Stored(&codes[1]),
            population: &[1.0; 4],
        }];
        assert!(dense_table(&short, &weights, 2).is_none());
    }

    /// Raking on one thread and on two gives the same weights (the cell sums differ only
    /// in the order of additions) and the same number of sweeps.
    #[test]
    fn threads_do_not_change_raking() {
        let n = 300_000;
        let a: Vec<u32> = (0..n).map(|i| ((i * 7919) % 5) as u32).collect();
        let b: Vec<u32> = (0..n).map(|i| ((i * 104_729 / 3) % 4) as u32).collect();
        let w: Vec<f64> = (0..n).map(|i| 1.0 + ((i * 31) % 17) as f64).collect();
        let (pa, pb) = ([3e5, 2e5, 2e5, 2e5, 1e5], [2.5e5, 2.5e5, 2.5e5, 2.5e5]);
        let margins = [
            MarginRows {
                codes: RowCodes::Stored(&a),
                population: &pa,
            },
            MarginRows {
                codes: RowCodes::Stored(&b),
                population: &pb,
            },
        ];
        let control = RakeControl {
            max_iter: 100,
            epsilon: 1e-10,
        };
        let one = rake_margins(&w, &margins, control, 1).unwrap();
        let two = rake_margins(&w, &margins, control, 2).unwrap();
        assert_eq!((one.iterations, one.cells.len()), (two.iterations, n));
        assert_eq!(one.cell_codes.len(), 20 * 2);
        for (x, y) in one.weights.iter().zip(&two.weights) {
            assert!((x - y).abs() <= 1e-12 * x);
        }
    }
}
