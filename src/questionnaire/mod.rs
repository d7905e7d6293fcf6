//! The questionnaire (codebook): what each data column means.
//!
//! A [`Questionnaire`] is an ordered list of [`Question`]s. Each question has a stable
//! [`QuestionId`], its wording as multilingual [`Labels`] (Kazakh and English in the ZUBR
//! example; any language tags, any Unicode), and a [`QuestionKind`]:
//!
//! | kind | answers | data columns ([`Question::columns`]) |
//! |------|---------|--------------------------------------|
//! | `single_choice` | one [`Code`] from ordered [`AnswerOption`]s | the id |
//! | `multiple_response` | any options, at most `max_choices`, an optional `exclusive` one | binary: one 0/1 column per option; codes: the listed columns, each holding one code ([`ResponseStorage`]) |
//! | `likert` | one of ordered, scored [`LikertLevel`]s, with a midpoint and a [`LikertDirection`] | the id |
//! | `numeric` | a number, optionally within an inclusive range | the id |
//!
//! **Non-substantive answers** ("hard to answer", refusals, not applicable, skipped) are a
//! type, [`NonSubstantive`], not magic numbers: each question lists its [`MissingCode`]s.
//! A missing code is either one of the question's options (it then has no label of its
//! own: the card's "9 — Hard to answer" is an option, which gives it a 0/1 column in
//! binary multiple response) or an *extra* code with its own label (the only choice for
//! Likert questions, whose levels are scored and therefore substantive, and for numeric
//! questions). Estimates leave them out of the base when asked to; the questionnaire only
//! says which they are ([`Question::is_substantive`], [`Question::substantive_codes`]).
//!
//! **Nets** ([`Net`]) name groups of one question's codes reported as one category, e.g.
//! "know or have heard" = 1 + 2; Likert top and bottom boxes come from the scale's
//! direction ([`Question::top_box`]).
//!
//! **Validation** happens once, at the boundary: a `Questionnaire` can only be built
//! through [`Questionnaire::new`], [`Questionnaire::from_json`], [`Questionnaire::from_path`]
//! or serde, all of which check the rules listed at [`Question::validate`] and
//! [`Questionnaire::validate`] and fail with a [`QuestionnaireError`] naming the question,
//! code, net or column at fault. The data layer then checks each cell with
//! [`Question::check_value`] (a [`ValueProblem`] it wraps with file, row and column),
//! finding the question of a column with [`Questionnaire::question_for_column`].
//!
//! # JSON
//!
//! ```
//! use survey_stats::questionnaire::{Code, NonSubstantive, Questionnaire};
//!
//! let json = r#"{
//!   "title": {"en": "Beneficiary survey", "kk": "Бенефициарлар сауалнамасы"},
//!   "questions": [
//!     {"id": "q1_awareness",
//!      "text": {"en": "Do you know that NGOs carry out the state social order?",
//!               "kk": "ҮЕҰ мемлекеттік әлеуметтік тапсырысты орындайтынын білесіз бе?"},
//!      "kind": "single_choice",
//!      "options": [
//!        {"code": 1, "label": {"en": "Yes, I know", "kk": "Иә, білемін"}},
//!        {"code": 2, "label": {"en": "I have heard something", "kk": "Бірдеңе естідім"}},
//!        {"code": 3, "label": {"en": "No, I don't know", "kk": "Жоқ, білмеймін"}},
//!        {"code": 9, "label": {"en": "Hard to answer", "kk": "Жауап беруге қиналамын"}}],
//!      "missing_codes": [{"code": 9, "kind": "dont_know"}],
//!      "nets": [{"id": "know_or_heard", "label": {"en": "Know or have heard"}, "codes": [1, 2]}]},
//!     {"id": "q5_satisfaction", "text": {"en": "Satisfaction with the results"},
//!      "kind": "likert",
//!      "levels": [{"code": 1, "score": 1, "label": {"en": "Very dissatisfied"}},
//!                 {"code": 2, "score": 2}, {"code": 3, "score": 3},
//!                 {"code": 4, "score": 4}, {"code": 5, "score": 5, "label": {"en": "Very satisfied"}}],
//!      "midpoint": 3, "direction": "ascending",
//!      "missing_codes": [{"code": 9, "kind": "dont_know", "label": {"en": "Hard to answer"}}]}
//!   ]
//! }"#;
//! let q = Questionnaire::from_json(json)?;
//! let q1 = q.question("q1_awareness").ok_or("q1 missing")?;
//! assert_eq!(q1.option_label(Code::new(2), "kk"), Some("Бірдеңе естідім"));
//! assert_eq!(q1.net("know_or_heard").map(|n| n.codes.clone()), Some(vec![Code::new(1), Code::new(2)]));
//! let q5 = q.question_for_column("q5_satisfaction").ok_or("q5 missing")?;
//! assert_eq!(q5.non_substantive_kind(Code::new(9)), Some(NonSubstantive::DontKnow));
//! assert_eq!(q5.substantive_codes().len(), 5);
//! assert_eq!(q5.check_value("q5_satisfaction", 9.0), Ok(()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
mod codebook;
mod error;
mod ids;
mod labels;
mod missing;
mod question;
mod validate;

pub use check::ValueProblem;
pub use codebook::Questionnaire;
pub use error::{QuestionnaireError, Result};
pub use ids::{Code, QuestionId};
pub use labels::Labels;
pub use missing::{MissingCode, NonSubstantive};
pub use question::{
    AnswerOption, LikertDirection, LikertLevel, Net, Question, QuestionKind, ResponseStorage,
};
