//! The result of an estimate: plain data that serialises and renders as a table.

use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

/// Which statistic a result row holds (the spec's `stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    /// Weighted mean of a numeric variable.
    Mean,
    /// Weighted total of a numeric variable.
    Total,
    /// Share of a category (or net of categories).
    Proportion,
    /// Weighted count of a category.
    Count,
    /// Ratio of two totals.
    Ratio,
    /// Difference of two means of the same rows.
    Difference,
    /// Quantile.
    Quantile,
    /// Share of a multiple-response option.
    MultipleResponse,
    /// Test of independence of a two-way table.
    Chisq,
    /// A parameter of a proportional-odds model (R's `svyolr`), named in `term`.
    Olr,
    /// A coefficient of a design-based generalised linear model (R's `svyglm`).
    Glm,
    /// Difference of a mean between the two categories of a group, with its t-test.
    Ttest,
}

impl std::fmt::Display for Stat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        f.write_str(&s)
    }
}

/// One result row: estimate, standard error, interval, design effects and counts.
///
/// A value that cannot be computed (an empty domain, a zero base) is `None` with a
/// [`Estimate::note`] saying why; a result never holds `NaN`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The spec's estimate id.
    pub id: String,
    /// The statistic.
    pub stat: Stat,
    /// The variable (or `a/b` for ratios, `a-b` for differences).
    pub variable: String,
    /// The domain's `by` values, `None` for the whole population.
    pub domain: Option<BTreeMap<String, String>>,
    /// The domain's values as labelled by the questionnaire, in the analysis's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_label: Option<BTreeMap<String, String>>,
    /// The category or option, for proportions, counts and multiple response.
    pub category: Option<String>,
    /// The category's label from the questionnaire, in the analysis's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_label: Option<String>,
    /// The model term: a `glm` coefficient (`(Intercept)`, `ell`, `stypeH`) or an `olr`
    /// parameter, a slope (`sex2`) or a threshold (`1|2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// The probability, for quantiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prob: Option<f64>,
    /// The point estimate.
    pub estimate: Option<f64>,
    /// Its standard error.
    pub std_error: Option<f64>,
    /// Lower confidence limit.
    pub ci_lower: Option<f64>,
    /// Upper confidence limit.
    pub ci_upper: Option<f64>,
    /// Confidence level.
    pub level: f64,
    /// Degrees of freedom of the interval (`None` for a normal interval).
    #[serde(serialize_with = "integral_if_whole")]
    pub df: Option<f64>,
    /// Two-sided p-value of the test that the estimate is zero (differences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Design effect against simple random sampling without replacement (R `deff = TRUE`).
    pub deff: Option<f64>,
    /// Design effect against simple random sampling with replacement (R `deff = "replace"`).
    pub deff_replace: Option<f64>,
    /// Rows in the base (unweighted).
    pub n: u64,
    /// Rows of the domain left out of the base (missing or excluded values).
    pub n_missing: u64,
    /// Sum of the weights of the base.
    pub weighted_n: f64,
    /// The interval method used (`t`, `normal`, `logit`, …).
    pub method: String,
    /// Why a value is missing, or a caveat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Estimate {
    /// Makes every value that is not finite `None` and names them in the note, so that no
    /// result holds NaN or an infinity (an interval from a `df` near 0 has infinite bounds).
    pub(crate) fn null_non_finite(&mut self) {
        null_non_finite(
            [
                ("estimate", &mut self.estimate),
                ("std_error", &mut self.std_error),
                ("ci_lower", &mut self.ci_lower),
                ("ci_upper", &mut self.ci_upper),
                ("df", &mut self.df),
                ("p_value", &mut self.p_value),
                ("deff", &mut self.deff),
                ("deff_replace", &mut self.deff_replace),
            ],
            &mut self.note,
        );
    }
}

/// Writes whole numbers without a fraction (`197`, not `197.0`), as the spec shows `df`.
impl Estimate {
    /// What the row is of, for a reader: the category's label (or code), `p=0.5` for a
    /// quantile, or a model's term; `None` for a plain estimate.
    pub(crate) fn category_text(&self) -> Option<String> {
        match (&self.category, self.prob, &self.term) {
            (Some(c), _, _) => Some(self.category_label.clone().unwrap_or_else(|| c.clone())),
            (None, Some(p), _) => Some(format!("p={p}")),
            (None, None, Some(t)) => Some(t.clone()),
            _ => None,
        }
    }
}

fn integral_if_whole<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(x) if x.fract() == 0.0 && x.abs() < 9e15 => s.serialize_i64(*x as i64),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

/// Makes every named value that is not finite `None` and names them in `note`, so that no
/// result holds NaN or an infinity.
pub(crate) fn null_non_finite<const N: usize>(
    values: [(&str, &mut Option<f64>); N],
    note: &mut Option<String>,
) {
    let mut dropped = Vec::new();
    for (name, value) in values {
        if let Some(v) = value.filter(|v| !v.is_finite()) {
            dropped.push(format!("{name} = {v}"));
            *value = None;
        }
    }
    if !dropped.is_empty() {
        let text = format!("not finite, left empty: {}", dropped.join(", "));
        *note = Some(match note.take() {
            Some(old) => format!("{old}; {text}"),
            None => text,
        });
    }
}
