//! Weighting steps applied to a design: new weights, and the calibrated variance.
//!
//! Each step computes new weights with the functions of this module and returns a new
//! [`Design`] whose estimates use the calibration residuals (R's `svyrecvar` with
//! `postStrata`): post-stratification and GREG calibration project the linearized values
//! on their auxiliaries with the pre-step weights, raking with unit weights (the limit of
//! R's alternating sweeps of cell means). On a replicate-weight design every replicate is
//! weighted the same way, and the replicates carry the variance.

use super::rake::{CellCounts, MarginRows, Raked, rake_margins, rake_valid};
use super::{
    CalibrateOptions, CalibrationOutcome, RakeControl, RakeOutcome, WeightingError, calibrate,
    poststratify, trim,
};
use crate::data::{DataError, Dataset, RowCodes, find_level, labels};
use crate::design::{Design, DesignError, Projection, SweepTable, Weights, rake_rows};
use std::collections::BTreeMap;
use thiserror::Error;

/// What went wrong applying a weighting step to a design.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum AdjustError {
    /// A variable is missing or of the wrong type.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The new weights do not make a valid design.
    #[error(transparent)]
    Design(#[from] DesignError),
    /// The weighting itself failed (no convergence, infeasible bounds, …).
    #[error(transparent)]
    Weighting(#[from] WeightingError),
    /// A population figure names a category that no row has.
    #[error(
        "{variable}: population category {category:?} does not occur in the sample (its categories: {known})"
    )]
    AbsentFromSample {
        /// Variable.
        variable: String,
        /// The category.
        category: String,
        /// The sample's categories.
        known: String,
    },
    /// A sample category has no population figure.
    #[error("{variable}: category {category:?} occurs in the sample but has no population figure")]
    NoPopulationFigure {
        /// Variable.
        variable: String,
        /// The category.
        category: String,
    },
    /// A row misses the variable.
    #[error("{variable}: data row {row} has no value")]
    MissingValue {
        /// Variable.
        variable: String,
        /// Data row, from 1.
        row: usize,
    },
    /// A population figure that cannot be met: zero or negative for a category that the
    /// sample holds, not finite, or figures whose sum overflows.
    #[error("{variable}: {problem}")]
    BadPopulation {
        /// Variable.
        variable: String,
        /// What is wrong, naming the category and the figure.
        problem: String,
    },
    /// Linear calibration gave a row a negative weight (its `g` below 0).
    #[error(
        "linear calibration gives data row {row} (CSV row {}) a negative weight ({}, g = {}): set bounds with a lower bound of at least 0 (e.g. \"bounds\": [0.1, 10]), or use method \"raking\" or \"logit\", whose weights stay positive", row + 1, crate::data::show_number(*weight), crate::data::show_number(*g)
    )]
    NegativeWeight {
        /// Data row, from 1.
        row: usize,
        /// The calibrated weight.
        weight: f64,
        /// Its ratio to the weight before calibration.
        g: f64,
    },
    /// Calibration would need more auxiliary columns than dense calibration handles.
    #[error(
        "calibration needs {columns} auxiliary columns ({detail}), more than the {limit} it handles (its work grows with the rows times the square of the columns); for a margin with many categories use poststratify (one margin) or rake (several), which take any number of categories, or merge categories"
    )]
    TooManyColumns {
        /// Columns needed.
        columns: usize,
        /// The largest.
        limit: usize,
        /// Where they come from (`g: 1999 category indicators`).
        detail: String,
    },
}

/// Most auxiliary columns [`calibrate_design`] takes: the Newton steps form and solve a
/// `p × p` system from every row (`n·p²` work), which at 300 columns and a million rows is
/// minutes already.
pub const MAX_CALIBRATION_COLUMNS: usize = 300;

/// Applies a weighting to the full-sample weights and to every replicate's weights, as R
/// does for replicate designs (`postStratify`, `rake`, `calibrate` on a `svyrep.design`):
/// the replicates' spread then carries the weighting's effect on the variance.
fn reweight_replicates(
    design: &Design,
    mut step: impl FnMut(&[f64]) -> Result<Vec<f64>, AdjustError>,
) -> Result<Design, AdjustError> {
    let full = step(design.weights().as_slice())?;
    reweight_replicates_after(design, full, step)
}

/// [`reweight_replicates`] given the full-sample weights the step made already.
fn reweight_replicates_after(
    design: &Design,
    full: Vec<f64>,
    mut step: impl FnMut(&[f64]) -> Result<Vec<f64>, AdjustError>,
) -> Result<Design, AdjustError> {
    let (n, r) = (design.n_rows(), design.n_replicates());
    let old = design.replicate_weights();
    let mut reps = vec![0.0; n * r];
    let mut column = vec![0.0; n];
    for j in 0..r {
        for (i, c) in column.iter_mut().enumerate() {
            *c = old[i * r + j];
        }
        for (i, w) in step(&column)?.into_iter().enumerate() {
            reps[i * r + j] = w;
        }
    }
    Ok(design.with_replicate_weights(Weights::new(full)?, reps))
}

/// A weighting error naming the row as loaded rather than the design's (grouped) row.
fn loaded_rows(design: &Design) -> impl Fn(WeightingError) -> WeightingError + '_ {
    |e| e.map_row(|row| design.source_row(row - 1) + 1)
}

/// Each row's code of `variable` (read from its column on demand) and the population
/// count of each code, in factor order.
fn margin<'a>(
    data: &'a Dataset,
    design: &Design,
    variable: &str,
    population: &BTreeMap<String, f64>,
) -> Result<(RowCodes<'a>, Vec<f64>), AdjustError> {
    let (codes, levels) = RowCodes::of(data.column(variable)?);
    if let Some(row) = codes.first_missing() {
        return Err(AdjustError::MissingValue {
            variable: variable.to_string(),
            row: design.source_row(row) + 1,
        });
    }
    let mut pop = vec![f64::NAN; levels.len()];
    for (category, &count) in population {
        let level = find_level(&levels, category).ok_or_else(|| AdjustError::AbsentFromSample {
            variable: variable.to_string(),
            category: category.clone(),
            known: labels(&levels).join(", "),
        })?;
        pop[level] = count;
    }
    if let Some(level) = pop.iter().position(|p| p.is_nan()) {
        return Err(AdjustError::NoPopulationFigure {
            variable: variable.to_string(),
            category: levels[level].label.clone(),
        });
    }
    let bad = |problem: String| AdjustError::BadPopulation {
        variable: variable.to_string(),
        problem,
    };
    for (level, &count) in levels.iter().zip(&pop) {
        let show = crate::data::show_number(count);
        if !count.is_finite() {
            return Err(bad(format!(
                "the population figure of category {:?} is {show}, not a finite number",
                level.label
            )));
        }
        if count <= 0.0 {
            return Err(bad(format!(
                "the population figure of category {:?} is {show}: it must be positive, \
                 since the sample holds that category",
                level.label
            )));
        }
    }
    if !pop.iter().sum::<f64>().is_finite() {
        return Err(bad(
            "the population figures add up to more than 1.8e308 (the range of f64): give \
             them in smaller units"
                .to_string(),
        ));
    }
    Ok((codes, pop))
}

/// Per-row codes of `variable` and the population count of each code, in factor order.
fn cells(
    data: &Dataset,
    design: &Design,
    variable: &str,
    population: &BTreeMap<String, f64>,
) -> Result<(Vec<u32>, Vec<f64>, usize), AdjustError> {
    let (codes, pop) = margin(data, design, variable, population)?;
    let levels = pop.len();
    Ok((codes.collect(), pop, levels))
}

/// Indicator columns of codes, row-major, appended to `x` (which has `p` columns so far).
fn push_indicators(x: &mut Vec<Vec<f64>>, codes: &[u32], levels: usize, skip_first: bool) {
    for level in usize::from(skip_first)..levels {
        x.push(
            codes
                .iter()
                .map(|&c| f64::from(u8::from(c as usize == level)))
                .collect(),
        );
    }
}

fn row_major(columns: &[Vec<f64>], n: usize) -> Vec<f64> {
    let p = columns.len();
    let mut x = vec![0.0; n * p];
    for (j, col) in columns.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            x[i * p + j] = *v;
        }
    }
    x
}

/// Post-stratifies to population counts of one categorical variable, as R's
/// `postStratify(design, ~variable, population)`.
///
/// ```text
/// w_k ← w_k · N_c / Σ_{c} w       for the post-stratum c of row k
/// ```
///
/// # Errors
/// [`AdjustError`]: a category without population figure or absent from the sample, a
/// missing value, an already calibrated design.
///
/// ```
/// use std::collections::BTreeMap;
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::weighting::poststratify_design;
/// let ds = read_csv_from_reader("g,y\na,1\na,2\nb,3\n".as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let pop = BTreeMap::from([("a".to_string(), 10.0), ("b".to_string(), 30.0)]);
/// let ps = poststratify_design(&ds, &d, "g", &pop)?;
/// assert_eq!(ps.weights().as_slice(), &[5.0, 5.0, 30.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "postStratify")]
pub fn poststratify_design(
    data: &Dataset,
    design: &Design,
    variable: &str,
    population: &BTreeMap<String, f64>,
) -> Result<Design, AdjustError> {
    design.check_data(data)?;
    let (codes, pop, levels) = cells(data, design, variable, population)?;
    if design.n_replicates() > 0 {
        return reweight_replicates(design, |w| Ok(poststratify(w, &codes, &pop)?));
    }
    let old = design.weights().as_slice();
    let new = poststratify(old, &codes, &pop).map_err(loaded_rows(design))?;
    let mut x = Vec::new();
    push_indicators(&mut x, &codes, levels, false);
    let n = old.len();
    let projection = Projection::greg(row_major(&x, n), levels, old.to_vec(), new.clone());
    Ok(design.with_calibration(Weights::new(new)?, projection))
}

/// Rakes to the margins of several categorical variables, in the order given, as R's
/// `rake(design, list(~a, ~b), list(pop_a, pop_b), control)`; returns the design and the
/// raking's report (iterations, convergence, achieved margins). The report's row-length
/// parts, [`RakeOutcome::weights`] and [`RakeOutcome::cells`], move into the design and are
/// left empty: the weights are [`Design::weights`]. Rows of zero weight stay at zero and
/// do not enter the raking variance's projection (R's sweeps divide 0 by 0 on them and
/// report NaN); estimates then agree with the design without those rows, SEs to about 1e-8.
///
/// # Errors
/// As [`poststratify_design`]; [`WeightingError`] when the margins' totals disagree.
///
/// ```
/// use std::collections::BTreeMap;
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::weighting::{rake_design, RakeControl};
/// let ds = read_csv_from_reader("a,b\nx,u\nx,v\ny,u\ny,v\n".as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let margins = [
///     ("a".to_string(), BTreeMap::from([("x".to_string(), 30.0), ("y".to_string(), 70.0)])),
///     ("b".to_string(), BTreeMap::from([("u".to_string(), 50.0), ("v".to_string(), 50.0)])),
/// ];
/// let control = RakeControl { max_iter: 100, epsilon: 1e-12 };
/// let (raked, outcome) = rake_design(&ds, &d, &margins, control)?;
/// let w = raked.weights().as_slice();
/// assert!((w[0] + w[1] - 30.0).abs() < 1e-9 && (w[0] + w[2] - 50.0).abs() < 1e-9);
/// assert!(outcome.converged);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "rake")]
pub fn rake_design(
    data: &Dataset,
    design: &Design,
    margins: &[(String, BTreeMap<String, f64>)],
    control: RakeControl,
) -> Result<(Design, RakeOutcome), AdjustError> {
    design.check_data(data)?;
    let (codes, populations): (Vec<RowCodes<'_>>, Vec<Vec<f64>>) = margins
        .iter()
        .map(|(variable, population)| margin(data, design, variable, population))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    let rows: Vec<MarginRows<'_>> = codes
        .into_iter()
        .zip(&populations)
        .map(|(codes, population)| MarginRows { codes, population })
        .collect();
    let old = design.weights().as_slice();
    // The design's weights are valid already.
    let raked = rake_valid(old, &rows, control, design.threads()).map_err(loaded_rows(design))?;
    if design.n_replicates() > 0 {
        // The full sample is raked already: only the replicates remain.
        let full = raked.factor_rows(old, design.threads());
        let design = reweight_replicates_after(design, full, |w| {
            Ok(rake_margins(w, &rows, control, design.threads())?.weights)
        })?;
        let outcome = RakeOutcome {
            cells: Vec::new(),
            ..raked.outcome
        };
        return Ok((design, outcome));
    }
    let Raked {
        mut outcome,
        factor,
        counts,
    } = raked;
    let n_codes: Vec<usize> = populations.iter().map(Vec::len).collect();
    drop(rows);
    // R's variance sweeps over the margins with each margin's weights of the last sweep:
    // the raked weights times a factor per cell of the margins' cross-classification.
    let last = outcome.sweep_factors.last();
    let m = margins.len();
    let ratio: Vec<f64> = (0..outcome.cell_codes.len())
        .map(|i| match last.map(|f| f[i / m]) {
            Some(fm) if fm > 0.0 => outcome.sweep_factors[i % m][i / m] / fm,
            _ => 0.0,
        })
        .collect();
    let table = SweepTable {
        cell_codes: outcome.cell_codes.clone(),
        n_codes,
        ratio,
    };
    let cells = std::mem::take(&mut outcome.cells);
    let counts = match design.row_counts() {
        // A row of a sums table stands for several data rows: the variance's cell means
        // are over the data rows.
        Some(n) => data_row_counts(&cells, n, old, counts.rows.len()),
        None => counts,
    };
    let counts = (counts.rows.as_slice(), counts.positive.as_slice());
    let raked = rake_rows(design, cells, &factor, table, counts)?;
    Ok((raked, outcome))
}

/// Data rows and data rows of positive weight per cell, of rows standing for `counts`
/// data rows each.
fn data_row_counts(cells: &[u32], counts: &[u64], weights: &[f64], n_cells: usize) -> CellCounts {
    let mut out = CellCounts {
        rows: vec![0.0; n_cells],
        positive: vec![0.0; n_cells],
    };
    for ((&c, &n), &w) in cells.iter().zip(counts).zip(weights) {
        out.rows[c as usize] += n as f64;
        if w > 0.0 {
            out.positive[c as usize] += n as f64;
        }
    }
    out
}

/// Calibrates (GREG) to population totals of categorical and numeric auxiliaries, as R's
/// `calibrate(design, ~cat + num, totals, calfun)`: the model matrix is an intercept (total:
/// `population`, or else the first categorical margin's sum), treatment dummies of each
/// categorical variable (first level dropped) and the numeric variables; without
/// categorical margins and `population`, the numeric variables alone.
///
/// # Errors
/// As [`poststratify_design`]; [`WeightingError`] when the calibration does not converge or
/// the bounds are infeasible.
///
/// ```
/// use std::collections::BTreeMap;
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::weighting::{calibrate_design, CalibrateOptions};
/// let ds = read_csv_from_reader("x\n1\n2\n3\n".as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let numeric = BTreeMap::from([("x".to_string(), 12.0)]);
/// let (cal, _) = calibrate_design(&ds, &d, None, &BTreeMap::new(), &numeric, CalibrateOptions::default())?;
/// let total: f64 = cal.weights().as_slice().iter().zip([1.0, 2.0, 3.0]).map(|(w, x)| w * x).sum();
/// assert!((total - 12.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "calibrate")]
pub fn calibrate_design(
    data: &Dataset,
    design: &Design,
    population: Option<f64>,
    categorical: &BTreeMap<String, BTreeMap<String, f64>>,
    numeric: &BTreeMap<String, f64>,
    options: CalibrateOptions,
) -> Result<(Design, CalibrationOutcome), AdjustError> {
    design.check_data(data)?;
    let n = design.n_rows();
    check_calibration_size(data, population, categorical, numeric)?;
    let mut columns: Vec<Vec<f64>> = Vec::new();
    let mut totals = Vec::new();
    if let Some(size) = population {
        columns.push(vec![1.0; n]);
        totals.push(size);
    }
    for (i, (variable, counts)) in categorical.iter().enumerate() {
        let (codes, pop, levels) = cells(data, design, variable, counts)?;
        if i == 0 && population.is_none() {
            columns.push(vec![1.0; n]);
            totals.push(pop.iter().sum());
        }
        push_indicators(&mut columns, &codes, levels, true);
        totals.extend_from_slice(&pop[1..]);
    }
    for (variable, total) in numeric {
        if !total.is_finite() {
            return Err(AdjustError::BadPopulation {
                variable: variable.clone(),
                problem: format!("the population total {total} is not a finite number"),
            });
        }
        let col = data.numeric(variable)?;
        let values = (0..n)
            .map(|row| {
                col.get(row).ok_or_else(|| AdjustError::MissingValue {
                    variable: variable.clone(),
                    row: design.source_row(row) + 1,
                })
            })
            .collect::<Result<Vec<f64>, _>>()?;
        columns.push(values);
        totals.push(*total);
    }
    let p = columns.len();
    let x = row_major(&columns, n);
    let old = design.weights().as_slice();
    if let Some(t) = totals.iter().find(|t| !t.is_finite()) {
        return Err(AdjustError::BadPopulation {
            variable: "calibrate".to_string(),
            problem: format!(
                "the population size (the total of the intercept) is {t}: give the figures in \
                 smaller units"
            ),
        });
    }
    let outcome = calibrate(old, &x, p, &totals, options).map_err(loaded_rows(design))?;
    check_positive(&outcome.weights, old, design)?;
    if design.n_replicates() > 0 {
        let cal = reweight_replicates(design, |w| {
            Ok(calibrate(w, &x, p, &totals, options)?.weights)
        })?;
        return Ok((cal, outcome));
    }
    let cal = design.with_calibration(
        Weights::new(outcome.weights.clone())?,
        Projection::greg(x, p, old.to_vec(), outcome.weights.clone()),
    );
    Ok((cal, outcome))
}

/// The number of auxiliary columns of a calibration, checked against
/// [`MAX_CALIBRATION_COLUMNS`] before any column is made.
fn check_calibration_size(
    data: &Dataset,
    population: Option<f64>,
    categorical: &BTreeMap<String, BTreeMap<String, f64>>,
    numeric: &BTreeMap<String, f64>,
) -> Result<(), AdjustError> {
    let mut parts = Vec::new();
    for variable in categorical.keys() {
        let (_, levels) = RowCodes::of(data.column(variable)?);
        parts.push((levels.len().saturating_sub(1), variable.as_str()));
    }
    let intercept = usize::from(population.is_some() || !categorical.is_empty());
    let columns = intercept + parts.iter().map(|p| p.0).sum::<usize>() + numeric.len();
    if columns <= MAX_CALIBRATION_COLUMNS {
        return Ok(());
    }
    parts.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut detail: Vec<String> = parts
        .iter()
        .take(3)
        .map(|(k, v)| format!("{v:?}: {k} category indicators"))
        .collect();
    if !numeric.is_empty() {
        detail.push(format!("{} numeric", numeric.len()));
    }
    Err(AdjustError::TooManyColumns {
        columns,
        limit: MAX_CALIBRATION_COLUMNS,
        detail: detail.join(", "),
    })
}

/// Calibrated weights must not be negative: linear calibration without bounds can give
/// them (R's `calibrate` returns them silently); `before` are the weights calibrated.
fn check_positive(weights: &[f64], before: &[f64], design: &Design) -> Result<(), AdjustError> {
    match weights.iter().position(|w| *w < 0.0) {
        Some(k) => Err(AdjustError::NegativeWeight {
            row: design.source_row(k) + 1,
            weight: weights[k],
            g: weights[k] / before[k],
        }),
        None => Ok(()),
    }
}

/// Trims weights to `[lower, upper]`, redistributing the trimmed amount to the other
/// weights, as R's `trimWeights(design, upper, lower)`. A calibrated design keeps its
/// calibration projection, as in R.
///
/// # Errors
/// [`WeightingError`] for bounds that cannot hold the total.
///
/// ```
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::weighting::trim_design;
/// let ds = read_csv_from_reader("w\n1\n1\n10\n".as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions { weights: Some("w".into()), ..Default::default() })?;
/// let t = trim_design(&d, 0.5, 6.0)?;
/// let w = t.weights().as_slice();
/// assert!(w.iter().all(|&x| x <= 6.0 + 1e-12));
/// assert!((w.iter().sum::<f64>() - 12.0).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(alias = "trimWeights")]
pub fn trim_design(design: &Design, lower: f64, upper: f64) -> Result<Design, AdjustError> {
    if design.n_replicates() > 0 {
        return reweight_replicates(design, |w| Ok(trim(w, lower, upper, false)?));
    }
    let new = trim(design.weights().as_slice(), lower, upper, false)?;
    Ok(design.with_weights(Weights::new(new)?))
}
