//! # survey-stats
//!
//! Design-based statistics for questionnaire data: the estimates of R's `survey` package,
//! to the digit, on columnar data and in one pass over the rows.
//!
//! ## The layers
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`questionnaire`] | questions, kinds, options, Likert scales, non-substantive codes, labels, nets |
//! | [`data`] | the columnar [`data::Dataset`], CSV reading, validation against a questionnaire |
//! | [`design`] | weights, strata, clusters by stage, fpc, lonely-PSU policy, replicate weights |
//! | [`variance`] | linearization: per-unit sums → the design covariance of totals |
//! | [`estimate`] | mean, total, proportion, count, ratio, difference, quantile; domains; [`estimate::Estimate`] |
//! | [`interval`] | confidence intervals: t / normal, `svyciprop`'s methods, binomial intervals |
//! | [`weighting`] | post-stratification, raking, calibration, trimming, weight summaries |
//! | [`test`] | Rao–Scott and Wald tests of independence |
//! | [`table`] | rendering: aligned text (Unicode widths), Markdown, CSV, JSON |
//! | [`spec`] | the JSON analysis spec and its runner (the `survey-stats` command line) |
//! | [`runtime`] | process settings for large runs (keeping freed memory) |
//!
//! A lower layer never imports a higher one. [`cookbook`] has recipes for the common
//! analyses; `DESIGN.md` explains the architecture as questions and answers.
//!
//! ## A tour
//!
//! ```
//! use survey_stats::data::{read_csv, CsvOptions};
//! use survey_stats::design::{Design, DesignOptions};
//! use survey_stats::estimate::{proportion, CategorySelection, Domains, EstimateOptions};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/apiclus1.csv");
//! let data = read_csv(path, &CsvOptions::default())?;
//! // R: svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
//! let design = Design::new(&data, &DesignOptions {
//!     weights: Some("pw".into()),
//!     clusters: vec!["dnum".into()],
//!     fpc: vec!["fpc".into()],
//!     ..Default::default()
//! })?;
//! let by_type = Domains::by(&data, &["stype".to_string()])?;
//! let rows = proportion(&data, &design, "sch.wide", &CategorySelection::One("Yes".into()),
//!     &by_type, &EstimateOptions::default())?;
//! assert_eq!(rows.len(), 3); // E, H, M
//! // R's svyby(…, svyciprop): estimate 0.9166666666666609, df = PSUs in the domain − strata
//! assert!((rows[0].estimate.unwrap() - 0.9166666666666609).abs() < 1e-12);
//! assert_eq!(rows[1].df, Some(7.0));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Supported, and not yet
//!
//! Supported: Taylor-linearization variance for stratified multistage designs with fpc
//! (R's full multistage formula), lonely-PSU policies, domains, design effects, every
//! `svyciprop` and `svyquantile` method, `svychisq`'s statistics, multiple-response and
//! Likert summaries, paired differences and domain contrasts; post-stratification, raking
//! and GREG calibration with their calibrated variance, trimming; replicate-weight designs
//! (JK1, JKn, BRR, Fay, bootstrap, successive difference, other), given or created.
//!
//! Not yet: `svychisq`'s `lincom`; `svychisq` by domain in the spec.

pub mod cookbook;
pub mod data;
pub mod design;
mod error;
pub mod estimate;
pub mod interval;
mod linalg;
mod parallel;
pub mod questionnaire;
mod roots;
pub mod runtime;
pub mod spec;
mod survey;
pub mod table;
pub mod test;
pub mod variance;
pub mod weighting;

pub use data::{Dataset, DatasetBuilder, IntoColumn};
pub use design::{DesignOptions, LonelyPsu, ReplicateMethod, ReplicateOptions, ReplicateType};
pub use error::{Error, ErrorKind, Result};
pub use estimate::Total;
pub use interval::ProportionMethod;
pub use survey::{
    By, ByDomain, Category, Domain, Estimate, Estimator, Frequencies, Interval, Key,
    LikertSummary, MultipleResponse, OptionShare, PopulationKey, Survey, SurveyBuilder, Value,
    Whole,
};

/// The README's examples, run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
