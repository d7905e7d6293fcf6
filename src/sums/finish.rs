//! Finishing the estimates from the sums table.

use super::{Kind, Part, Plan};
use crate::data::{
    CategoricalColumn, Column, CsvOptions, Dataset, NumericColumn, read_csv, show_number,
};
use crate::design::{Design, DesignOptions};
use crate::questionnaire::Questionnaire;
use crate::spec::run::{
    adjust, check_exclude, create_replicates, finish_rows, load_questionnaire, read_spec,
    run_estimate,
};
use crate::spec::{AnalysisSpec, DesignSummary, RunOutput, SpecError};
use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

/// [`finish`] with the spec read from a file; relative paths in it are relative to the
/// spec's folder.
///
/// # Errors
/// As [`finish`], and [`SpecError::Read`] for a spec that cannot be read.
///
/// ```no_run
/// use survey_stats::sums::finish_file;
/// let out = finish_file("analysis.json".as_ref(), "sums.csv".as_ref())?;
/// println!("{} rows", out.rows.len());
/// # Ok::<(), survey_stats::spec::SpecError>(())
/// ```
pub fn finish_file(spec_path: &Path, sums: &Path) -> Result<RunOutput, SpecError> {
    let spec = read_spec(spec_path)?;
    finish(&spec, spec_path.parent().unwrap_or(Path::new(".")), sums)
}

/// The result rows of `spec` (as [`crate::spec::run`] gives them from the data) from the
/// sums table in the CSV file `sums`: the result of the query [`super::sql_for`] writes,
/// or the concatenation of its results over disjoint parts of the data. Missing values are
/// empty fields (or the spec's `missing` texts).
///
/// # Errors
/// As [`super::sql_for`] for what cannot be finished from sums; [`SpecError::Sums`] for a
/// table that lacks a column, an estimate's rows or has a bad count, and for a row no data
/// give (a repeated header line, a missing or negative `sum_w`, a `positive` flag at odds
/// with it, `sum_wyy` below `sum_wy²/sum_w`, choosers' option sums below their weight); [`SpecError::Design`]
/// and [`SpecError::Estimate`] as in [`crate::spec::run`].
///
/// ```
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::finish;
/// use survey_stats::table::ResultRow;
/// let dir = std::env::temp_dir().join(format!("sums-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// // What the query returns for y = 1, 2 (weight 1) in cluster 1 and 6 (weight 2) in
/// // cluster 2: a mean of 3.75.
/// std::fs::write(dir.join("sums.csv"), "estimate,psu,in_base,positive,n_rows,sum_w,sum_wy1,sum_wyy1\n\
///     m,1,1,1,2,2,3,5\n\
///     m,2,1,1,1,2,12,72\n")?;
/// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
/// let out = finish(&spec, &dir, &dir.join("sums.csv"))?;
/// let ResultRow::Estimate(row) = &out.rows[0] else { unreachable!() };
/// assert_eq!(row.estimate, Some(3.75));
/// assert_eq!(row.n, 3);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn finish(spec: &AnalysisSpec, dir: &Path, sums: &Path) -> Result<RunOutput, SpecError> {
    let start = Instant::now();
    let questionnaire = load_questionnaire(spec, dir)?;
    let plan = Plan::of(spec, questionnaire.as_ref())?;
    let options = CsvOptions {
        missing: spec.missing.clone(),
        questionnaire: questionnaire.as_ref(),
        // Ids are text even when they look like numbers ("01" is not "1").
        text_columns: ["estimate".to_string()].into(),
    };
    let table = read_csv(sums, &options)?;
    let loaded = Loaded {
        questionnaire,
        plan,
        source: sums.display().to_string(),
        seconds: start.elapsed().as_secs_f64(),
    };
    finish_loaded(spec, loaded, &table)
}

/// [`finish`] from the sums table already in memory (e.g. the record batches a query
/// engine returned, made a [`Dataset`]): key columns as numbers or text, sums as numbers,
/// missing values missing. Errors about the table name it "the sums table".
///
/// # Errors
/// As [`finish`].
///
/// ```
/// use survey_stats::data::Dataset;
/// use survey_stats::spec::AnalysisSpec;
/// use survey_stats::sums::finish_table;
/// use survey_stats::table::ResultRow;
/// // The sums of y = 1, 2 (weight 1) in cluster 1 and 6 (weight 2) in cluster 2.
/// let sums = Dataset::builder()
///     .column("estimate", vec!["m", "m"])
///     .column("psu", vec![1.0, 2.0])
///     .column("in_base", vec![1.0, 1.0])
///     .column("positive", vec![1.0, 1.0])
///     .column("n_rows", vec![2.0, 1.0])
///     .column("sum_w", vec![2.0, 2.0])
///     .column("sum_wy1", vec![3.0, 12.0])
///     .column("sum_wyy1", vec![5.0, 72.0])
///     .build()?;
/// let spec = AnalysisSpec::from_json(r#"{"data": "y.csv", "design": {"weights": "w", "clusters": ["psu"]},
///   "estimates": [{"id": "m", "stat": "mean", "variable": "y"}]}"#)?;
/// let out = finish_table(&spec, ".".as_ref(), &sums)?;
/// let ResultRow::Estimate(row) = &out.rows[0] else { unreachable!() };
/// assert_eq!(row.estimate, Some(3.75));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn finish_table(
    spec: &AnalysisSpec,
    dir: &Path,
    sums: &Dataset,
) -> Result<RunOutput, SpecError> {
    let start = Instant::now();
    let questionnaire = load_questionnaire(spec, dir)?;
    let plan = Plan::of(spec, questionnaire.as_ref())?;
    let loaded = Loaded {
        questionnaire,
        plan,
        source: "the sums table".into(),
        seconds: start.elapsed().as_secs_f64(),
    };
    finish_loaded(spec, loaded, sums)
}

/// What a run has before it reads the sums table: the questionnaire, the plan, where the
/// table came from (for errors) and the seconds spent getting it.
pub(super) struct Loaded {
    pub(super) questionnaire: Option<Questionnaire>,
    pub(super) plan: Plan,
    pub(super) source: String,
    pub(super) seconds: f64,
}

/// Every estimate of `spec` finished from the sums `table`: the one code behind [`finish`],
/// [`finish_table`] and the engines.
pub(super) fn finish_loaded(
    spec: &AnalysisSpec,
    loaded: Loaded,
    table: &Dataset,
) -> Result<RunOutput, SpecError> {
    let Loaded {
        questionnaire,
        plan,
        source,
        seconds: load_seconds,
    } = loaded;
    let start = Instant::now();
    let sums = Sums::read(table, &plan, &source)?;
    let mut rows = Vec::new();
    let mut step_seconds = Vec::new();
    let mut design = None;
    for (i, part) in plan.parts.iter().enumerate() {
        let lap = Instant::now();
        let (new, part_design) = finish_part(spec, &plan, part, i, &sums, questionnaire.as_ref())?;
        rows.extend(new);
        // The first estimate's design describes the run: every estimate's design has the
        // same strata and units (those of the rows in its base).
        design.get_or_insert(part_design);
        step_seconds.push((format!("estimates[{i}]"), lap.elapsed().as_secs_f64()));
    }
    finish_rows(&mut rows, spec, questionnaire.as_ref());
    Ok(RunOutput {
        rows,
        weighting: Vec::new(),
        load_seconds,
        estimate_seconds: start.elapsed().as_secs_f64(),
        step_seconds,
        design: design.ok_or_else(|| SpecError::Invalid {
            path: "estimates".into(),
            message: "nothing to finish: the spec lists no estimates".into(),
        })?,
        questionnaire,
        tables: Vec::new(),
    })
}

/// The sums table's columns, checked.
struct Sums<'a> {
    file: String,
    table: &'a Dataset,
    /// Each row's estimate, as an index into the plan's parts.
    part: Vec<usize>,
    n_rows: Vec<u64>,
    sum_w: Column64<'a>,
    in_base: Column64<'a>,
    positive: Column64<'a>,
    /// `sum_wy{j}`, `sum_wyy{j}` per value slot.
    values: Vec<(Column64<'a>, Column64<'a>)>,
    /// `sum_y{j}` per value slot, when the spec rakes (else none).
    plain: Vec<Column64<'a>>,
    /// `n_invalid`, when the table has it.
    invalid: Option<Column64<'a>>,
}

/// A numeric column of the sums table, read in place (no copy of a table that can have
/// millions of rows): a number or missing per row.
#[derive(Clone, Copy)]
enum Column64<'a> {
    Numbers(&'a NumericColumn),
    /// A column of NULLs only (read as text: an estimate without such a sum).
    Missing,
}

impl Column64<'_> {
    fn get(&self, row: usize) -> Option<f64> {
        match self {
            Column64::Numbers(c) => c.get(row),
            Column64::Missing => None,
        }
    }
}

impl<'a> Sums<'a> {
    fn read(table: &'a Dataset, plan: &Plan, file: &str) -> Result<Sums<'a>, SpecError> {
        let bad = |message: String| SpecError::Sums {
            file: file.to_string(),
            message,
        };
        let column = |name: &str| {
            table.column(name).map_err(|_| {
                bad(format!(
                    "has no column {name:?}: a sums table is the result of the query \
                     `survey-stats sql` prints for this spec"
                ))
            })
        };
        let numbers = |name: &str| -> Result<Column64<'a>, SpecError> {
            match column(name)? {
                Column::Numeric(c) => Ok(Column64::Numbers(c)),
                Column::Categorical(c) => match (0..c.len()).find_map(|i| c.get(i)) {
                    None => Ok(Column64::Missing),
                    Some(text) => Err(bad(format!("column {name:?} holds {text:?}, not a number"))),
                },
            }
        };
        for key in &plan.keys {
            column(key)?;
        }
        let ids = table.factor("estimate").map_err(|_| {
            bad(
                "has no column \"estimate\": a sums table is the result of the query \
                 `survey-stats sql` prints for this spec"
                    .into(),
            )
        })?;
        let labels = ids.labels();
        if let Some(header) = labels.iter().position(|l| *l == "estimate") {
            let r = ids.codes().iter().position(|&c| c as usize == header);
            return Err(bad(format!(
                "row {} repeats the header line: concatenate the results of chunks without \
                 their header lines",
                r.map_or(0, |r| r + 2)
            )));
        }
        let mut level_part = Vec::with_capacity(labels.len());
        for label in &labels {
            let found = plan.parts.iter().position(|p| p.id == *label);
            level_part.push(found.ok_or_else(|| {
                bad(format!(
                    "has rows of estimate {label:?}, which the spec does not have: the \
                     table is from another spec"
                ))
            })?);
        }
        let mut part = Vec::with_capacity(table.n_rows());
        for (r, &code) in ids.codes().iter().enumerate() {
            match level_part.get(code as usize) {
                Some(&p) => part.push(p),
                None => return Err(bad(format!("row {}: no estimate id", r + 2))),
            }
        }
        let mut n_rows = Vec::with_capacity(table.n_rows());
        let counts = numbers("n_rows")?;
        for r in 0..table.n_rows() {
            match counts.get(r) {
                Some(x) if x >= 1.0 && x.fract() == 0.0 && x < 9.0e15 => n_rows.push(x as u64),
                other => {
                    return Err(bad(format!(
                        "row {}: n_rows is {}, not a count of rows",
                        r + 2,
                        other.map_or("missing".into(), show_number)
                    )));
                }
            }
        }
        let values = (1..=plan.n_values)
            .map(|j| {
                Ok((
                    numbers(&format!("sum_wy{j}"))?,
                    numbers(&format!("sum_wyy{j}"))?,
                ))
            })
            .collect::<Result<_, SpecError>>()?;
        let plain = if plan.raked {
            (1..=plan.n_values)
                .map(|j| numbers(&format!("sum_y{j}")))
                .collect::<Result<_, SpecError>>()?
        } else {
            Vec::new()
        };
        let sum_w = numbers("sum_w")?;
        let positive = numbers("positive")?;
        for r in 0..table.n_rows() {
            let (w, p) = (sum_w.get(r), positive.get(r));
            let agree = match (w, p) {
                (Some(w), _) if w < 0.0 => {
                    return Err(bad(format!(
                        "row {}: sum_w is {}, a negative sum of weights",
                        r + 2,
                        show_number(w)
                    )));
                }
                (Some(w), Some(p)) => (p == 1.0 && w > 0.0) || (p == 0.0 && w == 0.0),
                // The query's group of the data rows without a weight.
                (None, _) => {
                    return Err(bad(format!(
                        "row {}: sum_w is missing: the data have rows without a weight, and \
                         the design needs every row's",
                        r + 2
                    )));
                }
                (Some(_), None) => false,
            };
            if !agree {
                return Err(bad(format!(
                    "row {}: positive is {} but sum_w is {}: the query gives 1 to rows of \
                     positive weight and 0 to rows of weight 0",
                    r + 2,
                    p.map_or("missing".into(), show_number),
                    w.map_or("missing".into(), show_number)
                )));
            }
        }
        Ok(Sums {
            file: file.to_string(),
            table,
            part,
            n_rows,
            sum_w,
            in_base: numbers("in_base")?,
            positive,
            values,
            plain,
            invalid: if plan.has_choices {
                Some(numbers("n_invalid")?)
            } else {
                None
            },
        })
    }
}

/// A key column's value in a row, as bits (a number's, or a category's code).
fn key_of(column: &Column, row: usize) -> u64 {
    match column {
        Column::Numeric(c) => c.get(row).map_or(u64::MAX, f64::to_bits),
        Column::Categorical(c) => u64::from(c.codes()[row]),
    }
}

/// The rows of one group of the table, added up.
struct Group {
    /// The first row of the table with this key.
    row: usize,
    n: u64,
    sum_w: Option<f64>,
    wy: Vec<f64>,
    wyy: Vec<f64>,
    /// `Σ y` per value (read when the spec rakes).
    y: Vec<f64>,
}

/// The small dataset's rows of one estimate: its key rows of the table, weights, values
/// and counts.
#[derive(Default)]
struct Rows {
    row: Vec<usize>,
    weight: Vec<Option<f64>>,
    values: Vec<Vec<Option<f64>>>,
    count: Vec<u64>,
    /// Each row's share of its group's unweighted sums.
    mass: Vec<f64>,
}

impl Rows {
    /// A row standing for `count` data rows that share its values.
    fn push(&mut self, row: usize, weight: Option<f64>, values: &[Option<f64>], count: u64) {
        self.push_mass(row, weight, values, count, count as f64);
    }

    /// A row counted `count` times in counts of rows and `mass` times in unweighted sums.
    fn push_mass(
        &mut self,
        row: usize,
        weight: Option<f64>,
        values: &[Option<f64>],
        count: u64,
        mass: f64,
    ) {
        self.row.push(row);
        self.weight.push(weight);
        for (column, v) in self.values.iter_mut().zip(values) {
            column.push(*v);
        }
        self.count.push(count);
        self.mass.push(mass);
    }
}

/// One estimate's rows: its groups become a small dataset, the design is rebuilt on it
/// (with the spec's replicates and post-stratification), and the spec's own estimate runs.
fn finish_part(
    spec: &AnalysisSpec,
    plan: &Plan,
    part: &Part,
    index: usize,
    sums: &Sums<'_>,
    questionnaire: Option<&Questionnaire>,
) -> Result<(Vec<crate::table::ResultRow>, DesignSummary), SpecError> {
    let value_names = part.kind.summed();
    let k = value_names.len();
    let key_columns: Vec<(&String, &Column)> = plan
        .keys
        .iter()
        .zip(&part.active)
        .filter(|(_, on)| **on)
        .map(|(name, _)| Ok((name, sums.table.column(name)?)))
        .collect::<Result<_, crate::data::DataError>>()?;
    let groups = add_up(part, index, sums, &key_columns)?;
    let mut rows = Rows {
        values: vec![Vec::new(); k],
        ..Rows::default()
    };
    for g in &groups {
        match part.kind {
            Kind::Choices(_) => {
                push_choices(&mut rows, g, sums.in_base.get(g.row), k, plan.raked).map_err(
                    |message| SpecError::Sums {
                        file: sums.file.clone(),
                        message: format!("row {}: {message}", g.row + 2),
                    },
                )?;
            }
            _ if plan.raked => push_values_raked(&mut rows, g, sums.in_base.get(g.row), k),
            _ => push_values(&mut rows, g, sums.in_base.get(g.row), k),
        }
    }
    let table_rows = rows.row.clone();
    let d = &spec.design;
    let replicates = match (&d.replicates, &d.weights) {
        (Some(reps), Some(w)) => replicate_weights(sums, reps, w, &rows)?,
        _ => Vec::new(),
    };
    let data = small_dataset(
        &key_columns,
        value_names,
        rows.row,
        rows.values,
        rows.weight,
        replicates,
    )?;
    let design = match &d.replicates {
        // The replicate columns hold analysis weights now, whatever they held in the data.
        Some(reps) => Design::with_replicate_columns(
            &data,
            "sum_w",
            &crate::design::ReplicateOptions {
                combined_weights: true,
                ..reps.clone()
            },
        )?,
        None => Design::new(
            &data,
            &DesignOptions {
                weights: Some("sum_w".into()),
                strata: d.strata.clone(),
                clusters: d.clusters.clone(),
                fpc: d.fpc.clone(),
                nest: d.nest,
                lonely_psu: d.lonely_psu,
                pps: None,
                variance: d.variance,
            },
        )?,
    }
    .with_row_counts(rows.count)
    .with_row_masses(rows.mass);
    // Replicates made from the design weight whole units, and post-stratification scales
    // whole cells: both as from the data.
    let mut design = create_replicates(design, d)?;
    for (i, step) in spec.adjust.iter().enumerate() {
        design = adjust(&data, &design, step)
            .map_err(|source| match adjust_row(&source) {
                // The small dataset's rows are groups of the table's.
                Some(row) => SpecError::Sums {
                    file: sums.file.clone(),
                    message: format!(
                        "adjust[{i}] fails on the data rows summed on row {} of the table: \
                         {source} (data row {row} here is that group)",
                        table_rows.get(row - 1).map_or(0, |r| r + 2)
                    ),
                },
                None => SpecError::Adjust {
                    path: format!("adjust[{i}]"),
                    source: Box::new(source),
                },
            })?
            .0;
    }
    let mut e = spec.estimates[index].clone();
    match part.kind {
        // The query left the excluded codes out of the base already; the rows' values
        // are the groups' means, not codes.
        Kind::Values(_) => e.exclude = Some(Vec::new()),
        Kind::Categories(_) | Kind::Choices(_) => check_exclude(&data, questionnaire, &e, index)?,
    }
    let rows = run_estimate(&data, &design, questionnaire, &e, index)?;
    let mut summary = DesignSummary::of(&design);
    if d.replicates.is_some() {
        // Each data row is its own unit of a replicate design, not each group.
        summary.psus = summary.rows;
    }
    Ok((rows, summary))
}

/// The data row (from 1) a weighting error names, if it names one.
fn adjust_row(e: &crate::weighting::AdjustError) -> Option<usize> {
    use crate::weighting::{AdjustError, WeightingError};
    match e {
        AdjustError::MissingValue { row, .. } | AdjustError::NegativeWeight { row, .. } => {
            Some(*row)
        }
        AdjustError::Weighting(
            WeightingError::InvalidWeight { row, .. }
            | WeightingError::MissingCategory { row, .. }
            | WeightingError::CodeOutOfRange { row, .. }
            | WeightingError::CategoryWithoutPopulation { row, .. }
            | WeightingError::InvalidAuxiliary { row, .. },
        ) => Some(*row),
        _ => None,
    }
    .filter(|&row| row > 0)
}

/// The estimate's rows of the table, those with the same key (from chunks of the data)
/// added up.
fn add_up(
    part: &Part,
    index: usize,
    sums: &Sums<'_>,
    key_columns: &[(&String, &Column)],
) -> Result<Vec<Group>, SpecError> {
    let bad = |message: String| SpecError::Sums {
        file: sums.file.clone(),
        message,
    };
    let value_names = part.kind.summed();
    let k = value_names.len();
    // The rows of the base, whose sums are read: for choices, those that chose.
    let base_flag = if matches!(part.kind, Kind::Choices(_)) {
        2.0
    } else {
        1.0
    };
    let mut index_of: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let flag = |x: Option<f64>| x.map_or(u64::MAX, f64::to_bits);
    for r in (0..sums.part.len()).filter(|&r| sums.part[r] == index) {
        // Any other flag would be read as rows out of the base.
        let valid = match (&part.kind, sums.in_base.get(r)) {
            (Kind::Categories(_), _) => true,
            (Kind::Values(_), Some(x)) => x == 0.0 || x == 1.0,
            (Kind::Choices(_), Some(x)) => x == 0.0 || x == 1.0 || x == 2.0,
            (_, None) => false,
        };
        if !valid {
            return Err(bad(format!(
                "row {}: in_base is {}, not a flag the query gives estimate {:?} (0 or 1; \
                 0, 1 or 2 for a multiple response)",
                r + 2,
                sums.in_base.get(r).map_or("missing".into(), show_number),
                part.id
            )));
        }
        let mut key: Vec<u64> = key_columns.iter().map(|(_, c)| key_of(c, r)).collect();
        key.push(flag(sums.in_base.get(r)));
        key.push(flag(sums.positive.get(r)));
        let g = *index_of.entry(key).or_insert_with(|| {
            groups.push(Group {
                row: r,
                n: 0,
                sum_w: Some(0.0),
                wy: vec![0.0; k],
                wyy: vec![0.0; k],
                y: vec![0.0; k],
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        group.n += sums.n_rows[r];
        group.sum_w = group.sum_w.zip(sums.sum_w.get(r)).map(|(a, b)| a + b);
        if let Some(n) = sums
            .invalid
            .as_ref()
            .and_then(|c| c.get(r))
            .filter(|&n| n > 0.0)
        {
            return Err(bad(format!(
                "row {}: {} data row(s) of estimate {:?} hold a value other than 0 or 1 in \
                 its option columns ({}): an option column holds 1 (chosen), 0 (not \
                 chosen) or a missing value",
                r + 2,
                show_number(n),
                part.id,
                value_names.join(", ")
            )));
        }
        if k > 0 && sums.in_base.get(r) == Some(base_flag) {
            for j in 0..k {
                let (wy, wyy) = &sums.values[j];
                let (Some(a), Some(b)) = (wy.get(r), wyy.get(r)) else {
                    return Err(bad(format!(
                        "row {}: sum_wy{n} or sum_wyy{n} is missing in a row of the base",
                        r + 2,
                        n = j + 1
                    )));
                };
                // Σw·y² ≥ (Σw·y)²/Σw for any rows of non-negative weight (Cauchy–Schwarz);
                // a table breaking it would be read as values without spread.
                let w = sums.sum_w.get(r).unwrap_or(0.0);
                let m = if w > 0.0 { a / w } else { 0.0 };
                if b < 0.0 || (w > 0.0 && m * m > b / w * (1.0 + 1e-9)) {
                    return Err(bad(format!(
                        "row {}: sum_wyy{n} is {}, less than sum_wy{n}² / sum_w = {}: no \
                         rows have these sums",
                        r + 2,
                        show_number(b),
                        show_number(m * a),
                        n = j + 1
                    )));
                }
                group.wy[j] += a;
                group.wyy[j] += b;
                if let Some(plain) = sums.plain.get(j) {
                    group.y[j] += plain.get(r).ok_or_else(|| {
                        bad(format!(
                            "row {}: sum_y{} is missing in a row of the base",
                            r + 2,
                            j + 1
                        ))
                    })?;
                }
            }
            // Rows that chose: each chose an option, so the options' Σw·y add up to Σw at
            // least; less would leave rows without a choice in the base of choosers.
            let w = sums.sum_w.get(r).unwrap_or(0.0);
            let chosen: f64 = sums.values[..k]
                .iter()
                .filter_map(|(wy, _)| wy.get(r))
                .sum();
            if base_flag == 2.0 && chosen < w * (1.0 - 1e-9) {
                return Err(bad(format!(
                    "row {}: the options' sum_wy add up to {}, less than sum_w = {}: rows \
                     with in_base 2 each chose an option",
                    r + 2,
                    show_number(chosen),
                    show_number(w)
                )));
            }
        }
    }
    if groups.is_empty() {
        return Err(bad(format!(
            "has no rows of estimate {:?}: the table is from another spec",
            part.id
        )));
    }
    Ok(groups)
}

/// The rows of a group of numeric values: out of the base (values missing), or in it: two
/// rows of half the weight at `m ± s` with the group's Σw, Σw·y and Σw·y² (one row at `m`
/// when there is no spread).
fn push_values(rows: &mut Rows, g: &Group, in_base: Option<f64>, k: usize) {
    let w = g.sum_w;
    if k == 0 || in_base != Some(1.0) {
        return rows.push(g.row, w, &vec![None; k], g.n);
    }
    let total = w.filter(|&w| w > 0.0);
    let m: Vec<f64> = (0..k).map(|j| total.map_or(0.0, |t| g.wy[j] / t)).collect();
    let s: Vec<f64> = (0..k)
        .map(|j| total.map_or(0.0, |t| (g.wyy[j] / t - m[j] * m[j]).max(0.0).sqrt()))
        .collect();
    if g.n < 2 || s.iter().all(|&s| s == 0.0) {
        let m: Vec<Option<f64>> = m.into_iter().map(Some).collect();
        rows.push(g.row, w, &m, g.n);
    } else {
        let half = w.map(|w| w / 2.0);
        let low: Vec<Option<f64>> = m.iter().zip(&s).map(|(m, s)| Some(m - s)).collect();
        let high: Vec<Option<f64>> = m.iter().zip(&s).map(|(m, s)| Some(m + s)).collect();
        rows.push(g.row, half, &low, g.n.div_ceil(2));
        rows.push(g.row, half, &high, g.n / 2);
    }
}

/// [`push_values`] for raked weights, whose variance also reads each cell's unweighted
/// sums of the values (R's `ave` of the linearized values): for each value `j`, two rows
/// of weight `Σw/2k` at `m_j ± √k·s_j` (the other values at their means), which keep the
/// group's Σw, Σw·y and Σw·y² of every value; their masses add up to the group's rows `n`
/// and put `Σ y_j` (the unweighted sum) on value `j`: the pair's masses `n/2k ∓ d_j/2`
/// with `d_j = (Σ y_j − n·m_j)/(√k·s_j)`. All the group's rows are counted on the first.
fn push_values_raked(rows: &mut Rows, g: &Group, in_base: Option<f64>, k: usize) {
    let w = g.sum_w;
    let total = w.filter(|&w| w > 0.0);
    if k == 0 || in_base != Some(1.0) || total.is_none() {
        return push_values(rows, g, in_base, k);
    }
    let t = total.unwrap_or(1.0);
    let m: Vec<f64> = (0..k).map(|j| g.wy[j] / t).collect();
    let root = (k as f64).sqrt();
    let n = g.n as f64;
    let mut count = g.n;
    for j in 0..k {
        let s = (g.wyy[j] / t - m[j] * m[j]).max(0.0).sqrt();
        // Without spread every value is the mean, and Σ y = n·m.
        let d = if s > 0.0 {
            (g.y[j] - n * m[j]) / (root * s)
        } else {
            0.0
        };
        for sign in [-1.0, 1.0] {
            let mut values: Vec<Option<f64>> = m.iter().map(|&v| Some(v)).collect();
            values[j] = Some(m[j] + sign * root * s);
            let mass = n / (2 * k) as f64 + sign * d / 2.0;
            rows.push_mass(g.row, Some(t / (2 * k) as f64), &values, count, mass);
            count = 0;
        }
    }
}

/// The small dataset's replicate weight columns: a row's replicate weights are its
/// group's (a key of the table) in the ratio of its weight to the group's weight per data
/// row (also a key), or its weight times the group's factors (`combined_weights: false`),
/// so that each replicate's totals are the data's.
fn replicate_weights(
    sums: &Sums<'_>,
    reps: &crate::design::ReplicateOptions,
    weight: &str,
    rows: &Rows,
) -> Result<Vec<(String, Column)>, SpecError> {
    let numbers = |name: &str| -> Result<&NumericColumn, SpecError> {
        match sums.table.column(name)? {
            Column::Numeric(c) => Ok(c),
            Column::Categorical(_) => Err(SpecError::Sums {
                file: sums.file.clone(),
                message: format!("column {name:?} holds text, not weights"),
            }),
        }
    };
    let full = numbers(weight)?;
    let mut out = Vec::new();
    for name in &reps.columns {
        let column = numbers(name)?;
        let mut values = Vec::with_capacity(rows.row.len());
        for (&r, small) in rows.row.iter().zip(&rows.weight) {
            let (v, small) = (column.get(r), small.unwrap_or(0.0));
            let value = match (v, full.get(r)) {
                (Some(v), _) if !reps.combined_weights => Some(v * small),
                (Some(v), Some(w)) if w > 0.0 => Some(v * (small / w)),
                (Some(0.0), Some(_)) => Some(0.0),
                // The data's rows without a weight or replicate weight: the design refuses
                // them as from the data.
                (None, _) | (_, None) => None,
                (Some(v), Some(_)) => {
                    return Err(SpecError::Sums {
                        file: sums.file.clone(),
                        message: format!(
                            "row {}: rows of weight 0 have replicate weight {} in {name:?}: \
                             sums keep only weighted totals, so rows of weight 0 must have \
                             replicate weights 0",
                            r + 2,
                            show_number(v)
                        ),
                    });
                }
            };
            values.push(value);
        }
        out.push((
            name.clone(),
            Column::Numeric(NumericColumn::from_options(values)),
        ));
    }
    Ok(out)
}

/// The small dataset: the key columns at each row's table row (those of `replaced` by its
/// columns), the numeric variables, and the weights as `sum_w`.
fn small_dataset(
    key_columns: &[(&String, &Column)],
    value_names: &[String],
    at: Vec<usize>,
    values: Vec<Vec<Option<f64>>>,
    weight: Vec<Option<f64>>,
    mut replaced: Vec<(String, Column)>,
) -> Result<Dataset, SpecError> {
    let mut columns = Vec::new();
    for (name, column) in key_columns {
        if let Some(i) = replaced.iter().position(|(n, _)| n == *name) {
            columns.push(replaced.swap_remove(i));
            continue;
        }
        let col = match column {
            Column::Numeric(c) => Column::Numeric(NumericColumn::from_options(
                at.iter().map(|&r| c.get(r)).collect(),
            )),
            Column::Categorical(c) => {
                const MISSING: &str = "\u{0}missing";
                let texts: Vec<&str> = at.iter().map(|&r| c.get(r).unwrap_or(MISSING)).collect();
                Column::Categorical(CategoricalColumn::from_strings(&texts, &[MISSING]))
            }
        };
        columns.push(((*name).clone(), col));
    }
    for (name, values) in value_names.iter().zip(values) {
        columns.push((
            name.clone(),
            Column::Numeric(NumericColumn::from_options(values)),
        ));
    }
    columns.push((
        "sum_w".to_string(),
        Column::Numeric(NumericColumn::from_options(weight)),
    ));
    Ok(Dataset::from_columns(columns)?)
}

/// The rows of a group of multiple responses: not answered (`in_base` 0: every option
/// missing), answered without a choice (1: every option 0), or rows of choices (2) whose
/// weights add up to the group's `Σ w` and, for each option, to its `Σ w·y`: the options'
/// sums laid end to end around a circle of length `Σ w` (each at most `Σ w`, together at
/// least `Σ w` as every row chose), cut where one starts or ends; each arc is a row choosing
/// the options over it. All the group's rows are counted on the longest arc.
fn push_choices(
    rows: &mut Rows,
    g: &Group,
    in_base: Option<f64>,
    k: usize,
    raked: bool,
) -> Result<(), String> {
    let w = g.sum_w;
    let total = w.unwrap_or(0.0);
    let single = match in_base {
        Some(2.0) if total <= 0.0 || g.n == 0 => {
            // Weight 0: any choice keeps the rows in the base and adds nothing.
            let mut one = vec![Some(0.0); k];
            one[0] = Some(1.0);
            Some(one)
        }
        Some(2.0) => None,
        Some(1.0) => Some(vec![Some(0.0); k]),
        _ => Some(vec![None; k]),
    };
    if let Some(values) = single {
        rows.push(g.row, w, &values, g.n);
        return Ok(());
    }
    let mut arcs: Vec<(usize, f64, f64)> = Vec::new();
    let mut cuts = vec![0.0, total];
    let mut at = 0.0;
    for (j, &a) in g.wy.iter().enumerate() {
        let a = a.clamp(0.0, total);
        let end = at + a;
        if end <= total {
            arcs.push((j, at, end));
            cuts.push(end);
            at = end;
        } else {
            arcs.push((j, at, total));
            arcs.push((j, 0.0, end - total));
            cuts.push(end - total);
            at = end - total;
        }
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let pieces: Vec<(f64, Vec<Option<f64>>)> = cuts
        .windows(2)
        .filter(|c| c[1] > c[0])
        .map(|c| {
            let mid = (c[0] + c[1]) / 2.0;
            let mut chosen = vec![Some(0.0); k];
            for &(j, lo, hi) in &arcs {
                if lo <= mid && mid < hi {
                    chosen[j] = Some(1.0);
                }
            }
            (c[1] - c[0], chosen)
        })
        .collect();
    let longest = pieces
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.0.total_cmp(&b.1.0))
        .map_or(0, |(i, _)| i);
    let masses = if raked {
        choice_masses(&pieces, g, total)?
    } else {
        (0..pieces.len())
            .map(|i| if i == longest { g.n as f64 } else { 0.0 })
            .collect()
    };
    for (i, ((weight, chosen), mass)) in pieces.iter().zip(masses).enumerate() {
        let count = if i == longest { g.n } else { 0 };
        rows.push_mass(g.row, Some(*weight), chosen, count, mass);
    }
    Ok(())
}

/// The masses of a group's rows of choices (see [`push_choices`]) for raked weights: they
/// add up to the group's rows `n` and, over the rows choosing option `j`, to its number of
/// choosers `Σ y_j`. The masses in proportion to the rows' weights, corrected by least
/// norm: `μ = μ₀ + Cᵀ(CCᵀ)⁺(b − Cμ₀)` with `C` the rows' indicators (all, then each
/// option's) and `b = (n, Σ y_1, …)`. The arcs' cuts make rows that differ in one option,
/// or in one option for another, so `C` has full rank but where cuts coincide; a group
/// whose sums no masses meet is an error.
fn choice_masses(
    pieces: &[(f64, Vec<Option<f64>>)],
    g: &Group,
    total: f64,
) -> Result<Vec<f64>, String> {
    let n = g.n as f64;
    let k = g.y.len();
    let q = k + 1;
    // Row a of C at piece p: 1 for a = 0, else whether the piece chose option a − 1.
    let c = |a: usize, p: usize| match a {
        0 => 1.0,
        _ => pieces[p].1[a - 1].unwrap_or(0.0),
    };
    let b: Vec<f64> = std::iter::once(n).chain(g.y.iter().copied()).collect();
    let mut mu: Vec<f64> = pieces.iter().map(|(w, _)| w / total * n).collect();
    let misfit = |mu: &[f64]| -> Vec<f64> {
        (0..q)
            .map(|a| b[a] - (0..mu.len()).map(|p| c(a, p) * mu[p]).sum::<f64>())
            .collect()
    };
    let mut cct = vec![0.0; q * q];
    for a in 0..q {
        for b in 0..q {
            cct[a * q + b] = (0..pieces.len()).map(|p| c(a, p) * c(b, p)).sum();
        }
    }
    let (lambda, _) =
        crate::numerics::linalg::pseudo_solve(&cct, q, &misfit(&mu), 256.0 * f64::EPSILON);
    for (p, m) in mu.iter_mut().enumerate() {
        *m += (0..q).map(|a| c(a, p) * lambda[a]).sum::<f64>();
    }
    let off = misfit(&mu).iter().fold(0.0, |m: f64, r| m.max(r.abs()));
    if off > 1e-9 * n.max(1.0) {
        return Err(format!(
            "the multiple response's group of {} rows cannot be rebuilt for raked weights: \
             no rows with its weighted sums have its numbers of choosers (sum_y)",
            g.n
        ));
    }
    Ok(mu)
}
