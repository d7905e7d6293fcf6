//! Integration tests, built as one binary to keep link time down.

mod bad_input;
mod binomial;
mod chained;
mod chisq;
mod cli;
mod common;
mod csv_parallel;
mod csv_reading;
mod invariants;
mod oracle;
mod quantile;
mod questionnaire;
mod questionnaire_analysis;
mod replicates;
mod speed_invariance;
mod svyciprop;
mod weighting;
mod zubr_data;
mod zubr_report;
