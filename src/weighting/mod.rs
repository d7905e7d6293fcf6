//! Weighting adjustments: post-stratification, raking, calibration, trimming, and a
//! summary of the weights.
//!
//! Each adjustment is a pure function from columns to new weights — the original weights,
//! a category code per row (or an auxiliary matrix) and population figures — and matches
//! R `survey` 4.1.1 row by row:
//!
//! | function | R | what it does |
//! | --- | --- | --- |
//! | [`poststratify`] | `postStratify` | scales each cell to its population count |
//! | [`rake`] | `rake` | post-stratifies to several margins in turn until the cells stop moving |
//! | [`calibrate`] | `calibrate` (`calfun` linear, raking, logit; `bounds`) | meets totals of auxiliary variables |
//! | [`trim`] | `trimWeights` | clips weights to bounds and shares out the amount clipped |
//! | [`WeightSummary::of`] | — | cv, Kish design effect and effective sample size |
//!
//! The adjustments change only the weights. The variance of estimates from adjusted
//! weights (R's `svyrecvar` with the design's `postStrata`) also needs what each
//! adjustment was made from — the cell codes and the weights before and after for
//! post-stratification, the margins and [`RakeOutcome::sweep_factors`] for raking, the
//! auxiliary matrix, the original weights and [`CalibrationOutcome::g`] for calibration —
//! and belongs to the variance engine.
//!
//! ```
//! use survey_stats::weighting::{poststratify, WeightSummary};
//! let w = poststratify(&[10.0, 10.0, 10.0, 10.0], &[0, 0, 0, 1], &[60.0, 40.0])?;
//! assert_eq!(w, vec![20.0, 20.0, 20.0, 40.0]);
//! assert_eq!(WeightSummary::of(&w)?.effective_n, 10_000.0 / 2800.0);
//! # Ok::<(), survey_stats::weighting::WeightingError>(())
//! ```

mod adjust;
mod calibrate;
mod check;
mod error;
mod model;
mod poststratify;
mod rake;
mod summary;
mod trim;

pub use adjust::{
    AdjustError, MAX_CALIBRATION_COLUMNS, calibrate_design, poststratify_design, rake_design,
    trim_design,
};
pub use calibrate::{CalibrateOptions, CalibrationOutcome, Distance, calibrate};
pub use error::{Result, WeightingError};
pub use model::{dummies, row_major};
pub use poststratify::{PartialPostStratification, poststratify, poststratify_partial};
pub use rake::{Margin, RakeControl, RakeOutcome, rake};
pub use summary::WeightSummary;
pub use trim::trim;
