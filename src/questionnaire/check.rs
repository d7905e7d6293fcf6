//! Checking data values against a question.

use super::Code;
use super::question::{Question, QuestionKind, ResponseStorage, in_range};

/// Why one data value (or one respondent's set of choices) does not fit its question.
///
/// Carries only what the question knows; the data layer adds file, row and column.
///
/// ```
/// use survey_stats::questionnaire::{Code, ValueProblem};
///
/// let p = ValueProblem::UnknownCode { code: Code::new(7) };
/// assert_eq!(p.to_string(), "7 is not a code of this question");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueProblem {
    /// A whole number that is not one of the question's codes.
    #[error("{code} is not a code of this question")]
    UnknownCode {
        /// The value read as a code.
        code: Code,
    },
    /// A numeric value outside the question's range (and not a non-substantive code).
    #[error("{value} is outside the range [{min}, {max}]")]
    OutOfRange {
        /// The value.
        value: f64,
        /// The range's lower bound.
        min: f64,
        /// The range's upper bound.
        max: f64,
    },
    /// A value in a code column that is not a whole number (or too large for a code).
    #[error("{value} is not a whole-number code")]
    NotInteger {
        /// The value.
        value: f64,
    },
    /// A value in a 0/1 column other than 0 or 1.
    #[error("{value} is neither 0 nor 1")]
    NotBinary {
        /// The value.
        value: f64,
    },
    /// NaN or ±∞.
    #[error("{value} is not a finite number")]
    NotFinite {
        /// The value.
        value: f64,
    },
    /// The column is not one of the question's columns.
    #[error("column `{column}` does not belong to this question")]
    ForeignColumn {
        /// The column.
        column: String,
    },
    /// More options chosen than `max_choices` allows (1 for single-valued questions).
    #[error("{chosen} options chosen, at most {max} allowed")]
    TooManyChoices {
        /// Number of codes chosen.
        chosen: usize,
        /// The limit.
        max: u32,
    },
    /// The exclusive option chosen together with another one.
    #[error("exclusive option {code} chosen together with other options")]
    ExclusiveWithOthers {
        /// The exclusive code.
        code: Code,
    },
}

impl Question {
    /// Checks one non-missing value found in `column` (one of [`columns`](Self::columns)).
    ///
    /// - single choice, Likert, multiple response in codes storage: a whole number that is
    ///   an option, level or non-substantive code;
    /// - multiple response in binary storage: 0 or 1;
    /// - numeric: finite; a declared non-substantive code, or within the range if any.
    ///
    /// Missing cells (empty, `NA`) are the data layer's business and never reach here.
    ///
    /// # Errors
    ///
    /// The [`ValueProblem`]: [`NotFinite`](ValueProblem::NotFinite) first, then by kind as
    /// above; [`ForeignColumn`](ValueProblem::ForeignColumn) when `column` is not the
    /// question's.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q1", Labels::new(), QuestionKind::SingleChoice {
    ///     options: [1, 2, 9].into_iter().map(|c| AnswerOption::new(c, Labels::new())).collect(),
    /// });
    /// assert_eq!(q.check_value("q1", 2.0), Ok(()));
    /// assert_eq!(q.check_value("q1", 4.0), Err(ValueProblem::UnknownCode { code: Code::new(4) }));
    /// assert_eq!(q.check_value("q1", 1.5), Err(ValueProblem::NotInteger { value: 1.5 }));
    /// ```
    pub fn check_value(&self, column: &str, value: f64) -> Result<(), ValueProblem> {
        let own = match &self.kind {
            QuestionKind::MultipleResponse { .. } => self.columns().iter().any(|c| c == column),
            _ => self.id.as_str() == column,
        };
        if !own {
            return Err(ValueProblem::ForeignColumn {
                column: column.to_owned(),
            });
        }
        if !value.is_finite() {
            return Err(ValueProblem::NotFinite { value });
        }
        match &self.kind {
            QuestionKind::MultipleResponse {
                storage: ResponseStorage::Binary { .. },
                ..
            } => {
                if value == 0.0 || value == 1.0 {
                    Ok(())
                } else {
                    Err(ValueProblem::NotBinary { value })
                }
            }
            QuestionKind::Numeric { range, .. } => {
                let is_missing_code =
                    Code::from_f64(value).is_some_and(|c| self.missing_code(c).is_some());
                match *range {
                    Some([min, max]) if !is_missing_code && !in_range(value, *range) => {
                        Err(ValueProblem::OutOfRange { value, min, max })
                    }
                    _ => Ok(()),
                }
            }
            _ => {
                let code = Code::from_f64(value).ok_or(ValueProblem::NotInteger { value })?;
                if self.is_known_code(code) {
                    Ok(())
                } else {
                    Err(ValueProblem::UnknownCode { code })
                }
            }
        }
    }

    /// Checks one respondent's set of chosen codes: each is known, there are at most
    /// `max_choices` of them (at most one for a question that is not multiple response),
    /// and an exclusive code stands alone.
    ///
    /// # Errors
    ///
    /// [`UnknownCode`](ValueProblem::UnknownCode),
    /// [`TooManyChoices`](ValueProblem::TooManyChoices) or
    /// [`ExclusiveWithOthers`](ValueProblem::ExclusiveWithOthers), checked in that order.
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q2", Labels::new(), QuestionKind::MultipleResponse {
    ///     options: [1, 2, 3, 4, 9].into_iter().map(|c| AnswerOption::new(c, Labels::new())).collect(),
    ///     storage: ResponseStorage::default(),
    ///     max_choices: Some(3),
    ///     exclusive: Some(Code::new(9)),
    /// });
    /// let codes = |v: &[i64]| v.iter().map(|&c| Code::new(c)).collect::<Vec<_>>();
    /// assert_eq!(q.check_choices(&codes(&[1, 4])), Ok(()));
    /// assert_eq!(q.check_choices(&codes(&[1, 2, 3, 4])),
    ///            Err(ValueProblem::TooManyChoices { chosen: 4, max: 3 }));
    /// assert_eq!(q.check_choices(&codes(&[1, 9])),
    ///            Err(ValueProblem::ExclusiveWithOthers { code: Code::new(9) }));
    /// ```
    pub fn check_choices(&self, chosen: &[Code]) -> Result<(), ValueProblem> {
        if let Some(&code) = chosen.iter().find(|&&c| !self.is_known_code(c)) {
            return Err(ValueProblem::UnknownCode { code });
        }
        let (max, exclusive) = match &self.kind {
            QuestionKind::MultipleResponse {
                max_choices,
                exclusive,
                ..
            } => (*max_choices, *exclusive),
            _ => (Some(1), None),
        };
        if let Some(max) = max
            && chosen.len() > max as usize
        {
            return Err(ValueProblem::TooManyChoices {
                chosen: chosen.len(),
                max,
            });
        }
        if let Some(code) = exclusive
            && chosen.len() > 1
            && chosen.contains(&code)
        {
            return Err(ValueProblem::ExclusiveWithOthers { code });
        }
        Ok(())
    }
}
