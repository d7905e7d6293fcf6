//! The questionnaire: validated questions with a column index.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Labels, Question, QuestionId, QuestionnaireError, Result};

/// A validated questionnaire (codebook): an optional title and questions in order, with
/// an index from question id and from data column to question.
///
/// Built only through validation ([`new`](Self::new), [`from_json`](Self::from_json),
/// [`from_path`](Self::from_path) or serde's `Deserialize`), so a `Questionnaire` in hand
/// always satisfies every rule of [`validate`](Self::validate). JSON:
/// `{"title": {…}, "questions": [{…}, …]}` (`title` optional).
///
/// ```
/// use survey_stats::questionnaire::{Code, Questionnaire};
///
/// let q = Questionnaire::from_json(r#"{"questions": [
///   {"id": "q6_real_needs", "text": {"en": "Formed from real needs?"},
///    "kind": "single_choice",
///    "options": [{"code": 1, "label": {"en": "Yes", "kk": "Иә"}},
///                {"code": 2, "label": {"en": "No", "kk": "Жоқ"}}]}
/// ]}"#)?;
/// let q6 = q.question_for_column("q6_real_needs").ok_or("no such column")?;
/// assert_eq!(q6.option_label(Code::new(2), "kk"), Some("Жоқ"));
/// assert_eq!(Questionnaire::from_json(&q.to_json_pretty()?)?, q);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Questionnaire {
    title: Labels,
    questions: Vec<Question>,
    by_id: HashMap<QuestionId, usize>,
    columns: Vec<(String, usize)>,
    by_column: HashMap<String, usize>,
}

/// The serde shape of a questionnaire, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionnaireRepr {
    #[serde(default)]
    title: Labels,
    questions: Vec<Question>,
}

#[derive(Serialize)]
struct QuestionnaireRef<'a> {
    #[serde(skip_serializing_if = "Labels::is_empty")]
    title: &'a Labels,
    questions: &'a [Question],
}

/// Indexes built while validating.
struct Index {
    by_id: HashMap<QuestionId, usize>,
    columns: Vec<(String, usize)>,
    by_column: HashMap<String, usize>,
}

impl Questionnaire {
    /// Validates the questions and builds the questionnaire (with an empty title).
    ///
    /// # Errors
    ///
    /// The first rule broken, as listed at [`validate`](Self::validate).
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let age = Question::new("age", Labels::from([("en", "Age")]),
    ///                         QuestionKind::Numeric { range: Some([15.0, 99.0]), unit: None });
    /// let q = Questionnaire::new(vec![age.clone(), age])
    ///     .err().ok_or("duplicate id accepted")?;
    /// assert!(matches!(q, QuestionnaireError::DuplicateQuestionId { .. }));
    /// # Ok::<(), &str>(())
    /// ```
    pub fn new(questions: Vec<Question>) -> Result<Self> {
        let index = Self::check(&questions)?;
        Ok(Self {
            title: Labels::new(),
            questions,
            by_id: index.by_id,
            columns: index.columns,
            by_column: index.by_column,
        })
    }

    /// Sets the title, builder style.
    ///
    /// ```
    /// use survey_stats::questionnaire::{Labels, Questionnaire};
    ///
    /// let q = Questionnaire::new(vec![])?
    ///     .with_title(Labels::from([("en", "Beneficiary survey"), ("kk", "Бенефициарлар сауалнамасы")]));
    /// assert_eq!(q.title().get("kk"), Some("Бенефициарлар сауалнамасы"));
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    #[must_use]
    pub fn with_title(mut self, title: Labels) -> Self {
        self.title = title;
        self
    }

    /// Re-checks every rule (a `Questionnaire` is validated when built, so this only
    /// fails if that were bypassed). Per question, the rules of [`Question::validate`];
    /// across questions: question ids are unique, and no data column is claimed by two
    /// questions (nor twice by one).
    ///
    /// # Errors
    ///
    /// The first rule broken in questionnaire order, e.g.
    /// [`DuplicateQuestionId`](QuestionnaireError::DuplicateQuestionId) or
    /// [`DuplicateColumn`](QuestionnaireError::DuplicateColumn).
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"questions": [{"id": "age", "kind": "numeric"}]}"#)?;
    /// assert!(q.validate().is_ok());
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn validate(&self) -> Result<()> {
        Self::check(&self.questions).map(|_| ())
    }

    fn check(questions: &[Question]) -> Result<Index> {
        let mut by_id = HashMap::with_capacity(questions.len());
        let mut columns = Vec::new();
        let mut by_column = HashMap::new();
        for (i, question) in questions.iter().enumerate() {
            if by_id.insert(question.id.clone(), i).is_some() {
                return Err(QuestionnaireError::DuplicateQuestionId {
                    id: question.id.clone(),
                });
            }
            question.validate()?;
            for column in question.columns() {
                if let Some(&first) = by_column.get(&column) {
                    let first: &Question = &questions[first];
                    return Err(QuestionnaireError::DuplicateColumn {
                        column,
                        first: first.id.clone(),
                        second: question.id.clone(),
                    });
                }
                by_column.insert(column.clone(), i);
                columns.push((column, i));
            }
        }
        Ok(Index {
            by_id,
            columns,
            by_column,
        })
    }

    /// Reads and validates a questionnaire from JSON text.
    ///
    /// # Errors
    ///
    /// [`Json`](QuestionnaireError::Json) (with line and column) when the text is not
    /// JSON of the questionnaire's shape (unknown fields included); otherwise the first
    /// validation error, as its own variant.
    ///
    /// ```
    /// use survey_stats::questionnaire::{Questionnaire, QuestionnaireError};
    ///
    /// let json = r#"{"questions": [
    ///   {"id": "q", "kind": "single_choice", "options": [{"code": 1}],
    ///    "nets": [{"id": "n", "codes": [1, 2]}]}]}"#;
    /// match Questionnaire::from_json(json) {
    ///     Err(QuestionnaireError::UnknownNetCode { net, code, .. }) => {
    ///         assert_eq!((net.as_str(), code.get()), ("n", 2));
    ///     }
    ///     other => panic!("unexpected {other:?}"),
    /// }
    /// ```
    pub fn from_json(json: &str) -> Result<Self> {
        let repr: QuestionnaireRepr = serde_json::from_str(json)?;
        Ok(Self::new(repr.questions)?.with_title(repr.title))
    }

    /// Reads and validates a questionnaire from a JSON file.
    ///
    /// # Errors
    ///
    /// [`Io`](QuestionnaireError::Io) when the file cannot be read, otherwise as
    /// [`from_json`](Self::from_json).
    ///
    /// ```
    /// use survey_stats::questionnaire::{Questionnaire, QuestionnaireError};
    ///
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/questionnaire_example.json");
    /// let q = Questionnaire::from_path(path)?;
    /// assert_eq!(q.len(), 8);
    /// assert!(matches!(Questionnaire::from_path("/no/such/file.json"),
    ///                  Err(QuestionnaireError::Io { .. })));
    /// # Ok::<(), QuestionnaireError>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| QuestionnaireError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text)
    }

    /// Writes the questionnaire as pretty-printed JSON (two-space indent). Reading it back
    /// with [`from_json`](Self::from_json) gives an equal questionnaire, and writing that
    /// again gives the same text.
    ///
    /// # Errors
    ///
    /// [`Json`](QuestionnaireError::Json) if serialisation fails (it does not for these
    /// types; the `Result` keeps the signature honest).
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"questions": [{"id": "age", "kind": "numeric"}]}"#)?;
    /// assert_eq!(q.to_json_pretty()?,
    ///            "{\n  \"questions\": [\n    {\n      \"id\": \"age\",\n      \"kind\": \"numeric\"\n    }\n  ]\n}");
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn to_json_pretty(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// The title (empty when none was given).
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"title": {"en": "T"}, "questions": []}"#)?;
    /// assert_eq!(q.title().get("en"), Some("T"));
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn title(&self) -> &Labels {
        &self.title
    }

    /// The questions, in questionnaire order.
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"questions": [{"id": "a", "kind": "numeric"},
    ///                                                    {"id": "b", "kind": "numeric"}]}"#)?;
    /// assert_eq!(q.questions()[1].id.as_str(), "b");
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question with the given id.
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"questions": [{"id": "age", "kind": "numeric"}]}"#)?;
    /// assert!(q.question("age").is_some());
    /// assert!(q.question("sex").is_none());
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.by_id.get(id).map(|&i| &self.questions[i])
    }

    /// The question that occupies data column `column` (a hash lookup).
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"questions": [
    ///   {"id": "q2", "kind": "multiple_response",
    ///    "options": [{"code": 1}, {"code": 9}], "storage": {"type": "binary"}}]}"#)?;
    /// assert_eq!(q.question_for_column("q2_9").map(|q| q.id.as_str()), Some("q2"));
    /// assert!(q.question_for_column("q2").is_none());
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn question_for_column(&self, column: &str) -> Option<&Question> {
        self.by_column.get(column).map(|&i| &self.questions[i])
    }

    /// Every data column the questionnaire describes, in questionnaire order.
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"questions": [
    ///   {"id": "age", "kind": "numeric"},
    ///   {"id": "q7", "kind": "multiple_response", "options": [{"code": 1}, {"code": 2}],
    ///    "storage": {"type": "codes", "columns": ["q7_a", "q7_b"]}}]}"#)?;
    /// assert_eq!(q.columns().collect::<Vec<_>>(), ["age", "q7_a", "q7_b"]);
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|(c, _)| c.as_str())
    }

    /// Every language tag used by the title, question texts, option and net labels.
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"title": {"ru": "Опрос"}, "questions": [
    ///   {"id": "age", "text": {"en": "Age", "kk": "Жасы"}, "kind": "numeric"}]}"#)?;
    /// assert_eq!(q.languages().into_iter().collect::<Vec<_>>(), ["en", "kk", "ru"]);
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn languages(&self) -> BTreeSet<&str> {
        let mut langs: BTreeSet<&str> = self.title.languages().collect();
        for q in &self.questions {
            langs.extend(q.text.languages());
            for code in q.codes() {
                if let Some(labels) = q.option_labels(code) {
                    langs.extend(labels.languages());
                }
            }
            for net in &q.nets {
                langs.extend(net.label.languages());
            }
        }
        langs
    }

    /// The number of questions.
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// assert_eq!(Questionnaire::new(vec![])?.len(), 0);
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// True when there are no questions.
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// assert!(Questionnaire::new(vec![])?.is_empty());
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// Gives back the questions (e.g. to edit them and build a new questionnaire).
    ///
    /// ```
    /// use survey_stats::questionnaire::Questionnaire;
    ///
    /// let q = Questionnaire::from_json(r#"{"questions": [{"id": "age", "kind": "numeric"}]}"#)?;
    /// let mut questions = q.into_questions();
    /// questions[0].id = "age_years".into();
    /// assert!(Questionnaire::new(questions)?.question("age_years").is_some());
    /// # Ok::<(), survey_stats::questionnaire::QuestionnaireError>(())
    /// ```
    pub fn into_questions(self) -> Vec<Question> {
        self.questions
    }
}

impl PartialEq for Questionnaire {
    /// Equal titles and equal questions in the same order (the indexes follow from them).
    fn eq(&self, other: &Self) -> bool {
        self.title == other.title && self.questions == other.questions
    }
}

impl Serialize for Questionnaire {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        QuestionnaireRef {
            title: &self.title,
            questions: &self.questions,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Questionnaire {
    /// Deserialises and validates; a validation error becomes a custom serde error
    /// carrying the [`QuestionnaireError`] message. Prefer
    /// [`Questionnaire::from_json`], which keeps the variant.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let repr = QuestionnaireRepr::deserialize(deserializer)?;
        Self::new(repr.questions)
            .map(|q| q.with_title(repr.title))
            .map_err(serde::de::Error::custom)
    }
}
