//! # survey-stats
//!
//! Design-based statistics for questionnaire data: the estimates of R's `survey` package,
//! to the digit, on columnar data and in one pass over the rows.
//!
//! ## A tour
//!
//! A [`Survey`] owns the data and the design they were drawn under; estimates are its
//! methods and return typed answers ([`Estimate`], [`Frequencies`], [`LikertSummary`],
//! [`MultipleResponse`], or a [`ByDomain`] of them).
//!
//! ```
//! use survey_stats::{Dataset, Survey};
//!
//! // Answers held in Rust vectors: codes as small integers, 9 = "hard to answer".
//! let data = Dataset::builder()
//!     .column("region", vec![1u8, 1, 1, 1, 2, 2, 2, 2])
//!     .column("psu", vec![1u8, 1, 2, 2, 3, 3, 4, 4])
//!     .column("w", vec![10.0, 10.0, 12.0, 12.0, 8.0, 8.0, 9.0, 9.0])
//!     .column("q1", vec![4u8, 5, 2, 9, 3, 5, 4, 4])
//!     .build()?;
//! // R: svydesign(id = ~psu, strata = ~region, weights = ~w, data = d)
//! let survey = Survey::builder(data).weights("w").strata("region").clusters(["psu"]).build()?;
//!
//! let q1 = survey.exclude([9]).frequencies("q1")?;
//! assert_eq!(q1.base(), 7);
//! let good = q1.get(4).unwrap();
//! assert!((good.share.value - 28.0 / 66.0).abs() < 1e-12); // (10 + 9 + 9) / 66
//!
//! let by_region = survey.by(["region"]).likert("q1")?;
//! assert!((by_region.get(1).unwrap().top_box.value - 20.0 / 32.0).abs() < 1e-12);
//! println!("{q1}\n{by_region}"); // aligned tables
//! # Ok::<(), survey_stats::Error>(())
//! ```
//!
//! The [`tutorial`] goes from vectors to a report, step by step; the [`cookbook`] has
//! recipes; [`spec`] documents the JSON analysis spec that the `survey-stats` command line
//! runs. `DESIGN.md` explains the architecture as questions and answers.
//!
//! ## The layers
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`questionnaire`] | questions, kinds, options, Likert scales, non-substantive codes, labels, nets |
//! | [`data`] | the columnar [`Dataset`], built from Rust values or read from CSV, validation against a questionnaire |
//! | [`design`] | weights, strata, clusters by stage, fpc, lonely-PSU policy, replicate weights |
//! | [`estimate`] | the estimators on a design (what a [`Survey`]'s methods call), the flat report row |
//! | [`interval`] | confidence intervals: t / normal, `svyciprop`'s methods, binomial intervals |
//! | [`weighting`] | post-stratification, raking, calibration, trimming, weight summaries |
//! | [`hypothesis`] | Rao–Scott and Wald tests of independence |
//! | [`table`] | rendering: aligned text (Unicode widths), Markdown, CSV, JSON |
//! | [`banner`] | banner tables: crosstabs with design-based significance letters |
//! | [`spec`] | the JSON analysis spec and its runner (the `survey-stats` command line) |
//! | [`chart`] | SVG charts of typed answers: diverging bars, dot plots, ranked bars |
//! | [`report`] | one self-contained HTML page of tables and charts; Excel workbooks (feature `xlsx`) |
//!
//! A lower layer never imports a higher one. The variance engine (per-unit sums and the
//! multistage formula) is private: every estimator, including custom ones
//! ([`Estimator::function_of_totals`]), reaches it through a pass that applies the whole
//! design.
//!
//! ## Supported, and not yet
//!
//! Supported: Taylor-linearization variance for stratified multistage designs with fpc
//! (R's full multistage formula), lonely-PSU policies, domains, design effects, every
//! `svyciprop` and `svyquantile` method, `svychisq`'s statistics (`lincom` included; by
//! domain in the spec), the two-sample t-test (`svyttest`), multiple-response and Likert
//! summaries, paired differences, linear and nonlinear contrasts of domain means and of
//! means (`svycontrast`); generalised linear models (R's `svyglm`: gaussian, binomial,
//! poisson, with [`Survey::glm`]) and the proportional-odds model (`svyolr`);
//! post-stratification, raking
//! and GREG calibration with their calibrated variance, trimming; replicate-weight designs
//! (JK1, JKn, BRR, Fay, bootstrap, successive difference, other), given or created; PPS
//! sampling without replacement (Brewer, Overton, Hartley–Rao, the full joint-probability
//! matrix; Horvitz–Thompson and Yates–Grundy forms).
//!
//! Not yet: models other than `svyglm`'s three families and `svyolr`'s logit link
//! (other links, offsets); `olr` and the t-test by domain.

#![warn(missing_docs)]

pub mod banner;
pub mod chart;
pub mod cookbook;
pub mod data;
pub mod design;
mod error;
pub mod estimate;
pub mod hypothesis;
pub mod interval;
mod numerics;
mod parallel;
pub mod questionnaire;
pub mod report;
pub mod spec;
pub mod sums;
mod survey;
pub mod table;
pub mod tutorial;
mod variance;
pub mod weighting;

pub use banner::{Adjust, Banner, BannerBuilder};
pub use data::{Dataset, DatasetBuilder, IntoColumn};
pub use design::{
    DesignOptions, JointProbabilities, LonelyPsu, Pps, PpsVariance, ReplicateMethod,
    ReplicateOptions, ReplicateType,
};
pub use error::{Error, ErrorKind, Result};
pub use estimate::{Coefficient, Family, GlmFit, Model, Olr, OlrParameter, Total};
pub use interval::ProportionMethod;
pub use survey::{
    By, ByDomain, Category, Domain, Estimate, Estimator, Frequencies, Interval, Key, LikertSummary,
    MultipleResponse, OptionShare, PopulationKey, Survey, SurveyBuilder, TTest, Value, Whole,
};

/// The README's examples, run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
