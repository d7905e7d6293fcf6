//! A categorical view of any column, for tables, proportions and domains.

use super::column::{Column, MISSING_CODE};
use std::borrow::Cow;

/// One level of a [`Factor`]: its label, and its numeric code when the column is numeric.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// Text of the level (a numeric code is written as the shortest decimal, `1`, `2.5`).
    pub label: String,
    /// The numeric code, for numeric columns.
    pub code: Option<f64>,
}

/// Codes `0..levels.len()` per row (or [`MISSING_CODE`]) with the levels in order: text
/// levels sorted, numeric codes in increasing order (R's `factor()` order).
///
/// ```
/// use survey_stats::data::{Column, Factor, NumericColumn};
/// let col = Column::Numeric(NumericColumn::from_options(vec![Some(9.0), Some(1.0), None, Some(2.0)]));
/// let f = Factor::of(&col);
/// assert_eq!(f.labels(), vec!["1", "2", "9"]);
/// assert_eq!(f.codes(), &[2, 0, u32::MAX, 1]);
/// ```
#[derive(Debug, Clone)]
pub struct Factor<'a> {
    codes: Cow<'a, [u32]>,
    levels: Vec<Level>,
}

impl<'a> Factor<'a> {
    /// The categorical view of a column. Text columns are borrowed; numeric columns are
    /// coded in one pass (a lookup table for small integer codes, binary search otherwise).
    pub fn of(column: &'a Column) -> Self {
        match column {
            Column::Categorical(c) => Factor {
                codes: Cow::Borrowed(c.codes()),
                levels: c
                    .levels()
                    .iter()
                    .map(|l| Level {
                        label: l.clone(),
                        code: None,
                    })
                    .collect(),
            },
            Column::Numeric(c) => {
                let vals = c.values();
                let valid = c.validity();
                let small_ints = (0..vals.len()).all(|i| {
                    !valid.is_valid(i) || {
                        let v = vals[i];
                        (0.0..4096.0).contains(&v) && v.fract() == 0.0
                    }
                });
                let mut codes = vec![MISSING_CODE; vals.len()];
                let levels: Vec<f64>;
                if small_ints {
                    let mut seen = vec![false; 4096];
                    for i in 0..vals.len() {
                        if valid.is_valid(i) {
                            seen[vals[i] as usize] = true;
                        }
                    }
                    let mut map = vec![MISSING_CODE; 4096];
                    let mut lv = Vec::new();
                    for (v, &s) in seen.iter().enumerate() {
                        if s {
                            map[v] = lv.len() as u32;
                            lv.push(v as f64);
                        }
                    }
                    for i in 0..vals.len() {
                        if valid.is_valid(i) {
                            codes[i] = map[vals[i] as usize];
                        }
                    }
                    levels = lv;
                } else {
                    let mut lv: Vec<f64> = (0..vals.len())
                        .filter(|&i| valid.is_valid(i))
                        .map(|i| vals[i])
                        .collect();
                    lv.sort_by(f64::total_cmp);
                    lv.dedup();
                    for i in 0..vals.len() {
                        if valid.is_valid(i)
                            && let Ok(k) = lv.binary_search_by(|x| x.total_cmp(&vals[i]))
                        {
                            codes[i] = k as u32;
                        }
                    }
                    levels = lv;
                }
                Factor {
                    codes: Cow::Owned(codes),
                    levels: levels
                        .into_iter()
                        .map(|v| Level {
                            label: format!("{v}"),
                            code: Some(v),
                        })
                        .collect(),
                }
            }
        }
    }

    /// Code per row.
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// The levels.
    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    /// Level labels.
    pub fn labels(&self) -> Vec<&str> {
        self.levels.iter().map(|l| l.label.as_str()).collect()
    }

    /// Index of the level whose label is `label` (or whose numeric code equals it).
    pub fn find(&self, label: &str) -> Option<usize> {
        let num: Option<f64> = label.trim().parse().ok();
        self.levels
            .iter()
            .position(|l| l.label == label || (l.code.is_some() && l.code == num))
    }
}
