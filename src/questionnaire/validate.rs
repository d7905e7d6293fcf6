//! The rules a valid question obeys.

use std::collections::HashSet;

use super::question::{Question, QuestionKind, ResponseStorage};
use super::{Code, QuestionId, QuestionnaireError, Result};

impl Question {
    /// Checks the rules that concern this question alone (rules across questions, such as
    /// unique ids and data columns, are checked by
    /// [`Questionnaire::validate`](super::Questionnaire::validate)):
    ///
    /// - the id is not blank;
    /// - a choice or Likert question has at least one option or level; codes are unique
    ///   within the question (options or levels together with extra non-substantive codes);
    /// - multiple response: `max_choices` ≥ 1; `exclusive` is one of the options; binary
    ///   storage lists exactly one column per option; codes storage lists at least one;
    /// - Likert: scores are finite and strictly increasing in listed order; the midpoint is
    ///   finite and within the lowest and highest scores;
    /// - numeric: the range is finite with min ≤ max;
    /// - non-substantive codes: an unlabelled one is an option of a single-choice or
    ///   multiple-response question; a labelled one is an extra code, not an option; none
    ///   is a Likert level;
    /// - nets: ids are non-blank and unique, each lists at least one code, with no
    ///   repeats, each a known code of the question (option, level or extra code);
    /// - data column names are non-blank and not repeated.
    ///
    /// # Errors
    ///
    /// The first broken rule, as the matching [`QuestionnaireError`] variant naming the
    /// question (and code, net or column).
    ///
    /// ```
    /// use survey_stats::questionnaire::*;
    ///
    /// let q = Question::new("q", Labels::new(), QuestionKind::SingleChoice {
    ///     options: vec![AnswerOption::new(1, Labels::new()), AnswerOption::new(1, Labels::new())],
    /// });
    /// assert!(matches!(q.validate(),
    ///     Err(QuestionnaireError::DuplicateCode { code, .. }) if code == Code::new(1)));
    /// ```
    pub fn validate(&self) -> Result<()> {
        let id = &self.id;
        if id.as_str().trim().is_empty() {
            return Err(QuestionnaireError::InvalidQuestionId { id: id.clone() });
        }
        let answer_codes = self.answer_codes();
        self.validate_kind(&answer_codes)?;

        let mut seen: HashSet<Code> = answer_codes.iter().copied().collect();
        for m in &self.missing_codes {
            let is_answer = answer_codes.contains(&m.code);
            if is_answer && matches!(self.kind, QuestionKind::Likert { .. }) {
                return Err(QuestionnaireError::ScoredNonSubstantive {
                    question: id.clone(),
                    code: m.code,
                });
            }
            match (is_answer, m.label.is_empty()) {
                (true, false) => {
                    return Err(QuestionnaireError::MissingCodeRelabelled {
                        question: id.clone(),
                        code: m.code,
                    });
                }
                (false, true) => {
                    return Err(QuestionnaireError::UnknownMissingCode {
                        question: id.clone(),
                        code: m.code,
                    });
                }
                (true, true) => {
                    if self
                        .missing_codes
                        .iter()
                        .filter(|o| o.code == m.code)
                        .count()
                        > 1
                    {
                        return Err(duplicate_code(id, m.code));
                    }
                }
                (false, false) => {
                    if !seen.insert(m.code) {
                        return Err(duplicate_code(id, m.code));
                    }
                }
            }
        }

        let known = self.codes();
        let mut net_ids = HashSet::new();
        for net in &self.nets {
            if net.id.trim().is_empty() || !net_ids.insert(net.id.as_str()) {
                return Err(QuestionnaireError::InvalidNetId {
                    question: id.clone(),
                    net: net.id.clone(),
                });
            }
            if net.codes.is_empty() {
                return Err(QuestionnaireError::EmptyNet {
                    question: id.clone(),
                    net: net.id.clone(),
                });
            }
            let mut in_net = HashSet::new();
            for &code in &net.codes {
                if !known.contains(&code) {
                    return Err(QuestionnaireError::UnknownNetCode {
                        question: id.clone(),
                        net: net.id.clone(),
                        code,
                    });
                }
                if !in_net.insert(code) {
                    return Err(QuestionnaireError::DuplicateNetCode {
                        question: id.clone(),
                        net: net.id.clone(),
                        code,
                    });
                }
            }
        }

        let mut columns = HashSet::new();
        for column in self.columns() {
            if column.trim().is_empty() {
                return Err(QuestionnaireError::InvalidColumnName {
                    question: id.clone(),
                    column,
                });
            }
            if !columns.insert(column.clone()) {
                return Err(QuestionnaireError::DuplicateColumn {
                    column,
                    first: id.clone(),
                    second: id.clone(),
                });
            }
        }
        Ok(())
    }

    fn validate_kind(&self, answer_codes: &[Code]) -> Result<()> {
        let id = &self.id;
        let needs_options = !matches!(self.kind, QuestionKind::Numeric { .. });
        if needs_options && answer_codes.is_empty() {
            return Err(QuestionnaireError::NoOptions {
                question: id.clone(),
            });
        }
        let mut seen = HashSet::new();
        for &code in answer_codes {
            if !seen.insert(code) {
                return Err(duplicate_code(id, code));
            }
        }
        match &self.kind {
            QuestionKind::SingleChoice { .. } => {}
            QuestionKind::MultipleResponse {
                options,
                storage,
                max_choices,
                exclusive,
            } => {
                if let Some(max) = *max_choices
                    && max == 0
                {
                    return Err(QuestionnaireError::InvalidMaxChoices {
                        question: id.clone(),
                        max_choices: max,
                    });
                }
                if let Some(code) = *exclusive
                    && !answer_codes.contains(&code)
                {
                    return Err(QuestionnaireError::UnknownExclusiveCode {
                        question: id.clone(),
                        code,
                    });
                }
                match storage {
                    ResponseStorage::Binary {
                        columns: Some(columns),
                    } if columns.len() != options.len() => {
                        return Err(QuestionnaireError::ColumnCountMismatch {
                            question: id.clone(),
                            columns: columns.len(),
                            options: options.len(),
                        });
                    }
                    ResponseStorage::Codes { columns } if columns.is_empty() => {
                        return Err(QuestionnaireError::NoStorageColumns {
                            question: id.clone(),
                        });
                    }
                    _ => {}
                }
            }
            QuestionKind::Likert {
                levels, midpoint, ..
            } => {
                let mut previous: Option<f64> = None;
                for level in levels {
                    if !level.score.is_finite() {
                        return Err(QuestionnaireError::NonFiniteScore {
                            question: id.clone(),
                            code: level.code,
                        });
                    }
                    if previous.is_some_and(|p| level.score <= p) {
                        return Err(QuestionnaireError::LikertNotOrdered {
                            question: id.clone(),
                            code: level.code,
                            score: level.score,
                        });
                    }
                    previous = Some(level.score);
                }
                if let (Some(mid), Some(first), Some(last)) =
                    (*midpoint, levels.first(), levels.last())
                {
                    let (min, max) = (first.score, last.score);
                    if !(mid.is_finite() && mid >= min && mid <= max) {
                        return Err(QuestionnaireError::InvalidMidpoint {
                            question: id.clone(),
                            midpoint: mid,
                            min,
                            max,
                        });
                    }
                }
            }
            QuestionKind::Numeric { range, .. } => {
                if let Some([min, max]) = *range
                    && !(min.is_finite() && max.is_finite() && min <= max)
                {
                    return Err(QuestionnaireError::InvalidRange {
                        question: id.clone(),
                        min,
                        max,
                    });
                }
            }
        }
        Ok(())
    }
}

fn duplicate_code(question: &QuestionId, code: Code) -> QuestionnaireError {
    QuestionnaireError::DuplicateCode {
        question: question.clone(),
        code,
    }
}
