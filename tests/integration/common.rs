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

/// Records of `reference.json` whose `ci_*_exact_root` carry R's unconverged IRLS: glm's
/// default `epsilon = 1e-8` stops the intercept-only fit for sch.wide in the stratified
/// designs one step early, so `naive.cov` (from the previous iterate's weights) and hence λ
/// are off by 6e-5 and the oracle's exact roots by up to 2.2e-6 relative. Refitted to
/// convergence (`tests/data/svyciprop_likelihood_converged.R`) they agree with this crate to
/// ~1e-9 (`svyciprop.rs` checks that); against the oracle they are checked at 3e-6.
pub const UNCONVERGED_GLM: &[&str] = &[
    "strat_fpc/svyciprop/sch.wide=Yes/likelihood/0.95",
    "strat_fpc/svyciprop/sch.wide=Yes/likelihood/0.9",
    "strat_nofpc/svyciprop/sch.wide=Yes/likelihood/0.95",
    "strat_nofpc/svyciprop/sch.wide=Yes/likelihood/0.9",
];

/// `(rel, abs)` for value `name` of a `reference.json` record: the record's override, else
/// the oracle's default (rel 1e-6, abs 1e-9); 3e-6 for the exact roots of
/// [`UNCONVERGED_GLM`].
pub fn tolerance(record: &serde_json::Value, name: &str) -> (f64, f64) {
    let t = &record["tolerance"][name];
    let id = record["id"].as_str().unwrap_or_default();
    let default_rel = if name.ends_with("_exact_root") && UNCONVERGED_GLM.contains(&id) {
        3e-6
    } else {
        1e-6
    };
    match (t["rel"].as_f64(), t["abs"].as_f64()) {
        (None, None) => (default_rel, 1e-9),
        (r, a) => (r.unwrap_or(0.0), a.unwrap_or(0.0)),
    }
}

/// A fresh, empty folder for one test's files: `survey-stats-{topic}-{pid}-{name}` in the
/// system's temporary folder.
pub fn scratch(topic: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "survey-stats-{topic}-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the command line with `args`; (exit code, stdout, stderr).
pub fn run_cli(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_survey-stats"))
        .args(args)
        .output()
        .expect("run survey-stats");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Parses `text` as XML (an SVG chart, or the report's page, which is written as XHTML so
/// that this checks it); panics with the parser's message when it is not well-formed.
pub fn parse_xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("not well-formed: {e}"))
}
