//! The analysis spec: an analysis written as JSON, and the runner that executes it.
//!
//! The same analysis can be built in Rust with these types and run with [`run`]. The user
//! documentation of the spec and of the `survey-stats` command line follows the example
//! below; in the repository it is `docs/analysis-spec.md`.
//!
//! ```
//! use survey_stats::spec::{run, AnalysisSpec};
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
//! let spec = AnalysisSpec::from_json(r#"{
//!   "data": "apistrat.csv",
//!   "design": {"weights": "pw", "strata": "stype", "fpc": ["fpc"]},
//!   "estimates": [{"id": "m1", "stat": "mean", "variable": "api00"}]
//! }"#)?;
//! let out = run(&spec, dir.as_ref(), None)?;
//! let json = serde_json::to_value(&out.rows)?;
//! assert!((json[0]["estimate"].as_f64().unwrap() - 662.2873631593208).abs() < 1e-9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
#![doc = include_str!("../../docs/analysis-spec.md")]

mod error;
mod run;
mod types;

pub use error::SpecError;
pub use run::{RunOutput, WeightingReport, label_rows, run, run_file};
pub use types::{
    AdjustStep, AnalysisSpec, CodeOrLabel, DesignSpec, DfRuleName, DfSpec, EstimateSpec, Ordered,
};

impl AnalysisSpec {
    /// Parses a spec; unknown fields and bad values are errors naming the JSON path.
    ///
    /// # Errors
    /// [`SpecError::Json`] with the path (e.g. `estimates[0].level`) and serde's message.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let spec: AnalysisSpec =
            serde_path_to_error::deserialize(de).map_err(|e| SpecError::Json {
                path: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        spec.validate()?;
        Ok(spec)
    }

    /// Checks what serde cannot: required fields of each statistic,
    /// probabilities in [0, 1], unique ids.
    ///
    /// # Errors
    /// [`SpecError::Invalid`] naming the JSON path.
    pub fn validate(&self) -> Result<(), SpecError> {
        use crate::estimate::Stat;
        let invalid = |path: String, message: &str| SpecError::Invalid {
            path,
            message: message.to_string(),
        };
        if self.estimates.is_empty() {
            return Err(invalid("estimates".into(), "lists no estimate"));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, e) in self.estimates.iter().enumerate() {
            let at = |field: &str| format!("estimates[{i}].{field}");
            if !ids.insert(e.id.as_str()) {
                return Err(invalid(at("id"), "repeats an earlier id"));
            }
            if let Some(p) = e.probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
                return Err(invalid(at("probs"), &format!("{p} is not a probability")));
            }
            if let Some(DfSpec::Number(d)) = e.df
                && (d.is_nan() || d <= 0.0)
            {
                return Err(invalid(at("df"), "must be positive"));
            }
            let needs_variable = matches!(
                e.stat,
                Stat::Mean | Stat::Total | Stat::Proportion | Stat::Count | Stat::Quantile
            );
            if needs_variable && e.variable.is_none() {
                return Err(invalid(at("variable"), "is required for this stat"));
            }
            match e.stat {
                Stat::Ratio if e.numerator.is_none() => {
                    return Err(invalid(at("numerator"), "is required for a ratio"));
                }
                Stat::Ratio if e.denominator.is_none() => {
                    return Err(invalid(at("denominator"), "is required for a ratio"));
                }
                Stat::Difference | Stat::Chisq if e.variables.len() != 2 => {
                    return Err(invalid(at("variables"), "must name exactly two variables"));
                }
                Stat::Chisq if e.variables[0] == e.variables[1] => {
                    return Err(invalid(
                        at("variables"),
                        &format!(
                            "names {:?} twice: a test of independence needs two different \
                             variables",
                            e.variables[0]
                        ),
                    ));
                }
                Stat::MultipleResponse if e.variables.is_empty() => {
                    return Err(invalid(at("variables"), "must name the option columns"));
                }
                Stat::Quantile if e.probs.is_empty() => {
                    return Err(invalid(at("probs"), "is required for a quantile"));
                }
                _ => {}
            }
            if !e.categories.is_empty() && e.category.is_some() {
                return Err(invalid(
                    at("categories"),
                    "give category or categories, not both",
                ));
            }
        }
        Ok(())
    }
}
