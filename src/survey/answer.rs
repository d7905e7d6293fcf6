//! Typed answers: an estimate with its precision, frequency tables, Likert summaries,
//! multiple-response shares, and the same by domain. Each prints as an aligned table.

use crate::estimate::Estimate as Row;
use crate::table::{ESTIMATE_COLUMNS, Table, estimate_cells, fmt_number};
use std::fmt;

/// An estimate with its standard error, confidence interval, degrees of freedom, design
/// effects and counts. Built only by the crate, from a computed row: the value and its
/// standard error always exist.
///
/// ```
/// use survey_stats::{Dataset, Survey};
/// let data = Dataset::builder().column("y", vec![1.0, 2.0, 3.0, 6.0]).build()?;
/// let m = Survey::srs(data)?.mean("y")?;
/// assert_eq!(m.value, 3.0);
/// assert!((m.std_error - (14.0f64 / 3.0).sqrt() / 2.0).abs() < 1e-12); // s/√n
/// assert_eq!(m.df, Some(3.0));
/// assert_eq!(m.n, 4);
/// # Ok::<(), survey_stats::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Its standard error.
    pub std_error: f64,
    /// The confidence interval, `None` when it cannot be formed (no degrees of freedom:
    /// see [`Estimate::note`]).
    pub interval: Option<Interval>,
    /// Degrees of freedom of the interval; `None` for a normal interval.
    pub df: Option<f64>,
    /// Design effect against simple random sampling without replacement (R's
    /// `deff = TRUE`); `None` where the estimator has no SRS reference.
    pub design_effect: Option<f64>,
    /// Design effect against simple random sampling with replacement (R's
    /// `deff = "replace"`).
    pub design_effect_replace: Option<f64>,
    /// Two-sided p-value of the test that the quantity is zero (differences, contrasts).
    pub p_value: Option<f64>,
    /// Rows in the base (unweighted).
    pub n: u64,
    /// Rows of the domain left out of the base (missing or excluded values).
    pub n_missing: u64,
    /// Sum of the weights of the base.
    pub weighted_n: f64,
    /// A caveat, when there is one.
    pub note: Option<String>,
}

/// A confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower limit.
    pub lower: f64,
    /// Upper limit.
    pub upper: f64,
    /// Confidence level.
    pub level: f64,
}

impl Estimate {
    /// The coefficient of variation of the estimate, SE / |value| (R's `cv()`); `None`
    /// at zero.
    pub fn cv(&self) -> Option<f64> {
        (self.value != 0.0).then(|| self.std_error / self.value.abs())
    }

    /// The typed estimate of a computed row; the row's note when it has no value.
    pub(crate) fn from_row(row: &Row) -> Result<Estimate, String> {
        match (row.estimate, row.std_error) {
            (Some(value), Some(std_error)) if value.is_finite() && std_error.is_finite() => {
                Ok(Estimate {
                    value,
                    std_error,
                    interval: match (row.ci_lower, row.ci_upper) {
                        (Some(lower), Some(upper)) => Some(Interval {
                            lower,
                            upper,
                            level: row.level,
                        }),
                        _ => None,
                    },
                    df: row.df,
                    design_effect: row.deff,
                    design_effect_replace: row.deff_replace,
                    p_value: row.p_value,
                    n: row.n,
                    n_missing: row.n_missing,
                    weighted_n: row.weighted_n,
                    note: row.note.clone(),
                })
            }
            _ => Err(row
                .note
                .clone()
                .unwrap_or_else(|| "the value is not finite".to_string())),
        }
    }

    fn cells(&self) -> Vec<String> {
        let (lo, hi) = self
            .interval
            .map_or((None, None), |i| (Some(i.lower), Some(i.upper)));
        let values = [Some(self.value), Some(self.std_error), lo, hi];
        estimate_cells(values, self.df, self.design_effect, self.n)
    }
}

fn table(first: &[&str], rows: impl IntoIterator<Item = (Vec<String>, Vec<String>)>) -> Table {
    let mut t = Table::new(
        first
            .iter()
            .chain(&ESTIMATE_COLUMNS)
            .map(|s| s.to_string())
            .collect(),
    );
    for (mut head, cells) in rows {
        head.extend(cells);
        t.push(head);
    }
    t
}

impl fmt::Display for Estimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&table(&[], [(vec![], self.cells())]).to_text())
    }
}

/// A value of a domain variable or a category: an answer code, or text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A numeric code (answer codes such as 1–5 and 9 are numbers).
    Code(f64),
    /// A text category.
    Text(String),
}

impl Value {
    /// Whether this is the code `code` (or text reading as it).
    pub fn is(&self, code: f64) -> bool {
        match self {
            Value::Code(c) => *c == code,
            Value::Text(t) => t.trim().parse::<f64>().ok() == Some(code),
        }
    }

    pub(crate) fn parse(label: &str, numeric: bool) -> Value {
        match label.parse::<f64>() {
            Ok(c) if numeric => Value::Code(c),
            _ => Value::Text(label.to_string()),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Code(c) => write!(f, "{c}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

/// Something a domain or a category can be looked up by: a code (any primitive number)
/// or text.
pub trait Key {
    /// Whether `value` is this key.
    fn matches(&self, value: &Value) -> bool;
}

macro_rules! numeric_key {
    ($($t:ty),*) => {$(
        impl Key for $t {
            fn matches(&self, value: &Value) -> bool {
                value.is(*self as f64)
            }
        }
    )*};
}
numeric_key!(u8, u16, u32, u64, i8, i16, i32, i64, usize, isize, f32, f64);

impl Key for &str {
    fn matches(&self, value: &Value) -> bool {
        matches!(value, Value::Text(t) if t == self)
    }
}

/// One domain: the value of each `by` variable, in the order given, with labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    /// `(variable, value, label)` per `by` variable.
    pub values: Vec<(String, Value, Option<String>)>,
}

impl Domain {
    /// The value of the first (often only) `by` variable.
    pub fn value(&self) -> &Value {
        &self.values[0].1
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .values
            .iter()
            .map(|(name, value, label)| match label {
                Some(l) => format!("{name}={l}"),
                None => format!("{name}={value}"),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// An answer per domain (R's `svyby`): each domain with its answer, or the reason there is
/// none (an empty base in that domain).
#[derive(Debug, Clone, PartialEq)]
pub struct ByDomain<T> {
    pub(crate) entries: Vec<(Domain, Result<T, String>)>,
}

impl<T> ByDomain<T> {
    /// The answer of the domain whose (first) `by` value is `key`, a code or a text.
    /// `None` when no such domain, or when it has no answer.
    pub fn get(&self, key: impl Key) -> Option<&T> {
        self.entries
            .iter()
            .find(|(d, _)| key.matches(d.value()))
            .and_then(|(_, r)| r.as_ref().ok())
    }

    /// Each domain with its answer, or why it has none.
    pub fn iter(&self) -> impl Iterator<Item = (&Domain, Result<&T, &str>)> {
        self.entries
            .iter()
            .map(|(d, r)| (d, r.as_ref().map_err(String::as_str)))
    }

    /// Number of domains.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no domains.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// How an answer lays itself out as rows of a table (for `Display`).
pub(crate) trait Rows {
    /// The heading of the answer's own label columns.
    fn heading() -> Vec<&'static str>;
    /// Label cells and estimate cells, per row.
    fn rows(&self) -> Vec<(Vec<String>, Vec<String>)>;
}

impl Rows for Estimate {
    fn heading() -> Vec<&'static str> {
        vec![]
    }
    fn rows(&self) -> Vec<(Vec<String>, Vec<String>)> {
        vec![(vec![], self.cells())]
    }
}

impl<T: Rows> fmt::Display for ByDomain<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut heading = vec!["domain"];
        heading.extend(T::heading());
        let width = heading.len();
        let mut rows = Vec::new();
        for (d, r) in &self.entries {
            match r {
                Ok(a) => {
                    for (mut head, cells) in a.rows() {
                        head.insert(0, d.to_string());
                        rows.push((head, cells));
                    }
                }
                Err(why) => {
                    let mut head = vec![d.to_string()];
                    head.resize(width, String::new());
                    rows.push((head, vec![format!("— ({why})")]));
                }
            }
        }
        f.write_str(&table(&heading, rows).to_text())
    }
}

/// One category of a [`Frequencies`] table.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// The code (or text) of the category.
    pub value: Value,
    /// Its label, when the data or questionnaire give one.
    pub label: Option<String>,
    /// Weighted count (R's `svytotal` of the indicator).
    pub count: Estimate,
    /// Share of the base (R's `svymean` of the indicator, interval by the share method).
    pub share: Estimate,
}

/// A weighted frequency table of one variable: count and share of each category, from
/// one pass over the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Frequencies {
    /// The variable.
    pub variable: String,
    /// The categories, in code order (excluded codes left out).
    pub categories: Vec<Category>,
}

impl Frequencies {
    /// The category with this code or text.
    pub fn get(&self, key: impl Key) -> Option<&Category> {
        self.categories.iter().find(|c| key.matches(&c.value))
    }

    /// Rows in the base (unweighted).
    pub fn base(&self) -> u64 {
        self.categories.first().map_or(0, |c| c.share.n)
    }
}

impl Rows for Frequencies {
    fn heading() -> Vec<&'static str> {
        vec!["category", "count", "count_se"]
    }
    fn rows(&self) -> Vec<(Vec<String>, Vec<String>)> {
        self.categories
            .iter()
            .map(|c| {
                let name = match &c.label {
                    Some(l) => format!("{} {l}", c.value),
                    None => c.value.to_string(),
                };
                (
                    vec![
                        name,
                        fmt_number(Some(c.count.value)),
                        fmt_number(Some(c.count.std_error)),
                    ],
                    c.share.cells(),
                )
            })
            .collect()
    }
}

impl fmt::Display for Frequencies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&table(&Self::heading(), self.rows()).to_text())
    }
}

/// The summary of a rating (Likert) item, from one pass: mean score, top and bottom
/// boxes, net score (top − bottom, with its test against zero).
#[derive(Debug, Clone, PartialEq)]
pub struct LikertSummary {
    /// Mean score.
    pub mean: Estimate,
    /// Share in the top box.
    pub top_box: Estimate,
    /// Share in the bottom box.
    pub bottom_box: Estimate,
    /// Top box minus bottom box, with [`Estimate::p_value`] against zero.
    pub net: Estimate,
}

impl Rows for LikertSummary {
    fn heading() -> Vec<&'static str> {
        vec!["summary"]
    }
    fn rows(&self) -> Vec<(Vec<String>, Vec<String>)> {
        [
            ("mean score", &self.mean),
            ("top box", &self.top_box),
            ("bottom box", &self.bottom_box),
            ("net score", &self.net),
        ]
        .into_iter()
        .map(|(name, e)| (vec![name.to_string()], e.cells()))
        .collect()
    }
}

impl fmt::Display for LikertSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&table(&Self::heading(), self.rows()).to_text())
    }
}

/// The share of one option of a multiple-response question.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionShare {
    /// The option's code.
    pub code: f64,
    /// Its 0/1 column.
    pub column: String,
    /// Its label, when the data give one.
    pub label: Option<String>,
    /// The share, on the question's base.
    pub share: Estimate,
}

/// The shares of the options of a multiple-response question, keyed by option code.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipleResponse {
    /// The options, in the order given.
    pub options: Vec<OptionShare>,
}

impl MultipleResponse {
    /// The share of the option with this code.
    pub fn get(&self, code: impl Into<f64>) -> Option<&OptionShare> {
        let code = code.into();
        self.options.iter().find(|o| o.code == code)
    }
}

impl Rows for MultipleResponse {
    fn heading() -> Vec<&'static str> {
        vec!["option"]
    }
    fn rows(&self) -> Vec<(Vec<String>, Vec<String>)> {
        self.options
            .iter()
            .map(|o| {
                let name = match &o.label {
                    Some(l) => format!("{} {l}", o.code),
                    None => o.column.clone(),
                };
                (vec![name], o.share.cells())
            })
            .collect()
    }
}

impl fmt::Display for MultipleResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&table(&Self::heading(), self.rows()).to_text())
    }
}

/// A design-based two-sample t-test (R's `svyttest(y ~ g, design)`): the difference of a
/// mean between the two categories of a group, second minus first in sort order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TTest {
    /// The variable whose means are compared.
    pub variable: String,
    /// The group column.
    pub group: String,
    /// The first category (the reference).
    pub first: Value,
    /// The second category.
    pub second: Value,
    /// The difference `mean(second) − mean(first)` with its SE, interval, degrees of
    /// freedom (the design's less one, on the PSUs with rows that have both values, as R's
    /// `svyglm`) and two-sided p-value.
    pub difference: Estimate,
    /// The t statistic, `difference / SE`.
    pub statistic: f64,
}

impl Rows for TTest {
    fn heading() -> Vec<&'static str> {
        vec!["difference", "t", "p"]
    }
    fn rows(&self) -> Vec<(Vec<String>, Vec<String>)> {
        let head = vec![
            format!("{}: {} − {}", self.group, self.second, self.first),
            fmt_number(Some(self.statistic)),
            fmt_number(self.difference.p_value),
        ];
        vec![(head, self.difference.cells())]
    }
}

impl fmt::Display for TTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&table(&Self::heading(), self.rows()).to_text())
    }
}
