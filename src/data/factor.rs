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
    /// The codes, owned (no copy when the factor was computed rather than borrowed).
    pub fn into_codes(self) -> Vec<u32> {
        self.codes.into_owned()
    }

    /// The categorical view of a column. Text columns are borrowed; numeric columns are
    /// coded: small non-negative integer codes in two passes over blocks of rows on the
    /// machine's cores (the values, then a lookup table), anything else by sorting the
    /// distinct values and a binary search per row.
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
                let n = vals.len();
                // Non-negative integer codes below max(4096, 2n) (answer codes, ids) are
                // written as they are in one pass, then renumbered through a lookup table;
                // anything else is sorted.
                let limit = (2 * n).max(4096) as f64;
                let mut codes = vec![MISSING_CODE; n];
                // Blocks of a large column on the machine's cores; each notes the codes it
                // saw.
                let cores = crate::parallel::cores();
                let parts =
                    crate::parallel::map_chunks(&mut codes, cores, 1 << 17, |start, out| {
                        raw_codes(vals, valid, start, out, limit)
                    });
                let integers = parts.iter().all(Option::is_some);
                let mut seen: Vec<bool> = Vec::new();
                for part in parts.into_iter().flatten() {
                    if part.len() > seen.len() {
                        seen.resize(part.len(), false);
                    }
                    for (s, p) in seen.iter_mut().zip(part) {
                        *s |= p;
                    }
                }
                let levels: Vec<f64>;
                if integers {
                    let mut map = vec![MISSING_CODE; seen.len()];
                    let mut lv = Vec::new();
                    for (v, &s) in seen.iter().enumerate() {
                        if s {
                            map[v] = lv.len() as u32;
                            lv.push(v as f64);
                        }
                    }
                    crate::parallel::map_chunks(&mut codes, cores, 1 << 17, |_, chunk| {
                        for code in chunk.iter_mut() {
                            if *code != MISSING_CODE {
                                *code = map[*code as usize];
                            }
                        }
                    });
                    levels = lv;
                } else {
                    let mut lv: Vec<f64> = (0..n)
                        .filter(|&i| valid.is_valid(i))
                        .map(|i| vals[i])
                        .collect();
                    lv.sort_by(f64::total_cmp);
                    lv.dedup();
                    codes.iter_mut().for_each(|c| *c = MISSING_CODE);
                    for i in 0..n {
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

/// Writes the integer value of rows `start..start + out.len()` into `out` (missing rows
/// untouched) and returns which values occur; `None` as soon as a value is not a
/// non-negative integer below `limit`.
fn raw_codes(
    vals: &[f64],
    valid: &super::column::Validity,
    start: usize,
    out: &mut [u32],
    limit: f64,
) -> Option<Vec<bool>> {
    let mut seen: Vec<bool> = Vec::new();
    for (i, code) in (start..).zip(out.iter_mut()) {
        if !valid.is_valid(i) {
            continue;
        }
        let v = vals[i];
        let u = v as usize;
        if !(v >= 0.0 && v < limit && u as f64 == v) {
            return None;
        }
        if u >= seen.len() {
            seen.resize(u + 1, false);
        }
        seen[u] = true;
        *code = u as u32;
    }
    Some(seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::NumericColumn;

    /// Large columns are coded on two threads; the result is that of the definition.
    #[test]
    fn large_columns_code_as_small_ones() {
        let n = 300_000;
        let ints: Vec<Option<f64>> = (0..n)
            .map(|i| (i % 7 != 3).then_some(((i * 7919) % 13) as f64 * 2.0))
            .collect();
        let col = Column::Numeric(NumericColumn::from_options(ints.clone()));
        let f = Factor::of(&col);
        let labels: Vec<String> = (0..13).map(|v| format!("{}", v * 2)).collect();
        assert_eq!(f.labels(), labels);
        for (code, v) in f.codes().iter().zip(&ints) {
            match v {
                Some(v) => assert_eq!(f.levels()[*code as usize].code, Some(*v)),
                None => assert_eq!(*code, MISSING_CODE),
            }
        }
        // One fraction in the second half: the whole column is coded by sorting.
        let mut mixed = ints;
        mixed[n - 5] = Some(0.5);
        let col = Column::Numeric(NumericColumn::from_options(mixed.clone()));
        let f = Factor::of(&col);
        assert_eq!(f.labels()[..2], ["0", "0.5"]);
        for (code, v) in f.codes().iter().zip(&mixed) {
            match v {
                Some(v) => assert_eq!(f.levels()[*code as usize].code, Some(*v)),
                None => assert_eq!(*code, MISSING_CODE),
            }
        }
    }
}
