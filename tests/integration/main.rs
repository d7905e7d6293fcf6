//! Integration tests, built as one binary to keep link time down.

mod bad_input;
#[cfg(feature = "ballista-node")]
mod ballista;
mod banner;
mod binomial;
mod chained;
mod chisq;
mod cli;
mod common;
mod contrast;
#[cfg(feature = "internals")]
mod csv_parallel;
mod csv_reading;
#[cfg(feature = "datafusion")]
mod datafusion;
mod formats;
mod fuzz;
mod glm;
mod hardening;
mod invariants;
mod library_face;
mod lincom;
mod misuse;
mod olr;
mod oracle;
mod parity;
mod pps;
mod quantile;
mod questionnaire;
mod questionnaire_analysis;
mod replicates;
mod report;
mod review_today;
mod speed_invariance;
mod sums;
mod svyciprop;
mod ttest;
mod weighting;
mod zubr_data;
mod zubr_report;
