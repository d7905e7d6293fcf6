//! Executing an analysis spec: load, design, estimates.

use super::SpecError;
use super::types::{AdjustStep, AnalysisSpec, CodeOrLabel, DfRuleName, DfSpec, EstimateSpec};
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
    /// Seconds of each part of the estimation: `design`, `adjust[i]`, `estimates[i]`.
    pub step_seconds: Vec<(String, f64)>,
}

/// Reads a spec file and runs it; `data` overrides the spec's data file.
///
/// # Errors
/// [`SpecError`] naming the file, JSON path, row, column or estimate at fault.
pub fn run_file(spec_path: &Path, data: Option<&Path>) -> Result<RunOutput, SpecError> {
    let text = std::fs::read_to_string(spec_path).map_err(|e| SpecError::Read {
        path: spec_path.display().to_string(),
        message: e.to_string(),
    })?;
    let spec = AnalysisSpec::from_json(&text)?;
    let dir = spec_path.parent().unwrap_or(Path::new("."));
    run(&spec, dir, data)
}

fn resolve(dir: &Path, file: &str) -> PathBuf {
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
    let questionnaire = match &spec.questionnaire {
        Some(q) => {
            let path = resolve(dir, q);
            let text = std::fs::read_to_string(&path).map_err(|e| SpecError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            Some(Questionnaire::from_json(&text)?)
        }
        None => None,
    };
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
        // Rows grouped by PSU when the design is large: every pass then reads each unit's
        // rows in sequence.
        None => {
            let pps = match d.pps.clone() {
                Some(p) => {
                    Some(p.try_map_joint(|file| JointProbabilities::read_csv(resolve(dir, &file)))?)
                }
                None => None,
            };
            Design::new_grouped_if_large(
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
            )?
        }
    };
    let mut design = match &d.create_replicates {
        Some(create) => {
            let method = create.method().ok_or_else(|| SpecError::Invalid {
                path: "design.create_replicates".into(),
                message: "cannot create these replicates".into(),
            })?;
            design.replicate(method).map_err(|e| SpecError::Invalid {
                path: "design.create_replicates".into(),
                message: e.to_string(),
            })?
        }
        None => design,
    };
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
    for row in &mut rows {
        match row {
            ResultRow::Estimate(e) => e.null_non_finite(),
            ResultRow::Test(t) => t.null_non_finite(),
        }
    }
    if let Some(q) = &questionnaire {
        label_rows(&mut rows, q, spec.lang.as_deref().unwrap_or("en"));
    }
    Ok(RunOutput {
        rows,
        weighting,
        load_seconds,
        estimate_seconds: start.elapsed().as_secs_f64(),
        step_seconds,
    })
}

/// Applies one weighting step.
fn adjust(
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
fn check_exclude(
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
fn options_of(
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

fn run_estimate(
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
