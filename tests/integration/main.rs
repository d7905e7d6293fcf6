//! Integration tests, built as one binary to keep link time down.

mod chisq;
mod common;
mod oracle;
mod quantile;
mod weighting;
