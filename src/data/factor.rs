//! A categorical view of any column, for tables, proportions and domains.

use super::column::{CodedFactor, Column, MISSING_CODE, NumericColumn, SmallLevels, Validity};
use std::borrow::Cow;
use std::sync::Arc;

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
    levels: Cow<'a, [Level]>,
}

impl<'a> Factor<'a> {
    /// The codes, owned (no copy when the factor was computed rather than borrowed).
    pub fn into_codes(self) -> Vec<u32> {
        self.codes.into_owned()
    }

    /// The categorical view of a column. Text columns are borrowed; numeric columns are
    /// coded from their row codes on blocks of rows on the machine's cores, once: the
    /// column keeps its codes for the next estimate that asks.
    pub fn of(column: &'a Column) -> Self {
        match column {
            Column::Numeric(c) => {
                let coded = c.cached_factor(|| {
                    let (rows, levels) = RowCodes::of(column);
                    CodedFactor {
                        codes: rows.collect(),
                        levels,
                    }
                });
                Factor {
                    codes: Cow::Borrowed(&coded.codes),
                    levels: Cow::Borrowed(&coded.levels),
                }
            }
            Column::Categorical(c) => Factor {
                codes: Cow::Borrowed(c.codes()),
                levels: Cow::Owned(RowCodes::of(column).1),
            },
        }
    }

    /// The codes of [`Factor::of`] alone, not kept in the column (for codes that their
    /// user keeps in another form, such as a design's cluster ids) and without labelling
    /// the levels, of which there may be as many as rows.
    /// Also gives the number of levels.
    pub(crate) fn codes_of(column: &'a Column) -> (Cow<'a, [u32]>, usize) {
        let (rows, levels) = RowCodes::of_labelled(column, false);
        let codes = match rows {
            RowCodes::Stored(codes) => Cow::Borrowed(codes),
            rows => Cow::Owned(rows.collect()),
        };
        (codes, levels.len())
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
        labels(&self.levels)
    }

    /// Index of the level whose label is `label` (or whose numeric code equals it).
    pub fn find(&self, label: &str) -> Option<usize> {
        find_level(&self.levels, label)
    }
}

/// The levels' labels.
pub(crate) fn labels(levels: &[Level]) -> Vec<&str> {
    levels.iter().map(|l| l.label.as_str()).collect()
}

/// Index of the level whose label is `label` (or whose numeric code equals it).
pub(crate) fn find_level(levels: &[Level], label: &str) -> Option<usize> {
    let num: Option<f64> = label.trim().parse().ok();
    levels
        .iter()
        .position(|l| l.label == label || (l.code.is_some() && l.code == num))
}

/// Each row's level code of a column, read on demand: a [`Factor`] without its column of
/// codes, for passes that only need the code of the row at hand (raking's table of cells).
#[derive(Debug, Clone)]
pub(crate) enum RowCodes<'a> {
    /// Codes stored already (a text column's, or given).
    Stored(&'a [u32]),
    /// Small non-negative integers (answer codes, ids) through a table from value to code.
    Lookup {
        values: &'a [f64],
        /// `None` when no row is missing.
        valid: Option<&'a Validity>,
        table: Vec<u32>,
    },
    /// The small integers a reader kept beside the values (`v + 1`, 0 for missing: see
    /// `NumericColumn::from_small_ints`), through their levels' table to codes.
    Small {
        small: &'a [u16],
        /// The column's levels and table, kept in the column.
        levels: &'a SmallLevels,
    },
    /// Any other numbers: a binary search among the sorted levels.
    Sorted {
        values: &'a [f64],
        valid: Option<&'a Validity>,
        levels: Vec<f64>,
    },
}

impl<'a> RowCodes<'a> {
    /// The codes of a column and its levels (see [`Factor`] for their order). Numeric
    /// columns take one pass over the values, in blocks on the machine's cores: small
    /// non-negative integers (below max(4096, 2n)) are noted in a table, anything else
    /// is sorted.
    pub(crate) fn of(column: &'a Column) -> (Self, Vec<Level>) {
        Self::of_labelled(column, true)
    }

    /// [`RowCodes::of`], the numeric levels' labels left empty unless `labelled`.
    fn of_labelled(column: &'a Column, labelled: bool) -> (Self, Vec<Level>) {
        let c = match column {
            Column::Categorical(c) => {
                let levels = c
                    .levels()
                    .iter()
                    .map(|l| Level {
                        label: l.clone(),
                        code: None,
                    })
                    .collect();
                return (RowCodes::Stored(c.codes()), levels);
            }
            Column::Numeric(c) => c,
        };
        let to_levels = |values: &[f64], integers: bool| -> Vec<Level> {
            values
                .iter()
                .map(|&v| Level {
                    // Small non-negative integers written as integers: the same text, faster.
                    label: match (labelled, integers) {
                        (false, _) => String::new(),
                        (true, true) => (v as u64).to_string(),
                        (true, false) => format!("{v}"),
                    },
                    code: Some(v),
                })
                .collect()
        };
        // A quarter of the bytes of the values, no check that they are integers, and
        // the levels found (and labelled) once for the column.
        if let Some((small, levels)) = small_levels(c) {
            return (RowCodes::Small { small, levels }, levels.levels.clone());
        }
        let values = c.values();
        let valid = (c.count_missing() > 0).then(|| c.validity());
        let n = values.len();
        let limit = (2 * n).max(4096) as f64;
        let parts = crate::parallel::map_blocks(n, crate::parallel::cores(), 1 << 17, |rows| {
            integers_seen(values, valid, rows, limit)
        });
        if parts.iter().all(Option::is_some) {
            let mut seen: Vec<bool> = Vec::new();
            for part in parts.into_iter().flatten() {
                if part.len() > seen.len() {
                    seen.resize(part.len(), false);
                }
                for (s, p) in seen.iter_mut().zip(part) {
                    *s |= p;
                }
            }
            let mut table = vec![MISSING_CODE; seen.len()];
            let mut lv = Vec::new();
            for (v, &s) in seen.iter().enumerate() {
                if s {
                    table[v] = lv.len() as u32;
                    lv.push(v as f64);
                }
            }
            let rows = RowCodes::Lookup {
                values,
                valid,
                table,
            };
            (rows, to_levels(&lv, true))
        } else {
            let mut lv: Vec<f64> = (0..n)
                .filter(|&i| valid.is_none_or(|v| v.is_valid(i)))
                .map(|i| values[i])
                .collect();
            lv.sort_by(f64::total_cmp);
            lv.dedup();
            let levels = to_levels(&lv, false);
            let rows = RowCodes::Sorted {
                values,
                valid,
                levels: lv,
            };
            (rows, levels)
        }
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            RowCodes::Stored(codes) => codes.len(),
            RowCodes::Small { small, .. } => small.len(),
            RowCodes::Lookup { values, .. } | RowCodes::Sorted { values, .. } => values.len(),
        }
    }

    /// The codes of rows `start..start + out.len()` into `out` ([`MISSING_CODE`] where a
    /// row has no value), one tight loop per kind of column.
    pub(crate) fn write(&self, start: usize, out: &mut [u32]) {
        let rows = start..start + out.len();
        match self {
            RowCodes::Stored(codes) => out.copy_from_slice(&codes[rows]),
            RowCodes::Small { small, levels } => {
                for (o, &s) in out.iter_mut().zip(&small[rows]) {
                    *o = levels.code(s);
                }
            }
            RowCodes::Lookup {
                values,
                valid: None,
                table,
            } => {
                for (o, &v) in out.iter_mut().zip(&values[rows]) {
                    *o = table[low_integer(v)];
                }
            }
            RowCodes::Lookup {
                values,
                valid: Some(valid),
                table,
            } => {
                for ((i, o), &v) in rows.clone().zip(out.iter_mut()).zip(&values[rows]) {
                    *o = if valid.is_valid(i) {
                        table[low_integer(v)]
                    } else {
                        MISSING_CODE
                    };
                }
            }
            RowCodes::Sorted {
                values,
                valid,
                levels,
            } => {
                for ((i, o), &v) in rows.clone().zip(out.iter_mut()).zip(&values[rows]) {
                    *o = match valid.is_none_or(|valid| valid.is_valid(i)) {
                        true => levels
                            .binary_search_by(|x| x.total_cmp(&v))
                            .map_or(MISSING_CODE, |k| k as u32),
                        false => MISSING_CODE,
                    };
                }
            }
        }
    }

    /// The code of row `row` ([`MISSING_CODE`] where it has no value), as
    /// [`RowCodes::write`] writes it.
    #[inline]
    pub(crate) fn get(&self, row: usize) -> u32 {
        match self {
            RowCodes::Stored(codes) => codes[row],
            RowCodes::Small { small, levels } => levels.code(small[row]),
            _ => {
                let mut out = [MISSING_CODE];
                self.write(row, &mut out);
                out[0]
            }
        }
    }

    /// The first row without a value.
    pub(crate) fn first_missing(&self) -> Option<usize> {
        match self {
            RowCodes::Stored(codes) => codes.iter().position(|&c| c == MISSING_CODE),
            RowCodes::Small { small, levels } => match levels.any_missing {
                true => small.iter().position(|&s| s == 0),
                false => None,
            },
            RowCodes::Lookup { valid, .. } | RowCodes::Sorted { valid, .. } => {
                valid.and_then(|v| (0..v.len()).find(|&i| !v.is_valid(i)))
            }
        }
    }

    /// Every row's code, in blocks of rows on the machine's cores.
    pub(crate) fn collect(&self) -> Vec<u32> {
        let mut codes = vec![MISSING_CODE; self.len()];
        crate::parallel::map_chunks(
            &mut codes,
            crate::parallel::cores(),
            1 << 17,
            |start, out| self.write(start, out),
        );
        codes
    }
}

/// The levels of a column held as small integers (labelled), found once and kept in the
/// column; `None` for any other column. One look at every row, in blocks on the machine's
/// cores.
pub(crate) fn small_levels(c: &NumericColumn) -> Option<(&Arc<Vec<u16>>, &Arc<SmallLevels>)> {
    c.small_levels(|small| {
        let parts =
            crate::parallel::map_blocks(small.len(), crate::parallel::cores(), 1 << 17, |rows| {
                let mut seen = vec![false; 1 << 16];
                for &s in &small[rows] {
                    seen[usize::from(s)] = true;
                }
                seen
            });
        let seen = |s: usize| parts.iter().any(|seen| seen[s]);
        let top = (1..1 << 16).rev().find(|&s| seen(s)).unwrap_or(0);
        let mut table = vec![MISSING_CODE; top + 1];
        let mut levels = Vec::new();
        for (s, code) in table.iter_mut().enumerate().skip(1) {
            if seen(s) {
                *code = levels.len() as u32;
                let v = s - 1;
                levels.push(Level {
                    label: v.to_string(),
                    code: Some(v as f64),
                });
            }
        }
        SmallLevels {
            levels,
            table,
            any_missing: seen(0),
        }
    })
}

/// 2^52: for `v` in [0, 2^52), `2^52 + v` is `v` rounded to an integer (ties to even)
/// held in its low 52 bits, and `2^52 + v − 2^52` gives `v` back exactly when `v` is an
/// integer.
const SHIFT: f64 = 4_503_599_627_370_496.0;

/// `v` (an integer in [0, 2^52)) read from the bits of `2^52 + v`: no conversion
/// instruction, so loops of it run in vector registers.
#[inline]
fn low_integer(v: f64) -> usize {
    ((v + SHIFT).to_bits() & ((1 << 52) - 1)) as usize
}

/// The largest of `values` and 0, NaN ignored: eight running maxima, so the loop runs
/// in vector registers rather than one compare after another.
fn largest(values: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 8];
    let mut chunks = values.chunks_exact(8);
    for chunk in &mut chunks {
        for (m, &v) in lanes.iter_mut().zip(chunk) {
            *m = if v > *m { v } else { *m };
        }
    }
    chunks
        .remainder()
        .iter()
        .chain(&lanes)
        .fold(0.0, |a, &v| if v > a { v } else { a })
}

/// Which values rows `rows` hold (the valid ones), when each is a non-negative integer
/// below `limit`; `None` as soon as a block of rows holds one that is not.
fn integers_seen(
    values: &[f64],
    valid: Option<&Validity>,
    rows: std::ops::Range<usize>,
    limit: f64,
) -> Option<Vec<bool>> {
    let mut seen: Vec<bool> = Vec::new();
    let Some(valid) = valid else {
        // Every row holds a value: blocks of rows without a branch per row, the largest
        // value first (so that `seen` is long enough), then each value's integer part
        // marked and compared with the value.
        for block in values[rows].chunks(1024) {
            let max = largest(block);
            if max >= limit {
                return None;
            }
            if max as usize >= seen.len() {
                seen.resize(max as usize + 1, false);
            }
            let mut integers = true;
            for &v in block {
                integers &= (v + SHIFT - SHIFT == v) & (v >= 0.0);
                match seen.get_mut(low_integer(v)) {
                    Some(s) => *s = true,
                    None => integers = false,
                }
            }
            if !integers {
                return None;
            }
        }
        return Some(seen);
    };
    for i in rows {
        if !valid.is_valid(i) {
            continue;
        }
        let v = values[i];
        let u = v as usize;
        if !(v >= 0.0 && v < limit && u as f64 == v) {
            return None;
        }
        if u >= seen.len() {
            seen.resize(u + 1, false);
        }
        seen[u] = true;
    }
    Some(seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::NumericColumn;

    /// A numeric column is coded once (the second factor borrows the same codes), and
    /// reordering its rows codes it afresh.
    #[test]
    fn a_column_keeps_its_codes_until_its_rows_move() {
        let values = vec![Some(9.0), Some(1.0), None, Some(2.0)];
        let mut data = crate::data::Dataset::from_columns(vec![(
            "q".into(),
            Column::Numeric(NumericColumn::from_options(values)),
        )])
        .expect("one column");
        let first = data.factor("q").expect("q").codes().as_ptr();
        assert_eq!(data.factor("q").expect("q").codes().as_ptr(), first);
        data.permute_rows(&[3, 2, 1, 0], 1).expect("a permutation");
        let f = data.factor("q").expect("q");
        assert_eq!(f.codes(), &[1, MISSING_CODE, 0, 2]);
        assert_eq!(f.labels(), vec!["1", "2", "9"]);
    }

    /// A column of small integers keeps labelled levels whoever asks first: the design's
    /// unlabelled codes of cluster ids must not leave a later factor without labels.
    #[test]
    fn small_integer_levels_are_labelled_whoever_asks_first() {
        let col = Column::Numeric(NumericColumn::of_small_ints(vec![3, 0, 1, 3]));
        let (codes, n) = Factor::codes_of(&col);
        assert_eq!((codes.as_ref(), n), (&[1, MISSING_CODE, 0, 1][..], 2));
        let f = Factor::of(&col);
        assert_eq!(f.labels(), vec!["0", "2"]);
        assert_eq!(f.codes(), &[1, MISSING_CODE, 0, 1]);
    }

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
        // Without missing rows (blocks of rows without a branch per row): a fraction, a
        // negative number or a value past the table's limit in the second half sends the
        // whole column to sorting.
        let full: Vec<f64> = ints.iter().map(|v| v.unwrap_or(4.0)).collect();
        let col = Column::Numeric(NumericColumn::from_values(full.clone()));
        assert_eq!(Factor::of(&col).labels(), labels);
        for odd in [0.5, -2.0, -0.5, -4_503_599_627_370_496.0, 1e12] {
            let mut values = full.clone();
            values[n - 5] = odd;
            let col = Column::Numeric(NumericColumn::from_values(values.clone()));
            let f = Factor::of(&col);
            assert_eq!(f.levels().len(), 14);
            for (code, v) in f.codes().iter().zip(&values) {
                let level = f.levels()[*code as usize].code.expect("numeric level");
                assert!(level.total_cmp(v).is_eq());
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
