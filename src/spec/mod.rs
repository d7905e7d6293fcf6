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
pub(crate) mod run;
mod types;

pub use error::SpecError;
pub use run::{
    DesignSummary, RunOutput, SpecTable, WeightingReport, label_rows, render_output, run, run_file,
};
pub use types::{
    AdjustStep, AnalysisSpec, CategoricalField, CodeOrLabel, CreateReplicates, DesignSpec,
    DfRuleName, DfSpec, EstimateSpec, Ordered,
};
pub use types::{BannerRowSpec, TableSpec};

impl AnalysisSpec {
    /// Parses a spec; unknown fields and bad values are errors naming the JSON path.
    ///
    /// # Errors
    /// [`SpecError::Json`] with the path (e.g. `estimates[0].level`) and serde's message.
    pub fn from_json(text: &str) -> Result<Self, SpecError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let spec: AnalysisSpec =
            serde_path_to_error::deserialize(&mut *de).map_err(|e| SpecError::Json {
                path: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        // Text after the spec (a second object, a stray bracket) is an error, not ignored.
        de.end().map_err(|e| SpecError::Json {
            path: String::new(),
            message: e.to_string(),
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
        self.design.validate()?;
        if self.estimates.is_empty() && self.tables.is_empty() {
            return Err(invalid("estimates".into(), "lists no estimate"));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, t) in self.tables.iter().enumerate() {
            if !ids.insert(t.id.as_str()) {
                return Err(invalid(format!("tables[{i}].id"), "repeats an earlier id"));
            }
            if t.rows.is_empty() {
                return Err(invalid(format!("tables[{i}].rows"), "lists no row"));
            }
        }
        for (i, e) in self.estimates.iter().enumerate() {
            let at = |field: &str| format!("estimates[{i}].{field}");
            if !ids.insert(e.id.as_str()) {
                return Err(invalid(at("id"), "repeats an earlier id"));
            }
            if let Some(p) = e.probs.iter().find(|p| !(0.0..=1.0).contains(*p)) {
                return Err(invalid(at("probs"), &format!("{p} is not a probability")));
            }
            if let Some(DfSpec::Number(d)) = e.df
                && !(d.is_finite() && d >= 1.0)
            {
                return Err(invalid(
                    at("df"),
                    &format!(
                        "{} degrees of freedom: give at least 1 (a design's degrees of \
                         freedom are PSUs minus strata), or \"domain\" or \"base\"",
                        crate::data::show_number(d)
                    ),
                ));
            }
            let needs_variable = matches!(
                e.stat,
                Stat::Mean
                    | Stat::Total
                    | Stat::Proportion
                    | Stat::Count
                    | Stat::Quantile
                    | Stat::Ttest
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
                Stat::Ttest if e.group.is_none() => {
                    return Err(invalid(at("group"), "is required for a ttest"));
                }
                Stat::MultipleResponse if e.variables.is_empty() => {
                    return Err(invalid(at("variables"), "must name the option columns"));
                }
                Stat::Olr if e.response.is_none() => {
                    return Err(invalid(at("response"), "is required for olr"));
                }
                Stat::Glm if e.response.is_none() => {
                    return Err(invalid(at("response"), "is required for a glm"));
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

impl DesignSpec {
    /// Checks the design's fields against each other: a replicate design takes no strata,
    /// clusters or fpc (its replicate weights carry them), scales are positive, Fay's ρ lies
    /// in (0, 1), and a design is given replicate columns or creates replicates, not both.
    ///
    /// # Errors
    /// [`SpecError::Invalid`] naming the JSON path (`design.replicates.scale`).
    pub fn validate(&self) -> Result<(), SpecError> {
        use crate::design::ReplicateType;
        let invalid = |path: &str, message: String| SpecError::Invalid {
            path: format!("design.{path}"),
            message,
        };
        let check_rho = |path: &str, kind: ReplicateType, rho: Option<f64>| match rho {
            Some(_) if kind != ReplicateType::Fay => Err(invalid(
                path,
                "is Fay's ρ: it applies only to type \"Fay\"".to_string(),
            )),
            Some(r) if !(r > 0.0 && r < 1.0) => Err(invalid(
                path,
                format!("Fay's ρ must lie strictly between 0 and 1, not {r}"),
            )),
            _ => Ok(()),
        };
        if let Some(reps) = &self.replicates {
            if self.create_replicates.is_some() {
                return Err(invalid(
                    "create_replicates",
                    "give replicate weight columns (design.replicates) or create replicates \
                     from the design, not both"
                        .to_string(),
                ));
            }
            let unused = [
                ("strata", self.strata.is_some()),
                ("clusters", !self.clusters.is_empty()),
                ("fpc", !self.fpc.is_empty()),
                ("nest", self.nest),
                (
                    "lonely_psu",
                    self.lonely_psu != crate::design::LonelyPsu::default(),
                ),
            ];
            if let Some((field, _)) = unused.iter().find(|(_, given)| *given) {
                return Err(invalid(
                    field,
                    "is not used by a replicate-weight design (design.replicates): the \
                     replicate weights carry the strata, clusters and fpc. Remove it, or \
                     remove design.replicates (or use design.create_replicates to make \
                     replicates from this design)"
                        .to_string(),
                ));
            }
            if let Some(scale) = reps.scale
                && !(scale.is_finite() && scale > 0.0)
            {
                return Err(invalid(
                    "replicates.scale",
                    format!("the variance's scale must be positive and finite, not {scale}"),
                ));
            }
            if let Some(i) = reps
                .rscales
                .iter()
                .flatten()
                .position(|s| !(s.is_finite() && *s >= 0.0))
            {
                let s = reps.rscales.as_deref().unwrap_or_default()[i];
                return Err(invalid(
                    &format!("replicates.rscales[{i}]"),
                    format!("a replicate's scale must be finite and not negative, not {s}"),
                ));
            }
            check_rho("replicates.rho", reps.kind, reps.rho)?;
            if reps.kind == ReplicateType::Fay && reps.rho.is_none() && reps.scale.is_none() {
                return Err(invalid(
                    "replicates.rho",
                    "is required for Fay replicates (Fay's ρ, strictly between 0 and 1), \
                     unless scale is given"
                        .to_string(),
                ));
            }
        }
        if let Some(create) = &self.create_replicates {
            let at = |f: &str| format!("create_replicates.{f}");
            check_rho(&at("rho"), create.kind, create.rho)?;
            match create.kind {
                ReplicateType::SuccessiveDifference | ReplicateType::Other => {
                    return Err(invalid(
                        &at("type"),
                        "replicates can be created as JK1, JKn, BRR, Fay or bootstrap".to_string(),
                    ));
                }
                ReplicateType::Fay if create.rho.is_none() => {
                    return Err(invalid(
                        &at("rho"),
                        "is required for Fay replicates (Fay's ρ, strictly between 0 and 1)"
                            .to_string(),
                    ));
                }
                ReplicateType::Bootstrap => {
                    if let Some(r) = create.replicates
                        && r < 2
                    {
                        return Err(invalid(
                            &at("replicates"),
                            format!("a bootstrap needs at least 2 replicates, not {r}"),
                        ));
                    }
                }
                _ => {
                    for (field, given) in [
                        ("replicates", create.replicates.is_some()),
                        ("seed", create.seed.is_some()),
                    ] {
                        if given {
                            return Err(invalid(
                                &at(field),
                                "applies only to type \"bootstrap\"".to_string(),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
