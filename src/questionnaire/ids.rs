//! The two newtypes every other item refers to: question ids and answer codes.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The stable identifier of a question, e.g. `q1_awareness`.
///
/// Ids are what analysis specs, result rows and data columns refer to, so they are kept
/// verbatim (case and punctuation included). A single-column question (single choice,
/// Likert, numeric) stores its answers in the data column named by its id. Serialised as a
/// plain JSON string. [`Questionnaire::validate`](super::Questionnaire::validate) rejects an
/// empty or all-blank id and ids used twice.
///
/// ```
/// use survey_stats::questionnaire::QuestionId;
///
/// let id = QuestionId::new("q1_awareness");
/// assert_eq!(id.as_str(), "q1_awareness");
/// assert_eq!(id.to_string(), "q1_awareness");
/// assert_eq!(serde_json::to_string(&id)?, "\"q1_awareness\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(String);

impl QuestionId {
    /// Wraps a string as a question id (checked later, by validation).
    ///
    /// ```
    /// use survey_stats::questionnaire::QuestionId;
    ///
    /// assert_eq!(QuestionId::new(String::from("region")).as_str(), "region");
    /// ```
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as a string slice.
    ///
    /// ```
    /// use survey_stats::questionnaire::QuestionId;
    ///
    /// assert_eq!(QuestionId::from("q5_satisfaction").as_str().len(), 15);
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Unwraps the id into its string.
    ///
    /// ```
    /// use survey_stats::questionnaire::QuestionId;
    ///
    /// assert_eq!(QuestionId::from("q3").into_string(), String::from("q3"));
    /// ```
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for QuestionId {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

impl From<String> for QuestionId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl AsRef<str> for QuestionId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for QuestionId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// An answer code as stored in the data, e.g. `9` for "hard to answer".
///
/// Serialised as a plain JSON integer. Codes are identifiers, not quantities: a Likert
/// level's numeric value is its separate [`score`](super::LikertLevel::score).
///
/// ```
/// use survey_stats::questionnaire::Code;
///
/// let code = Code::new(9);
/// assert_eq!(code.get(), 9);
/// assert_eq!(code, Code::from(9));
/// assert_eq!(serde_json::to_string(&code)?, "9");
/// assert_eq!(serde_json::from_str::<Code>("-1")?, Code::new(-1));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Code(i64);

impl Code {
    /// Wraps an integer as an answer code.
    ///
    /// ```
    /// use survey_stats::questionnaire::Code;
    ///
    /// assert_eq!(Code::new(3).get(), 3);
    /// ```
    pub const fn new(code: i64) -> Self {
        Self(code)
    }

    /// The integer value of the code.
    ///
    /// ```
    /// use survey_stats::questionnaire::Code;
    ///
    /// assert_eq!(Code::new(-7).get(), -7);
    /// ```
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Reads a data value as a code: `Some` when the value is a finite whole number
    /// representable as `i64`, `None` otherwise (a fraction, NaN, ±∞, or out of range).
    ///
    /// ```
    /// use survey_stats::questionnaire::Code;
    ///
    /// assert_eq!(Code::from_f64(2.0), Some(Code::new(2)));
    /// assert_eq!(Code::from_f64(-0.0), Some(Code::new(0)));
    /// assert_eq!(Code::from_f64(2.5), None);
    /// assert_eq!(Code::from_f64(f64::NAN), None);
    /// assert_eq!(Code::from_f64(1e300), None);
    /// ```
    pub fn from_f64(value: f64) -> Option<Self> {
        // 2^63 is exactly representable; every finite f64 in [-2^63, 2^63) with no
        // fractional part converts to i64 without loss.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if value.is_finite() && value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
            Some(Self(value as i64))
        } else {
            None
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<i64> for Code {
    fn from(code: i64) -> Self {
        Self(code)
    }
}

impl From<Code> for i64 {
    fn from(code: Code) -> Self {
        code.0
    }
}
