//! Survey designs: weights, strata, clusters by stage, finite population corrections.
//!
//! A [`Design`] is built once from a [`Dataset`] and validated then; estimators trust it.
//! It stores, per row, the weight and the index of the row's sampling unit at each stage,
//! so that every estimator reduces rows to per-unit sums in one pass (see
//! the private variance engine).
//!
//! ```
//! use survey_stats::data::{Column, Dataset, NumericColumn};
//! use survey_stats::design::{Design, DesignOptions};
//! let ds = Dataset::from_columns(vec![
//!     ("w".into(), Column::Numeric(NumericColumn::from_values(vec![2.0, 2.0, 4.0, 4.0]))),
//!     ("h".into(), Column::Numeric(NumericColumn::from_values(vec![1.0, 1.0, 2.0, 2.0]))),
//! ])?;
//! let opts = DesignOptions { weights: Some("w".into()), strata: Some("h".into()), ..Default::default() };
//! let design = Design::new(&ds, &opts)?;
//! assert_eq!(design.degrees_of_freedom(), 2.0); // 4 PSUs − 2 strata
//! assert_eq!(design.total_weight(), 12.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calibration;
mod error;
mod grouping;
mod pps;
mod replicates;
mod weights;

pub(crate) use calibration::{Calibration, Projection, SweepTable, rake_rows, raked_weight};
pub use error::{DesignError, Result};
pub use grouping::GROUPING_PAYS_FROM;
pub use pps::{JointProbabilities, Pps, PpsVariance};
pub(crate) use pps::{PpsDesign, brewer_fpc};
pub(crate) use replicates::Replicates;
pub use replicates::{ReplicateMethod, ReplicateOptions, ReplicateType};
pub use weights::Weights;

use crate::data::{Column, Dataset, Factor, MISSING_CODE, RowCodes};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What to do with a stratum that has a single PSU, as R's `options(survey.lonely.psu)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LonelyPsu {
    /// Stop with an error naming the stratum (R's default) when an estimate has rows in it.
    /// As in R, where `svydesign` accepts the design and `svyrecvar` fails, a domain without
    /// rows in the stratum is estimated; a domain of [`crate::estimate::Domains::by`] with
    /// rows in it gets its estimate without a standard error, and a note.
    #[default]
    Fail,
    /// The stratum contributes nothing to the variance.
    Remove,
    /// The stratum is sampled with certainty: no contribution.
    Certainty,
    /// The lonely PSU's sum is centred at the overall mean (zero for influence values)
    /// instead of its stratum mean.
    Adjust,
    /// The stratum gets the average variance contribution of the other strata.
    Average,
}

/// How the sample was drawn: the column names of a design, as the analysis spec's `design`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignOptions {
    /// Sampling weights column. Absent: the inverse of the product of the stages' sampling
    /// fractions when `fpc` is given, otherwise 1.
    #[serde(default)]
    pub weights: Option<String>,
    /// Strata column; absent means one stratum.
    #[serde(default)]
    pub strata: Option<String>,
    /// Cluster id columns by stage; empty means each row is its own PSU.
    #[serde(default)]
    pub clusters: Vec<String>,
    /// Finite population correction per stage: a value above 1 is the population size (of
    /// PSUs in the stratum for stage 1), a value at most 1 the sampling fraction. With
    /// [`DesignOptions::pps`]: one column, each PSU's inclusion probability.
    #[serde(default)]
    pub fpc: Vec<String>,
    /// Cluster ids are unique only within strata (R's `nest = TRUE`).
    #[serde(default)]
    pub nest: bool,
    /// Lonely-PSU policy.
    #[serde(default)]
    pub lonely_psu: LonelyPsu,
    /// Sampling with probability proportional to size without replacement (R's `pps`):
    /// `fpc` (one column, one stage of clusters at most) then gives each PSU's inclusion
    /// probability, and the weights are its inverse. See [`Pps`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pps: Option<Pps>,
    /// The form of a PPS design's variance (R's `variance`): Horvitz–Thompson (default) or
    /// Yates–Grundy.
    #[serde(default, skip_serializing_if = "is_default")]
    pub variance: PpsVariance,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// One sampling stage: which unit each row belongs to, and how units group (by stratum at
/// stage 1, by parent unit below).
#[derive(Debug, Clone)]
pub(crate) struct Stage {
    /// Row → unit index at this stage (global across the design).
    pub(crate) unit_of_row: Vec<u32>,
    /// Unit → group (stratum at stage 1, parent unit at later stages).
    pub(crate) group_of_unit: Vec<u32>,
    /// Units of each group, listed by group (CSR: `group_start[g]..group_start[g+1]`).
    pub(crate) group_start: Vec<usize>,
    pub(crate) group_units: Vec<u32>,
    /// Population size of each group's units (`None`: sampled with replacement).
    pub(crate) population: Option<Vec<f64>>,
}

impl Stage {
    pub(crate) fn n_units(&self) -> usize {
        self.group_of_unit.len()
    }
    pub(crate) fn n_groups(&self) -> usize {
        self.group_start.len() - 1
    }
    pub(crate) fn units_of_group(&self, g: usize) -> &[u32] {
        &self.group_units[self.group_start[g]..self.group_start[g + 1]]
    }
}

/// A validated survey design over the rows of a dataset.
#[derive(Debug, Clone)]
pub struct Design {
    weights: Weights,
    /// Shared: designs derived by weighting keep the same stages.
    stages: std::sync::Arc<Vec<Stage>>,
    stratum_labels: Vec<String>,
    variance_depth: usize,
    lonely_psu: LonelyPsu,
    calibration: Option<Calibration>,
    replicates: Option<Replicates>,
    threads: usize,
    /// For rows grouped by [`Design::new_grouped`]: the row as loaded of each row.
    source_rows: Option<std::sync::Arc<Vec<u32>>>,
    /// The identity of the dataset the design was built on.
    data_id: u64,
    /// For a PPS design without replacement: its method and inclusion probabilities.
    pps: Option<std::sync::Arc<PpsDesign>>,
    /// For a design on a sums table (the `sums` module): how many data rows each of its
    /// rows stands for. `None`: one each.
    row_counts: Option<std::sync::Arc<Vec<u64>>>,
    /// For a design on a sums table: each row's share of its group's unweighted sums (the
    /// raking variance's cell means are unweighted). `None`: one each.
    row_masses: Option<std::sync::Arc<Vec<f64>>>,
    /// Frequency tables' passes kept for later estimates of the same questions.
    kept: std::sync::Arc<crate::estimate::kept::KeptPasses>,
}

impl Design {
    /// Builds and validates a design.
    ///
    /// # Errors
    /// [`DesignError`]: a named column missing, a weight missing, negative or not finite,
    /// a stratum or cluster id missing, clusters crossing strata without `nest`, an fpc
    /// smaller than the number of sampled units or varying within a stratum. A stratum with
    /// one PSU is accepted under every policy, as R's `svydesign` accepts it: under
    /// [`LonelyPsu::Fail`] the variance of an estimate with rows in it fails. For a PPS
    /// design ([`DesignOptions::pps`]): options that do not fit
    /// ([`DesignError::PpsOptions`]), an inclusion probability outside (0, 1] or varying
    /// within a PSU, joint probabilities of another size than the PSUs or whose diagonal is
    /// not the fpc.
    #[doc(alias = "svydesign")]
    pub fn new(data: &Dataset, options: &DesignOptions) -> Result<Design> {
        let n = data.n_rows();
        if n == 0 {
            return Err(DesignError::NoRows);
        }
        pps::check_options(options)?;
        // Strata: each row's code read from the column's small integers when it is held as
        // such, else borrowed from the column's factor (which by-domain estimates of the
        // same column use too).
        let no_strata: Vec<u32>;
        let factor: Factor<'_>;
        let (strata, stratum_labels): (RowCodes<'_>, Vec<String>) = match &options.strata {
            None => {
                no_strata = vec![0; n];
                (RowCodes::Stored(&no_strata), vec!["1".to_string()])
            }
            Some(col) => {
                let column = data.column(col)?;
                let (rows, levels) = match column {
                    Column::Numeric(c) if c.small_ints().is_some() => RowCodes::of(column),
                    column => {
                        factor = Factor::of(column);
                        (RowCodes::Stored(factor.codes()), factor.levels().to_vec())
                    }
                };
                if let Some(row) = rows.first_missing() {
                    return Err(DesignError::MissingId {
                        column: col.clone(),
                        row: row + 1,
                    });
                }
                (rows, levels.into_iter().map(|l| l.label).collect())
            }
        };
        let n_strata = stratum_labels.len();

        // Unit ids by stage: stage 1 grouped by stratum, later stages by parent unit.
        let n_stages = options.clusters.len().max(1);
        if options.fpc.len() > n_stages {
            return Err(DesignError::TooManyFpc {
                fpc: options.fpc.len(),
                stages: n_stages,
            });
        }
        let mut stages: Vec<Stage> = Vec::with_capacity(n_stages);
        for s in 0..n_stages {
            let later;
            let parent = if s == 0 {
                &strata
            } else {
                later = RowCodes::Stored(&stages[s - 1].unit_of_row);
                &later
            };
            let n_groups = if s == 0 {
                n_strata
            } else {
                stages[s - 1].n_units()
            };
            let (unit_of_row, group_of_unit) = match options.clusters.get(s) {
                None => ((0..n as u32).collect(), parent.collect()),
                Some(col) => {
                    // The design keeps the ids as its own unit codes; ids held as small
                    // integers are read as such (no code per row made first).
                    let column = data.column(col)?;
                    let ids = match column {
                        Column::Numeric(c) if let Some(small) = c.small_ints() => Ids::Small(small),
                        column => Ids::Codes(Factor::codes_of(column)),
                    };
                    let nest = s > 0 || options.nest;
                    units_from_ids(
                        ids,
                        column,
                        parent,
                        nest,
                        col,
                        &stratum_labels,
                        crate::parallel::cores(),
                    )?
                }
            };
            let mut counts = vec![0usize; n_groups + 1];
            for &g in &group_of_unit {
                counts[g as usize + 1] += 1;
            }
            for g in 0..n_groups {
                counts[g + 1] += counts[g];
            }
            let group_start = counts.clone();
            let mut group_units = vec![0u32; group_of_unit.len()];
            let mut next = counts;
            for (u, &g) in group_of_unit.iter().enumerate() {
                group_units[next[g as usize]] = u as u32;
                next[g as usize] += 1;
            }
            let mut stage = Stage {
                unit_of_row,
                group_of_unit,
                group_start,
                group_units,
                population: None,
            };
            // A PPS design's fpc holds inclusion probabilities, read below.
            if let Some(col) = options.fpc.get(s).filter(|_| options.pps.is_none()) {
                stage.population = Some(population_sizes(data, col, &stage, parent, s)?);
            }
            stages.push(stage);
        }

        let pps = match options.pps {
            Some(_) => Some(pps::build(data, options, &stages[0], &stratum_labels)?),
            None => None,
        };

        // Weights.
        let weights = match &options.weights {
            Some(col) => Weights::from_column(data.numeric(col)?, col)?,
            None if pps.is_some() => {
                // R's weights: the inverse of its probabilities (`pps::build`).
                let prob = &pps.as_ref().expect("a PPS design").prob;
                let unit = &stages[0].unit_of_row;
                Weights::new(unit.iter().map(|&u| 1.0 / prob[u as usize]).collect())?
            }
            None if !options.fpc.is_empty() => {
                let mut w = vec![1.0; n];
                for st in &stages {
                    if let Some(pop) = &st.population {
                        for (i, wi) in w.iter_mut().enumerate() {
                            let g = st.group_of_unit[st.unit_of_row[i] as usize] as usize;
                            let sampled = st.units_of_group(g).len() as f64;
                            *wi *= pop[g] / sampled;
                        }
                    }
                }
                Weights::new(w)?
            }
            None => Weights::new(vec![1.0; n])?,
        };

        // Deeper stages add variance only below a stage sampled without replacement.
        let mut variance_depth = 1;
        while variance_depth < stages.len() && stages[variance_depth - 1].population.is_some() {
            variance_depth += 1;
        }

        let design = Design {
            weights,
            stages: std::sync::Arc::new(stages),
            stratum_labels,
            variance_depth,
            lonely_psu: options.lonely_psu,
            calibration: None,
            replicates: None,
            threads: crate::parallel::cores(),
            source_rows: None,
            data_id: data.id(),
            pps: pps.map(std::sync::Arc::new),
            row_counts: None,
            row_masses: None,
            kept: Default::default(),
        };
        Ok(design)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.weights.len()
    }

    /// Checks that `data` holds the rows the design was built on.
    ///
    /// # Errors
    /// [`DesignError::OtherData`] for any other dataset, the same rows reordered, or a
    /// dataset whose columns were replaced since.
    pub fn check_data(&self, data: &Dataset) -> Result<()> {
        if data.id() == self.data_id && data.n_rows() == self.n_rows() {
            Ok(())
        } else {
            Err(DesignError::OtherData {
                design_rows: self.n_rows(),
                data_rows: data.n_rows(),
            })
        }
    }

    /// The sampling weights.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// Returns a design with the same structure and new weights (for weighting steps).
    ///
    /// # Panics
    /// If `weights` has another length than the design's rows (a programming error).
    pub fn with_weights(&self, weights: Weights) -> Design {
        assert_eq!(weights.len(), self.n_rows(), "one weight per row");
        let mut design = Design {
            weights,
            ..self.clone()
        };
        if let Some(cal) = design.calibration.take() {
            design.calibration = Some(cal.reloaded(&design));
        }
        design
    }

    /// A design with calibrated `weights` whose variance applies the calibration's
    /// projection after those of earlier steps.
    pub(crate) fn with_calibration(&self, weights: Weights, projection: Projection) -> Design {
        self.with_calibration_loaded(weights, |design| match self.calibration.clone() {
            Some(chain) => chain.then(design, projection),
            None => Calibration::new(design, vec![projection]),
        })
    }

    /// A design with calibrated `weights` and the calibration `make` builds for it.
    pub(crate) fn with_calibration_loaded(
        &self,
        weights: Weights,
        make: impl FnOnce(&Design) -> Calibration,
    ) -> Design {
        let mut design = Design {
            weights,
            calibration: None,
            ..self.clone()
        };
        design.calibration = Some(make(&design));
        design
    }

    /// The same design, reducing rows on at most `threads` threads (default: the machine's
    /// cores). Results differ from one thread's only by the order of floating-point
    /// additions (relative 1e-12 or less).
    ///
    /// ```
    /// use survey_stats::data::{Column, Dataset, NumericColumn};
    /// use survey_stats::design::{Design, DesignOptions};
    /// let ds = Dataset::from_columns(vec![("y".into(), Column::Numeric(NumericColumn::from_values(vec![1.0, 2.0])))])?;
    /// let d = Design::new(&ds, &DesignOptions::default())?.with_threads(1);
    /// assert_eq!(d.threads(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_threads(mut self, threads: usize) -> Design {
        self.threads = threads.max(1);
        self
    }

    /// The same design whose row `i` stands for `counts[i]` data rows that share its values
    /// (a row of a sums table): the passes count rows by these numbers.
    pub(crate) fn with_row_counts(mut self, counts: Vec<u64>) -> Design {
        debug_assert_eq!(counts.len(), self.n_rows());
        self.row_counts = Some(std::sync::Arc::new(counts));
        self
    }

    /// The same design whose row `i` counts `masses[i]` times in unweighted sums over rows
    /// (a row of a sums table: its data rows, or a share of its group's unweighted sums).
    pub(crate) fn with_row_masses(mut self, masses: Vec<f64>) -> Design {
        debug_assert_eq!(masses.len(), self.n_rows());
        self.row_masses = Some(std::sync::Arc::new(masses));
        self
    }

    /// How many times each row counts in unweighted sums (`None`: once each).
    pub(crate) fn row_masses(&self) -> Option<&[f64]> {
        self.row_masses.as_deref().map(Vec::as_slice)
    }

    /// The number of data rows the design's rows stand for: [`Design::n_rows`] but for a
    /// design on a sums table.
    pub(crate) fn n_data_rows(&self) -> u64 {
        self.row_counts()
            .map_or(self.n_rows() as u64, |c| c.iter().sum())
    }

    /// How many data rows each row stands for (`None`: one each).
    pub(crate) fn row_counts(&self) -> Option<&[u64]> {
        self.row_counts.as_deref().map(Vec::as_slice)
    }

    /// The most threads an estimator's pass uses.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Whether the design's weights are calibrated (its variance uses calibration residuals).
    pub fn is_calibrated(&self) -> bool {
        self.calibration.is_some()
    }

    pub(crate) fn calibration(&self) -> Option<&Calibration> {
        self.calibration.as_ref()
    }

    /// Sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.weights.as_slice().iter().sum()
    }

    /// Number of strata.
    pub fn n_strata(&self) -> usize {
        self.stages[0].n_groups()
    }

    /// Labels of the strata, in code order.
    pub fn stratum_labels(&self) -> &[String] {
        &self.stratum_labels
    }

    /// Number of primary sampling units.
    pub fn n_psu(&self) -> usize {
        self.stages[0].n_units()
    }

    /// Stage-1 unit (PSU) of each row.
    pub fn psu_of_row(&self) -> &[u32] {
        &self.stages[0].unit_of_row
    }

    /// Stratum of each PSU.
    pub fn stratum_of_psu(&self) -> &[u32] {
        &self.stages[0].group_of_unit
    }

    /// Design degrees of freedom (R's `degf`): PSUs minus strata, or for a replicate design
    /// the rank of the replicate weights minus one.
    pub fn degrees_of_freedom(&self) -> f64 {
        match &self.replicates {
            Some(r) => r.df,
            None => self.n_psu() as f64 - self.n_strata() as f64,
        }
    }

    /// The lonely-PSU policy.
    pub fn lonely_psu(&self) -> LonelyPsu {
        self.lonely_psu
    }

    /// For a PPS design without replacement, its method (R's `pps`).
    pub fn pps(&self) -> Option<&Pps> {
        self.pps.as_ref().map(|p| &p.method)
    }

    /// For a PPS design without replacement, each PSU's inclusion probability (from the
    /// fpc column), PSUs in order of their first row.
    pub fn inclusion_probabilities(&self) -> Option<&[f64]> {
        self.pps.as_ref().map(|p| p.prob.as_slice())
    }

    pub(crate) fn pps_design(&self) -> Option<&PpsDesign> {
        self.pps.as_deref()
    }

    /// The stages, shared with the designs derived from this one.
    pub(crate) fn stages_shared(&self) -> &std::sync::Arc<Vec<Stage>> {
        &self.stages
    }

    /// Passes kept for later estimates of the same questions.
    pub(crate) fn kept(&self) -> &crate::estimate::kept::KeptPasses {
        &self.kept
    }

    pub(crate) fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// Number of stages whose variance is computed (R adds stage *s + 1* only when stage
    /// *s* has a finite population correction).
    pub(crate) fn variance_depth(&self) -> usize {
        self.variance_depth
    }

    /// The unit of each row at the deepest stage used for the variance: estimators sum
    /// rows into these units.
    pub(crate) fn variance_unit_of_row(&self) -> &[u32] {
        &self.stages[self.variance_depth - 1].unit_of_row
    }

    /// Number of units at the deepest variance stage.
    pub(crate) fn n_variance_units(&self) -> usize {
        self.stages[self.variance_depth - 1].n_units()
    }
}

/// A cluster column's ids: codes `0..levels` (or [`MISSING_CODE`]) and the number of
/// levels, or the column's small integers (`v + 1`, 0 for missing).
enum Ids<'a> {
    Codes((std::borrow::Cow<'a, [u32]>, usize)),
    Small(&'a [u16]),
}

/// Maps cluster ids to unit indices, checking nesting in the parent groups.
fn units_from_ids(
    ids: Ids<'_>,
    column: &Column,
    parent: &RowCodes<'_>,
    nest: bool,
    col: &str,
    stratum_labels: &[String],
    threads: usize,
) -> Result<(Vec<u32>, Vec<u32>)> {
    let missing = |row: usize| DesignError::MissingId {
        column: col.to_string(),
        row: row + 1,
    };
    // Each row's id as a key below `n_keys`, or MISSING_CODE; `out` becomes the units
    // (for codes, written over them).
    let (n_keys, mut out, small) = match ids {
        Ids::Codes((codes, n_levels)) => (n_levels, codes.into_owned(), None),
        Ids::Small(small) => (1 << 16, vec![0; small.len()], Some(small)),
    };
    let key = |out: &[u32], row: usize| id_key(small, out, row);
    let mut group_of_unit: Vec<u32> = Vec::new();
    if nest {
        let mut index: HashMap<(u32, u32), u32> = HashMap::new();
        for row in 0..out.len() {
            let g = parent.get(row);
            let c = key(&out, row);
            if c == MISSING_CODE {
                return Err(missing(row));
            }
            let u = *index.entry((g, c)).or_insert_with(|| {
                group_of_unit.push(g);
                group_of_unit.len() as u32 - 1
            });
            out[row] = u;
        }
        return Ok((out, group_of_unit));
    }
    // Ids unique across strata: units numbered by first appearance (R's order, which
    // replicate creation follows), each in one stratum.
    if let Some(group_of_unit) = units_in_blocks(n_keys, &mut out, small, parent, threads) {
        return Ok((out, group_of_unit));
    }
    let mut unit_of_code = vec![MISSING_CODE; n_keys];
    for row in 0..out.len() {
        let g = parent.get(row);
        let c = key(&out, row);
        if c == MISSING_CODE {
            return Err(missing(row));
        }
        let u = &mut unit_of_code[c as usize];
        if *u == MISSING_CODE {
            *u = group_of_unit.len() as u32;
            group_of_unit.push(g);
        } else if group_of_unit[*u as usize] != g {
            return Err(DesignError::ClusterCrossesStrata {
                cluster: column.level_label(row),
                column: col.to_string(),
                strata: [
                    stratum_labels[group_of_unit[*u as usize] as usize].clone(),
                    stratum_labels[g as usize].clone(),
                ],
            });
        }
        out[row] = *u;
    }
    Ok((out, group_of_unit))
}

/// Row `row`'s id as a key: its small integer (`v + 1`, [`MISSING_CODE`] for 0) when the
/// ids are held as such, else its code.
fn id_key(small: Option<&[u16]>, codes: &[u32], row: usize) -> u32 {
    match small {
        Some(small) => match small[row] {
            0 => MISSING_CODE,
            v => u32::from(v),
        },
        None => codes[row],
    }
}

/// The numbering of [`units_from_ids`] for ids unique across strata, on the machine's
/// cores: each block of rows notes each id's group and the order in which its ids first
/// appear; the ids are numbered in that order, block after block, and each row's unit is
/// written (over its code, for codes). `None`, with `out` untouched, when a block meets a
/// missing id or an id in two groups: the one-thread numbering then reports the first such
/// row.
fn units_in_blocks(
    n_keys: usize,
    out: &mut [u32],
    small: Option<&[u16]>,
    parent: &RowCodes<'_>,
    threads: usize,
) -> Option<Vec<u32>> {
    const MIN_ROWS: usize = 100_000;
    // Each block's table of ids (4 bytes an id) stays small beside the rows (ids that are
    // nearly one per row number faster in order), and unit numbers fit in a `u32`.
    let count = crate::parallel::blocks(out.len(), threads, MIN_ROWS);
    if out.len() >= u32::MAX as usize || n_keys.saturating_mul(count) > 4 * out.len() {
        return None;
    }
    let codes: &[u32] = out;
    let key = |row: usize| id_key(small, codes, row);
    // Per block: each id's group + 1 (0: not seen) and the ids in the order they first
    // appear, or `None` on a problem.
    let blocks = crate::parallel::map_blocks(codes.len(), threads, MIN_ROWS, |rows| {
        let mut group = vec![0u32; n_keys];
        let mut seen = Vec::new();
        for row in rows {
            let (c, g) = (key(row), parent.get(row) + 1);
            match group.get_mut(c as usize)? {
                at @ 0 => {
                    *at = g;
                    seen.push(c);
                }
                at if *at != g => return None,
                _ => {}
            }
        }
        Some((group, seen))
    });
    if blocks.len() < 2 {
        return None;
    }
    // The first block's ids in order, then each later block's new ones in order: the order
    // of first appearance over all rows.
    let mut blocks = blocks.into_iter();
    let (mut group, mut order) = blocks.next()??;
    for block in blocks {
        let (other, seen) = block?;
        for c in seen {
            let (at, g) = (&mut group[c as usize], other[c as usize]);
            match *at {
                0 => {
                    *at = g;
                    order.push(c);
                }
                known if known != g => return None,
                _ => {}
            }
        }
    }
    let mut unit_of_key = vec![MISSING_CODE; n_keys];
    let group_of_unit = order
        .iter()
        .enumerate()
        .map(|(u, &c)| {
            unit_of_key[c as usize] = u as u32;
            group[c as usize] - 1
        })
        .collect();
    crate::parallel::map_chunks(out, threads, MIN_ROWS, |start, chunk| {
        for (i, x) in chunk.iter_mut().enumerate() {
            let c = match small {
                Some(small) => u32::from(small[start + i]),
                None => *x,
            };
            *x = unit_of_key[c as usize];
        }
    });
    Some(group_of_unit)
}

/// Population sizes per group from an fpc column (size if > 1, sampling fraction if ≤ 1).
fn population_sizes(
    data: &Dataset,
    col: &str,
    stage: &Stage,
    parent: &RowCodes<'_>,
    s: usize,
) -> Result<Vec<f64>> {
    let values = data.numeric(col)?;
    let n_groups = stage.n_groups();
    let mut pop: Vec<Option<f64>> = vec![None; n_groups];
    for row in 0..parent.len() {
        let g = parent.get(row);
        let v = values.get(row).ok_or(DesignError::MissingFpc {
            column: col.to_string(),
            row: row + 1,
        })?;
        let g = g as usize;
        match pop[g] {
            None => pop[g] = Some(v),
            Some(p) if p != v => {
                return Err(DesignError::FpcVaries {
                    column: col.to_string(),
                    row: row + 1,
                    value: v,
                    before: p,
                });
            }
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(n_groups);
    for (g, p) in pop.into_iter().enumerate() {
        let sampled = stage.units_of_group(g).len() as f64;
        let v = p.unwrap_or(f64::INFINITY);
        if v.is_nan() || v <= 0.0 || !v.is_finite() {
            return Err(DesignError::BadFpc {
                column: col.to_string(),
                value: v,
            });
        }
        let size = if v <= 1.0 { sampled / v } else { v };
        if size < sampled - 1e-9 * sampled {
            return Err(DesignError::FpcTooSmall {
                column: col.to_string(),
                stage: s + 1,
                population: size,
                sampled: sampled as usize,
            });
        }
        out.push(size);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::NumericColumn;

    /// Units numbered on two cores are those numbered on one (by first appearance), for
    /// ids held as small integers and as codes; a missing id or an id in two strata, in
    /// one block or across blocks, gives the one-core error.
    #[test]
    fn units_numbered_in_blocks_are_those_numbered_in_order() {
        let n = 250_000;
        // Ids appear first in no particular order; each id's stratum is id % 3.
        let ids: Vec<u32> = (0..n)
            .map(|i| (i as u32 * 7_919 + i as u32 / 9) % 20_011)
            .collect();
        let strata: Vec<u32> = ids.iter().map(|id| id % 3).collect();
        let labels: Vec<String> = (1..=3).map(|s| s.to_string()).collect();
        let number = |ids: &[u32], strata: &[u32], threads: usize| {
            let small: Vec<u16> = ids
                .iter()
                .map(|&id| if id == MISSING_CODE { 0 } else { id as u16 + 1 })
                .collect();
            let column = Column::Numeric(NumericColumn::from_options(
                ids.iter()
                    .map(|&id| (id != MISSING_CODE).then_some(f64::from(id)))
                    .collect(),
            ));
            let parent = RowCodes::Stored(strata);
            let of = |ids| units_from_ids(ids, &column, &parent, false, "psu", &labels, threads);
            let small = of(Ids::Small(&small));
            let codes = of(Ids::Codes((std::borrow::Cow::Borrowed(ids), 20_011)));
            (small, codes)
        };
        let same = |ids: &[u32], strata: &[u32]| {
            let (one, two) = (number(ids, strata, 1), number(ids, strata, 2));
            assert_eq!(format!("{:?}", one.0), format!("{:?}", two.0));
            assert_eq!(format!("{:?}", one.1), format!("{:?}", two.1));
            assert_eq!(format!("{:?}", one.0), format!("{:?}", one.1));
            one.0
        };
        let (units, groups) = same(&ids, &strata).expect("valid ids");
        assert_eq!(groups.len(), 20_011);
        assert_eq!(units[0], 0);
        // A missing id, then an id in a second stratum, late in the rows (second block)
        // and early (first block, with the other block valid).
        for row in [n - 10, 10] {
            let mut missing = ids.clone();
            missing[row] = MISSING_CODE;
            assert!(same(&missing, &strata).is_err());
            let mut crossing = strata.clone();
            crossing[row] = (crossing[row] + 1) % 3;
            assert!(same(&ids, &crossing).is_err());
        }
        // An id in one stratum in the first block and in another in the second.
        let id = ids[10];
        let mut crossing = strata.clone();
        for (row, s) in crossing.iter_mut().enumerate().skip(n / 2) {
            if ids[row] == id {
                *s = (*s + 1) % 3;
            }
        }
        assert!(ids[n / 2..].contains(&id));
        assert!(same(&ids, &crossing).is_err());
    }
}
