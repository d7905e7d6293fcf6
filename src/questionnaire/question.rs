//! Questions, their kinds, options, Likert levels, storage and nets.

use serde::{Deserialize, Serialize};

use super::{Code, Labels, MissingCode, NonSubstantive, QuestionId};

/// One answer option of a choice question: its code in the data and its label.
///
/// ```
/// use survey_stats::questionnaire::{AnswerOption, Labels};
///
/// let opt = AnswerOption::new(1, Labels::from([("en", "Yes"), ("kk", "Иә")]));
/// assert_eq!(serde_json::to_string(&opt)?, r#"{"code":1,"label":{"en":"Yes","kk":"Иә"}}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    /// The code in the data.
    pub code: Code,
    /// The option's text.
    #[serde(default)]
    pub label: Labels,
}

impl AnswerOption {
    /// An option with the given code and label.
    ///
    /// ```
    /// use survey_stats::questionnaire::{AnswerOption, Code, Labels};
    ///
    /// assert_eq!(AnswerOption::new(9, Labels::new()).code, Code::new(9));
    /// ```
    pub fn new(code: impl Into<Code>, label: Labels) -> Self {
        Self {
            code: code.into(),
            label,
        }
    }
}

/// One level of a Likert scale: its code in the data, its score, its label.
///
/// The score is the value averaged by a Likert mean; it usually equals the code (1–5) but
/// need not (e.g. codes 1–5 scored −2…2).
///
/// ```
/// use survey_stats::questionnaire::{Labels, LikertLevel};
///
/// let lvl = LikertLevel::new(5, 5.0, Labels::from([("en", "Very satisfied")]));
/// assert_eq!(serde_json::to_string(&lvl)?,
///            r#"{"code":5,"score":5.0,"label":{"en":"Very satisfied"}}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LikertLevel {
    /// The code in the data.
    pub code: Code,
    /// The level's numeric score.
    pub score: f64,
    /// The level's text.
    #[serde(default)]
    pub label: Labels,
}

impl LikertLevel {
    /// A level with the given code, score and label.
    ///
    /// ```
    /// use survey_stats::questionnaire::{Labels, LikertLevel};
    ///
    /// assert_eq!(LikertLevel::new(1, -2.0, Labels::new()).score, -2.0);
    /// ```
    pub fn new(code: impl Into<Code>, score: f64, label: Labels) -> Self {
        Self {
            code: code.into(),
            score,
            label,
        }
    }
}

/// Which end of a Likert scale is the favourable ("top") one.
///
/// Levels are always listed in increasing order of score. `Ascending` (the default): the
/// highest scores are the top (1 = very dissatisfied … 5 = very satisfied). `Descending`:
/// the lowest scores are the top (1 = very satisfied … 5 = very dissatisfied). The top and
/// bottom boxes ([`Question::top_box`], [`Question::bottom_box`]) follow from it.
///
/// ```
/// use survey_stats::questionnaire::LikertDirection;
///
/// assert_eq!(LikertDirection::default(), LikertDirection::Ascending);
/// assert_eq!(serde_json::to_string(&LikertDirection::Descending)?, "\"descending\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LikertDirection {
    /// Higher scores are more favourable.
    #[default]
    Ascending,
    /// Lower scores are more favourable.
    Descending,
}

/// How the answers of a multiple-response question are laid out in the data.
///
/// JSON, internally tagged by `"type"`:
/// - `{"type": "binary", "columns": ["q2_problems_1", …]}`: one 0/1 column per option, the
///   list aligned with the options (same length, same order). Without `columns`, the
///   columns are named `{id}_{code}` (`q2_problems_1` for code 1 of `q2_problems`).
/// - `{"type": "codes", "columns": ["q7_a", "q7_b", "q7_c"]}`: several columns, each holding
///   one chosen code (or missing), in no particular order.
///
/// ```
/// use survey_stats::questionnaire::ResponseStorage;
///
/// let s: ResponseStorage = serde_json::from_str(r#"{"type": "codes", "columns": ["a", "b"]}"#)?;
/// assert_eq!(s, ResponseStorage::Codes { columns: vec!["a".into(), "b".into()] });
/// assert_eq!(ResponseStorage::default(), ResponseStorage::Binary { columns: None });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ResponseStorage {
    /// One 0/1 column per option.
    Binary {
        /// Column names aligned with the options; `None`: `{id}_{code}`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        columns: Option<Vec<String>>,
    },
    /// Several columns each holding one chosen code.
    Codes {
        /// The columns.
        columns: Vec<String>,
    },
}

impl Default for ResponseStorage {
    /// Binary storage with default column names.
    fn default() -> Self {
        Self::Binary { columns: None }
    }
}

/// A named group of options of one question, reported as one category, e.g. "know or have
/// heard" = codes 1 + 2, or a Likert top-2 box.
///
/// ```
/// use survey_stats::questionnaire::{Code, Labels, Net};
///
/// let net = Net::new("know_or_heard", Labels::from([("en", "Know or have heard")]), [1, 2]);
/// assert_eq!(net.codes, [Code::new(1), Code::new(2)]);
/// assert_eq!(serde_json::to_string(&net)?,
///            r#"{"id":"know_or_heard","label":{"en":"Know or have heard"},"codes":[1,2]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Net {
    /// The net's id, unique within its question.
    pub id: String,
    /// The net's text.
    #[serde(default)]
    pub label: Labels,
    /// The codes it groups.
    pub codes: Vec<Code>,
}

impl Net {
    /// A net with the given id, label and codes.
    ///
    /// ```
    /// use survey_stats::questionnaire::{Labels, Net};
    ///
    /// assert_eq!(Net::new("top2", Labels::new(), [4, 5]).codes.len(), 2);
    /// ```
    pub fn new(
        id: impl Into<String>,
        label: Labels,
        codes: impl IntoIterator<Item = impl Into<Code>>,
    ) -> Self {
        Self {
            id: id.into(),
            label,
            codes: codes.into_iter().map(Into::into).collect(),
        }
    }
}

/// What kind of answer a question takes, with the kind's own fields.
///
/// In JSON the kind is the question object's `"kind"` field (`single_choice`,
/// `multiple_response`, `likert`, `numeric`) and the kind's fields sit beside it:
///
/// ```
/// use survey_stats::questionnaire::{Question, QuestionKind};
///
/// let q: Question = serde_json::from_str(r#"{
///     "id": "age", "text": {"en": "Age"},
///     "kind": "numeric", "range": [15, 99], "unit": "years"
/// }"#)?;
/// assert_eq!(q.kind, QuestionKind::Numeric { range: Some([15.0, 99.0]), unit: Some("years".into()) });
/// assert_eq!(q.kind.name(), "numeric");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum QuestionKind {
    /// One answer from an ordered list of options; one data column named by the id.
    SingleChoice {
        /// The options, in questionnaire order.
        options: Vec<AnswerOption>,
    },
    /// Any number of options (up to `max_choices`); data laid out as `storage` says.
    MultipleResponse {
        /// The options, in questionnaire order.
        options: Vec<AnswerOption>,
        /// The data layout (default: binary with `{id}_{code}` columns).
        #[serde(default)]
        storage: ResponseStorage,
        /// The most options one respondent may choose.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_choices: Option<u32>,
        /// An option that excludes all others (typically "hard to answer").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exclusive: Option<Code>,
    },
    /// An ordered rating scale with scored levels; one data column named by the id.
    Likert {
        /// The levels, in strictly increasing order of score.
        levels: Vec<LikertLevel>,
        /// The neutral score, when the scale has one (3 on a 1–5 scale).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        midpoint: Option<f64>,
        /// Which end is favourable (default ascending).
        #[serde(default)]
        direction: LikertDirection,
    },
    /// A number; one data column named by the id.
    Numeric {
        /// Inclusive `[min, max]` of valid values.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        range: Option<[f64; 2]>,
        /// The unit, for display.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
}

impl QuestionKind {
    /// The kind's JSON name.
    ///
    /// ```
    /// use survey_stats::questionnaire::QuestionKind;
    ///
    /// assert_eq!(QuestionKind::SingleChoice { options: vec![] }.name(), "single_choice");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Self::SingleChoice { .. } => "single_choice",
            Self::MultipleResponse { .. } => "multiple_response",
            Self::Likert { .. } => "likert",
            Self::Numeric { .. } => "numeric",
        }
    }
}

/// One question of a questionnaire: id, text, kind, non-substantive codes and nets.
///
/// JSON (the kind's fields sit beside `"kind"`; `text`, `missing_codes` and `nets` may be
/// left out when empty):
///
/// ```
/// use survey_stats::questionnaire::{Code, NonSubstantive, Question};
///
/// let q: Question = serde_json::from_str(r#"{
///     "id": "q3_interest",
///     "text": {"en": "Did you take part out of personal interest?",
///              "kk": "Іс-шараға жеке қызығушылықпен қатыстыңыз ба?"},
///     "kind": "single_choice",
///     "options": [
///         {"code": 1, "label": {"en": "Yes", "kk": "Иә"}},
///         {"code": 2, "label": {"en": "No", "kk": "Жоқ"}},
///         {"code": 9, "label": {"en": "Hard to answer", "kk": "Жауап беруге қиналамын"}}
///     ],
///     "missing_codes": [{"code": 9, "kind": "dont_know"}]
/// }"#)?;
/// assert_eq!(q.option_label(Code::new(1), "kk"), Some("Иә"));
/// assert_eq!(q.non_substantive_kind(Code::new(9)), Some(NonSubstantive::DontKnow));
/// assert_eq!(q.columns(), ["q3_interest"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// The stable id.
    pub id: QuestionId,
    /// The question's wording.
    #[serde(default, skip_serializing_if = "Labels::is_empty")]
    pub text: Labels,
    /// The kind and its fields.
    #[serde(flatten)]
    pub kind: QuestionKind,
    /// Codes that mark non-substantive answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_codes: Vec<MissingCode>,
    /// Named groups of codes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nets: Vec<Net>,
}

impl Question {
    /// A question with no non-substantive codes and no nets.
    ///
    /// ```
    /// use survey_stats::questionnaire::{Labels, Question, QuestionKind};
    ///
    /// let q = Question::new("age", Labels::from([("en", "Age")]),
    ///                       QuestionKind::Numeric { range: None, unit: None });
    /// assert_eq!(q.id.as_str(), "age");
    /// assert!(q.missing_codes.is_empty());
    /// ```
    pub fn new(id: impl Into<QuestionId>, text: Labels, kind: QuestionKind) -> Self {
        Self {
            id: id.into(),
            text,
            kind,
            missing_codes: Vec::new(),
            nets: Vec::new(),
        }
    }

    /// Adds a non-substantive code, builder style.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::new()), AnswerOption::new(9, Labels::new())],
    /// })
    /// .with_missing_code(MissingCode::new(9, NonSubstantive::DontKnow));
    /// assert!(!q.is_substantive(Code::new(9)));
    /// ```
    #[must_use]
    pub fn with_missing_code(mut self, missing: MissingCode) -> Self {
        self.missing_codes.push(missing);
        self
    }

    /// Adds a net, builder style.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::new()), AnswerOption::new(2, Labels::new())],
    /// })
    /// .with_net(Net::new("any", Labels::new(), [1, 2]));
    /// assert_eq!(q.net("any").map(|n| n.codes.len()), Some(2));
    /// ```
    #[must_use]
    pub fn with_net(mut self, net: Net) -> Self {
        self.nets.push(net);
        self
    }

    /// The question's wording in `lang`, with [`Labels::get`]'s fallback.
    ///
    /// ```
    /// use survey_stats::questionnaire::{Labels, Question, QuestionKind};
    ///
    /// let q = Question::new("age", Labels::from([("en", "Age"), ("kk", "Жасы")]),
    ///                       QuestionKind::Numeric { range: None, unit: None });
    /// assert_eq!(q.text("kk"), Some("Жасы"));
    /// assert_eq!(q.text("ru"), Some("Age"));
    /// ```
    pub fn text(&self, lang: &str) -> Option<&str> {
        self.text.get(lang)
    }

    /// The codes of the options (or Likert levels) in listed order; empty for numeric
    /// questions. Extra non-substantive codes are not included (see [`codes`](Self::codes)).
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(2, Labels::new()), AnswerOption::new(1, Labels::new())],
    /// });
    /// assert_eq!(q.answer_codes(), [Code::new(2), Code::new(1)]);
    /// ```
    pub fn answer_codes(&self) -> Vec<Code> {
        match &self.kind {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleResponse { options, .. } => {
                options.iter().map(|o| o.code).collect()
            }
            QuestionKind::Likert { levels, .. } => levels.iter().map(|l| l.code).collect(),
            QuestionKind::Numeric { .. } => Vec::new(),
        }
    }

    /// Every code the question knows: its options (or levels) in order, then its extra
    /// non-substantive codes in declared order.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q5", Labels::new(), QuestionKind::Likert {
    ///     levels: (1..=5).map(|c| LikertLevel::new(c, c as f64, Labels::new())).collect(),
    ///     midpoint: Some(3.0),
    ///     direction: LikertDirection::Ascending,
    /// })
    /// .with_missing_code(MissingCode::new(9, NonSubstantive::DontKnow)
    ///     .with_label(Labels::from([("en", "Hard to answer")])));
    /// assert_eq!(q.codes().iter().map(|c| c.get()).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 9]);
    /// ```
    pub fn codes(&self) -> Vec<Code> {
        let mut codes = self.answer_codes();
        for m in &self.missing_codes {
            if !codes.contains(&m.code) {
                codes.push(m.code);
            }
        }
        codes
    }

    /// True when `code` is one of the question's options, levels or extra non-substantive
    /// codes. For a numeric question: when it is a non-substantive code or a value within
    /// the range (any value when there is no range).
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::new())],
    /// });
    /// assert!(q.is_known_code(Code::new(1)));
    /// assert!(!q.is_known_code(Code::new(2)));
    /// ```
    pub fn is_known_code(&self, code: Code) -> bool {
        if self.missing_code(code).is_some() {
            return true;
        }
        match &self.kind {
            QuestionKind::Numeric { range, .. } => in_range(code.get() as f64, *range),
            _ => self.answer_labels(code).is_some(),
        }
    }

    /// The labels of a code: its option's or level's label, else the extra
    /// non-substantive code's label.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::from([("en", "Yes"), ("kk", "Иә")]))],
    /// });
    /// assert_eq!(q.option_labels(Code::new(1)).map(|l| l.len()), Some(2));
    /// assert_eq!(q.option_labels(Code::new(5)), None);
    /// ```
    pub fn option_labels(&self, code: Code) -> Option<&Labels> {
        self.answer_labels(code).or_else(|| {
            self.missing_code(code)
                .map(|m| &m.label)
                .filter(|l| !l.is_empty())
        })
    }

    /// The label of a code in `lang` (with [`Labels::get`]'s fallback); `None` for an
    /// unknown code or one without any label.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::from([("en", "Yes"), ("kk", "Иә")]))],
    /// });
    /// assert_eq!(q.option_label(Code::new(1), "kk"), Some("Иә"));
    /// assert_eq!(q.option_label(Code::new(1), "ru"), Some("Yes"));
    /// assert_eq!(q.option_label(Code::new(2), "en"), None);
    /// ```
    pub fn option_label(&self, code: Code, lang: &str) -> Option<&str> {
        self.option_labels(code).and_then(|l| l.get(lang))
    }

    /// The kind of non-substantive answer `code` stands for, if it is declared as one.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("age", Labels::new(), QuestionKind::Numeric { range: None, unit: None })
    ///     .with_missing_code(MissingCode::new(-1, NonSubstantive::Refused)
    ///         .with_label(Labels::from([("en", "Refused")])));
    /// assert_eq!(q.non_substantive_kind(Code::new(-1)), Some(NonSubstantive::Refused));
    /// assert_eq!(q.non_substantive_kind(Code::new(30)), None);
    /// ```
    pub fn non_substantive_kind(&self, code: Code) -> Option<NonSubstantive> {
        self.missing_code(code).map(|m| m.kind)
    }

    /// True when `code` is a known code ([`is_known_code`](Self::is_known_code)) that is not
    /// declared non-substantive.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::new()), AnswerOption::new(9, Labels::new())],
    /// })
    /// .with_missing_code(MissingCode::new(9, NonSubstantive::DontKnow));
    /// assert!(q.is_substantive(Code::new(1)));
    /// assert!(!q.is_substantive(Code::new(9)));
    /// assert!(!q.is_substantive(Code::new(4))); // unknown
    /// ```
    pub fn is_substantive(&self, code: Code) -> bool {
        self.missing_code(code).is_none() && self.is_known_code(code)
    }

    /// The option (or level) codes that are not non-substantive, in listed order; empty for
    /// numeric questions, whose substantive answers are values, not codes.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: [1, 2, 3, 9].into_iter().map(|c| AnswerOption::new(c, Labels::new())).collect(),
    /// })
    /// .with_missing_code(MissingCode::new(9, NonSubstantive::DontKnow));
    /// assert_eq!(q.substantive_codes(), [Code::new(1), Code::new(2), Code::new(3)]);
    /// ```
    pub fn substantive_codes(&self) -> Vec<Code> {
        self.answer_codes()
            .into_iter()
            .filter(|&c| self.missing_code(c).is_none())
            .collect()
    }

    /// The net with the given id.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::new())],
    /// })
    /// .with_net(Net::new("yes", Labels::new(), [1]));
    /// assert!(q.net("yes").is_some());
    /// assert!(q.net("no").is_none());
    /// ```
    pub fn net(&self, id: &str) -> Option<&Net> {
        self.nets.iter().find(|n| n.id == id)
    }

    /// The data columns the question occupies, in order: its id for single choice, Likert
    /// and numeric questions; one column per option (aligned with the options) for binary
    /// multiple response; the listed columns for codes storage.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q7", Labels::new(), QuestionKind::MultipleResponse {
    ///     options: [1, 2, 9].into_iter().map(|c| AnswerOption::new(c, Labels::new())).collect(),
    ///     storage: ResponseStorage::Binary { columns: None },
    ///     max_choices: None,
    ///     exclusive: Some(Code::new(9)),
    /// });
    /// assert_eq!(q.columns(), ["q7_1", "q7_2", "q7_9"]);
    /// ```
    pub fn columns(&self) -> Vec<String> {
        match &self.kind {
            QuestionKind::MultipleResponse {
                options, storage, ..
            } => match storage {
                ResponseStorage::Binary {
                    columns: Some(columns),
                }
                | ResponseStorage::Codes { columns } => columns.clone(),
                ResponseStorage::Binary { columns: None } => options
                    .iter()
                    .map(|o| format!("{}_{}", self.id, o.code))
                    .collect(),
            },
            _ => vec![self.id.as_str().to_owned()],
        }
    }

    /// For a multiple-response question in binary storage, the option whose 0/1 column is
    /// `column`; `None` otherwise.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q2", Labels::new(), QuestionKind::MultipleResponse {
    ///     options: [1, 9].into_iter().map(|c| AnswerOption::new(c, Labels::new())).collect(),
    ///     storage: ResponseStorage::Binary { columns: Some(vec!["a".into(), "dk".into()]) },
    ///     max_choices: None,
    ///     exclusive: None,
    /// });
    /// assert_eq!(q.option_for_column("dk"), Some(Code::new(9)));
    /// assert_eq!(q.option_for_column("q2"), None);
    /// ```
    pub fn option_for_column(&self, column: &str) -> Option<Code> {
        match &self.kind {
            QuestionKind::MultipleResponse {
                options,
                storage: ResponseStorage::Binary { .. },
                ..
            } => self
                .columns()
                .iter()
                .zip(options)
                .find(|(c, _)| c.as_str() == column)
                .map(|(_, o)| o.code),
            _ => None,
        }
    }

    /// For a Likert question, the score of a level's code; `None` for other codes (extra
    /// non-substantive codes have no score) and other kinds.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::Likert {
    ///     levels: (1..=5).map(|c| LikertLevel::new(c, (c - 3) as f64, Labels::new())).collect(),
    ///     midpoint: Some(0.0),
    ///     direction: LikertDirection::Ascending,
    /// });
    /// assert_eq!(q.score(Code::new(5)), Some(2.0));
    /// assert_eq!(q.score(Code::new(9)), None);
    /// ```
    pub fn score(&self, code: Code) -> Option<f64> {
        match &self.kind {
            QuestionKind::Likert { levels, .. } => {
                levels.iter().find(|l| l.code == code).map(|l| l.score)
            }
            _ => None,
        }
    }

    /// For a Likert question, the codes of the `k` most favourable levels (the "top-k box"),
    /// in increasing order of score; all levels when `k` exceeds their number. `None` for
    /// other kinds. Favourable is the high-score end for an ascending scale, the low-score
    /// end for a descending one.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let mut q = Question::new("q", Labels::new(), QuestionKind::Likert {
    ///     levels: (1..=5).map(|c| LikertLevel::new(c, c as f64, Labels::new())).collect(),
    ///     midpoint: Some(3.0),
    ///     direction: LikertDirection::Ascending,
    /// });
    /// assert_eq!(q.top_box(2), Some(vec![Code::new(4), Code::new(5)]));
    /// if let QuestionKind::Likert { direction, .. } = &mut q.kind {
    ///     *direction = LikertDirection::Descending;
    /// }
    /// assert_eq!(q.top_box(2), Some(vec![Code::new(1), Code::new(2)]));
    /// ```
    pub fn top_box(&self, k: usize) -> Option<Vec<Code>> {
        self.likert_box(k, true)
    }

    /// For a Likert question, the codes of the `k` least favourable levels (the
    /// "bottom-k box"), in increasing order of score; see [`top_box`](Self::top_box).
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::Likert {
    ///     levels: (1..=5).map(|c| LikertLevel::new(c, c as f64, Labels::new())).collect(),
    ///     midpoint: Some(3.0),
    ///     direction: LikertDirection::Ascending,
    /// });
    /// assert_eq!(q.bottom_box(2), Some(vec![Code::new(1), Code::new(2)]));
    /// assert_eq!(q.bottom_box(9).map(|b| b.len()), Some(5));
    /// ```
    pub fn bottom_box(&self, k: usize) -> Option<Vec<Code>> {
        self.likert_box(k, false)
    }

    fn likert_box(&self, k: usize, top: bool) -> Option<Vec<Code>> {
        let QuestionKind::Likert {
            levels, direction, ..
        } = &self.kind
        else {
            return None;
        };
        let mut sorted: Vec<&LikertLevel> = levels.iter().collect();
        sorted.sort_by(|a, b| a.score.total_cmp(&b.score));
        let k = k.min(sorted.len());
        let high_end = top == (*direction == LikertDirection::Ascending);
        let chosen = if high_end {
            &sorted[sorted.len() - k..]
        } else {
            &sorted[..k]
        };
        Some(chosen.iter().map(|l| l.code).collect())
    }

    pub(crate) fn missing_code(&self, code: Code) -> Option<&MissingCode> {
        self.missing_codes.iter().find(|m| m.code == code)
    }

    pub(crate) fn answer_labels(&self, code: Code) -> Option<&Labels> {
        match &self.kind {
            QuestionKind::SingleChoice { options }
            | QuestionKind::MultipleResponse { options, .. } => {
                options.iter().find(|o| o.code == code).map(|o| &o.label)
            }
            QuestionKind::Likert { levels, .. } => {
                levels.iter().find(|l| l.code == code).map(|l| &l.label)
            }
            QuestionKind::Numeric { .. } => None,
        }
    }
}

pub(crate) fn in_range(value: f64, range: Option<[f64; 2]>) -> bool {
    range.is_none_or(|[min, max]| value >= min && value <= max)
}
