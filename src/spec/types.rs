//! The serde types of the analysis spec (documented for users in `docs/analysis-spec.md`).

use crate::design::{
    LonelyPsu, Pps, PpsVariance, ReplicateMethod, ReplicateOptions, ReplicateType,
};
use crate::estimate::quantile::{QuantileInterval, QuantileRule};
use crate::estimate::{IntervalKind, MultipleBase, Stat};
use crate::hypothesis::ChisqStatistic;
use crate::interval::{ConfidenceLevel, ProportionMethod};
use crate::weighting::Distance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A whole analysis: data, design, weighting steps, estimates.
///
/// ```
/// use survey_stats::spec::AnalysisSpec;
/// let spec = AnalysisSpec::from_json(r#"{
///   "data": "apistrat.csv",
///   "design": {"weights": "pw", "strata": "stype"},
///   "estimates": [{"id": "m1", "stat": "mean", "variable": "api00"}]
/// }"#)?;
/// assert_eq!(spec.estimates[0].variable.as_deref(), Some("api00"));
/// # Ok::<(), survey_stats::spec::SpecError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSpec {
    /// The data file (CSV, SPSS `.sav`/`.zsav`, Stata `.dta`, Parquet, by extension); a
    /// relative path is relative to the spec file.
    pub data: String,
    /// The crate's questionnaire JSON, to validate the data and label the output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionnaire: Option<String>,
    /// Field texts read as missing.
    #[serde(default = "default_missing")]
    pub missing: Vec<String>,
    /// Language of the questionnaire labels in the output (`en` by default; `kk`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The survey design.
    #[serde(default)]
    pub design: DesignSpec,
    /// Weighting steps, applied in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjust: Vec<AdjustStep>,
    /// The estimates wanted.
    #[serde(default)]
    pub estimates: Vec<EstimateSpec>,
    /// Banner tables (crosstabs with design-based significance letters), after the
    /// estimates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<TableSpec>,
}

fn default_missing() -> Vec<String> {
    vec![String::new(), "NA".to_string()]
}

/// The spec's `design`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignSpec {
    /// Sampling weights column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<String>,
    /// Strata column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strata: Option<String>,
    /// Cluster id columns by stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<String>,
    /// Finite population correction columns by stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fpc: Vec<String>,
    /// Cluster ids unique only within strata.
    #[serde(default)]
    pub nest: bool,
    /// Lonely-PSU policy.
    #[serde(default)]
    pub lonely_psu: LonelyPsu,
    /// Replicate weights instead of strata and clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<ReplicateOptions>,
    /// PPS sampling without replacement (R's `pps`); `joint_probabilities` names a CSV
    /// file of the matrix, relative to the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pps: Option<Pps<String>>,
    /// A PPS design's variance form: `ht` (default) or `yg` (R's `variance`).
    #[serde(default, skip_serializing_if = "is_ht")]
    pub variance: PpsVariance,
    /// Replicate weights made from this design (strata, clusters, fpc), as R's
    /// `as.svrepdesign`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_replicates: Option<CreateReplicates>,
}

fn is_ht(v: &PpsVariance) -> bool {
    *v == PpsVariance::Ht
}

/// The spec's `design.create_replicates`: replicate weights created from the design, as R's
/// `as.svrepdesign(design, type, fay.rho, replicates)`.
///
/// ```
/// use survey_stats::design::ReplicateMethod;
/// use survey_stats::spec::CreateReplicates;
/// let c: CreateReplicates = serde_json::from_str(r#"{"type": "Fay", "rho": 0.3}"#)?;
/// assert_eq!(c.method(), Some(ReplicateMethod::Fay { rho: 0.3 }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateReplicates {
    /// `JK1`, `JKn`, `BRR`, `Fay` or `bootstrap`.
    #[serde(rename = "type")]
    pub kind: ReplicateType,
    /// Fay's ρ, strictly between 0 and 1 (`Fay` only, required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rho: Option<f64>,
    /// Number of bootstrap replicates (`bootstrap` only; default 50, as R).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<usize>,
    /// Seed of the bootstrap draws (`bootstrap` only; default 0): the same seed gives the
    /// same replicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl CreateReplicates {
    /// The library's method, `None` for a type that cannot be created from a design
    /// (`successive_difference`, `other`) or a Fay without `rho`.
    pub fn method(&self) -> Option<ReplicateMethod> {
        Some(match self.kind {
            ReplicateType::JK1 => ReplicateMethod::JK1,
            ReplicateType::JKn => ReplicateMethod::JKn,
            ReplicateType::BRR => ReplicateMethod::BRR,
            ReplicateType::Fay => ReplicateMethod::Fay { rho: self.rho? },
            ReplicateType::Bootstrap => ReplicateMethod::Bootstrap {
                replicates: self.replicates.unwrap_or(50),
                seed: self.seed.unwrap_or(0),
            },
            ReplicateType::SuccessiveDifference | ReplicateType::Other => return None,
        })
    }
}

/// One weighting step of `adjust`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum AdjustStep {
    /// Post-stratification to population counts of one variable (R `postStratify`).
    Poststratify {
        /// The variable.
        variable: String,
        /// Population count of each category.
        population: BTreeMap<String, f64>,
    },
    /// Raking to several margins (R `rake`), in the order given.
    Rake {
        /// Population counts per category, per variable, in the spec's order (raking that
        /// stops before convergence depends on it).
        margins: Ordered<BTreeMap<String, f64>>,
        /// Maximum sweeps (default 10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_iter: Option<u32>,
        /// R's `epsilon` (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tolerance: Option<f64>,
    },
    /// Calibration (R `calibrate`).
    Calibrate {
        /// Distance: `linear` (default), `raking`, `logit`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        method: Option<Distance>,
        /// Population size: the total of an intercept (default: the first categorical
        /// margin's sum; no intercept without either).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        population: Option<f64>,
        /// Population counts of categorical auxiliaries.
        #[serde(default)]
        categorical: BTreeMap<String, BTreeMap<String, f64>>,
        /// Population totals of numeric auxiliaries.
        #[serde(default)]
        numeric: BTreeMap<String, f64>,
        /// Bounds on the g-weights.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bounds: Option<[f64; 2]>,
    },
    /// Trimming (R `trimWeights`).
    Trim {
        /// Lower bound.
        lower: f64,
        /// Upper bound.
        upper: f64,
    },
}

/// A code or a label in the spec: `4` or `"Yes"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CodeOrLabel {
    /// A number.
    Number(serde_json::Number),
    /// A text.
    Text(String),
}

impl std::fmt::Display for CodeOrLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodeOrLabel::Number(n) => write!(f, "{n}"),
            CodeOrLabel::Text(s) => f.write_str(s),
        }
    }
}

/// The degrees of freedom of intervals: `"domain"`, `"base"` or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DfSpec {
    /// A given number.
    Number(f64),
    /// `domain` or `base`.
    Rule(DfRuleName),
}

/// Named degrees-of-freedom rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DfRuleName {
    /// PSUs of the domain minus their strata.
    Domain,
    /// PSUs of the base minus their strata.
    Base,
}

/// One estimate wanted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateSpec {
    /// Id carried into the result rows.
    pub id: String,
    /// The statistic.
    pub stat: Stat,
    /// The variable (mean, total, proportion, count, quantile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
    /// Variables (difference, multiple_response, chisq).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<String>,
    /// The two-category group of a `ttest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Ratio numerator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<String>,
    /// Ratio denominator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<String>,
    /// Domain variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// t or normal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<IntervalKind>,
    /// Confidence level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<ConfidenceLevel>,
    /// Degrees of freedom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub df: Option<DfSpec>,
    /// Interval method of proportions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<ProportionMethod>,
    /// One category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<CodeOrLabel>,
    /// A net of categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<CodeOrLabel>,
    /// Name of the net.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Codes left out of the base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<CodeOrLabel>>,
    /// Leave missing rows out of the base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub na_rm: Option<bool>,
    /// Quantile probabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probs: Vec<f64>,
    /// Quantile rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<QuantileRule>,
    /// Quantile interval type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantile_interval: Option<QuantileInterval>,
    /// Multiple-response base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<MultipleBase>,
    /// Test statistic of `chisq`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<ChisqStatistic>,
    /// With `by`: also report the plain average of the domain estimates (as reports say "on
    /// average across regions"), with its SE, beside the domains (`mean` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_domains: Option<bool>,
    /// Treat a numeric column as categorical (`true`; accepted, no effect), or, for `glm`,
    /// the numeric columns among the terms to treat as categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categorical: Option<CategoricalField>,
    /// The response a model explains: a `glm`'s, or the ordered answer of an `olr`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// A model's explanatory terms: columns (text columns and, for `olr`, `factor(col)`
    /// are categorical with treatment contrasts), or `"a:b"` for a `glm` interaction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<String>,
    /// The family of a `glm` (default `gaussian`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<crate::estimate::Family>,
    /// Draw this estimate as an SVG chart in the HTML report (`--format html`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<bool>,
}

/// The spec's `categorical`: a flag, or (for `glm`) a list of columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CategoricalField {
    /// `true` or `false`: accepted, changes nothing.
    Flag(bool),
    /// Columns to treat as categorical.
    Columns(Vec<String>),
}

/// A JSON object read in document order (a `BTreeMap` would sort its keys).
///
/// ```
/// use survey_stats::spec::Ordered;
/// let m: Ordered<u32> = serde_json::from_str(r#"{"b": 1, "a": 2}"#)?;
/// assert_eq!(m.0, vec![("b".to_string(), 1), ("a".to_string(), 2)]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = a.next_entry::<String, V>()? {
                    if out.iter().any(|(seen, _): &(String, V)| *seen == k) {
                        return Err(serde::de::Error::custom(format!("duplicate key {k:?}")));
                    }
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// One banner table of the spec's `tables`: the library's
/// [`Survey::banner`](crate::Survey::banner) as data.
///
/// ```
/// use survey_stats::spec::{BannerRowSpec, TableSpec};
/// let t: TableSpec = serde_json::from_str(r#"{
///   "id": "b1", "by": ["region"],
///   "rows": [{"single": "q1"}, {"net": {"variable": "q5", "label": "Top-2", "categories": [4, 5]}}],
///   "exclude": [9], "p_adjust": "holm", "min_base": 50
/// }"#)?;
/// assert_eq!(t.rows[0], BannerRowSpec::Single("q1".into()));
/// assert_eq!(t.min_base, Some(50));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// Id of the table in the output.
    pub id: String,
    /// The banner variables: the columns are "Total" and each of their categories.
    #[serde(default)]
    pub by: Vec<String>,
    /// The rows, in order.
    pub rows: Vec<BannerRowSpec>,
    /// Codes left out of the base of single, net, Likert and mean rows (shown apart).
    /// Absent: the questionnaire's non-substantive codes of each row's question; `[]`:
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Vec<f64>>,
    /// Confidence level of the tests (default 0.95).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<ConfidenceLevel>,
    /// Multiple-comparison adjustment: `none` (default), `bonferroni`, `holm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_adjust: Option<crate::banner::Adjust>,
    /// Smallest unweighted base a cell is tested at (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_base: Option<u64>,
}

/// One entry of a table's `rows`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum BannerRowSpec {
    /// `{"single": "q1"}`: one row per answer of a single-choice question.
    Single(String),
    /// `{"net": {"variable": "q5", "label": "Top-2", "categories": [4, 5]}}`: the share of a
    /// set of codes.
    Net {
        /// The question.
        variable: String,
        /// The row's label.
        label: String,
        /// The codes counted.
        categories: Vec<f64>,
    },
    /// `{"multiple": "q7"}`: one row per option of a multiple-response question.
    Multiple(String),
    /// `{"likert": "q5"}`: top box, bottom box and mean score of a 1–5 item.
    Likert(String),
    /// `{"mean": "age"}`: the mean of a numeric variable.
    Mean(String),
}
