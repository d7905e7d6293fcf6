//! PPS designs without replacement against R survey 4.1.1: every value of
//! `tests/data/pps_R.json` (made by `tests/data/pps_R.R` from `election_pps.csv`,
//! `election_jointprob.csv` and `apiclus1_pps.csv`): Brewer, Overton, Hartley–Rao (with and
//! without `psum`) and the full joint-probability matrix, Horvitz–Thompson and
//! Yates–Grundy, unstratified, stratified, with lonely PSUs and with clusters; totals,
//! means, proportions, ratios and domain means, estimate and SE at relative 1e-9.

use crate::common::{data_path, read_json};
use serde_json::Value;
use survey_stats::design::{DesignError, JointProbabilities};
use survey_stats::{DesignOptions, LonelyPsu, Pps, PpsVariance, Survey};

const REL: f64 = 1e-9;

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("a number, got {v}"))
}

fn joint() -> JointProbabilities {
    JointProbabilities::read_csv(data_path("election_jointprob.csv")).expect("the matrix")
}

fn options(case: &Value, psum: f64) -> DesignOptions {
    let pps = match case["method"].as_str().expect("method") {
        "brewer" => Pps::Brewer,
        "overton" => Pps::Overton,
        "hartley_rao" => Pps::HartleyRao { psum: None },
        "hartley_rao_psum" => Pps::HartleyRao { psum: Some(psum) },
        "joint" => Pps::JointProbabilities(joint()),
        other => panic!("method {other}"),
    };
    let lonely: LonelyPsu =
        serde_json::from_value(case["lonely_psu"].clone()).expect("a lonely-PSU policy");
    DesignOptions {
        strata: case["strata"].as_str().map(String::from),
        clusters: if case["data"] == "apiclus1" {
            vec!["dnum".into()]
        } else {
            vec![]
        },
        fpc: vec!["p".into()],
        lonely_psu: lonely,
        pps: Some(pps),
        variance: if case["variance"] == "YG" {
            PpsVariance::Yg
        } else {
            PpsVariance::Ht
        },
        ..Default::default()
    }
}

#[test]
fn every_case_matches_r() {
    let reference = read_json("pps_R.json");
    let psum = num(&reference["meta"]["psum"]);
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in reference["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        let file = match case["data"].as_str() {
            Some("election") => "election_pps.csv",
            _ => "apiclus1_pps.csv",
        };
        let survey = Survey::from_csv(data_path(file), &options(case, psum))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let mut check = |what: String, got: f64, want: f64| {
            checked += 1;
            if (got - want).abs() > REL * want.abs() {
                failures.push(format!(
                    "{id} {what}: got {got:.17e}, R {want:.17e} (rel {:.1e})",
                    (got - want).abs() / want.abs()
                ));
            }
        };
        for s in case["stats"].as_array().expect("stats") {
            let variable = s["variable"].as_str().expect("variable");
            let stat = s["stat"].as_str().expect("stat");
            let e = match (stat, s.get("by")) {
                ("mean", Some(by)) => {
                    let domain = s["domain"].as_str().expect("domain");
                    let by = by.as_str().expect("by");
                    survey
                        .by([by])
                        .mean(variable)
                        .expect("mean by")
                        .get(domain)
                        .expect("domain")
                        .clone()
                }
                ("total", _) => survey.total(variable).expect("total"),
                ("mean", _) => survey.mean(variable).expect("mean"),
                ("ratio", _) => survey
                    .ratio(variable, s["denominator"].as_str().expect("denominator"))
                    .expect("ratio"),
                ("proportion", _) => {
                    let f = survey.frequencies(variable).expect("frequencies");
                    let c = s["category"].as_str().expect("category");
                    f.get(c).expect("category").share.clone()
                }
                _ => panic!("stat {stat}"),
            };
            let what = format!("{stat} {variable} {}", s["domain"].as_str().unwrap_or(""));
            check(format!("{what} value"), e.value, num(&s["value"]));
            check(format!("{what} SE"), e.std_error, num(&s["se"]));
            if let Some(deff) = s.get("deff") {
                check(
                    format!("{what} deff"),
                    e.design_effect.expect("a deff"),
                    num(deff),
                );
            }
        }
        check(
            "df".into(),
            survey.design().degrees_of_freedom(),
            num(&case["df"]),
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} values differ from R:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 300, "{checked} values checked");
}

/// Errors name the PSU, row and value.
#[test]
fn bad_pps_input_is_named() {
    let base = DesignOptions {
        fpc: vec!["p".into()],
        pps: Some(Pps::Overton),
        ..Default::default()
    };
    let load = || {
        survey_stats::data::read_csv(data_path("election_pps.csv"), &Default::default())
            .expect("data")
    };
    // A probability above 1 (R: "fpc must be specified as sampling fraction").
    let err = Survey::new(
        load(),
        &DesignOptions {
            fpc: vec!["wt".into()],
            ..base.clone()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("data row 1") && err.to_string().contains("1.1066"),
        "{err}"
    );
    // Yates–Grundy with Brewer, weights with Overton, no fpc.
    for (options, text) in [
        (
            DesignOptions {
                pps: Some(Pps::Brewer),
                variance: PpsVariance::Yg,
                ..base.clone()
            },
            "Only variance='HT'",
        ),
        (
            DesignOptions {
                weights: Some("wt".into()),
                ..base.clone()
            },
            "leave weights out",
        ),
        (
            DesignOptions {
                fpc: vec![],
                ..base.clone()
            },
            "needs one fpc column",
        ),
        (
            DesignOptions {
                variance: PpsVariance::Yg,
                pps: None,
                ..base.clone()
            },
            "set pps",
        ),
    ] {
        let err = Survey::new(load(), &options).unwrap_err();
        assert!(err.to_string().contains(text), "{err}");
    }
    // The matrix: too small, a diagonal that is not the fpc, a pair above min(π_i, π_j).
    let rows = joint().rows();
    let small = JointProbabilities::new(rows[..3].iter().map(|r| r[..3].to_vec()).collect())
        .expect("a 3×3 matrix");
    let err = Survey::new(
        load(),
        &DesignOptions {
            pps: Some(Pps::JointProbabilities(small)),
            ..base.clone()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("3×3 matrix but the design has 40 PSUs"),
        "{err}"
    );
    let mut shifted = rows.clone();
    shifted[4][4] *= 1.01;
    let err = Survey::new(
        load(),
        &DesignOptions {
            pps: Some(Pps::JointProbabilities(
                JointProbabilities::new(shifted).expect("valid"),
            )),
            ..base.clone()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("row 5") && err.to_string().contains("data row 5"),
        "{err}"
    );
    let mut big = rows.clone();
    big[0][1] = 0.5;
    big[1][0] = 0.5;
    match JointProbabilities::new(big) {
        Err(DesignError::JointProbability {
            row: 2,
            column: 1,
            value,
            ..
        }) => assert_eq!(value, 0.5),
        other => panic!("{other:?}"),
    }
    let mut asymmetric = rows;
    asymmetric[2][7] *= 0.5;
    match JointProbabilities::new(asymmetric) {
        Err(DesignError::JointProbability {
            row: 8, column: 3, ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

/// The command line reads the matrix from the spec's CSV file; `design.pps` and
/// `design.variance` reach the estimates; a missing file is named.
#[test]
fn command_line_reads_the_joint_probabilities() {
    let dir = std::env::temp_dir().join(format!("survey-stats-cli-pps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let spec = |joint: &std::path::Path| {
        serde_json::json!({
            "data": data_path("election_pps.csv"),
            "design": {"fpc": ["p"], "pps": {"joint_probabilities": joint}, "variance": "yg"},
            "estimates": [{"id": "t", "stat": "total", "variable": "Bush"}]
        })
    };
    let run = |spec: serde_json::Value| {
        let path = dir.join("spec.json");
        std::fs::write(&path, spec.to_string()).expect("the spec written");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_survey-stats"))
            .args([
                "estimate",
                path.to_str().expect("a path"),
                "--format",
                "json",
            ])
            .output()
            .expect("run survey-stats");
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        (out.status.code(), text(out.stdout), text(out.stderr))
    };
    let (code, out, err) = run(spec(&data_path("election_jointprob.csv")));
    assert_eq!(code, Some(0), "{err}");
    let rows: Value = serde_json::from_str(&out).expect("JSON rows");
    let reference = read_json("pps_R.json");
    let case = reference["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == "election/joint/YG")
        .expect("the case");
    let se = num(&case["stats"][0]["se"]);
    let got = rows[0]["std_error"].as_f64().expect("an SE");
    assert!((got - se).abs() <= REL * se, "{got} vs R {se}");

    let (code, _, err) = run(spec(&dir.join("no_such_file.csv")));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no_such_file.csv"), "{err}");
}

/// The variance does not depend on the order of the rows: on `apiclus1_pps.csv` with its
/// rows reversed (districts no longer in id order, where survey 4.1.1's Brewer variance
/// mixes up the PSUs' fpcs) every method gives what R gives on the sorted rows.
#[test]
fn row_order_does_not_matter() {
    let text = std::fs::read_to_string(data_path("apiclus1_pps.csv")).expect("the data");
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1..].reverse();
    let dir = std::env::temp_dir().join(format!("survey-stats-pps-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let reversed = dir.join("apiclus1_pps_reversed.csv");
    std::fs::write(&reversed, lines.join("\n") + "\n").expect("written");
    let reference = read_json("pps_R.json");
    for case in reference["cases"].as_array().expect("cases") {
        if case["data"] != "apiclus1" {
            continue;
        }
        let survey = Survey::from_csv(&reversed, &options(case, 0.0)).expect("a survey");
        let want = &case["stats"][0];
        assert_eq!(want["variable"], "enroll");
        let got = survey.total("enroll").expect("a total").std_error;
        let want = num(&want["se"]);
        assert!(
            (got - want).abs() <= REL * want,
            "{}: {got} vs R {want}",
            case["id"]
        );
    }
}
