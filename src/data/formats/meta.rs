//! A file's metadata (SPSS, Stata) and the questionnaire it describes: the one place where
//! value labels, user-missing codes, variable labels and multiple-response sets become
//! questions.
//!
//! - A numeric variable whose every value in the data is a labelled whole number becomes a
//!   single-choice question with the labels as options; other labelled, user-missing or
//!   labelled-only variables become numeric questions (so no value of the data breaks the
//!   questionnaire).
//! - A user-missing code becomes a non-substantive code: "refused" in its label makes it
//!   [`NonSubstantive::Refused`], "not applicable" [`NonSubstantive::NotApplicable`],
//!   "skip" [`NonSubstantive::Skipped`], anything else [`NonSubstantive::DontKnow`].
//! - A multiple-dichotomy set counting 1 over 0/1 variables becomes a multiple-response
//!   question in binary storage (option `k` is the set's `k`-th variable, labelled by the
//!   variable's label); a multiple-category set becomes one in codes storage with the
//!   union of its variables' value labels as options.

use std::collections::{BTreeMap, HashSet};

use crate::data::{Column, DataError, show_number};
use crate::questionnaire::{
    AnswerOption, Code, Labels, MissingCode, NonSubstantive, Question, QuestionKind, Questionnaire,
    ResponseStorage,
};

/// What a file says about its variables.
#[derive(Debug, Default)]
pub(crate) struct FileMeta {
    /// The file's label.
    pub(crate) title: Option<String>,
    /// Per variable with any metadata.
    pub(crate) vars: Vec<VarMeta>,
    /// SPSS multiple-response sets.
    pub(crate) mr_sets: Vec<MrSetMeta>,
}

/// One variable's label, value labels and user-missing values.
#[derive(Debug, Default)]
pub(crate) struct VarMeta {
    pub(crate) name: String,
    pub(crate) label: Option<String>,
    /// (code, label) of numeric value labels.
    pub(crate) values: Vec<(f64, String)>,
    /// Discrete user-missing values.
    pub(crate) missing: Vec<f64>,
    /// User-missing ranges (inclusive).
    pub(crate) missing_ranges: Vec<(f64, f64)>,
}

/// An SPSS multiple-response set.
#[derive(Debug)]
pub(crate) struct MrSetMeta {
    /// Its name (without SPSS's leading `$`).
    pub(crate) name: String,
    pub(crate) label: String,
    /// `Some(counted value)` for a dichotomy set, `None` for a category set.
    pub(crate) counted: Option<f64>,
    pub(crate) variables: Vec<String>,
}

impl FileMeta {
    /// The questionnaire the metadata describe for the columns read; `None` when there is
    /// nothing to describe.
    ///
    /// # Errors
    /// [`DataError::BadFile`] for a multiple-response set naming a variable the file does
    /// not have; the questionnaire's own errors when the labels break its rules.
    pub(crate) fn questionnaire(
        &self,
        columns: &[(String, Column)],
        lang: &str,
        file: &str,
    ) -> crate::Result<Option<Questionnaire>> {
        let column = |name: &str| columns.iter().find(|(n, _)| n == name).map(|(_, c)| c);
        let text = |s: &str| {
            if s.trim().is_empty() {
                Labels::new()
            } else {
                Labels::new().with(lang, s)
            }
        };
        let by_name: BTreeMap<&str, &VarMeta> =
            self.vars.iter().map(|v| (v.name.as_str(), v)).collect();
        let mut claimed = HashSet::new();
        let mut questions = Vec::new();
        for set in &self.mr_sets {
            let cols: Vec<&Column> = set.variables.iter().filter_map(|v| column(v)).collect();
            if cols.is_empty() {
                continue; // not read (projected away)
            }
            if cols.len() < set.variables.len() {
                let absent = set
                    .variables
                    .iter()
                    .find(|v| column(v).is_none())
                    .cloned()
                    .unwrap_or_default();
                return Err(DataError::BadFile {
                    file: file.to_string(),
                    format: "SPSS .sav".into(),
                    message: format!(
                        "multiple-response set ${} lists variable {absent:?}, which the file does not have (or was not read)",
                        set.name
                    ),
                }
                .into());
            }
            let question = match set.counted {
                Some(counted) => {
                    if counted != 1.0 || !cols.iter().all(|c| is_binary(c)) {
                        continue; // binary storage needs 0/1 columns counting 1
                    }
                    let options = set
                        .variables
                        .iter()
                        .enumerate()
                        .map(|(k, v)| {
                            let label = by_name
                                .get(v.as_str())
                                .and_then(|m| m.label.as_deref())
                                .unwrap_or(v);
                            AnswerOption::new(k as i64 + 1, text(label))
                        })
                        .collect();
                    QuestionKind::MultipleResponse {
                        options,
                        storage: ResponseStorage::Binary {
                            columns: Some(set.variables.clone()),
                        },
                        max_choices: None,
                        exclusive: None,
                    }
                }
                None => {
                    let mut labels = BTreeMap::new();
                    for v in &set.variables {
                        for (code, label) in by_name.get(v.as_str()).map_or(&[][..], |m| &m.values)
                        {
                            if let Some(c) = Code::from_f64(*code) {
                                labels.entry(c).or_insert_with(|| label.clone());
                            }
                        }
                    }
                    if labels.is_empty()
                        || !cols
                            .iter()
                            .all(|c| all_in(c, &labels.keys().copied().collect()))
                    {
                        continue;
                    }
                    QuestionKind::MultipleResponse {
                        options: labels
                            .into_iter()
                            .map(|(c, l)| AnswerOption::new(c, text(&l)))
                            .collect(),
                        storage: ResponseStorage::Codes {
                            columns: set.variables.clone(),
                        },
                        max_choices: None,
                        exclusive: None,
                    }
                }
            };
            claimed.extend(set.variables.iter().cloned());
            questions.push(Question::new(set.name.as_str(), text(&set.label), question));
        }
        for var in &self.vars {
            if claimed.contains(&var.name) {
                continue;
            }
            let Some(Column::Numeric(col)) = column(&var.name) else {
                continue; // text columns carry no numeric codes
            };
            let mut missing: Vec<f64> = var.missing.clone();
            for &(lo, hi) in &var.missing_ranges {
                let inside = |x: f64| lo <= x && x <= hi;
                missing.extend(var.values.iter().map(|v| v.0).filter(|&x| inside(x)));
                missing.extend(
                    (0..col.len())
                        .filter_map(|i| col.get(i))
                        .filter(|&x| inside(x)),
                );
            }
            let mut missing: Vec<Code> = missing.into_iter().filter_map(Code::from_f64).collect();
            missing.sort();
            missing.dedup();
            if var.values.is_empty() && missing.is_empty() && var.label.is_none() {
                continue;
            }
            let codes: Vec<Code> = var
                .values
                .iter()
                .filter_map(|v| Code::from_f64(v.0))
                .collect();
            let labelled = !codes.is_empty()
                && codes.len() == var.values.len()
                && (0..col.len())
                    .filter_map(|i| col.get(i))
                    .all(|x| Code::from_f64(x).is_some_and(|c| codes.contains(&c)));
            let label_of = |c: Code| {
                var.values
                    .iter()
                    .find(|v| Code::from_f64(v.0) == Some(c))
                    .map(|v| v.1.as_str())
            };
            let kind = if labelled {
                let mut options: Vec<(Code, &str)> = codes
                    .iter()
                    .map(|&c| (c, label_of(c).unwrap_or("")))
                    .collect();
                options.sort_by_key(|o| o.0);
                options.dedup_by_key(|o| o.0);
                QuestionKind::SingleChoice {
                    options: options
                        .into_iter()
                        .map(|(c, l)| AnswerOption::new(c, text(l)))
                        .collect(),
                }
            } else {
                QuestionKind::Numeric {
                    range: None,
                    unit: None,
                }
            };
            let mut question = Question::new(
                var.name.as_str(),
                text(var.label.as_deref().unwrap_or("")),
                kind,
            );
            for code in missing {
                let label = label_of(code);
                let mut m = MissingCode::new(code, non_substantive(label.unwrap_or("")));
                if !labelled || !codes.contains(&code) {
                    // An extra code (not an option) needs its own label.
                    let shown =
                        label.map_or_else(|| show_number(i64::from(code) as f64), str::to_string);
                    m = m.with_label(Labels::new().with(lang, shown));
                }
                question = question.with_missing_code(m);
            }
            questions.push(question);
        }
        if questions.is_empty() {
            return Ok(None);
        }
        let mut q = Questionnaire::new(questions)?;
        if let Some(title) = self.title.as_deref().filter(|t| !t.trim().is_empty()) {
            q = q.with_title(Labels::new().with(lang, title.trim()));
        }
        Ok(Some(q))
    }
}

/// The kind of non-substantive answer a user-missing code's label names.
fn non_substantive(label: &str) -> NonSubstantive {
    let l = label.to_lowercase();
    if l.contains("refus") {
        NonSubstantive::Refused
    } else if l.contains("not applicable") || l.contains("n/a") {
        NonSubstantive::NotApplicable
    } else if l.contains("skip") {
        NonSubstantive::Skipped
    } else {
        NonSubstantive::DontKnow
    }
}

/// Whether a column holds only 0, 1 and missing.
fn is_binary(col: &Column) -> bool {
    match col {
        Column::Numeric(c) => (0..c.len()).all(|i| matches!(c.get(i), None | Some(0.0 | 1.0))),
        Column::Categorical(_) => false,
    }
}

/// Whether every value of a column is one of `codes`.
fn all_in(col: &Column, codes: &HashSet<Code>) -> bool {
    match col {
        Column::Numeric(c) => (0..c.len())
            .filter_map(|i| c.get(i))
            .all(|x| Code::from_f64(x).is_some_and(|k| codes.contains(&k))),
        Column::Categorical(_) => false,
    }
}
