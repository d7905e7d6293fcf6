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
