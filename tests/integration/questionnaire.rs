//! Questionnaire model: JSON round trips (proptest), validation errors, value checks and
//! the reconstructed ZUBR 2019 questionnaire (tests/data/questionnaire_example.json).

use proptest::prelude::*;
use proptest::sample::{Index, subsequence};
use survey_stats::questionnaire::{
    AnswerOption, Code, Labels, LikertDirection, LikertLevel, MissingCode, Net, NonSubstantive,
    Question, QuestionKind, Questionnaire, QuestionnaireError, ResponseStorage, ValueProblem,
};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/questionnaire_example.json"
);

fn codes(values: &[i64]) -> Vec<Code> {
    values.iter().copied().map(Code::new).collect()
}

// ---------------------------------------------------------------------------------------
// Strategies

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[әіңғүұқөһӘІҢҒҮҰҚӨҺа-яА-ЯёЁ ,.?!«»—-]{0,24}",
        "[A-Za-z0-9 ,.'?()/-]{0,32}",
        r#"[\x00-\x1f\x7f"\\\u{2028}\u{2029}\u{1F600}-\u{1F64F}\u{10FFFF}]{0,8}"#,
    ]
}

fn lang() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("kk".to_owned()),
        Just("en".to_owned()),
        Just("ru".to_owned()),
        "[a-z]{2,3}(-[A-Z][a-z]{3})?",
        any::<String>(),
    ]
}

fn labels() -> impl Strategy<Value = Labels> {
    prop::collection::btree_map(lang(), text(), 0..4).prop_map(Labels::from_iter)
}

fn nonempty_labels() -> impl Strategy<Value = Labels> {
    prop::collection::btree_map(lang(), text(), 1..4).prop_map(Labels::from_iter)
}

fn non_substantive() -> impl Strategy<Value = NonSubstantive> {
    prop_oneof![
        Just(NonSubstantive::DontKnow),
        Just(NonSubstantive::Refused),
        Just(NonSubstantive::NotApplicable),
        Just(NonSubstantive::Skipped),
    ]
}

/// Unique codes in -3..60, in random order (extra missing codes use 90..100).
fn code_list(max: usize) -> impl Strategy<Value = Vec<i64>> {
    prop::collection::btree_set(-3i64..60, 1..max)
        .prop_map(Vec::from_iter)
        .prop_shuffle()
}

fn options() -> impl Strategy<Value = Vec<AnswerOption>> {
    code_list(8).prop_flat_map(|cs| {
        let n = cs.len();
        (Just(cs), prop::collection::vec(labels(), n)).prop_map(|(cs, ls)| {
            cs.into_iter()
                .zip(ls)
                .map(|(c, l)| AnswerOption::new(c, l))
                .collect()
        })
    })
}

/// Quarter-integers: exactly representable and printed with few digits, so that JSON
/// parsing is exact without serde_json's `float_roundtrip` feature.
fn quarter(v: i32) -> f64 {
    f64::from(v) / 4.0
}

/// Storage with placeholder column names; `name_columns` fills them in once the id is known.
fn storage(n_options: usize) -> impl Strategy<Value = ResponseStorage> {
    prop_oneof![
        Just(ResponseStorage::Binary { columns: None }),
        Just(ResponseStorage::Binary {
            columns: Some(vec![String::new(); n_options])
        }),
        (1usize..5).prop_map(|k| ResponseStorage::Codes {
            columns: vec![String::new(); k]
        }),
    ]
}

fn kind() -> impl Strategy<Value = QuestionKind> {
    let single = options().prop_map(|options| QuestionKind::SingleChoice { options });
    let multiple = options().prop_flat_map(|opts| {
        let n = opts.len();
        (
            Just(opts),
            storage(n),
            prop::option::of(1u32..6),
            prop::option::of(any::<Index>()),
        )
            .prop_map(|(options, storage, max_choices, ex)| {
                let exclusive = ex.map(|i| options[i.index(options.len())].code);
                QuestionKind::MultipleResponse {
                    options,
                    storage,
                    max_choices,
                    exclusive,
                }
            })
    });
    let likert = code_list(8).prop_flat_map(|cs| {
        let n = cs.len();
        (
            Just(cs),
            prop::collection::btree_set(-40i32..40, n),
            prop::collection::vec(labels(), n),
            prop::option::of(any::<Index>()),
            prop::bool::ANY,
        )
            .prop_map(|(cs, scores, ls, mid, descending)| {
                let scores: Vec<f64> = scores.into_iter().map(quarter).collect();
                let midpoint = mid.map(|i| {
                    let j = i.index(scores.len());
                    // a score, or halfway between two neighbouring ones
                    if j + 1 < scores.len() && j % 2 == 0 {
                        (scores[j] + scores[j + 1]) / 2.0
                    } else {
                        scores[j]
                    }
                });
                QuestionKind::Likert {
                    levels: cs
                        .into_iter()
                        .zip(scores)
                        .zip(ls)
                        .map(|((c, s), l)| LikertLevel::new(c, s, l))
                        .collect(),
                    midpoint,
                    direction: if descending {
                        LikertDirection::Descending
                    } else {
                        LikertDirection::Ascending
                    },
                }
            })
    });
    let numeric = (
        prop::option::of((-40i32..40, 0i32..80)),
        prop::option::of(text()),
    )
        .prop_map(|(range, unit)| QuestionKind::Numeric {
            range: range.map(|(lo, width)| [quarter(lo), quarter(lo + width)]),
            unit,
        });
    prop_oneof![single, multiple, likert, numeric]
}

fn name_columns(id: &str, kind: &mut QuestionKind) {
    if let QuestionKind::MultipleResponse { storage, .. } = kind {
        match storage {
            ResponseStorage::Binary {
                columns: Some(columns),
            } => {
                for (j, c) in columns.iter_mut().enumerate() {
                    *c = format!("{id}_c{j}");
                }
            }
            ResponseStorage::Codes { columns } => {
                for (j, c) in columns.iter_mut().enumerate() {
                    *c = format!("{id}_s{j}");
                }
            }
            ResponseStorage::Binary { columns: None } => {}
        }
    }
}

/// A valid question whose id (and so every column) starts with the unique prefix `q{i}_`.
fn question(i: usize) -> impl Strategy<Value = Question> {
    let id = "[a-z0-9_әіңғүұқөһ]{0,6}".prop_map(move |s| format!("q{i}_{s}"));
    (id, labels(), kind())
        .prop_flat_map(|(id, text, mut kind)| {
            name_columns(&id, &mut kind);
            let q = Question::new(id, text, kind);
            let answers = q.answer_codes();
            let marked = match q.kind {
                QuestionKind::SingleChoice { .. } | QuestionKind::MultipleResponse { .. } => {
                    subsequence(answers.clone(), 0..=answers.len()).boxed()
                }
                _ => Just(Vec::new()).boxed(),
            };
            (
                Just(q),
                marked,
                prop::collection::btree_set(90i64..100, 0..3),
                prop::collection::vec(non_substantive(), 8),
                prop::collection::vec(nonempty_labels(), 3),
            )
        })
        .prop_map(|(mut q, marked, extra, kinds, extra_labels)| {
            let mut kinds = kinds.into_iter().cycle();
            for code in marked {
                let kind = kinds.next().unwrap_or(NonSubstantive::DontKnow);
                q.missing_codes.push(MissingCode::new(code, kind));
            }
            for (code, label) in extra.into_iter().zip(extra_labels) {
                let kind = kinds.next().unwrap_or(NonSubstantive::Refused);
                q.missing_codes
                    .push(MissingCode::new(code, kind).with_label(label));
            }
            q
        })
        .prop_flat_map(|q| {
            let known = q.codes();
            let nets = if known.is_empty() {
                Just(Vec::new()).boxed()
            } else {
                let n = known.len();
                prop::collection::vec((labels(), subsequence(known, 1..=n)), 0..3).boxed()
            };
            (Just(q), nets)
        })
        .prop_map(|(mut q, nets)| {
            for (j, (label, net_codes)) in nets.into_iter().enumerate() {
                q.nets.push(Net::new(format!("n{j}"), label, net_codes));
            }
            q
        })
}

fn questions() -> impl Strategy<Value = Vec<Question>> {
    (0usize..7).prop_flat_map(|n| (0..n).map(question).collect::<Vec<_>>())
}

// ---------------------------------------------------------------------------------------
// (1) round trips

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn json_round_trip_preserves_questionnaire(title in labels(), qs in questions()) {
        let q = Questionnaire::new(qs)
            .map_err(|e| TestCaseError::fail(format!("generated questionnaire invalid: {e}")))?
            .with_title(title);
        let json = q.to_json_pretty().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = Questionnaire::from_json(&json)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(&back, &q);
        let again = back.to_json_pretty().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&again, &json);

        // compact text through serde's Deserialize impl
        let compact = serde_json::to_string(&q).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let via_serde: Questionnaire = serde_json::from_str(&compact)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&via_serde, &q);

        // the column index agrees with each question's columns
        for question in q.questions() {
            for column in question.columns() {
                let found = q.question_for_column(&column).map(|x| &x.id);
                prop_assert_eq!(found, Some(&question.id));
            }
        }
    }

    #[test]
    fn labels_round_trip_any_unicode(l in labels()) {
        let json = serde_json::to_string(&l).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Labels = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &l);
        for (lang, text) in l.iter() {
            prop_assert_eq!(back.get(lang), Some(text));
        }
    }

    #[test]
    fn substantive_and_non_substantive_partition_known_codes(q in question(0)) {
        for code in q.codes() {
            let non_sub = q.non_substantive_kind(code).is_some();
            prop_assert!(q.is_known_code(code));
            prop_assert_eq!(q.is_substantive(code), !non_sub);
        }
        for code in q.substantive_codes() {
            prop_assert!(q.is_substantive(code));
        }
    }
}

#[test]
fn kazakh_letters_round_trip_exactly() -> Result<(), QuestionnaireError> {
    let letters = "әіңғүұқөһ ӘІҢҒҮҰҚӨҺ";
    let q = Questionnaire::new(vec![Question::new(
        "q",
        Labels::from([("kk", letters), ("en", "Letters")]),
        QuestionKind::SingleChoice {
            options: vec![AnswerOption::new(1, Labels::from([("kk", letters)]))],
        },
    )])?;
    let json = q.to_json_pretty()?;
    assert!(
        json.contains(letters),
        "letters are written verbatim, not escaped"
    );
    let back = Questionnaire::from_json(&json)?;
    assert_eq!(back.questions()[0].text("kk"), Some(letters));
    assert_eq!(
        back.questions()[0].option_label(Code::new(1), "en"),
        Some(letters)
    );
    Ok(())
}

#[test]
fn labels_fallback_order() {
    let l = Labels::from([("ru", "Да"), ("kk", "Иә")]);
    assert_eq!(l.get("ru"), Some("Да"));
    assert_eq!(l.get("de"), Some("Иә"), "first in sorted order when no en");
    let l = l.with("en", "Yes");
    assert_eq!(l.get("de"), Some("Yes"), "en before first available");
    assert_eq!(Labels::new().get("en"), None);
}

// ---------------------------------------------------------------------------------------
// (2) validation errors

fn err(json: &str) -> QuestionnaireError {
    match Questionnaire::from_json(json) {
        Ok(_) => panic!("accepted invalid questionnaire: {json}"),
        Err(e) => e,
    }
}

#[test]
fn duplicate_question_id() {
    let e =
        err(r#"{"questions": [{"id": "a", "kind": "numeric"}, {"id": "a", "kind": "numeric"}]}"#);
    assert!(
        matches!(&e, QuestionnaireError::DuplicateQuestionId { id } if id.as_str() == "a"),
        "{e:?}"
    );
}

#[test]
fn blank_question_id() {
    let e = err(r#"{"questions": [{"id": " ", "kind": "numeric"}]}"#);
    assert!(
        matches!(e, QuestionnaireError::InvalidQuestionId { .. }),
        "{e:?}"
    );
}

#[test]
fn duplicate_code() {
    let e = err(r#"{"questions": [{"id": "q", "kind": "single_choice",
            "options": [{"code": 1}, {"code": 2}, {"code": 1}]}]}"#);
    assert!(
        matches!(&e, QuestionnaireError::DuplicateCode { question, code }
            if question.as_str() == "q" && *code == Code::new(1)),
        "{e:?}"
    );
    // an extra missing code may not repeat an extra missing code either
    let e = err(
        r#"{"questions": [{"id": "age", "kind": "numeric", "missing_codes": [
            {"code": 99, "kind": "refused", "label": {"en": "Refused"}},
            {"code": 99, "kind": "dont_know", "label": {"en": "Don't know"}}]}]}"#,
    );
    assert!(
        matches!(e, QuestionnaireError::DuplicateCode { .. }),
        "{e:?}"
    );
}

#[test]
fn no_options() {
    let e = err(r#"{"questions": [{"id": "q", "kind": "single_choice", "options": []}]}"#);
    assert!(matches!(e, QuestionnaireError::NoOptions { .. }), "{e:?}");
}

#[test]
fn net_with_unknown_code() {
    let e = err(r#"{"questions": [{"id": "q1", "kind": "single_choice",
            "options": [{"code": 1}, {"code": 2}],
            "nets": [{"id": "know_or_heard", "codes": [1, 3]}]}]}"#);
    assert!(
        matches!(&e, QuestionnaireError::UnknownNetCode { question, net, code }
            if question.as_str() == "q1" && net == "know_or_heard" && *code == Code::new(3)),
        "{e:?}"
    );
}

#[test]
fn net_problems() {
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "single_choice", "options": [{"code": 1}],
            "nets": [{"id": "n", "codes": [1]}, {"id": "n", "codes": [1]}]}]}"#,
    );
    assert!(
        matches!(e, QuestionnaireError::InvalidNetId { .. }),
        "{e:?}"
    );
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "single_choice", "options": [{"code": 1}],
            "nets": [{"id": "n", "codes": []}]}]}"#,
    );
    assert!(matches!(e, QuestionnaireError::EmptyNet { .. }), "{e:?}");
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "single_choice", "options": [{"code": 1}],
            "nets": [{"id": "n", "codes": [1, 1]}]}]}"#,
    );
    assert!(
        matches!(e, QuestionnaireError::DuplicateNetCode { .. }),
        "{e:?}"
    );
}

#[test]
fn exclusive_unknown() {
    let e = err(r#"{"questions": [{"id": "q2", "kind": "multiple_response",
            "options": [{"code": 1}, {"code": 2}], "exclusive": 9}]}"#);
    assert!(
        matches!(&e, QuestionnaireError::UnknownExclusiveCode { question, code }
            if question.as_str() == "q2" && *code == Code::new(9)),
        "{e:?}"
    );
}

#[test]
fn column_claimed_twice() {
    // q2's default binary column q2_1 is also a single-choice question's id
    let e = err(r#"{"questions": [
            {"id": "q2", "kind": "multiple_response", "options": [{"code": 1}, {"code": 2}]},
            {"id": "q2_1", "kind": "single_choice", "options": [{"code": 1}]}]}"#);
    assert!(
        matches!(&e, QuestionnaireError::DuplicateColumn { column, first, second }
            if column == "q2_1" && first.as_str() == "q2" && second.as_str() == "q2_1"),
        "{e:?}"
    );
    // and twice within one question
    let e = err(r#"{"questions": [{"id": "q7", "kind": "multiple_response",
            "options": [{"code": 1}, {"code": 2}],
            "storage": {"type": "codes", "columns": ["a", "a"]}}]}"#);
    assert!(
        matches!(e, QuestionnaireError::DuplicateColumn { .. }),
        "{e:?}"
    );
}

#[test]
fn storage_problems() {
    let e = err(r#"{"questions": [{"id": "q", "kind": "multiple_response",
            "options": [{"code": 1}, {"code": 2}],
            "storage": {"type": "binary", "columns": ["only_one"]}}]}"#);
    assert!(
        matches!(
            e,
            QuestionnaireError::ColumnCountMismatch {
                columns: 1,
                options: 2,
                ..
            }
        ),
        "{e:?}"
    );
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "multiple_response", "options": [{"code": 1}],
            "storage": {"type": "codes", "columns": []}}]}"#,
    );
    assert!(
        matches!(e, QuestionnaireError::NoStorageColumns { .. }),
        "{e:?}"
    );
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "multiple_response", "options": [{"code": 1}],
            "storage": {"type": "codes", "columns": [""]}}]}"#,
    );
    assert!(
        matches!(e, QuestionnaireError::InvalidColumnName { .. }),
        "{e:?}"
    );
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "multiple_response", "options": [{"code": 1}],
            "max_choices": 0}]}"#,
    );
    assert!(
        matches!(
            e,
            QuestionnaireError::InvalidMaxChoices { max_choices: 0, .. }
        ),
        "{e:?}"
    );
}

#[test]
fn missing_code_rules() {
    // unlabelled, not an option
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "single_choice", "options": [{"code": 1}],
            "missing_codes": [{"code": 9, "kind": "dont_know"}]}]}"#,
    );
    assert!(
        matches!(&e, QuestionnaireError::UnknownMissingCode { code, .. } if *code == Code::new(9)),
        "{e:?}"
    );
    // an option relabelled
    let e = err(
        r#"{"questions": [{"id": "q", "kind": "single_choice", "options": [{"code": 9}],
            "missing_codes": [{"code": 9, "kind": "dont_know", "label": {"en": "DK"}}]}]}"#,
    );
    assert!(
        matches!(e, QuestionnaireError::MissingCodeRelabelled { .. }),
        "{e:?}"
    );
    // a scored Likert level
    let e = err(r#"{"questions": [{"id": "q", "kind": "likert",
            "levels": [{"code": 1, "score": 1}, {"code": 9, "score": 9}],
            "missing_codes": [{"code": 9, "kind": "dont_know"}]}]}"#);
    assert!(
        matches!(e, QuestionnaireError::ScoredNonSubstantive { .. }),
        "{e:?}"
    );
}

#[test]
fn likert_and_numeric_problems() {
    let e = err(r#"{"questions": [{"id": "q", "kind": "likert",
            "levels": [{"code": 1, "score": 2}, {"code": 2, "score": 1}]}]}"#);
    assert!(
        matches!(&e, QuestionnaireError::LikertNotOrdered { code, score, .. }
            if *code == Code::new(2) && *score == 1.0),
        "{e:?}"
    );
    let e = err(r#"{"questions": [{"id": "q", "kind": "likert",
            "levels": [{"code": 1, "score": 1}, {"code": 2, "score": 2}], "midpoint": 3}]}"#);
    assert!(
        matches!(e, QuestionnaireError::InvalidMidpoint { .. }),
        "{e:?}"
    );
    let e = err(r#"{"questions": [{"id": "q", "kind": "numeric", "range": [10, 5]}]}"#);
    assert!(
        matches!(e, QuestionnaireError::InvalidRange { min, max, .. } if min == 10.0 && max == 5.0),
        "{e:?}"
    );
    // non-finite values cannot come from JSON; built in code they are rejected
    let q = Question::new(
        "q",
        Labels::new(),
        QuestionKind::Likert {
            levels: vec![LikertLevel::new(1, f64::NAN, Labels::new())],
            midpoint: None,
            direction: LikertDirection::Ascending,
        },
    );
    assert!(matches!(
        Questionnaire::new(vec![q]),
        Err(QuestionnaireError::NonFiniteScore { .. })
    ));
}

#[test]
fn malformed_json() {
    let e = err("{\n  \"questions\": [\n    {\"id\": \"q\",, }\n  ]\n}");
    match e {
        QuestionnaireError::Json {
            message,
            line,
            column,
        } => {
            assert_eq!(line, 3);
            assert!(column > 0);
            assert!(message.contains("line 3"), "{message}");
        }
        other => panic!("expected Json, got {other:?}"),
    }
}

#[test]
fn shape_errors_are_json_errors() {
    for bad in [
        // unknown field of a question
        r#"{"questions": [{"id": "q", "kind": "numeric", "rnage": [0, 1]}]}"#,
        // unknown kind
        r#"{"questions": [{"id": "q", "kind": "ranking"}]}"#,
        // unknown top-level field
        r#"{"questions": [], "extra": 1}"#,
        // unknown non-substantive kind
        r#"{"questions": [{"id": "q", "kind": "numeric",
            "missing_codes": [{"code": 9, "kind": "dunno", "label": {"en": "?"}}]}]}"#,
        // a code that is not an integer
        r#"{"questions": [{"id": "q", "kind": "single_choice", "options": [{"code": 1.5}]}]}"#,
    ] {
        let e = err(bad);
        assert!(
            matches!(e, QuestionnaireError::Json { line, .. } if line >= 1),
            "{bad}: {e:?}"
        );
    }
}

#[test]
fn serde_deserialize_also_validates() {
    let r = serde_json::from_str::<Questionnaire>(
        r#"{"questions": [{"id": "a", "kind": "numeric"}, {"id": "a", "kind": "numeric"}]}"#,
    );
    let e = r.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.contains("question id `a` is used by more than one question"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------
// (3) check_value

#[test]
fn check_value_cases() -> Result<(), QuestionnaireError> {
    let q = Questionnaire::from_path(EXAMPLE)?;
    let get = |id: &str| q.question(id).ok_or_else(|| format!("no {id}"));
    let q1 = get("q1_awareness").map_err(panic_str)?;
    assert_eq!(q1.check_value("q1_awareness", 1.0), Ok(()));
    assert_eq!(q1.check_value("q1_awareness", 9.0), Ok(()));
    assert_eq!(
        q1.check_value("q1_awareness", 4.0),
        Err(ValueProblem::UnknownCode { code: Code::new(4) })
    );
    assert_eq!(
        q1.check_value("q1_awareness", 2.5),
        Err(ValueProblem::NotInteger { value: 2.5 })
    );
    assert_eq!(
        q1.check_value("q1_awareness", 1e20),
        Err(ValueProblem::NotInteger { value: 1e20 })
    );
    assert!(matches!(
        q1.check_value("q1_awareness", f64::NAN),
        Err(ValueProblem::NotFinite { .. })
    ));
    assert_eq!(
        q1.check_value("q3_interest", 1.0),
        Err(ValueProblem::ForeignColumn {
            column: "q3_interest".into()
        })
    );

    let q2 = get("q2_problems").map_err(panic_str)?;
    assert_eq!(q2.check_value("q2_problems_9", 1.0), Ok(()));
    assert_eq!(q2.check_value("q2_problems_1", 0.0), Ok(()));
    assert_eq!(
        q2.check_value("q2_problems_1", 2.0),
        Err(ValueProblem::NotBinary { value: 2.0 })
    );
    assert_eq!(
        q2.check_value("q2_problems_7", 1.0),
        Err(ValueProblem::ForeignColumn {
            column: "q2_problems_7".into()
        })
    );
    assert_eq!(q2.check_choices(&codes(&[1, 2, 5])), Ok(()));
    assert_eq!(
        q2.check_choices(&codes(&[1, 2, 3, 4])),
        Err(ValueProblem::TooManyChoices { chosen: 4, max: 3 })
    );
    assert_eq!(
        q2.check_choices(&codes(&[2, 9])),
        Err(ValueProblem::ExclusiveWithOthers { code: Code::new(9) })
    );
    assert_eq!(
        q2.check_choices(&codes(&[7])),
        Err(ValueProblem::UnknownCode { code: Code::new(7) })
    );

    let q5 = get("q5_satisfaction").map_err(panic_str)?;
    assert_eq!(q5.check_value("q5_satisfaction", 5.0), Ok(()));
    assert_eq!(q5.check_value("q5_satisfaction", 9.0), Ok(()));
    assert_eq!(
        q5.check_value("q5_satisfaction", 0.0),
        Err(ValueProblem::UnknownCode { code: Code::new(0) })
    );

    // numeric: range, extra missing code, and codes storage
    let extra = Questionnaire::from_json(
        r#"{"questions": [
          {"id": "age", "kind": "numeric", "range": [15, 99],
           "missing_codes": [{"code": -1, "kind": "refused", "label": {"en": "Refused"}}]},
          {"id": "q8", "kind": "multiple_response", "options": [{"code": 1}, {"code": 2}],
           "storage": {"type": "codes", "columns": ["q8_a", "q8_b"]}}]}"#,
    )?;
    let age = extra
        .question("age")
        .ok_or_else(|| panic_str("age".into()))?;
    assert_eq!(age.check_value("age", 15.0), Ok(()));
    assert_eq!(age.check_value("age", 42.5), Ok(()));
    assert_eq!(age.check_value("age", -1.0), Ok(()));
    assert_eq!(
        age.check_value("age", 100.0),
        Err(ValueProblem::OutOfRange {
            value: 100.0,
            min: 15.0,
            max: 99.0
        })
    );
    assert!(matches!(
        age.check_value("age", f64::INFINITY),
        Err(ValueProblem::NotFinite { .. })
    ));
    let q8 = extra
        .question_for_column("q8_b")
        .ok_or_else(|| panic_str("q8".into()))?;
    assert_eq!(q8.check_value("q8_b", 2.0), Ok(()));
    assert_eq!(
        q8.check_value("q8_a", 3.0),
        Err(ValueProblem::UnknownCode { code: Code::new(3) })
    );
    assert_eq!(
        q8.check_value("q8_a", 1.0000001),
        Err(ValueProblem::NotInteger { value: 1.0000001 })
    );
    Ok(())
}

fn panic_str(what: String) -> QuestionnaireError {
    panic!("example questionnaire lacks {what}")
}

// ---------------------------------------------------------------------------------------
// the reconstructed ZUBR 2019 questionnaire (data/zubr2019/README.md)

#[test]
fn example_questionnaire_facts() -> Result<(), QuestionnaireError> {
    let q = Questionnaire::from_path(EXAMPLE)?;
    let ids: Vec<&str> = q.questions().iter().map(|x| x.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "region",
            "q1_awareness",
            "q2_problems",
            "q3_interest",
            "q4_change",
            "q5_satisfaction",
            "q6_real_needs",
            "q7_why_win"
        ]
    );
    assert_eq!(q.languages().into_iter().collect::<Vec<_>>(), ["en", "kk"]);

    let region = q
        .question("region")
        .ok_or_else(|| panic_str("region".into()))?;
    assert_eq!(
        region.option_label(Code::new(3), "kk"),
        Some("Шығыс Қазақстан облысы")
    );

    let q1 = q
        .question("q1_awareness")
        .ok_or_else(|| panic_str("q1".into()))?;
    assert_eq!(q1.option_label(Code::new(1), "kk"), Some("Иә, білемін"));
    assert_eq!(q1.option_label(Code::new(2), "kk"), Some("Бірдеңе естідім"));
    assert_eq!(q1.option_label(Code::new(3), "kk"), Some("Жоқ, білмеймін"));
    assert_eq!(
        q1.option_label(Code::new(9), "kk"),
        Some("Жауап беруге қиналамын")
    );
    assert_eq!(q1.option_label(Code::new(9), "en"), Some("Hard to answer"));
    assert_eq!(
        q1.net("know_or_heard").map(|n| n.codes.clone()),
        Some(codes(&[1, 2]))
    );
    assert_eq!(
        q1.non_substantive_kind(Code::new(9)),
        Some(NonSubstantive::DontKnow)
    );
    assert_eq!(q1.substantive_codes(), codes(&[1, 2, 3]));

    let q2 = q
        .question("q2_problems")
        .ok_or_else(|| panic_str("q2".into()))?;
    assert_eq!(
        q2.columns(),
        [
            "q2_problems_1",
            "q2_problems_2",
            "q2_problems_3",
            "q2_problems_4",
            "q2_problems_5",
            "q2_problems_6",
            "q2_problems_9"
        ]
    );
    match &q2.kind {
        QuestionKind::MultipleResponse {
            max_choices,
            exclusive,
            storage: ResponseStorage::Binary { .. },
            ..
        } => {
            assert_eq!(*max_choices, Some(3));
            assert_eq!(*exclusive, Some(Code::new(9)));
        }
        other => panic!("q2 should be binary multiple response, is {other:?}"),
    }
    assert_eq!(q2.option_for_column("q2_problems_6"), Some(Code::new(6)));
    assert!(!q2.is_substantive(Code::new(9)));

    let q5 = q
        .question_for_column("q5_satisfaction")
        .ok_or_else(|| panic_str("q5".into()))?;
    match &q5.kind {
        QuestionKind::Likert {
            levels,
            midpoint,
            direction,
        } => {
            let scores: Vec<f64> = levels.iter().map(|l| l.score).collect();
            assert_eq!(scores, [1.0, 2.0, 3.0, 4.0, 5.0]);
            assert_eq!(*midpoint, Some(3.0));
            assert_eq!(*direction, LikertDirection::Ascending);
        }
        other => panic!("q5 should be Likert, is {other:?}"),
    }
    assert_eq!(q5.substantive_codes(), codes(&[1, 2, 3, 4, 5]));
    assert_eq!(
        q5.non_substantive_kind(Code::new(9)),
        Some(NonSubstantive::DontKnow)
    );
    assert_eq!(q5.score(Code::new(9)), None);
    assert_eq!(q5.top_box(2), Some(codes(&[4, 5])));
    assert_eq!(q5.net("top2_box").map(|n| n.codes.clone()), q5.top_box(2));

    let q7 = q
        .question_for_column("q7_why_win_9")
        .ok_or_else(|| panic_str("q7".into()))?;
    assert_eq!(q7.id.as_str(), "q7_why_win");
    assert_eq!(
        q7.columns(),
        [
            "q7_why_win_1",
            "q7_why_win_2",
            "q7_why_win_3",
            "q7_why_win_4",
            "q7_why_win_9"
        ]
    );
    assert!(matches!(
        q7.kind,
        QuestionKind::MultipleResponse { exclusive: Some(c), max_choices: None, .. } if c == Code::new(9)
    ));

    let all_columns: Vec<&str> = q.columns().collect();
    assert_eq!(all_columns.len(), 1 + 1 + 7 + 1 + 1 + 1 + 1 + 5);
    assert!(q.question_for_column("q2_problems").is_none());
    Ok(())
}

#[test]
fn example_file_is_in_canonical_form() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(EXAMPLE)?;
    let q = Questionnaire::from_json(&text)?;
    assert_eq!(q.to_json_pretty()? + "\n", text);
    Ok(())
}
