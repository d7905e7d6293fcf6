//! Executing an analysis spec: load, design, estimates.

use super::SpecError;
use super::types::{
    AdjustStep, AnalysisSpec, CodeOrLabel, DesignSpec, DfRuleName, DfSpec, EstimateSpec,
};
use crate::data::{Dataset, OpenOptions, show_number};
use crate::design::{Design, DesignOptions, JointProbabilities};
use crate::estimate::{
    self, CategorySelection, DfRule, Domains, EstimateError, EstimateOptions, Stat,
};
use crate::hypothesis::{independence, independence_by};
use crate::questionnaire::Questionnaire;
use crate::table::ResultRow;
use crate::weighting::{self, AdjustError, CalibrateOptions, RakeControl, WeightSummary};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a weighting step did to the weights: summaries before and after, and its report
/// (raking's sweeps and achieved margins, calibration's Newton steps).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WeightingReport {
    /// The step's JSON path (`adjust[0]`).
    pub step: String,
    /// The weights before the step.
    pub before: Option<WeightSummary>,
    /// The weights after it.
    pub after: Option<WeightSummary>,
    /// The step's own report.
    pub note: Option<String>,
}

/// The result of running an analysis, with wall times.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Result rows in the order of the spec's estimates.
    pub rows: Vec<ResultRow>,
    /// One report per weighting step.
    pub weighting: Vec<WeightingReport>,
    /// Seconds spent reading and validating the data.
    pub load_seconds: f64,
    /// Seconds spent on everything after loading.
    pub estimate_seconds: f64,
    /// Seconds of each part of the estimation: `design`, `adjust[i]`, `estimates[i]`,
    /// `tables[i]`.
    pub step_seconds: Vec<(String, f64)>,
    /// The design as run: rows, strata, PSUs, degrees of freedom, lonely PSUs.
    pub design: DesignSummary,
    /// The questionnaire the spec named, as read.
    pub questionnaire: Option<Questionnaire>,
    /// The banner tables of the spec's `tables`, in order.
    pub tables: Vec<SpecTable>,
}

/// A banner table of the spec's `tables`, with its id.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SpecTable {
    /// The table's id.
    pub id: String,
    /// The table.
    #[serde(flatten)]
    pub banner: crate::Banner,
}

/// The design an analysis ran under, for describing it in words (the HTML report).
///
/// ```
/// use survey_stats::spec::{run, AnalysisSpec};
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
/// let spec = AnalysisSpec::from_json(r#"{"data": "apistrat.csv",
///   "design": {"weights": "pw", "strata": "stype"},
///   "estimates": [{"id": "m1", "stat": "mean", "variable": "api00"}]}"#)?;
/// let d = run(&spec, dir.as_ref(), None)?.design;
/// assert_eq!((d.rows, d.strata, d.psus, d.df), (200, 3, 200, 197.0));
/// assert_eq!(d.lonely_strata, 0);
/// # Ok::<(), survey_stats::spec::SpecError>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct DesignSummary {
    /// Rows of the data.
    pub rows: usize,
    /// Strata (1 without strata).
    pub strata: usize,
    /// Primary sampling units (the rows without clusters).
    pub psus: usize,
    /// Design degrees of freedom (R's `degf`).
    pub df: f64,
    /// Strata with a single PSU.
    pub lonely_strata: usize,
    /// The lonely-PSU policy.
    pub lonely_psu: crate::design::LonelyPsu,
    /// Sum of the final weights.
    pub weighted_n: f64,
}

impl DesignSummary {
    /// The summary of `design`; its rows are the data rows it stands for.
    pub(crate) fn of(design: &Design) -> Self {
        let mut per_stratum = vec![0usize; design.n_strata()];
        for &s in design.stratum_of_psu() {
            if let Some(c) = per_stratum.get_mut(s as usize) {
                *c += 1;
            }
        }
        DesignSummary {
            rows: usize::try_from(design.n_data_rows()).unwrap_or(usize::MAX),
            strata: design.n_strata(),
            psus: design.n_psu(),
            df: design.degrees_of_freedom(),
            lonely_strata: per_stratum.iter().filter(|&&c| c == 1).count(),
            lonely_psu: design.lonely_psu(),
            weighted_n: design.weights().as_slice().iter().sum(),
        }
    }
}

/// Reads a spec file and runs it; `data` overrides the spec's data file.
///
/// # Errors
/// [`SpecError`] naming the file, JSON path, row, column or estimate at fault.
pub fn run_file(spec_path: &Path, data: Option<&Path>) -> Result<RunOutput, SpecError> {
    let spec = read_spec(spec_path)?;
    let dir = spec_path.parent().unwrap_or(Path::new("."));
    run(&spec, dir, data)
}

/// Reads and parses a spec file.
pub(crate) fn read_spec(spec_path: &Path) -> Result<AnalysisSpec, SpecError> {
    let text = std::fs::read_to_string(spec_path).map_err(|e| SpecError::Read {
        path: spec_path.display().to_string(),
        message: e.to_string(),
    })?;
    AnalysisSpec::from_json(&text)
}

pub(crate) fn resolve(dir: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

/// Runs a parsed spec; relative paths in it are relative to `dir`.
///
/// # Errors
/// As [`run_file`].
pub fn run(spec: &AnalysisSpec, dir: &Path, data: Option<&Path>) -> Result<RunOutput, SpecError> {
    spec.validate()?;
    let start = Instant::now();
    let questionnaire = load_questionnaire(spec, dir)?;
    let data_path = data.map_or_else(|| resolve(dir, &spec.data), Path::to_path_buf);
    let mut options = OpenOptions::new().missing(spec.missing.iter().cloned());
    // A file whose extension names no other format is CSV, as it always was.
    if crate::data::Format::from_path(&data_path).is_none() {
        options = options.format(crate::data::Format::Csv);
    }
    if let Some(q) = &questionnaire {
        options = options.questionnaire(q);
    }
    if let Some(lang) = &spec.lang {
        options = options.lang(lang.clone());
    }
    // CSV is read whole anyway; the binary formats skip the columns no analysis names.
    if crate::data::Format::from_path(&data_path).is_some_and(|f| f != crate::data::Format::Csv)
        && let Some(columns) = wanted_columns(spec, questionnaire.as_ref())
    {
        options = options.columns(columns);
    }
    let opened = Dataset::open_with(&data_path, &options).map_err(open_error)?;
    let mut dataset = opened.data;
    // A questionnaire given explicitly wins over the one the file's labels describe.
    let questionnaire = questionnaire.or(opened.questionnaire);
    let load_seconds = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let d = &spec.design;
    let design = match &d.replicates {
        Some(reps) => {
            let weights = d.weights.as_deref().ok_or_else(|| SpecError::Invalid {
                path: "design.weights".into(),
                message: "a replicate design needs the full-sample weights column".into(),
            })?;
            Design::with_replicate_columns(&dataset, weights, reps)?
        }
        // Rows grouped by PSU when the design is large and the analysis makes enough
        // passes over the rows: every pass then reads each unit's rows in sequence.
        None => {
            let pps = match d.pps.clone() {
                Some(p) => {
                    Some(p.try_map_joint(|file| JointProbabilities::read_csv(resolve(dir, &file)))?)
                }
                None => None,
            };
            let passes = spec.estimates.len()
                + spec.tables.iter().map(|t| t.rows.len()).sum::<usize>()
                + 2 * spec.adjust.len();
            Design::new_grouped_if_pays(
                &mut dataset,
                &DesignOptions {
                    weights: d.weights.clone(),
                    strata: d.strata.clone(),
                    clusters: d.clusters.clone(),
                    fpc: d.fpc.clone(),
                    nest: d.nest,
                    lonely_psu: d.lonely_psu,
                    pps,
                    variance: d.variance,
                },
                passes,
            )?
        }
    };
    let mut design = create_replicates(design, d)?;
    let mut step_seconds = vec![("design".to_string(), start.elapsed().as_secs_f64())];
    let mut lap = Instant::now();
    let mut time_step = |name: String| {
        step_seconds.push((name, lap.elapsed().as_secs_f64()));
        lap = Instant::now();
    };
    let mut weighting = Vec::new();
    for (i, step) in spec.adjust.iter().enumerate() {
        let summary = |d: &Design| WeightSummary::of(d.weights().as_slice()).ok();
        let before = summary(&design);
        let (adjusted, note) =
            adjust(&dataset, &design, step).map_err(|source| SpecError::Adjust {
                path: format!("adjust[{i}]"),
                source: Box::new(source),
            })?;
        design = adjusted;
        weighting.push(WeightingReport {
            step: format!("adjust[{i}]"),
            before,
            after: summary(&design),
            note,
        });
        time_step(format!("adjust[{i}]"));
    }
    let mut rows = Vec::new();
    for (i, e) in spec.estimates.iter().enumerate() {
        check_exclude(&dataset, questionnaire.as_ref(), e, i)?;
        let new =
            run_estimate(&dataset, &design, questionnaire.as_ref(), e, i).map_err(
                |err| match err {
                    SpecError::Estimate { id, source } => SpecError::Estimate {
                        source: Box::new(locate_overflow(*source, &dataset, &design, e)),
                        id,
                    },
                    other => other,
                },
            )?;
        rows.extend(new);
        time_step(format!("estimates[{i}]"));
    }
    finish_rows(&mut rows, spec, questionnaire.as_ref());
    let lang = spec.lang.as_deref().unwrap_or("en");
    let design_summary = DesignSummary::of(&design);
    let mut tables = Vec::with_capacity(spec.tables.len());
    if !spec.tables.is_empty() {
        let survey = crate::Survey::from_parts(dataset, design);
        for (i, t) in spec.tables.iter().enumerate() {
            let mut banner =
                run_table(&survey, t, questionnaire.as_ref()).map_err(|e| SpecError::Invalid {
                    path: format!("tables[{i}]"),
                    message: format!("table {:?}: {e}", t.id),
                })?;
            if let Some(q) = &questionnaire {
                banner.label_codes(|question, code| {
                    let code = crate::questionnaire::Code::from_f64(code)?;
                    let q = q.question(question)?;
                    q.option_label(code, lang).map(String::from)
                });
            }
            tables.push(SpecTable {
                id: t.id.clone(),
                banner,
            });
            time_step(format!("tables[{i}]"));
        }
    }
    Ok(RunOutput {
        rows,
        weighting,
        load_seconds,
        estimate_seconds: start.elapsed().as_secs_f64(),
        step_seconds,
        design: design_summary,
        questionnaire,
        tables,
    })
}

/// The output of a run in a command-line format. Without tables: the result rows alone, as
/// [`crate::table::render_results`] (JSON: one array). With tables: the rows (when there are
/// any), then each table after a blank line and a heading line with its id (`table b1`,
/// `### b1` in Markdown, `# b1` in CSV); JSON is one object `{"rows": [...], "tables":
/// [...]}` with each table's full structure and its `id`.
///
/// ```
/// use survey_stats::spec::{render_output, run, AnalysisSpec};
/// use survey_stats::table::Format;
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
/// let spec = AnalysisSpec::from_json(r#"{
///   "data": "apistrat.csv",
///   "design": {"weights": "pw", "strata": "stype", "fpc": ["fpc"]},
///   "tables": [{"id": "b1", "by": ["stype"], "rows": [{"mean": "api00"}], "min_base": 10}]
/// }"#)?;
/// let out = run(&spec, dir.as_ref(), None)?;
/// let json: serde_json::Value = serde_json::from_str(&render_output(&out, Format::Json))?;
/// assert_eq!(json["tables"][0]["id"], "b1");
/// assert_eq!(json["tables"][0]["columns"][1]["label"], "E");
/// assert!(render_output(&out, Format::Markdown).contains("### b1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_output(out: &RunOutput, format: crate::table::Format) -> String {
    use crate::table::{Format, render_results};
    if out.tables.is_empty() {
        return render_results(&out.rows, format);
    }
    if format == Format::Json {
        let all = serde_json::json!({ "rows": out.rows, "tables": out.tables });
        return serde_json::to_string_pretty(&all).unwrap_or_default();
    }
    let mut text = String::new();
    if !out.rows.is_empty() {
        text.push_str(render_results(&out.rows, format).trim_end());
        text.push_str("\n\n");
    }
    for t in &out.tables {
        let heading = match format {
            Format::Markdown => format!("### {}\n\n", t.id),
            Format::Csv => format!("# {}\n", t.id),
            _ => format!("table {}\n", t.id),
        };
        text.push_str(&heading);
        text.push_str(t.banner.render(format).trim_end());
        text.push_str("\n\n");
    }
    text
}

/// A spec's banner table through the library's builder.
fn run_table(
    survey: &crate::Survey,
    t: &super::TableSpec,
    questionnaire: Option<&Questionnaire>,
) -> crate::Result<crate::Banner> {
    use super::BannerRowSpec;
    let mut b = survey.banner(&t.by);
    // A banner variable's answer options are columns even when nobody chose them.
    for v in &t.by {
        if let Some(q) = questionnaire.and_then(|q| q.question_for_column(v)) {
            b = b.categories_of(v, q.answer_codes().iter().map(|c| c.get() as f64).collect());
        }
    }
    match (&t.exclude, questionnaire) {
        (Some(codes), _) => b = b.exclude(codes.iter().copied()),
        // As the estimates: without `exclude`, the questionnaire's non-substantive codes.
        (None, Some(q)) => {
            for row in &t.rows {
                let name = match row {
                    BannerRowSpec::Single(v)
                    | BannerRowSpec::Likert(v)
                    | BannerRowSpec::Mean(v) => v,
                    BannerRowSpec::Net { variable, .. } => variable,
                    BannerRowSpec::Multiple(_) => continue,
                };
                if let Some(question) = q.question_for_column(name) {
                    let codes = question
                        .missing_codes
                        .iter()
                        .map(|m| m.code.get() as f64)
                        .collect();
                    b = b.exclude_listed(name, codes);
                }
            }
        }
        (None, None) => {}
    }
    for row in &t.rows {
        b = match row {
            BannerRowSpec::Single(q) => b.rows_single(q),
            BannerRowSpec::Net {
                variable,
                label,
                categories,
            } => b.rows_net(variable, label, categories.iter().copied()),
            BannerRowSpec::Multiple(q) => b.rows_multiple(q),
            // The questionnaire's scale (its scores, direction and two-level boxes), else 1–5.
            BannerRowSpec::Likert(q) => match questionnaire
                .and_then(|qn| qn.question_for_column(q))
                .and_then(|question| crate::estimate::LikertScale::from_question(question, 2))
            {
                Some(scale) => b.rows_likert_on(q, &scale),
                None => b.rows_likert(q),
            },
            BannerRowSpec::Mean(v) => b.rows_mean(v),
        };
    }
    if let Some(level) = t.level {
        b = b.level(level.value());
    }
    if let Some(adjust) = t.p_adjust {
        b = b.adjust(adjust);
    }
    if let Some(min_base) = t.min_base {
        b = b.min_base(min_base);
    }
    b.build()
}

/// The design with the replicates `design.create_replicates` asks for, if it does.
pub(crate) fn create_replicates(design: Design, d: &DesignSpec) -> Result<Design, SpecError> {
    let Some(create) = &d.create_replicates else {
        return Ok(design);
    };
    let method = create.method().ok_or_else(|| SpecError::Invalid {
        path: "design.create_replicates".into(),
        message: "cannot create these replicates".into(),
    })?;
    design.replicate(method).map_err(|e| SpecError::Invalid {
        path: "design.create_replicates".into(),
        message: e.to_string(),
    })
}

/// The spec's questionnaire, read, if it names one.
pub(crate) fn load_questionnaire(
    spec: &AnalysisSpec,
    dir: &Path,
) -> Result<Option<Questionnaire>, SpecError> {
    let Some(q) = &spec.questionnaire else {
        return Ok(None);
    };
    let path = resolve(dir, q);
    let text = std::fs::read_to_string(&path).map_err(|e| SpecError::Read {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(Some(Questionnaire::from_json(&text)?))
}

/// The last touches of every run's rows: non-finite values become nulls, and the
/// questionnaire's labels are filled in.
pub(crate) fn finish_rows(
    rows: &mut [ResultRow],
    spec: &AnalysisSpec,
    questionnaire: Option<&Questionnaire>,
) {
    for row in rows.iter_mut() {
        match row {
            ResultRow::Estimate(e) => e.null_non_finite(),
            ResultRow::Test(t) => t.null_non_finite(),
        }
    }
    if let Some(q) = questionnaire {
        label_rows(rows, q, spec.lang.as_deref().unwrap_or("en"));
    }
}

/// Applies one weighting step.
pub(crate) fn adjust(
    data: &Dataset,
    design: &Design,
    step: &AdjustStep,
) -> Result<(Design, Option<String>), AdjustError> {
    Ok(match step {
        AdjustStep::Poststratify {
            variable,
            population,
        } => (
            weighting::poststratify_design(data, design, variable, population)?,
            None,
        ),
        AdjustStep::Rake {
            margins,
            max_iter,
            tolerance,
        } => {
            let defaults = RakeControl::default();
            let control = RakeControl {
                max_iter: max_iter.map_or(defaults.max_iter, |m| m as usize),
                epsilon: tolerance.unwrap_or(defaults.epsilon),
            };
            let (raked, outcome) = weighting::rake_design(data, design, &margins.0, control)?;
            let note = format!(
                "{} after {} sweep(s); achieved margins {:?}",
                if outcome.converged {
                    "converged"
                } else {
                    "not converged"
                },
                outcome.iterations,
                outcome.achieved
            );
            (raked, Some(note))
        }
        AdjustStep::Calibrate {
            method,
            population,
            categorical,
            numeric,
            bounds,
        } => {
            let options = CalibrateOptions {
                method: method.unwrap_or_default(),
                bounds: bounds.map(|[l, u]| (l, u)),
                ..CalibrateOptions::default()
            };
            let (cal, outcome) = weighting::calibrate_design(
                data,
                design,
                *population,
                categorical,
                numeric,
                options,
            )?;
            (cal, Some(format!("{} Newton step(s)", outcome.iterations)))
        }
        AdjustStep::Trim { lower, upper } => {
            (weighting::trim_design(design, *lower, *upper)?, None)
        }
    })
}

/// The numeric columns an estimate reads.
fn columns_of(e: &EstimateSpec) -> Vec<&str> {
    match e.stat {
        Stat::Ratio => [&e.numerator, &e.denominator]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect(),
        Stat::Difference | Stat::MultipleResponse | Stat::Chisq => {
            e.variables.iter().map(String::as_str).collect()
        }
        Stat::Olr => e.response.iter().map(String::as_str).collect(),
        _ => e.variable.iter().map(String::as_str).collect(),
    }
}

/// Each code of a spec's `exclude` occurs in the estimate's variable (for a ratio or a
/// difference, in either), unless the questionnaire lists it among the question's
/// non-substantive codes: a code that matches nothing is most likely a typo, and would
/// silently exclude nothing.
pub(crate) fn check_exclude(
    data: &Dataset,
    questionnaire: Option<&Questionnaire>,
    e: &EstimateSpec,
    index: usize,
) -> Result<(), SpecError> {
    use crate::data::Column;
    let Some(codes) = &e.exclude else {
        return Ok(());
    };
    if matches!(e.stat, Stat::MultipleResponse | Stat::Chisq) {
        return Ok(());
    }
    let columns = columns_of(e);
    for code in codes {
        let text = code.to_string();
        let number = text.trim().parse::<f64>().ok();
        let occurs = |name: &&str| match data.column(name) {
            Ok(Column::Numeric(c)) => {
                number.is_some_and(|x| (0..c.len()).any(|i| c.get(i) == Some(x)))
            }
            Ok(Column::Categorical(_)) => data.factor(name).is_ok_and(|f| f.find(&text).is_some()),
            // A column that is not there is the estimate's error to report.
            Err(_) => true,
        };
        let non_substantive = |name: &&str| {
            questionnaire
                .and_then(|q| q.question_for_column(name))
                .is_some_and(|q| {
                    q.missing_codes
                        .iter()
                        .any(|m| Some(m.code.to_string()) == number.map(|x| x.to_string()))
                })
        };
        if columns.iter().any(|c| occurs(c) || non_substantive(c)) {
            continue;
        }
        let known = match data.factor(columns[0]) {
            Ok(f) => {
                let mut known: Vec<&str> = f.labels().into_iter().take(30).collect();
                if f.levels().len() > 30 {
                    known.push("…");
                }
                known.join(", ")
            }
            Err(_) => String::new(),
        };
        return Err(SpecError::Invalid {
            path: format!("estimates[{index}].exclude"),
            message: format!(
                "{text:?} does not occur in {} (its values: {known}): exclude lists values \
                 that rows hold",
                columns
                    .iter()
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        });
    }
    Ok(())
}

/// An overflow error with the row whose weighted value is the largest in size among the
/// estimate's columns (or the largest weight, for shares and counts).
fn locate_overflow(
    err: EstimateError,
    data: &Dataset,
    design: &Design,
    e: &EstimateSpec,
) -> EstimateError {
    let EstimateError::Overflow { variable, detail } = err else {
        return err;
    };
    let weights = design.weights().as_slice();
    // (|w·y|, row, "y = value", w) of the largest contribution.
    let mut worst: Option<(f64, usize, String, f64)> = None;
    for name in columns_of(e) {
        let Ok(col) = data.numeric(name) else {
            continue;
        };
        for (i, &w) in weights.iter().enumerate() {
            if let Some(v) = col.get(i)
                && worst.as_ref().is_none_or(|(s, ..)| (w * v).abs() > *s)
            {
                worst = Some(((w * v).abs(), i, format!("{name} = {}", show_number(v)), w));
            }
        }
    }
    if worst.is_none() {
        worst = weights
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(i, &w)| (w, i, String::new(), w));
    }
    let detail = match worst {
        Some((_, i, what, w)) => {
            let row = design.source_row(i) + 1;
            let w = show_number(w);
            let value = if what.is_empty() {
                format!("weight {w}")
            } else {
                format!("{what} with weight {w}")
            };
            format!(": data row {row} (CSV row {}) has {value}", row + 1)
        }
        None => detail,
    };
    EstimateError::Overflow { variable, detail }
}

/// The estimate's options, with the questionnaire's non-substantive codes as the default
/// exclusion.
pub(crate) fn options_of(
    e: &EstimateSpec,
    questionnaire: Option<&Questionnaire>,
    variable: Option<&str>,
) -> EstimateOptions {
    let defaults = EstimateOptions::default();
    let exclude = match &e.exclude {
        Some(codes) => codes.iter().map(CodeOrLabel::to_string).collect(),
        None => variable
            .and_then(|v| questionnaire.and_then(|q| q.question_for_column(v)))
            .map(|q| q.missing_codes.iter().map(|m| m.code.to_string()).collect())
            .unwrap_or_default(),
    };
    EstimateOptions {
        level: e.level.unwrap_or(defaults.level),
        interval: e.interval.unwrap_or(defaults.interval),
        df: match e.df {
            None | Some(DfSpec::Rule(DfRuleName::Domain)) => DfRule::Domain,
            Some(DfSpec::Rule(DfRuleName::Base)) => DfRule::Base,
            Some(DfSpec::Number(x)) => DfRule::Fixed(x),
        },
        method: e.method.unwrap_or(defaults.method),
        exclude,
        na_rm: e.na_rm.unwrap_or(true),
    }
}

pub(crate) fn run_estimate(
    data: &Dataset,
    design: &Design,
    questionnaire: Option<&Questionnaire>,
    e: &EstimateSpec,
    index: usize,
) -> Result<Vec<ResultRow>, SpecError> {
    let fail = |source: EstimateError| SpecError::Estimate {
        id: e.id.clone(),
        source: Box::new(source),
    };
    let domains = Domains::by(data, &e.by).map_err(|x| fail(x.into()))?;
    if !e.by.is_empty() && domains.is_empty() {
        let empty =
            e.by.iter()
                .find(|b| data.factor(b.as_str()).is_ok_and(|f| f.levels().is_empty()));
        return Err(fail(EstimateError::NoDomains {
            reason: match empty {
                Some(b) => format!("by column {b:?} has no value on any row"),
                None => format!(
                    "no row has a value in every by column ({})",
                    e.by.join(", ")
                ),
            },
        }));
    }
    let var = e.variable.as_deref().unwrap_or_default();
    let options = options_of(e, questionnaire, e.variable.as_deref());
    let selection = if !e.categories.is_empty() {
        CategorySelection::Net {
            categories: e.categories.iter().map(CodeOrLabel::to_string).collect(),
            label: e.label.clone().unwrap_or_else(|| {
                e.categories
                    .iter()
                    .map(CodeOrLabel::to_string)
                    .collect::<Vec<_>>()
                    .join("+")
            }),
        }
    } else if let Some(c) = &e.category {
        CategorySelection::One(c.to_string())
    } else {
        CategorySelection::All
    };
    let rows = match e.stat {
        Stat::Mean if e.average_domains == Some(true) && domains.is_by() => {
            let mut rows = estimate::mean(data, design, var, &domains, &options).map_err(fail)?;
            let c = vec![1.0 / domains.len() as f64; domains.len()];
            let mut avg =
                estimate::domain_contrast(data, design, var, None, &domains, &c, &options)
                    .map_err(fail)?;
            avg.category = Some("average of domains".to_string());
            rows.push(avg);
            Ok(rows)
        }
        Stat::Mean => estimate::mean(data, design, var, &domains, &options),
        Stat::Total => estimate::total(data, design, var, &domains, &options),
        Stat::Proportion => estimate::proportion(data, design, var, &selection, &domains, &options),
        Stat::Count => estimate::count(data, design, var, &selection, &domains, &options),
        Stat::Ratio => estimate::ratio(
            data,
            design,
            e.numerator.as_deref().unwrap_or_default(),
            e.denominator.as_deref().unwrap_or_default(),
            &domains,
            &options,
        ),
        Stat::Difference => estimate::difference(
            data,
            design,
            &e.variables[0],
            &e.variables[1],
            &domains,
            &options,
        ),
        Stat::Quantile => {
            let rule = e.rule.unwrap_or_default();
            let interval = e.quantile_interval.unwrap_or_default();
            estimate::quantiles(
                data, design, var, &e.probs, rule, interval, &domains, &options,
            )
        }
        Stat::MultipleResponse => estimate::multiple_response(
            data,
            design,
            &e.variables,
            e.base.unwrap_or_default(),
            &domains,
            &options,
        ),
        Stat::Olr => {
            if !e.by.is_empty() {
                return Err(SpecError::NotImplemented {
                    path: format!("estimates[{index}].by"),
                    what: "olr by domain".into(),
                });
            }
            let response = e.response.as_deref().unwrap_or_default();
            let options = options_of(e, questionnaire, Some(response));
            estimate::olr_rows(data, design, response, &e.terms, &options)
        }
        Stat::Glm => return run_glm(data, design, e, index, &domains),
        Stat::Ttest => {
            if !e.by.is_empty() {
                return Err(SpecError::NotImplemented {
                    path: format!("estimates[{index}].by"),
                    what: "ttest by domain".into(),
                });
            }
            let group = e.group.as_deref().unwrap_or_default();
            estimate::ttest(data, design, var, group, &options).map(|r| vec![r])
        }
        Stat::Chisq => {
            let statistic = e.test.unwrap_or_default();
            let test_error = |source| SpecError::Test {
                id: e.id.clone(),
                source: Box::new(source),
            };
            if domains.is_by() {
                let rows = independence_by(
                    data,
                    design,
                    &e.variables[0],
                    &e.variables[1],
                    statistic,
                    &domains,
                )
                .map_err(test_error)?;
                return Ok(rows
                    .into_iter()
                    .map(|mut row| {
                        row.id = e.id.clone();
                        ResultRow::Test(row)
                    })
                    .collect());
            }
            let mut row = independence(data, design, &e.variables[0], &e.variables[1], statistic)
                .map_err(test_error)?;
            row.id = e.id.clone();
            return Ok(vec![ResultRow::Test(row)]);
        }
    }
    .map_err(fail)?;
    Ok(rows
        .into_iter()
        .map(|mut r| {
            r.id = e.id.clone();
            ResultRow::Estimate(Box::new(r))
        })
        .collect())
}

/// Fills each row's `category_label` from the questionnaire (the option's label for a
/// coded category or a multiple-response column, the net's label for a net id) and its
/// `domain_label` (the options' labels of the `by` questions); a multiple-response row's
/// `variable` becomes its question's id.
///
/// ```
/// use survey_stats::questionnaire::Questionnaire;
/// use survey_stats::spec::label_rows;
/// use survey_stats::table::ResultRow;
/// let q = Questionnaire::from_json(r#"{"questions": [{"id": "q1", "text": {"en": "Aware?"},
///   "kind": "single_choice", "options": [{"code": 1, "label": {"en": "Yes", "kk": "Иә"}}]}]}"#)?;
/// let row: ResultRow = serde_json::from_str(r#"{"id": "p", "stat": "proportion", "variable": "q1",
///   "domain": null, "category": "1", "estimate": 0.5, "std_error": 0.1, "ci_lower": 0.3,
///   "ci_upper": 0.7, "level": 0.95, "df": 10, "deff": 1.0, "deff_replace": 1.0, "n": 20,
///   "n_missing": 0, "weighted_n": 20.0, "method": "logit"}"#)?;
/// let mut rows = vec![row];
/// label_rows(&mut rows, &q, "kk");
/// let ResultRow::Estimate(e) = &rows[0] else { unreachable!() };
/// assert_eq!(e.category_label.as_deref(), Some("Иә"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn label_rows(rows: &mut [ResultRow], questionnaire: &Questionnaire, lang: &str) {
    use crate::questionnaire::Code;
    let code_label = |question: &str, value: &str| -> Option<String> {
        let q = questionnaire.question(question)?;
        let code = Code::from_f64(value.parse::<f64>().ok()?)?;
        q.option_label(code, lang).map(String::from)
    };
    for row in rows {
        let ResultRow::Estimate(e) = row else {
            continue;
        };
        if let Some(domain) = &e.domain {
            let labels: std::collections::BTreeMap<String, String> = domain
                .iter()
                .filter_map(|(k, v)| code_label(k, v).map(|l| (k.clone(), l)))
                .collect();
            if !labels.is_empty() {
                e.domain_label = Some(labels);
            }
        }
        let Some(category) = e.category.clone() else {
            continue;
        };
        let label = if e.stat == Stat::MultipleResponse {
            questionnaire.question_for_column(&category).and_then(|q| {
                e.variable = q.id.to_string();
                q.option_for_column(&category)
                    .and_then(|c| q.option_label(c, lang))
            })
        } else {
            questionnaire
                .question_for_column(&e.variable)
                .and_then(
                    |q| match category.parse::<f64>().ok().and_then(Code::from_f64) {
                        Some(code) => q.option_label(code, lang),
                        None => q.net(&category).and_then(|n| n.label.get(lang)),
                    },
                )
        };
        e.category_label = label.map(String::from);
    }
}

/// A `glm` estimate: one row per coefficient, carrying its `term`.
fn run_glm(
    data: &Dataset,
    design: &Design,
    e: &EstimateSpec,
    index: usize,
    domains: &Domains,
) -> Result<Vec<ResultRow>, SpecError> {
    use super::types::CategoricalField;
    use crate::estimate::{Model, glm};
    let response = e.response.clone().unwrap_or_default();
    let mut model = Model::new(e.family.unwrap_or_default(), &response).terms(&e.terms);
    if let Some(CategoricalField::Columns(c)) = &e.categorical {
        model = model.categorical(c);
    }
    if let Some(c) = &e.category {
        model = model.success(c.to_string());
    }
    if let Some(level) = e.level {
        model = model.level(level.value());
    }
    let mut rows = Vec::new();
    for d in 0..domains.len() {
        let within = domains.is_by().then_some((domains, d));
        let label = domains.is_by().then(|| domains.label(d).clone());
        let fit = match glm::fit(data, design, &model, within) {
            Ok(fit) => fit,
            // A domain whose model cannot be fitted: one row saying why.
            Err(err)
                if domains.is_by()
                    && matches!(err.kind(), crate::error::ErrorKind::Unavailable { .. }) =>
            {
                let mut row = estimate::unavailable(Stat::Glm, &response, 0.95, &err.to_string());
                row.id = e.id.clone();
                row.domain = label;
                rows.push(ResultRow::Estimate(Box::new(row)));
                continue;
            }
            Err(err) => {
                return Err(SpecError::Invalid {
                    path: format!("estimates[{index}]"),
                    message: err.to_string(),
                });
            }
        };
        rows.extend(fit.coefficients.iter().map(|c| {
            let mut row = estimate::unavailable(Stat::Glm, &response, fit.level, "");
            row.id = e.id.clone();
            row.domain = label.clone();
            row.term = Some(c.term.clone());
            row.estimate = c.estimate;
            row.std_error = c.std_error;
            row.ci_lower = c.interval.map(|i| i.0);
            row.ci_upper = c.interval.map(|i| i.1);
            row.df = Some(c.df);
            row.p_value = c.p_value;
            row.n = fit.n;
            row.n_missing = fit.n_missing;
            row.weighted_n = fit.weighted_n;
            row.method = "t".to_string();
            row.note = c.note.clone();
            ResultRow::Estimate(Box::new(row))
        }));
    }
    Ok(rows)
}

/// The columns an analysis can name: every word of every text in the spec (beyond its
/// file names) and every column of the questionnaire; `None` (every column) when
/// replicate weights are found by a prefix. Reading only these skips the other columns of
/// a Parquet or SPSS file; a name that is no column is ignored.
fn wanted_columns(
    spec: &AnalysisSpec,
    questionnaire: Option<&Questionnaire>,
) -> Option<Vec<String>> {
    if spec
        .design
        .replicates
        .as_ref()
        .is_some_and(|r| r.prefix.is_some())
    {
        return None;
    }
    // A banner's multiple-response row finds its options' columns by prefix (`q7_1`, …).
    if spec.tables.iter().any(|t| {
        t.rows
            .iter()
            .any(|r| matches!(r, super::BannerRowSpec::Multiple(_)))
    }) {
        return None;
    }
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) => {
                out.push(s.clone());
                out.extend(
                    s.split(|c: char| {
                        !(c.is_alphanumeric() || matches!(c, '_' | '.' | '$' | '@' | '#'))
                    })
                    .filter(|w| !w.is_empty() && *w != s)
                    .map(str::to_string),
                );
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if k != "data" && k != "questionnaire" {
                        out.push(k.clone());
                        walk(v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&serde_json::to_value(spec).ok()?, &mut out);
    if let Some(q) = questionnaire {
        out.extend(q.columns().map(str::to_string));
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// A data file's error in the spec's terms.
fn open_error(e: crate::Error) -> SpecError {
    match e.into_kind() {
        crate::ErrorKind::Data(e) => SpecError::Data(e),
        crate::ErrorKind::Questionnaire(e) => SpecError::Questionnaire(e),
        other => SpecError::Invalid {
            path: "data".into(),
            message: other.to_string(),
        },
    }
}
