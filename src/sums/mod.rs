//! Estimates finished from a table of per-unit sums that any SQL engine computes.
//!
//! Every linearized estimate needs, of the rows, only weighted sums per sampling unit and
//! domain, and sums merge by addition. [`sql_for`] writes the `GROUP BY` query that
//! computes those sums for an analysis spec; a warehouse (Spark, Trino, BigQuery,
//! PostgreSQL, SQLite, …) runs it where the data live; [`finish`] reads the small table it
//! returns (as CSV) and finishes every estimate with the same estimators as
//! [`crate::spec::run`], giving the same result rows.
//!
//! # The sums table
//!
//! One row per estimate and group of data rows that agree on everything the estimate
//! reads except its numeric values:
//!
//! | column | what |
//! | --- | --- |
//! | `estimate` | the estimate's `id` |
//! | the design's `strata`, `clusters` and `fpc` columns, each `poststratify` step's `variable`, each `rake` step's margins, each `calibrate` step's `categorical` variables | their values (the groups nest in units and in the weighting steps' cells) |
//! | with replicate weight columns: the `weights` column and the replicate `columns` | their values (a group's rows share every weight) |
//! | the estimate's `by` columns (a `ttest`'s `group`) | their values (other estimates' `by` columns: NULL) |
//! | the categories a share or test reads (`proportion`, `count`: its `variable`; `chisq`: its `variables`) | their values |
//! | `in_base` | for a mean, total, ratio, difference or t-test: 1 when the rows have every value (none missing nor excluded), else 0; for a multiple response: 2 when a row chose an option, 1 when it answered (an option column has a value) without choosing, 0 when it did not answer |
//! | `positive` | 1 for rows of positive weight, 0 for zero weight |
//! | `n_rows` | the number of data rows |
//! | `sum_w` | `Σ w` |
//! | `sum_wy1`, `sum_wyy1`, `sum_wy2`, `sum_wyy2`, … | `Σ w·y` and `Σ w·y²` of the estimate's numeric variables in order (a mean's or t-test's `variable`; a ratio's `numerator`, `denominator`; a difference's `variables`; a multiple response's option columns, `y` = 1 for a chosen option) |
//! | `sum_y1`, `sum_y2`, … | when the spec rakes: `Σ y` of the same variables without weights (an option's number of choosers) |
//! | `n_invalid` | with a multiple response: its rows with an option value other than 0 or 1 (an error) |
//!
//! Rows of the table with the same key (every column but the sums) are added up first, so
//! the table may be the concatenation of the query's results over chunks of the data
//! (files, partitions, days; one header line): sums over disjoint rows merge by addition.
//!
//! # How the estimates are finished exactly
//!
//! Each group becomes rows of a small dataset: a group of categories is one row of weight
//! `sum_w` standing for `n_rows` rows; a group of numeric values becomes two rows of weight
//! `sum_w/2` with values `m ± s` (`m = Σw·y/Σw`, `s² = Σw·y²/Σw − m²`), which have the
//! group's `Σ w`, `Σ w·y` and `Σ w·y²`: every per-unit sum, total and design-effect moment
//! the estimators form. A group of multiple responses becomes rows of 0/1 choices whose
//! weights add up to the group's `Σ w` and, per option, to its `Σ w·y` (the options' sums
//! laid end to end around a circle of length `Σ w`, cut where one starts or ends). The
//! design is rebuilt on those rows from the same columns, with the spec's jackknife
//! replicates and weighting steps, and the spec's own estimates run on it unchanged.
//! Results agree with the in-memory run up to the order of floating-point additions
//! (relative 1e-12 or so).
//!
//! Weighting: post-stratification, raking and calibration on categorical margins give
//! every row of a cell of their variables' cross-classification the same factor (raking's
//! sweeps and calibration's Newton steps read only the cells' weight totals), so those
//! variables are keys of every group. Raking's variance (R's sweeps of cell means) also
//! averages the linearized values over rows *without* weights: with a `rake` step the
//! table carries `Σ y` per group, and each rebuilt row a mass, its share of the group's
//! unweighted sums. Numeric values then become, for each value `j` of `k`, two rows of
//! weight `Σw/2k` at `m_j ± √k·s_j` whose masses put `Σ y_j` on value `j`; choices get
//! masses corrected by least norm to each option's number of choosers.
//!
//! Replicate weight columns: a replicate's estimate needs its weighted totals, but the
//! degrees of freedom are the rank of the replicate weights of the rows in the domain,
//! which sums lose. The weights column and the replicate columns are keys, so a group's
//! rows share every weight; the rebuilt rows get replicate weights in the group's ratio
//! of replicate to full-sample weight, which keeps each replicate's totals and the rank.
//!
//! Not from sums (the error names the estimate or the spec's part and says why): quantiles
//! (they need the ordered values), models (`glm`, `olr`: their fits iterate over the rows),
//! calibration on numeric totals and trimming (they act on each row's own value or
//! weight), replicate columns given by `prefix`, replicates made from the design other
//! than the jackknife's (bootstrap, BRR, Fay), PPS designs, and designs without clusters
//! or replicate columns (each row its own unit: the table would be as large as the data).
//!
//! # Engines
//!
//! With the feature `datafusion`, Apache DataFusion runs the query in-process:
//! `run_datafusion`, or `DataFusion` with a memory limit and a number of partitions (its
//! `write_sums` writes the table of one chunk of the data); `logical_plan` gives the query
//! as a plan on a `SessionContext` of your own and `finish_batches` finishes its record
//! batches. With the feature `ballista`, `run_ballista` sends the query to a Ballista
//! cluster's scheduler.

#[cfg(feature = "ballista")]
mod ballista;
#[cfg(feature = "datafusion")]
mod datafusion;
mod finish;
mod sql;

#[cfg(feature = "ballista")]
pub use self::ballista::run_ballista;
#[cfg(feature = "datafusion")]
pub use self::datafusion::{DataFusion, finish_batches, logical_plan, run_datafusion};

pub use finish::{finish, finish_file, finish_table};
pub use sql::{Dialect, sql_file, sql_for};

use crate::design::ReplicateType;
use crate::estimate::Stat;
use crate::spec::{AdjustStep, AnalysisSpec, EstimateSpec, SpecError};

/// Whether a column of the sums table that is not a data column has this name.
fn reserved(name: &str) -> bool {
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    [
        "estimate",
        "in_base",
        "positive",
        "n_rows",
        "sum_w",
        "n_invalid",
    ]
    .contains(&name)
        || numbered("sum_wy")
        || numbered("sum_wyy")
        || numbered("sum_y")
}

/// What an estimate reads of a row.
#[derive(Debug, Clone)]
enum Kind {
    /// Numeric values, reduced to their weighted sums and sums of squares.
    Values(Vec<String>),
    /// Categories, kept as they are.
    Categories(Vec<String>),
    /// A multiple-response question's 0/1 option columns, reduced to the weighted sums of
    /// each option.
    Choices(Vec<String>),
}

impl Kind {
    /// The columns reduced to sums (none for categories).
    fn summed(&self) -> &[String] {
        match self {
            Kind::Values(vs) | Kind::Choices(vs) => vs,
            Kind::Categories(_) => &[],
        }
    }
}

/// One estimate's part of the query.
#[derive(Debug, Clone)]
struct Part {
    id: String,
    kind: Kind,
    /// Whether each of the plan's key columns is grouped on (else NULL).
    active: Vec<bool>,
    /// For [`Kind::Values`]: the codes left out of the base.
    excluded: Vec<f64>,
}

/// The query's columns and each estimate's part: what [`sql_for`] writes and [`finish`]
/// reads agree through this.
#[derive(Debug, Clone)]
struct Plan {
    /// Design, `by` and category columns, each once, in that order.
    keys: Vec<String>,
    /// How many `sum_wy`/`sum_wyy` pairs the table has.
    n_values: usize,
    /// Whether the table has the `n_invalid` column (a multiple-response estimate's).
    has_choices: bool,
    /// Whether the spec rakes: the table then has the unweighted sums `sum_y1`, … of the
    /// numeric values (the raking variance's cell means are unweighted).
    raked: bool,
    parts: Vec<Part>,
}

/// Why an estimate cannot be finished from sums, if it cannot.
fn kind_of(e: &EstimateSpec) -> Result<Kind, String> {
    let one = |v: &Option<String>| v.iter().cloned().collect::<Vec<_>>();
    match e.stat {
        Stat::Mean | Stat::Total | Stat::Ttest => Ok(Kind::Values(one(&e.variable))),
        Stat::Ratio => Ok(Kind::Values(
            [&e.numerator, &e.denominator]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
        )),
        Stat::Difference => Ok(Kind::Values(e.variables.iter().take(2).cloned().collect())),
        Stat::Proportion | Stat::Count => Ok(Kind::Categories(one(&e.variable))),
        Stat::MultipleResponse => Ok(Kind::Choices(e.variables.clone())),
        Stat::Chisq => Ok(Kind::Categories(
            e.variables.iter().take(2).cloned().collect(),
        )),
        Stat::Quantile => Err(
            "a quantile needs the ordered values of the rows, which sums \
                               do not keep"
                .into(),
        ),
        Stat::Glm | Stat::Olr => Err("a model's fit iterates over the rows (its sums change \
                                      at every Newton step)"
            .into()),
    }
}

/// The key columns of a design of replicate weight columns: the full-sample weights and
/// the replicate columns.
///
/// A replicate's estimate is a function of its weighted totals, which sums keep; but the
/// degrees of freedom are the rank of the replicate weights of the rows (of the domain),
/// which sums of them lose. With the weights among the keys, a group's rows share their
/// weight and each replicate's, so the group's rows, rebuilt with replicate weights in
/// the same ratio to their weight, have the rank of the data's and every replicate's
/// totals. The table has a row per weight set (and domain, category): one per sampling
/// unit when the weights are constant within units, as when a design's replicates are
/// made by R's `as.svrepdesign`, but as many as the data when every row has its own.
fn replicate_keys(
    weights: Option<&str>,
    reps: &crate::design::ReplicateOptions,
) -> Result<Vec<String>, SpecError> {
    if reps.prefix.is_some() {
        return Err(SpecError::Invalid {
            path: "design.replicates.prefix".into(),
            message: "sums need the replicate columns by name (the query is written before \
                      the data's columns are known): list them in design.replicates.columns"
                .into(),
        });
    }
    let Some(w) = weights else {
        return Err(SpecError::Invalid {
            path: "design.weights".into(),
            message: "a replicate design needs the full-sample weights column".into(),
        });
    };
    Ok(std::iter::once(w.to_string())
        .chain(reps.columns.iter().cloned())
        .collect())
}

/// The variables whose categories the weighting steps scale by: keys of every group.
///
/// Post-stratification, raking and calibration on categorical margins give every row of a
/// cell of the steps' cross-classification the same factor (raking's sweeps and the
/// calibration's Newton steps are functions of the cells' weight totals; bounds act on the
/// cell's g-weight), and their variance projects each unit's values on cell indicators
/// with weighted sums and row counts per cell: with these variables among the keys, the
/// groups carry all of it. Numeric auxiliaries and trimming act on each row's own value
/// or weight, which the groups do not keep.
fn weighting_cells(spec: &AnalysisSpec) -> Result<Vec<String>, SpecError> {
    let mut cells = Vec::new();
    for (i, step) in spec.adjust.iter().enumerate() {
        let refuse = |step: &str, why: &str| SpecError::Invalid {
            path: format!("adjust[{i}].{step}"),
            message: format!("cannot be finished from sums: {why}"),
        };
        match step {
            AdjustStep::Poststratify { variable, .. } => cells.push(variable.clone()),
            AdjustStep::Rake { margins, .. } => {
                cells.extend(margins.0.iter().map(|(v, _)| v.clone()));
            }
            AdjustStep::Calibrate {
                categorical,
                numeric,
                ..
            } => {
                if let Some(v) = numeric.keys().next() {
                    return Err(refuse(
                        "calibrate",
                        &format!(
                            "its numeric auxiliary {v:?} gives each row its own g-weight,                              and the sums table keeps only totals of groups of rows;                              calibrate on categorical margins only, or run on the rows"
                        ),
                    ));
                }
                cells.extend(categorical.keys().cloned());
            }
            AdjustStep::Trim { .. } => {
                return Err(refuse(
                    "trim",
                    "trimming caps each row's own weight, and a group of the sums table \
                     holds rows of different weights as one total; run on the rows",
                ));
            }
        }
    }
    Ok(cells)
}

impl Plan {
    fn of(
        spec: &AnalysisSpec,
        questionnaire: Option<&crate::questionnaire::Questionnaire>,
    ) -> Result<Plan, SpecError> {
        spec.validate()?;
        let d = &spec.design;
        let not_yet = |path: &str, what: &str| SpecError::NotImplemented {
            path: path.into(),
            what: format!("{what} from sums"),
        };
        // Replicate weight columns: the weights and every replicate's are keys, so each
        // group's rows share them (see `replicate_keys`).
        let replicate_keys = match &d.replicates {
            Some(reps) => replicate_keys(d.weights.as_deref(), reps)?,
            None => Vec::new(),
        };
        let jackknife = |c: &crate::spec::CreateReplicates| {
            matches!(c.kind, ReplicateType::JK1 | ReplicateType::JKn)
        };
        if d.create_replicates.as_ref().is_some_and(|c| !jackknife(c)) {
            return Err(SpecError::Invalid {
                path: "design.create_replicates".into(),
                message: "only jackknife replicates (JK1, JKn) can be made from sums: \
                          bootstrap draws and BRR's half-samples follow the order of the \
                          units in the data, which the sums table does not keep"
                    .into(),
            });
        }
        if d.pps.is_some() {
            return Err(not_yet("design.pps", "a PPS design"));
        }
        if !spec.tables.is_empty() {
            return Err(not_yet("tables", "banner tables"));
        }
        let cells = weighting_cells(spec)?;
        if d.weights.is_none() && !d.fpc.is_empty() {
            return Err(SpecError::Invalid {
                path: "design.weights".into(),
                message: "sums need the weights column; name it (without it the weights \
                          would come from the fpc, row by row)"
                    .into(),
            });
        }
        if d.clusters.is_empty() && d.replicates.is_none() {
            return Err(SpecError::Invalid {
                path: "design.clusters".into(),
                message: "sums are per sampling unit, and without clusters each row is its \
                          own unit: name the units' column (for rows sampled one by one, a \
                          row id column gives the same design)"
                    .into(),
            });
        }
        let mut keys: Vec<String> = Vec::new();
        let add = |keys: &mut Vec<String>, name: &str| {
            if !keys.iter().any(|k| k == name) {
                keys.push(name.to_string());
            }
        };
        for c in d
            .strata
            .iter()
            .chain(&d.clusters)
            .chain(&d.fpc)
            .chain(&replicate_keys)
            .chain(&cells)
        {
            add(&mut keys, c);
        }
        let n_design = keys.len();
        let mut kinds = Vec::new();
        for (i, e) in spec.estimates.iter().enumerate() {
            let kind = kind_of(e).map_err(|reason| SpecError::NotFromSums {
                id: e.id.clone(),
                reason,
            })?;
            // A t-test's groups are domains of the estimate.
            for b in e.by.iter().chain(&e.group) {
                add(&mut keys, b);
            }
            if let Kind::Categories(cs) = &kind {
                for c in cs {
                    add(&mut keys, c);
                }
            }
            kinds.push((i, kind));
        }
        let mut n_values = 0;
        let mut parts = Vec::new();
        for (i, kind) in kinds {
            let e = &spec.estimates[i];
            let mut active: Vec<bool> = (0..keys.len()).map(|k| k < n_design).collect();
            let mut activate = |name: &str| {
                if let Some(k) = keys.iter().position(|c| c == name) {
                    active[k] = true;
                }
            };
            e.by.iter().chain(&e.group).for_each(|b| activate(b));
            let excluded = match &kind {
                Kind::Categories(cs) => {
                    cs.iter().for_each(|c| activate(c));
                    Vec::new()
                }
                Kind::Choices(vs) | Kind::Values(vs) => {
                    if let Some(v) = vs
                        .iter()
                        .find(|v| keys.iter().zip(&active).any(|(k, on)| *on && k == *v))
                    {
                        return Err(SpecError::NotFromSums {
                            id: e.id.clone(),
                            reason: format!(
                                "its variable {v:?} is also a design or by column, which \
                                 the sums table keeps by value"
                            ),
                        });
                    }
                    n_values = n_values.max(vs.len());
                    if matches!(kind, Kind::Choices(_)) {
                        Vec::new()
                    } else {
                        let options =
                            crate::spec::run::options_of(e, questionnaire, e.variable.as_deref());
                        options.excluded_values().codes().to_vec()
                    }
                }
            };
            parts.push(Part {
                id: e.id.clone(),
                kind,
                active,
                excluded,
            });
        }
        let values = parts.iter().flat_map(|p| p.kind.summed());
        for name in keys.iter().chain(&d.weights).chain(values) {
            if reserved(name) {
                return Err(SpecError::Invalid {
                    path: "design".into(),
                    message: format!(
                        "column {name:?} has the name of a column of the sums table; \
                         rename it to use sums"
                    ),
                });
            }
        }
        let has_choices = parts.iter().any(|p| matches!(p.kind, Kind::Choices(_)));
        let raked = spec
            .adjust
            .iter()
            .any(|s| matches!(s, AdjustStep::Rake { .. }));
        Ok(Plan {
            keys,
            n_values,
            has_choices,
            raked,
            parts,
        })
    }
}
