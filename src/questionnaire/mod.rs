//! TEMPORARY placeholder until the questionnaire module lands.
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Questionnaire {
    pub questions: Vec<Question>,
}
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Question {
    pub id: String,
}
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueProblem {
    #[error("unknown code {code}")]
    UnknownCode { code: f64 },
}
impl Questionnaire {
    pub fn question_for_column(&self, c: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == c)
    }
}
impl Question {
    pub fn check_value(&self, _c: &str, _v: f64) -> Result<(), ValueProblem> {
        Ok(())
    }
}
#[derive(Debug, thiserror::Error)]
pub enum QuestionnaireError {
    #[error("bad")]
    Bad,
}
impl Questionnaire {
    pub fn from_json(s: &str) -> Result<Self, QuestionnaireError> {
        serde_json::from_str(s).map_err(|_| QuestionnaireError::Bad)
    }
}
impl Question {
    pub fn non_substantive_codes(&self) -> Vec<i64> {
        vec![]
    }
}
