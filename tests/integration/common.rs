//! Tolerances and assertion helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// Path of a file under `tests/data/`.
pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data")).join(name)
}

/// Reads and parses a JSON file under `tests/data/`.
pub fn read_json(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(data_path(name)).expect("test data file");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Whether `got` is within `max(abs, rel·|want|)` of `want`.
pub fn close(got: f64, want: f64, rel: f64, abs: f64) -> bool {
    (got - want).abs() <= abs.max(rel * want.abs())
}

/// Panics unless `got` is within `max(abs, rel·|want|)` of `want`, naming `what`.
pub fn assert_close(got: f64, want: f64, rel: f64, abs: f64, what: &str) {
    assert!(
        close(got, want, rel, abs),
        "{what}: got {got:e}, want {want:e} (diff {:e}, rel {rel:e}, abs {abs:e})",
        (got - want).abs()
    );
}
