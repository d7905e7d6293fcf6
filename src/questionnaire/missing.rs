//! Non-substantive answers ("hard to answer", refusals, …) as types.

use serde::{Deserialize, Serialize};

use super::{Code, Labels};

/// Why an answer carries no substantive content.
///
/// Serialised in snake case: `"dont_know"`, `"refused"`, `"not_applicable"`, `"skipped"`
/// (`"hard_to_answer"` is accepted as another spelling of `"dont_know"`).
///
/// ```
/// use survey_stats::questionnaire::NonSubstantive;
///
/// assert_eq!(serde_json::to_string(&NonSubstantive::DontKnow)?, "\"dont_know\"");
/// let k: NonSubstantive = serde_json::from_str("\"hard_to_answer\"")?;
/// assert_eq!(k, NonSubstantive::DontKnow);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonSubstantive {
    /// "Don't know", "hard to answer" (*жауап беруге қиналамын*): the respondent was asked
    /// and gave no opinion.
    #[serde(alias = "hard_to_answer")]
    DontKnow,
    /// The respondent declined to answer.
    Refused,
    /// The question did not apply to the respondent (routed past it by design).
    NotApplicable,
    /// The question applied but was left unanswered (interviewer or respondent skip).
    Skipped,
}

/// A code that marks a non-substantive answer of one question.
///
/// Two cases, told apart by `label`:
///
/// - the code is one of the question's answer options (single choice, multiple response):
///   `label` is left empty and the option's own label is used. This is how a printed card
///   with "9 — Hard to answer" is encoded; for multiple response in binary storage it is the
///   only way the code can have a data column.
/// - the code is an *extra* code, not among the options or Likert levels: `label` is
///   required (non-empty). Likert questions must use extra codes (a level has a score, and a
///   scored answer is substantive), and so must numeric questions (they have no options).
///
/// JSON: `{"code": 9, "kind": "dont_know"}` or
/// `{"code": 9, "kind": "dont_know", "label": {"en": "Hard to answer"}}`.
///
/// ```
/// use survey_stats::questionnaire::{Code, Labels, MissingCode, NonSubstantive};
///
/// let m = MissingCode::new(9, NonSubstantive::DontKnow);
/// assert_eq!(serde_json::to_string(&m)?, r#"{"code":9,"kind":"dont_know"}"#);
/// let extra = m.with_label(Labels::from([("en", "Hard to answer")]));
/// assert_eq!(extra.label.get("en"), Some("Hard to answer"));
/// assert_eq!(extra.code, Code::new(9));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingCode {
    /// The code as it appears in the data.
    pub code: Code,
    /// Which kind of non-substantive answer it is.
    pub kind: NonSubstantive,
    /// The label of an extra code; empty when the code is one of the options.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub label: Labels,
}

impl MissingCode {
    /// Marks `code` as non-substantive, with no label of its own.
    ///
    /// ```
    /// use survey_stats::questionnaire::{MissingCode, NonSubstantive};
    ///
    /// let m = MissingCode::new(8, NonSubstantive::Refused);
    /// assert_eq!(m.code.get(), 8);
    /// assert!(m.label.is_empty());
    /// ```
    pub fn new(code: impl Into<Code>, kind: NonSubstantive) -> Self {
        Self {
            code: code.into(),
            kind,
            label: Labels::new(),
        }
    }

    /// Gives the code its own label (for an extra code, not among the options).
    ///
    /// ```
    /// use survey_stats::questionnaire::{Labels, MissingCode, NonSubstantive};
    ///
    /// let m = MissingCode::new(99, NonSubstantive::Refused)
    ///     .with_label(Labels::from([("en", "Refused"), ("kk", "Жауап беруден бас тартты")]));
    /// assert_eq!(m.label.get("kk"), Some("Жауап беруден бас тартты"));
    /// ```
    #[must_use]
    pub fn with_label(mut self, label: Labels) -> Self {
        self.label = label;
        self
    }
}
