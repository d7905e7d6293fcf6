//! Design-based estimators: mean, total, proportion, count, ratio, difference, quantile.
//!
//! Each estimator makes one pass over the rows ([`Domains`] split them into subgroups),
//! reducing them to per-unit weighted sums; the variance comes from those sums
//! (the private variance engine) and the delta method. Rows missing the variable (or holding an
//! excluded code) leave the base but stay in the design, as R's `na.rm = TRUE` and `svyby`
//! do (domain estimation).
//!
//! ```
//! use survey_stats::data::{Column, Dataset, NumericColumn};
//! use survey_stats::design::{Design, DesignOptions};
//! use survey_stats::estimate::{mean, Domains, EstimateOptions};
//! let ds = Dataset::from_columns(vec![
//!     ("y".into(), Column::Numeric(NumericColumn::from_values(vec![1.0, 2.0, 3.0, 6.0]))),
//! ])?;
//! let design = Design::new(&ds, &DesignOptions::default())?;
//! let rows = mean(&ds, &design, "y", &Domains::whole(), &EstimateOptions::default())?;
//! assert_eq!(rows[0].estimate, Some(3.0));
//! // SE of a mean under SRS with replacement: s/√n = √(14/3)/2.
//! assert!((rows[0].std_error.unwrap() - (14.0f64 / 3.0).sqrt() / 2.0).abs() < 1e-12);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod contrast;
pub(crate) mod custom;
pub(crate) mod glm;
pub(crate) mod kept;
mod likert;
pub(crate) mod linear;
mod mean;
mod multiple;
mod olr;
pub(crate) mod pass;
pub(crate) mod proportion;
pub mod quantile;
mod ratio;
pub(crate) mod result;

pub use contrast::{domain_contrast, ttest};
pub use custom::Total;
pub use glm::{Coefficient, Family, GlmFit, Model};
pub use likert::{LikertScale, likert_summary};
pub use mean::{MeanPartial, mean, total};
pub use multiple::{MultipleBase, multiple_response, option_difference};
pub(crate) use olr::olr_rows;
pub use olr::{Olr, OlrParameter, olr};
pub use pass::Domains;
pub use proportion::{CategorySelection, count, proportion};
pub use quantile::quantiles;
pub use ratio::{difference, ratio};
pub use result::{Estimate, Stat};

use crate::data::DataError;
use crate::design::DesignError;
use crate::interval::{ConfidenceLevel, IntervalError, ProportionMethod};
use quantile::QuantileError;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Result of estimation.
pub type Result<T, E = EstimateError> = std::result::Result<T, E>;

/// What went wrong estimating.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EstimateError {
    /// A column is missing or of the wrong type.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The design's variance failed (e.g. a lonely PSU at a later stage).
    #[error(transparent)]
    Design(#[from] DesignError),
    /// An interval could not be computed.
    #[error(transparent)]
    Interval(#[from] IntervalError),
    /// A category named by the analysis does not occur in the variable.
    #[error("category {category:?} does not occur in {variable:?} (its values: {known})")]
    UnknownCategory {
        /// Variable.
        variable: String,
        /// The category asked for.
        category: String,
        /// The categories present.
        known: String,
    },
    /// A value an estimator cannot take (a multiple-response column holding 2).
    #[error(
        "column {column:?}, data row {row} (CSV row {}): value {} {reason}", row + 1, crate::data::show_number(*value)
    )]
    InvalidValue {
        /// Column name.
        column: String,
        /// Data row, from 1, in the order the data were loaded.
        row: usize,
        /// The value.
        value: f64,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// `by` columns that leave no domain: no row has a value in all of them.
    #[error("{reason}: there is no domain to estimate")]
    NoDomains {
        /// Which column is empty, or that no row has all of them.
        reason: String,
    },
    /// The weighted sums of a variable exceed the range of `f64` (about 1.8e308).
    #[error(
        "the weighted sums of {variable:?} overflow (exceed 1.8e308){detail}; divide the variable (or the weights) by a power of ten"
    )]
    Overflow {
        /// The variable (or variables) of the estimate.
        variable: String,
        /// The largest contribution found, `: data row 2 (CSV row 3) has y = 1e308 with weight 1`.
        detail: String,
    },
    /// A quantile rule or interval failed.
    #[error(transparent)]
    Quantile(QuantileError),
    /// A model that cannot be fitted (too few categories, collinear terms, a likelihood
    /// without a maximum).
    #[error("the {model} cannot be fitted: {reason}")]
    NoFit {
        /// The model, `proportional-odds model of q1`.
        model: String,
        /// Why, and what to do.
        reason: String,
    },
    /// A t-test's group that does not have exactly two categories among the rows with a
    /// value of the variable.
    #[error("group {group:?} must have exactly two categories for a t-test; it has {levels}")]
    NotTwoGroups {
        /// The group column.
        group: String,
        /// The categories present.
        levels: String,
    },
    /// A feature that a later version will bring.
    #[error("not implemented yet: {what}")]
    NotImplemented {
        /// What is missing.
        what: String,
    },
}

/// t with design degrees of freedom, or normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// Student t with the design's degrees of freedom (default).
    #[default]
    T,
    /// Normal (infinite degrees of freedom), as R's `confint` default.
    Normal,
}

/// Which degrees of freedom an interval uses.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum DfRule {
    /// The domain's PSUs minus their strata (the whole design without `by`), as R's `svyby`.
    #[default]
    Domain,
    /// The PSUs with a row in the base minus their strata.
    Base,
    /// A given number.
    Fixed(f64),
}

/// Options common to the estimators.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateOptions {
    /// Confidence level.
    pub level: ConfidenceLevel,
    /// t or normal for symmetric intervals.
    pub interval: IntervalKind,
    /// Degrees of freedom rule.
    pub df: DfRule,
    /// Interval method of proportions.
    pub method: ProportionMethod,
    /// Codes (numeric) or labels left out of the base.
    pub exclude: Vec<String>,
    /// Leave rows missing the variable out of the base (R's `na.rm = TRUE`); when false a
    /// missing value makes the estimate unavailable.
    pub na_rm: bool,
}

impl Default for EstimateOptions {
    fn default() -> Self {
        Self {
            level: ConfidenceLevel::default(),
            interval: IntervalKind::T,
            df: DfRule::Domain,
            method: ProportionMethod::default(),
            exclude: Vec::new(),
            na_rm: true,
        }
    }
}

impl EstimateOptions {
    /// The excluded codes that are numbers, parsed once per estimate (not per row).
    pub(crate) fn excluded_values(&self) -> Excluded {
        Excluded(
            self.exclude
                .iter()
                .filter_map(|e| e.trim().parse::<f64>().ok())
                .collect(),
        )
    }

    /// Whether a level label is excluded from the base.
    pub(crate) fn excludes_label(&self, label: &str, code: Option<f64>) -> bool {
        self.exclude
            .iter()
            .any(|e| e == label || (code.is_some() && e.trim().parse::<f64>().ok() == code))
    }
}

/// Numeric codes left out of the base.
#[derive(Debug, Clone, Default)]
pub(crate) struct Excluded(Vec<f64>);

impl Excluded {
    /// The excluded codes.
    pub(crate) fn codes(&self) -> &[f64] {
        &self.0
    }

    /// Whether no code is excluded.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `v` is excluded.
    #[inline]
    pub(crate) fn contains(&self, v: f64) -> bool {
        !self.0.is_empty() && self.0.contains(&v)
    }
}

/// A result row with every value unavailable and a note saying why.
pub(crate) fn unavailable(stat: Stat, variable: &str, level: f64, note: &str) -> Estimate {
    Estimate {
        id: String::new(),
        stat,
        variable: variable.to_string(),
        domain: None,
        domain_label: None,
        category: None,
        category_label: None,
        term: None,
        prob: None,
        estimate: None,
        std_error: None,
        ci_lower: None,
        ci_upper: None,
        level,
        df: None,
        p_value: None,
        deff: None,
        deff_replace: None,
        n: 0,
        n_missing: 0,
        weighted_n: 0.0,
        method: String::new(),
        note: Some(note.to_string()),
    }
}
