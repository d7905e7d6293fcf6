//! Typed columns: numbers with a validity bitmap, categories as compact codes.

use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};

/// A bitmap of which rows hold a value (bit set) and which are missing.
///
/// Missing numbers are not stored as `NaN`: the value slot holds `0.0` and the bit is clear,
/// so arithmetic over the value vector never meets a `NaN`.
///
/// ```
/// use survey_stats::data::Validity;
/// let mut v = Validity::all_valid(3);
/// v.set_missing(1);
/// assert!(v.is_valid(0) && !v.is_valid(1));
/// assert_eq!(v.count_missing(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Validity {
    bits: Vec<u64>,
    len: usize,
    missing: usize,
}

impl Validity {
    /// A bitmap of `len` rows, all valid.
    pub fn all_valid(len: usize) -> Self {
        let mut bits = vec![u64::MAX; len.div_ceil(64)];
        if !len.is_multiple_of(64)
            && let Some(last) = bits.last_mut()
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        Self {
            bits,
            len,
            missing: 0,
        }
    }

    /// A bitmap from its words (bit `i % 64` of word `i / 64` set = row `i` valid; bits past
    /// `len` clear), its length and its number of missing rows.
    pub(crate) fn from_parts(bits: Vec<u64>, len: usize, missing: usize) -> Self {
        debug_assert_eq!(bits.len(), len.div_ceil(64));
        Self { bits, len, missing }
    }

    /// Appends one row.
    pub fn push(&mut self, valid: bool) {
        if self.len.is_multiple_of(64) {
            self.bits.push(0);
        }
        if valid {
            self.bits[self.len / 64] |= 1u64 << (self.len % 64);
        } else {
            self.missing += 1;
        }
        self.len += 1;
    }

    /// Marks row `i` missing.
    ///
    /// # Panics
    /// If `i` is out of bounds (a programming error, never reached from user input).
    pub fn set_missing(&mut self, i: usize) {
        let mask = 1u64 << (i % 64);
        if self.bits[i / 64] & mask != 0 {
            self.bits[i / 64] &= !mask;
            self.missing += 1;
        }
    }

    /// Whether row `i` holds a value.
    #[inline]
    pub fn is_valid(&self, i: usize) -> bool {
        self.bits[i / 64] & (1u64 << (i % 64)) != 0
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of missing rows.
    pub fn count_missing(&self) -> usize {
        self.missing
    }
}

/// A numeric column: values plus validity.
///
/// ```
/// use survey_stats::data::NumericColumn;
/// let c = NumericColumn::from_options(vec![Some(1.5), None, Some(3.0)]);
/// assert_eq!(c.get(0), Some(1.5));
/// assert_eq!(c.get(1), None);
/// assert_eq!(c.count_missing(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct NumericColumn {
    /// Shared so that a design's weights can be this column rather than a copy. Made from
    /// `small` the first time they are asked for when a reader kept only those.
    values: OnceLock<Arc<Vec<f64>>>,
    validity: Validity,
    /// The column's factor (codes and levels), made the first time an estimate asks for
    /// it and kept: several estimates of one question code it once.
    factor: FactorCache,
    /// The values as small integers, when a reader found them all to be such.
    small: Option<Arc<Vec<u16>>>,
    /// The levels of the small integers, made the first time they are asked for.
    small_levels: Cache<SmallLevels>,
}

// The column's storage (numbers or small integers) and its factor are not part of what it
// holds.
impl PartialEq for NumericColumn {
    fn eq(&self, other: &Self) -> bool {
        self.validity == other.validity && self.values() == other.values()
    }
}

/// What holds a numeric column's numbers ([`NumericColumn::held`]).
#[derive(Clone)]
pub(crate) enum Held {
    Small(Arc<Vec<u16>>),
    Numbers(Arc<Vec<f64>>),
}

impl Held {
    /// Whether both are the very same storage.
    pub(crate) fn same(&self, other: &Held) -> bool {
        match (self, other) {
            (Held::Small(a), Held::Small(b)) => Arc::ptr_eq(a, b),
            (Held::Numbers(a), Held::Numbers(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// Something derived from a column's values, computed on first use and emptied whenever
/// the values change. Equal to any other (it is derived from the values), cloned with the
/// column (shared).
pub(crate) struct Cache<T>(OnceLock<Arc<T>>);

impl<T> Cache<T> {
    /// The value, made by `make` when there is none yet. `make` runs outside the lock: it
    /// may run blocks of rows on other threads, and those must never wait for a thread
    /// that waits for this cache (a pool's threads asking for the same column would). Two
    /// threads asking at once may both make it; the first kept is the one every caller sees.
    fn get_or_make(&self, make: impl FnOnce() -> T) -> &Arc<T> {
        if let Some(made) = self.0.get() {
            return made;
        }
        let made = Arc::new(make());
        self.0.get_or_init(|| made)
    }
}

impl<T> Clone for Cache<T> {
    fn clone(&self) -> Self {
        Cache(self.0.clone())
    }
}

impl<T> Default for Cache<T> {
    fn default() -> Self {
        Cache(OnceLock::new())
    }
}

impl<T> PartialEq for Cache<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Cache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0.get() {
            Some(_) => "Cache(made)",
            None => "Cache(empty)",
        })
    }
}

/// A numeric column's factor. It lives as long as the column: 4 bytes a row, and a label
/// per distinct value (a continuous column asked for as categories keeps as many labels as
/// it has values).
pub(crate) type FactorCache = Cache<CodedFactor>;

/// The levels of a column held as small integers (labelled), and the code of each small
/// integer `v + 1` up to the largest that occurs ([`MISSING_CODE`] for 0 and for values
/// that do not occur: see [`SmallLevels::code`]).
#[derive(Debug)]
pub(crate) struct SmallLevels {
    pub levels: Vec<super::Level>,
    pub table: Vec<u32>,
    /// Whether a row is missing.
    pub any_missing: bool,
}

impl SmallLevels {
    /// The level of small integer `s`, or [`MISSING_CODE`].
    #[inline]
    pub(crate) fn code(&self, s: u16) -> u32 {
        self.table
            .get(usize::from(s))
            .copied()
            .unwrap_or(MISSING_CODE)
    }
}

/// A numeric column's codes and levels, as [`super::Factor`] gives them.
#[derive(Debug)]
pub(crate) struct CodedFactor {
    pub codes: Vec<u32>,
    pub levels: Vec<super::Level>,
}

impl NumericColumn {
    /// A column with every value present.
    pub fn from_values(values: Vec<f64>) -> Self {
        let mut validity = Validity::all_valid(values.len());
        for (i, v) in values.iter().enumerate() {
            if !v.is_finite() {
                validity.set_missing(i);
            }
        }
        Self {
            values: OnceLock::from(Arc::new(values)),
            validity,
            factor: FactorCache::default(),
            small: None,
            small_levels: Cache::default(),
        }
    }

    /// A column from optional values (`None` = missing).
    pub fn from_options(values: Vec<Option<f64>>) -> Self {
        let mut col = Self::with_capacity(values.len());
        for v in values {
            col.push(v);
        }
        col
    }

    /// A column from its value slots and validity (of the same length).
    pub(crate) fn from_parts(values: Vec<f64>, validity: Validity) -> Self {
        debug_assert_eq!(values.len(), validity.len());
        Self {
            values: OnceLock::from(Arc::new(values)),
            validity,
            factor: FactorCache::default(),
            small: None,
            small_levels: Cache::default(),
        }
    }

    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            values: OnceLock::from(Arc::new(Vec::with_capacity(n))),
            validity: Validity::default(),
            factor: FactorCache::default(),
            small: None,
            small_levels: Cache::default(),
        }
    }

    /// Appends a value; `None` and non-finite values are missing (a non-finite value is
    /// kept in the value slot so that validation can report it, see [`NumericColumn::raw`]).
    pub(crate) fn push(&mut self, v: Option<f64>) {
        let values = Arc::make_mut(self.values_mut());
        match v {
            Some(x) => {
                values.push(x);
                self.validity.push(x.is_finite());
            }
            None => {
                values.push(0.0);
                self.validity.push(false);
            }
        }
    }

    /// What the source held at row `i`: `Some(x)` for a number, including a non-finite one
    /// read from text such as `NaN` or `inf` (which estimators treat as missing); `None` for
    /// an empty or missing field.
    pub fn raw(&self, i: usize) -> Option<f64> {
        if let Some(small) = &self.small {
            // Small integers hold no number that is not finite.
            return small_value(small[i]);
        }
        let v = self.values()[i];
        (self.validity.is_valid(i) || !v.is_finite() || v != 0.0).then_some(v)
    }

    /// The value of row `i`, `None` when missing.
    #[inline]
    pub fn get(&self, i: usize) -> Option<f64> {
        if let Some(small) = &self.small {
            return small_value(small[i]);
        }
        if self.validity.is_valid(i) {
            Some(self.values()[i])
        } else {
            None
        }
    }

    /// Puts `values` in place of the column's values, handing the old ones back in `values`
    /// (or an empty vector when they are shared, with a design's weights), with a new
    /// validity when given.
    pub(crate) fn swap_values(&mut self, values: &mut Vec<f64>, validity: Option<Validity>) {
        debug_assert_eq!(values.len(), self.len());
        let own = self.values_mut();
        match Arc::get_mut(own) {
            Some(own) => std::mem::swap(own, values),
            None => *own = Arc::new(std::mem::take(values)),
        }
        if let Some(v) = validity {
            self.validity = v;
        }
    }

    /// A column of integers in `0..65535` held as 16 bits each: `small[i]` is the value of
    /// row `i` plus 1, or 0 when the row is missing (its validity says the same). A quarter
    /// of the memory of numbers (answer codes, 0/1 choices, most ids), which is what a
    /// reader writes and what coding the column or reading 0/1 choices reads; the numbers
    /// are made from them the first time they are asked for
    /// ([`NumericColumn::values`]).
    pub(crate) fn from_small_ints(small: Vec<u16>, validity: Validity) -> Self {
        debug_assert_eq!(small.len(), validity.len());
        debug_assert!(
            small
                .iter()
                .enumerate()
                .all(|(i, &s)| (s > 0) == validity.is_valid(i))
        );
        Self {
            values: OnceLock::new(),
            validity,
            factor: FactorCache::default(),
            small: Some(Arc::new(small)),
            small_levels: Cache::default(),
        }
    }

    /// The values as small integers (`v + 1`, 0 for missing), when the column holds them
    /// (see [`NumericColumn::from_small_ints`]).
    pub(crate) fn small_ints(&self) -> Option<&[u16]> {
        self.small.as_deref().map(Vec::as_slice)
    }

    /// [`NumericColumn::from_small_ints`] with the validity the small integers carry (0 is
    /// missing).
    pub(crate) fn of_small_ints(small: Vec<u16>) -> Self {
        let mut bits = vec![0u64; small.len().div_ceil(64)];
        let mut missing = 0;
        for (i, &s) in small.iter().enumerate() {
            bits[i / 64] |= u64::from(s != 0) << (i % 64);
            missing += usize::from(s == 0);
        }
        let validity = Validity::from_parts(bits, small.len(), missing);
        Self::from_small_ints(small, validity)
    }

    /// `v + 1` when `v` is an integer in `0..65535` (`-0` is not), the form
    /// [`NumericColumn::from_small_ints`] holds it in.
    #[inline]
    pub(crate) fn small_int(v: f64) -> Option<u16> {
        // `as` saturates and sends NaN to 0: only an integer in range comes back with the
        // same bits.
        let s = v as u16;
        (f64::from(s).to_bits() == v.to_bits() && s != u16::MAX).then(|| s + 1)
    }

    /// The levels of the small integers (see [`SmallLevels`]), made by `make` on first use
    /// and kept; `None` when the column does not hold small integers.
    pub(crate) fn small_levels(
        &self,
        make: impl FnOnce(&[u16]) -> SmallLevels,
    ) -> Option<(&Arc<Vec<u16>>, &Arc<SmallLevels>)> {
        let small = self.small.as_ref()?;
        Some((small, self.small_levels.get_or_make(|| make(small))))
    }

    /// The values, to change: made from the small integers if need be, which are then
    /// dropped, as is the factor.
    fn values_mut(&mut self) -> &mut Arc<Vec<f64>> {
        self.values();
        self.factor = FactorCache::default();
        self.small = None;
        self.small_levels = Cache::default();
        self.values.get_mut().expect("the values were made")
    }

    /// The column's factor, made by `make` on first use and kept.
    pub(crate) fn cached_factor(&self, make: impl FnOnce() -> CodedFactor) -> &CodedFactor {
        self.factor.get_or_make(make)
    }

    /// The values, shared.
    /// What holds the column's numbers, shared (its identity: a column replaced or read
    /// anew is held elsewhere, a clone of it in the same place).
    pub(crate) fn held(&self) -> Held {
        match &self.small {
            Some(small) => Held::Small(Arc::clone(small)),
            None => Held::Numbers(self.shared_values()),
        }
    }

    pub(crate) fn shared_values(&self) -> Arc<Vec<f64>> {
        Arc::clone(self.values.get_or_init(|| self.numbers_of_small_ints()))
    }

    /// The stored values; a missing row holds `0.0` or a non-finite number (consult
    /// [`NumericColumn::validity`]).
    pub fn values(&self) -> &[f64] {
        self.values.get_or_init(|| self.numbers_of_small_ints())
    }

    /// The numbers of a column held as small integers (0 in a missing row's slot).
    fn numbers_of_small_ints(&self) -> Arc<Vec<f64>> {
        let small = self.small.as_deref().map_or(&[][..], Vec::as_slice);
        Arc::new(small.iter().map(|&s| small_number(s)).collect())
    }

    /// Which rows are present.
    pub fn validity(&self) -> &Validity {
        &self.validity
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.validity.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of missing rows.
    pub fn count_missing(&self) -> usize {
        self.validity.count_missing()
    }
}

/// The value a small integer stands for (see [`NumericColumn::from_small_ints`]).
#[inline]
pub(crate) fn small_value(s: u16) -> Option<f64> {
    (s > 0).then(|| small_number(s))
}

/// The number in a small integer's value slot: its value, or 0 for a missing row (the
/// slot a column of numbers holds there).
#[inline]
pub(crate) fn small_number(s: u16) -> f64 {
    f64::from(s.saturating_sub(1))
}

/// Code of a missing value in a [`CategoricalColumn`].
pub const MISSING_CODE: u32 = u32::MAX;

/// A categorical column: one compact code per row and a dictionary of levels, sorted.
///
/// ```
/// use survey_stats::data::CategoricalColumn;
/// let c = CategoricalColumn::from_strings(&["M", "E", "", "E"], &[""]);
/// assert_eq!(c.levels(), &["E".to_string(), "M".to_string()]);
/// assert_eq!(c.get(0), Some("M"));
/// assert_eq!(c.get(2), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CategoricalColumn {
    codes: Vec<u32>,
    levels: Vec<String>,
}

impl CategoricalColumn {
    /// Builds a column from text values; values listed in `missing` become missing.
    pub fn from_strings<S: AsRef<str>>(values: &[S], missing: &[&str]) -> Self {
        let mut b = CategoricalBuilder::default();
        for v in values {
            let v = v.as_ref();
            if missing.contains(&v) {
                b.push_missing();
            } else {
                b.push(v);
            }
        }
        b.finish()
    }

    /// Builds a column from text values, `None` missing.
    #[cfg_attr(not(feature = "datafusion"), allow(dead_code))]
    pub(crate) fn from_optional(values: &[Option<&str>]) -> Self {
        let mut b = CategoricalBuilder::default();
        for v in values {
            match v {
                Some(v) => b.push(v),
                None => b.push_missing(),
            }
        }
        b.finish()
    }

    /// A column from its codes and its levels (sorted, distinct; every code an index into
    /// them or [`MISSING_CODE`]).
    pub(crate) fn from_parts(codes: Vec<u32>, levels: Vec<String>) -> Self {
        debug_assert!(levels.windows(2).all(|w| w[0] < w[1]));
        Self { codes, levels }
    }

    /// Puts `codes` in place of the column's codes, handing the old ones back.
    pub(crate) fn swap_codes(&mut self, codes: &mut Vec<u32>) {
        debug_assert_eq!(codes.len(), self.codes.len());
        std::mem::swap(&mut self.codes, codes);
    }

    /// Code of each row (an index into [`CategoricalColumn::levels`], or [`MISSING_CODE`]).
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// The levels in sorted order.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    /// The level of row `i`, `None` when missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes[i] {
            MISSING_CODE => None,
            c => Some(self.levels[c as usize].as_str()),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Number of missing rows.
    pub fn count_missing(&self) -> usize {
        self.codes.iter().filter(|&&c| c == MISSING_CODE).count()
    }
}

/// Builds a [`CategoricalColumn`] by dictionary-encoding values as they come.
#[derive(Debug, Default)]
pub(crate) struct CategoricalBuilder {
    codes: Vec<u32>,
    levels: Vec<String>,
    index: std::collections::HashMap<String, u32>,
}

impl CategoricalBuilder {
    pub(crate) fn push(&mut self, v: &str) {
        let code = match self.index.get(v) {
            Some(&c) => c,
            None => {
                let c = self.levels.len() as u32;
                self.levels.push(v.to_string());
                self.index.insert(v.to_string(), c);
                c
            }
        };
        self.codes.push(code);
    }

    pub(crate) fn push_missing(&mut self) {
        self.codes.push(MISSING_CODE);
    }

    /// Sorts the levels and remaps codes so that code order is level order.
    pub(crate) fn finish(self) -> CategoricalColumn {
        let mut order: Vec<u32> = (0..self.levels.len() as u32).collect();
        order.sort_by(|&a, &b| self.levels[a as usize].cmp(&self.levels[b as usize]));
        let mut remap = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let mut levels = self.levels;
        let sorted: Vec<String> = order
            .iter()
            .map(|&o| std::mem::take(&mut levels[o as usize]))
            .collect();
        let mut codes = self.codes;
        for c in codes.iter_mut() {
            if *c != MISSING_CODE {
                *c = remap[*c as usize];
            }
        }
        CategoricalColumn {
            codes,
            levels: sorted,
        }
    }
}

/// One column of a [`crate::data::Dataset`].
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    /// Numbers (including numeric answer codes such as 1–5, 9).
    Numeric(NumericColumn),
    /// Text categories, dictionary-encoded.
    Categorical(CategoricalColumn),
}

impl Column {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(c) => c.len(),
            Column::Categorical(c) => c.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of missing rows.
    pub fn count_missing(&self) -> usize {
        match self {
            Column::Numeric(c) => c.count_missing(),
            Column::Categorical(c) => c.count_missing(),
        }
    }

    /// Row `row`'s value written as its level's label in a [`super::Factor`] (`""` when
    /// missing).
    pub(crate) fn level_label(&self, row: usize) -> String {
        match self {
            Column::Numeric(c) => c.get(row).map_or_else(String::new, |v| format!("{v}")),
            Column::Categorical(c) => c.get(row).unwrap_or_default().to_string(),
        }
    }

    /// The column's kind, for messages.
    pub fn kind(&self) -> ColumnKind {
        match self {
            Column::Numeric(_) => ColumnKind::Numeric,
            Column::Categorical(_) => ColumnKind::Categorical,
        }
    }
}

/// Whether a column holds numbers or categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Numbers.
    Numeric,
    /// Text categories.
    Categorical,
}

impl std::fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Categorical => "categorical",
        })
    }
}
