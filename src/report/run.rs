//! The report of an analysis spec's run: design in words, weighting, tables, charts, notes.

use super::Report;
use crate::chart::{DivergingBars, DotPlot, RankedBars};
use crate::estimate::{Estimate as Row, Stat};
use crate::questionnaire::{Code, QuestionKind, Questionnaire};
use crate::spec::{AnalysisSpec, EstimateSpec, RunOutput};
use crate::table::ResultRow;

impl Report {
    /// The report of an analysis: the design described in words (rows, strata, PSUs,
    /// degrees of freedom, lonely PSUs, weighting steps), one table per estimate (in the
    /// spec's order), a chart for each estimate with `"chart": true`, the banner tables of
    /// the spec's `tables` (with their letters and notes), and notes (excluded codes, the
    /// notes of the rows).
    ///
    /// The chart of an estimate: a multiple-response question's options as
    /// [`RankedBars`] (by domain, a [`DotPlot`] per option); the shares of every answer to a
    /// question the questionnaire calls Likert as [`DivergingBars`], one bar per domain,
    /// its non-substantive codes apart; anything else as a [`DotPlot`] with intervals.
    ///
    /// ```
    /// use survey_stats::report::Report;
    /// use survey_stats::spec::{run, AnalysisSpec};
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
    /// let spec = AnalysisSpec::from_json(r#"{"data": "apistrat.csv",
    ///   "design": {"weights": "pw", "strata": "stype", "fpc": ["fpc"]},
    ///   "estimates": [{"id": "m1", "stat": "mean", "variable": "api00", "by": ["stype"], "chart": true}]}"#)?;
    /// let out = run(&spec, dir.as_ref(), None)?;
    /// let page = Report::from_run(&spec, &out).to_html();
    /// assert!(page.contains("3 strata"));
    /// assert_eq!(page.matches("<circle").count(), 3); // one dot per school type
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_run(spec: &AnalysisSpec, out: &RunOutput) -> Report {
        let lang = spec.lang.as_deref().unwrap_or("en");
        let title = out
            .questionnaire
            .as_ref()
            .and_then(|q| q.title().get(lang).map(String::from))
            .unwrap_or_else(|| format!("Analysis of {}", spec.data));
        let mut report = Report::new(title).lang(lang);
        report = report
            .heading("Design")
            .paragraph(describe_design(spec, out));
        if !out.weighting.is_empty() {
            let steps = out.weighting.iter().map(|w| {
                let s = |x: &Option<crate::weighting::WeightSummary>| {
                    x.as_ref().map_or("—".to_string(), |s| {
                        format!(
                            "cv {:.3}, Kish design effect {:.3}, effective n {:.1}",
                            s.cv, s.design_effect, s.effective_n
                        )
                    })
                };
                let mut t = format!(
                    "{} ({}): weights before: {}; after: {}",
                    w.step,
                    step_name(spec, &w.step),
                    s(&w.before),
                    s(&w.after)
                );
                if let Some(n) = &w.note {
                    t.push_str(&format!(". {n}"));
                }
                t
            });
            report = report.heading("Weighting").list(steps);
        }
        let mut notes = Vec::new();
        for e in &spec.estimates {
            let rows: Vec<ResultRow> = out
                .rows
                .iter()
                .filter(|r| match r {
                    ResultRow::Estimate(x) => x.id == e.id,
                    ResultRow::Test(t) => t.id == e.id,
                })
                .cloned()
                .collect();
            let what = describe_estimate(e);
            report = report.heading(format!("{}: {what}", e.id));
            report = report.results(&e.id, &rows);
            if e.chart == Some(true) {
                let estimates: Vec<&Row> = rows.iter().filter_map(ResultRow::estimate).collect();
                match chart_of(e, &estimates, out.questionnaire.as_ref(), &what) {
                    Some(chart) => report = report.chart(chart),
                    None => notes.push(format!("{}: no chart, no estimate to draw", e.id)),
                }
            }
            if let Some(ex) = &e.exclude {
                let codes: Vec<String> = ex.iter().map(|c| c.to_string()).collect();
                notes.push(format!(
                    "{}: codes {} left out of the base",
                    e.id,
                    codes.join(", ")
                ));
            }
            let mut seen: Vec<&str> = Vec::new();
            for r in &rows {
                let note = match r {
                    ResultRow::Estimate(x) => x.note.as_deref(),
                    ResultRow::Test(t) => t.note.as_deref(),
                };
                if let Some(n) = note
                    && !seen.contains(&n)
                {
                    seen.push(n);
                    notes.push(format!("{}: {n}", e.id));
                }
            }
        }
        for t in &out.tables {
            report = report
                .heading(format!("{}: banner table", t.id))
                .banner(&t.id, &t.banner);
        }
        notes.insert(
            0,
            "Bases: n is the number of rows in an estimate's base, weighted_n the sum of their weights.".into(),
        );
        if out.design.lonely_strata > 0 {
            notes.insert(
                1,
                format!(
                    "Lonely PSUs: {} with a single PSU; their variance follows the policy {}.",
                    strata(out.design.lonely_strata),
                    policy_name(out.design.lonely_psu)
                ),
            );
        }
        report.heading("Notes").list(notes)
    }
}

fn describe_design(spec: &AnalysisSpec, out: &RunOutput) -> String {
    let d = &spec.design;
    let s = &out.design;
    let mut parts = vec![format!("{} rows", s.rows)];
    if let Some(r) = &d.replicates {
        parts.push(format!(
            "replicate weights ({}), {} degrees of freedom",
            serde_json::to_value(r.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            s.df
        ));
    } else {
        parts.push(match &d.strata {
            Some(col) => format!("{} ({col})", strata(s.strata)),
            None => "no strata".into(),
        });
        parts.push(if d.clusters.is_empty() {
            format!("{} PSUs (each row its own unit)", s.psus)
        } else {
            format!("{} PSUs ({})", s.psus, d.clusters.join(" within "))
        });
        parts.push(format!("{} design degrees of freedom", s.df));
        if !d.fpc.is_empty() {
            parts.push(format!(
                "finite population correction ({})",
                d.fpc.join(", ")
            ));
        }
        if d.pps.is_some() {
            parts.push("PPS sampling without replacement".into());
        }
        parts.push(if s.lonely_strata == 0 {
            "no stratum with a single PSU".into()
        } else {
            format!(
                "{} with a single PSU (lonely PSUs, treated as {})",
                strata(s.lonely_strata),
                policy_name(s.lonely_psu)
            )
        });
    }
    if let Some(c) = &d.create_replicates {
        parts.push(format!(
            "variance from {:?} replicates made from the design",
            c.kind
        ));
    }
    parts.push(match &d.weights {
        Some(w) => format!("weights {w}, summing to {:.1}", s.weighted_n),
        None => "equal weights".into(),
    });
    if !spec.adjust.is_empty() {
        parts.push(format!("{} weighting steps (below)", spec.adjust.len()));
    }
    format!("{}.", parts.join("; "))
}

/// `1 stratum`, `3 strata`.
fn strata(n: usize) -> String {
    if n == 1 {
        "1 stratum".into()
    } else {
        format!("{n} strata")
    }
}

/// The lonely-PSU policy as the spec spells it (`adjust`, `remove`, …).
fn policy_name(p: crate::design::LonelyPsu) -> String {
    serde_json::to_value(p)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn step_name(spec: &AnalysisSpec, step: &str) -> &'static str {
    use crate::spec::AdjustStep;
    let i: usize = step
        .trim_start_matches("adjust[")
        .trim_end_matches(']')
        .parse()
        .unwrap_or(usize::MAX);
    match spec.adjust.get(i) {
        Some(AdjustStep::Poststratify { .. }) => "post-stratification",
        Some(AdjustStep::Rake { .. }) => "raking",
        Some(AdjustStep::Calibrate { .. }) => "calibration",
        Some(AdjustStep::Trim { .. }) => "trimming",
        None => "step",
    }
}

fn describe_estimate(e: &EstimateSpec) -> String {
    let mut what = format!("{}", e.stat);
    let vars: Vec<String> = e
        .variable
        .iter()
        .chain(e.response.iter())
        .cloned()
        .chain(e.variables.iter().cloned())
        .chain(
            e.numerator
                .iter()
                .map(|n| format!("{n} / {}", e.denominator.as_deref().unwrap_or("?"))),
        )
        .collect();
    if !vars.is_empty() {
        what.push_str(&format!(" of {}", vars.join(", ")));
    }
    if !e.by.is_empty() {
        what.push_str(&format!(" by {}", e.by.join(", ")));
    }
    what
}

/// The label of a row in a chart: its category (or term) and domain.
fn row_label(r: &Row, with_category: bool) -> String {
    let mut parts = Vec::new();
    if with_category {
        parts.extend(r.category_text());
    }
    if let Some(d) = r.domain_label.as_ref().or(r.domain.as_ref()) {
        parts.push(d.values().cloned().collect::<Vec<_>>().join(" · "));
    }
    if parts.is_empty() {
        r.variable.clone()
    } else {
        parts.join(", ")
    }
}

fn domain_key(r: &Row) -> String {
    r.domain
        .as_ref()
        .map(|d| format!("{d:?}"))
        .unwrap_or_default()
}

fn chart_of(
    e: &EstimateSpec,
    rows: &[&Row],
    questionnaire: Option<&Questionnaire>,
    title: &str,
) -> Option<crate::chart::Chart> {
    if rows.is_empty() {
        return None;
    }
    let interval = |r: &Row| r.ci_lower.zip(r.ci_upper);
    let value = |r: &Row| r.estimate.unwrap_or(f64::NAN);
    let by = !e.by.is_empty();
    let percent = matches!(e.stat, Stat::Proportion | Stat::MultipleResponse);
    // A Likert question's every answer: diverging bars, one per domain.
    let likert = questionnaire
        .and_then(|q| q.question(e.variable.as_deref()?))
        .filter(|q| matches!(q.kind, QuestionKind::Likert { .. }));
    if e.stat == Stat::Proportion
        && e.category.is_none()
        && e.categories.is_empty()
        && let Some(q) = likert
    {
        let mut scale: Vec<(f64, f64)> = q
            .substantive_codes()
            .into_iter()
            .map(|c| (c.get() as f64, q.score(c).unwrap_or(c.get() as f64)))
            .collect();
        scale.sort_by(|a, b| a.1.total_cmp(&b.1));
        let mut chart = DivergingBars::new(scale.into_iter().map(|(c, _)| c)).title(title);
        let mut domains: Vec<String> = Vec::new();
        for r in rows {
            if !domains.contains(&domain_key(r)) {
                domains.push(domain_key(r));
            }
        }
        for d in domains {
            let these: Vec<&&Row> = rows.iter().filter(|r| domain_key(r) == d).collect();
            let label = row_label(these[0], false);
            let label = if by { label } else { "all".to_string() };
            let shares: Vec<(f64, String, f64)> = these
                .iter()
                .filter_map(|r| {
                    let code: f64 = r.category.as_deref()?.parse().ok()?;
                    let name = r
                        .category_label
                        .clone()
                        .or_else(|| {
                            q.option_label(Code::new(code as i64), "en")
                                .map(String::from)
                        })
                        .unwrap_or_default();
                    Some((code, name, r.estimate.unwrap_or(0.0)))
                })
                .collect();
            chart = chart.row_shares(&label, shares.iter().map(|(c, n, s)| (*c, n.as_str(), *s)));
        }
        return Some(chart.render());
    }
    if e.stat == Stat::MultipleResponse && !by {
        let mut chart = RankedBars::new().title(title);
        for r in rows {
            chart = chart.bar(&row_label(r, true), value(r), interval(r));
        }
        return Some(chart.render());
    }
    let mut chart = DotPlot::new().title(title);
    if percent {
        chart = chart.percent();
    }
    let with_category = rows
        .iter()
        .any(|r| r.category.is_some() || r.term.is_some() || r.prob.is_some());
    for r in rows {
        chart = chart.point_values(&row_label(r, with_category), value(r), interval(r));
    }
    Some(chart.render())
}
