//! Integration tests, built as one binary to keep link time down.

mod bad_input;
mod binomial;
mod chisq;
mod cli;
mod common;
mod csv_parallel;
mod invariants;
mod oracle;
mod quantile;
mod questionnaire;
mod questionnaire_analysis;
mod svyciprop;
mod weighting;
mod zubr_data;
mod zubr_report;
