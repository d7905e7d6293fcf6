//! Likert (rating) scales: mean score, top and bottom boxes, net score.

use super::linear::{RowInterval, Smooth, SrsScale, quantity_row, unit};
use super::pass::{RowStatus, run_pass};
use super::{Domains, Estimate, EstimateOptions, Result, Stat, unavailable};
use crate::data::Dataset;
use crate::design::Design;
use crate::questionnaire::{Question, QuestionKind};

/// A rating scale: the score of each substantive code, and which codes form the top and
/// bottom boxes. Codes not listed (non-substantive answers such as "hard to answer") are
/// left out of the base and counted in `n_missing`.
///
/// ```
/// use survey_stats::estimate::LikertScale;
/// let scale = LikertScale::five_point();
/// assert_eq!(scale.score(4.0), Some(4.0));
/// assert_eq!(scale.score(9.0), None);
/// assert_eq!(scale.top, vec![4.0, 5.0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct LikertScale {
    /// `(code, score)` of each level.
    pub scores: Vec<(f64, f64)>,
    /// Codes of the top box.
    pub top: Vec<f64>,
    /// Codes of the bottom box.
    pub bottom: Vec<f64>,
}

impl LikertScale {
    /// Codes 1–5 scored 1–5, top box 4+5, bottom box 1+2.
    pub fn five_point() -> Self {
        Self {
            scores: (1..=5).map(|c| (f64::from(c), f64::from(c))).collect(),
            top: vec![4.0, 5.0],
            bottom: vec![1.0, 2.0],
        }
    }

    /// The scale of a Likert question, with boxes of `k` levels at each end (by the
    /// question's direction). `None` for other kinds of question.
    pub fn from_question(question: &Question, k: usize) -> Option<Self> {
        let QuestionKind::Likert { levels, .. } = &question.kind else {
            return None;
        };
        let codes = |v: Vec<crate::questionnaire::Code>| v.iter().map(|c| c.get() as f64).collect();
        Some(Self {
            scores: levels
                .iter()
                .map(|l| (l.code.get() as f64, l.score))
                .collect(),
            top: codes(question.top_box(k)?),
            bottom: codes(question.bottom_box(k)?),
        })
    }

    /// The score of a code, `None` when the code is not a level.
    pub fn score(&self, code: f64) -> Option<f64> {
        self.scores
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, s)| *s)
    }
}

/// Mean score, top box, bottom box and net score (top − bottom) of a rating question, per
/// domain, from one pass; each with design SE and interval (shares by `options.method`,
/// mean and net score t or normal), and the net score's p-value against zero.
///
/// ```text
/// mean score  = Σ w·s(y) / Σ w            top = Σ w·1[y ∈ top] / Σ w
/// net score   = top − bottom,   z_k = w_k·(1[top] − 1[bottom] − net)/Σw
/// ```
/// over the base (rows whose code is a level). Source: R `svymean` of the score and of the
/// box indicators; `svycontrast` for the net score.
///
/// # Errors
/// As [`super::mean`].
///
/// ```
/// use survey_stats::data::{Column, Dataset, NumericColumn};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{likert_summary, Domains, EstimateOptions, LikertScale};
/// let ds = Dataset::from_columns(vec![(
///     "q5".into(),
///     Column::Numeric(NumericColumn::from_values(vec![5.0, 4.0, 2.0, 9.0, 4.0])),
/// )])?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let rows = likert_summary(&ds, &d, "q5", &LikertScale::five_point(), &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(rows[0].estimate, Some(3.75)); // mean score without the 9
/// assert_eq!(rows[1].estimate, Some(0.75)); // top-2 box
/// assert_eq!(rows[3].estimate, Some(0.5)); // net score 0.75 − 0.25
/// assert_eq!(rows[0].n_missing, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn likert_summary(
    data: &Dataset,
    design: &Design,
    variable: &str,
    scale: &LikertScale,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let col = data.numeric(variable)?;
    let excluded = options.excluded_values();
    // Variables: score, top, bottom, 1.
    let passes = run_pass(design, domains, 4, |row, buf| {
        let Some(code) = col.get(row) else {
            return RowStatus::Missing;
        };
        let Some(score) = scale.score(code) else {
            return RowStatus::Missing;
        };
        if excluded.contains(code) {
            return RowStatus::Missing;
        }
        buf[0] = score;
        buf[1] = if scale.top.contains(&code) { 1.0 } else { 0.0 };
        buf[2] = if scale.bottom.contains(&code) {
            1.0
        } else {
            0.0
        };
        buf[3] = 1.0;
        RowStatus::In
    });
    let rows = [
        (Stat::Mean, "mean score", RowInterval::Symmetric),
        (Stat::Proportion, "top box", RowInterval::Share),
        (Stat::Proportion, "bottom box", RowInterval::Share),
        (Stat::Difference, "net score", RowInterval::Tested),
    ];
    domains.rows(&passes, |pass| {
        rows.iter()
            .enumerate()
            .map(|(i, (stat, label, interval))| {
                let mut row = unavailable(*stat, variable, options.level.value(), "");
                row.category = Some(label.to_string());
                let quantity = match i {
                    3 => Smooth::Ratio(vec![0.0, 1.0, -1.0, 0.0], unit(4, 3)),
                    j => Smooth::ratio(4, j, 3),
                };
                let srs = (i < 3).then_some((i, SrsScale::Mean));
                let is_by = domains.is_by();
                quantity_row(design, pass, options, row, &quantity, srs, *interval, is_by)
            })
            .collect()
    })
}
