//! Datasets from Rust values: vectors of numbers of any primitive type, `Option`s for
//! missing values, text, multiple-response answers as lists of codes, and rows as serde
//! structs.

use super::column::CategoricalBuilder;
use super::{CategoricalColumn, Column, DataError, Dataset, NumericColumn, Result};
use std::collections::{BTreeMap, BTreeSet};

pub(crate) mod sealed {
    /// A primitive number a column can hold. Sealed: the crate decides how each type
    /// becomes an `f64` (exactly, or an error).
    pub trait Number: Copy {
        /// The value as `f64`; `Err` with the reason when it cannot be stored exactly.
        fn to_f64(self) -> Result<f64, &'static str>;
        /// The value as text, for messages.
        fn show(self) -> String;
    }

    /// What [`super::IntoColumn`] does, out of reach of other crates.
    pub trait ToColumn {
        /// The column, or the first value it cannot hold.
        fn to_column(self, name: &str) -> Result<super::Column, super::DataError>;
    }

    /// One respondent's answer to a multiple-response question.
    pub trait ChoiceList<T> {
        /// The codes chosen, `None` when the question was not answered.
        fn choices(&self) -> Option<&[T]>;
    }
}
use sealed::{ChoiceList, Number, ToColumn};

macro_rules! exact_number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn to_f64(self) -> Result<f64, &'static str> {
                Ok(f64::from(self))
            }
            fn show(self) -> String {
                self.to_string()
            }
        }
    )*};
}
exact_number!(u8, u16, u32, i8, i16, i32, f32);

macro_rules! wide_integer {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn to_f64(self) -> Result<f64, &'static str> {
                // Integers beyond 2^53 would round to a neighbour: two ids could merge.
                let v = self as f64;
                if v.abs() <= 9_007_199_254_740_992.0 && v as $t == self {
                    Ok(v)
                } else {
                    Err("an integer beyond 2^53 cannot be stored exactly as f64; store it as text")
                }
            }
            fn show(self) -> String {
                self.to_string()
            }
        }
    )*};
}
wide_integer!(u64, i64, usize, isize);

impl Number for f64 {
    fn to_f64(self) -> Result<f64, &'static str> {
        if self.is_finite() {
            Ok(self)
        } else {
            Err("not a finite number; give missing values as None in a Vec<Option<f64>>")
        }
    }
    fn show(self) -> String {
        self.to_string()
    }
}

/// What a [`Dataset`] column can be made of: a `Vec`, slice or array of any primitive
/// number (`u8` … `u64`, `i8` … `i64`, `usize`, `isize`, `f32`, `f64`), the same of
/// `Option`s (`None` = missing), of text (`&str`, `String`, `Option` of either), or a
/// [`Column`]. Numbers are stored as `f64` (a column of integers in 0..65535, such as
/// answer codes, in 16 bits each, its `f64`s made when asked for); a value that `f64`
/// cannot hold exactly (an integer beyond 2^53, a NaN or infinity) is an error naming the
/// column and element, never a silent change.
///
/// ```
/// use survey_stats::Dataset;
/// let data = Dataset::builder()
///     .column("q1", vec![1u8, 5, 9])
///     .column("income", vec![Some(120.5), None, Some(80.0)])
///     .column("region", ["north", "south", "south"])
///     .build()?;
/// assert_eq!(data.numeric("q1")?.values(), &[1.0, 5.0, 9.0]);
/// assert_eq!(data.numeric("income")?.get(1), None);
///
/// let err = Dataset::builder().column("w", vec![1.0, f64::NAN]).build().unwrap_err();
/// assert!(err.to_string().contains("element 1"));
/// # Ok::<(), survey_stats::Error>(())
/// ```
pub trait IntoColumn: ToColumn {}
impl<T: ToColumn> IntoColumn for T {}

/// A column of numbers: held as small integers (see `NumericColumn::from_small_ints`)
/// while every value is an integer in `0..65535` (answer codes, ids), as numbers from the
/// first that is not.
fn numbers<T: Number>(name: &str, values: impl Iterator<Item = Option<T>>) -> Result<Column> {
    let mut small: Vec<u16> = Vec::with_capacity(values.size_hint().0);
    let mut col: Option<NumericColumn> = None;
    for (index, v) in values.enumerate() {
        let x = match v.map(|x| x.to_f64().map_err(|reason| (x, reason))) {
            None => None,
            Some(Ok(x)) => Some(x),
            Some(Err((x, reason))) => {
                return Err(DataError::InvalidInput {
                    column: name.to_string(),
                    index,
                    value: x.show(),
                    reason: reason.to_string(),
                });
            }
        };
        if col.is_none() {
            match x.map(NumericColumn::small_int) {
                None => {
                    small.push(0);
                    continue;
                }
                Some(Some(s)) => {
                    small.push(s);
                    continue;
                }
                // The first value that is not a small integer: the rows so far as numbers.
                Some(None) => {
                    let mut numbers = NumericColumn::with_capacity(small.capacity());
                    for &s in &small {
                        numbers.push(super::column::small_value(s));
                    }
                    col = Some(numbers);
                }
            }
        }
        if let Some(col) = &mut col {
            col.push(x);
        }
    }
    Ok(Column::Numeric(match col {
        Some(col) => col,
        None => NumericColumn::of_small_ints(small),
    }))
}

fn texts<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Column {
    let mut b = CategoricalBuilder::default();
    for v in values {
        match v {
            Some(s) => b.push(s),
            None => b.push_missing(),
        }
    }
    Column::Categorical(b.finish())
}

impl<T: Number> ToColumn for Vec<T> {
    fn to_column(self, name: &str) -> Result<Column> {
        numbers(name, self.into_iter().map(Some))
    }
}
impl<T: Number> ToColumn for &[T] {
    fn to_column(self, name: &str) -> Result<Column> {
        numbers(name, self.iter().copied().map(Some))
    }
}
impl<T: Number, const N: usize> ToColumn for [T; N] {
    fn to_column(self, name: &str) -> Result<Column> {
        numbers(name, self.into_iter().map(Some))
    }
}
impl<T: Number> ToColumn for Vec<Option<T>> {
    fn to_column(self, name: &str) -> Result<Column> {
        numbers(name, self.into_iter())
    }
}
impl<T: Number> ToColumn for &[Option<T>] {
    fn to_column(self, name: &str) -> Result<Column> {
        numbers(name, self.iter().copied())
    }
}
impl<T: Number, const N: usize> ToColumn for [Option<T>; N] {
    fn to_column(self, name: &str) -> Result<Column> {
        numbers(name, self.into_iter())
    }
}

macro_rules! text_column {
    ($($t:ty),*) => {$(
        impl ToColumn for $t {
            fn to_column(self, _name: &str) -> Result<Column> {
                Ok(texts(self.iter().map(|s| Some(AsRef::<str>::as_ref(s)))))
            }
        }
    )*};
}
text_column!(Vec<String>, Vec<&str>, &[String], &[&str]);
impl<const N: usize> ToColumn for [&str; N] {
    fn to_column(self, _name: &str) -> Result<Column> {
        Ok(texts(self.iter().map(|s| Some(*s))))
    }
}
impl ToColumn for Vec<Option<String>> {
    fn to_column(self, _name: &str) -> Result<Column> {
        Ok(texts(self.iter().map(Option::as_deref)))
    }
}
impl ToColumn for Vec<Option<&str>> {
    fn to_column(self, _name: &str) -> Result<Column> {
        Ok(texts(self.iter().copied()))
    }
}
impl ToColumn for Column {
    fn to_column(self, _name: &str) -> Result<Column> {
        Ok(self)
    }
}
impl ToColumn for NumericColumn {
    fn to_column(self, _name: &str) -> Result<Column> {
        Ok(Column::Numeric(self))
    }
}
impl ToColumn for CategoricalColumn {
    fn to_column(self, _name: &str) -> Result<Column> {
        Ok(Column::Categorical(self))
    }
}

impl<T> ChoiceList<T> for Vec<T> {
    fn choices(&self) -> Option<&[T]> {
        Some(self)
    }
}
impl<T> ChoiceList<T> for &[T] {
    fn choices(&self) -> Option<&[T]> {
        Some(self)
    }
}
impl<T, const N: usize> ChoiceList<T> for [T; N] {
    fn choices(&self) -> Option<&[T]> {
        Some(self)
    }
}
impl<T> ChoiceList<T> for Option<Vec<T>> {
    fn choices(&self) -> Option<&[T]> {
        self.as_deref()
    }
}

/// The metadata a dataset carries beside its columns: value labels, and the option
/// columns of each multiple-response question.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Metadata {
    /// Column → (code, label), in code order.
    pub(crate) labels: BTreeMap<String, Vec<(f64, String)>>,
    /// Question → (option code, its 0/1 column), in the order given.
    pub(crate) multiple: BTreeMap<String, Vec<(f64, String)>>,
}

/// Builds a [`Dataset`] from Rust values, column by column; see [`Dataset::builder`].
/// The first problem met is returned by [`DatasetBuilder::build`], naming the column and
/// the element.
#[derive(Debug, Default)]
pub struct DatasetBuilder {
    columns: Vec<(String, Column)>,
    meta: Metadata,
    error: Option<DataError>,
}

impl DatasetBuilder {
    /// Adds a column: numbers of any primitive type, `Option`s of them, or text (see
    /// [`IntoColumn`]).
    ///
    /// ```
    /// use survey_stats::Dataset;
    /// let data = Dataset::builder().column("psu", vec![3i32, 3, 7]).build()?;
    /// assert_eq!(data.n_rows(), 3);
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn column(mut self, name: impl AsRef<str>, values: impl IntoColumn) -> Self {
        if self.error.is_none() {
            let name = name.as_ref();
            match values.to_column(name) {
                Ok(col) => self.columns.push((name.to_string(), col)),
                Err(e) => self.error = Some(e),
            }
        }
        self
    }

    /// Labels of a numeric column's codes (answer options), shown in frequency tables and
    /// domain names. Codes without a label show as numbers.
    ///
    /// ```
    /// use survey_stats::Dataset;
    /// let data = Dataset::builder()
    ///     .column("sex", vec![1u8, 2, 2])
    ///     .labels("sex", [(1, "male"), (2, "female")])
    ///     .build()?;
    /// assert_eq!(data.label("sex", 2.0), Some("female"));
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn labels<C: Number, L: Into<String>>(
        mut self,
        column: impl AsRef<str>,
        labels: impl IntoIterator<Item = (C, L)>,
    ) -> Self {
        let column = column.as_ref();
        let mut list = Vec::new();
        for (i, (code, label)) in labels.into_iter().enumerate() {
            match code.to_f64() {
                Ok(c) => list.push((c, label.into())),
                Err(reason) => {
                    self.error.get_or_insert(DataError::InvalidInput {
                        column: column.to_string(),
                        index: i,
                        value: code.show(),
                        reason: format!("label code: {reason}"),
                    });
                }
            }
        }
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.meta.labels.insert(column.to_string(), list);
        self
    }

    /// Adds a multiple-response question from each respondent's list of chosen codes: one
    /// 0/1 column per option, named `{name}_{code}`, in the order of `options`. An empty
    /// list is a respondent who chose none; `None` (with `Option<Vec<_>>` rows) one who did
    /// not answer (missing in every option column). A code not among `options` is an
    /// error naming the respondent and the code.
    ///
    /// ```
    /// use survey_stats::Dataset;
    /// let data = Dataset::builder()
    ///     .multiple_response("q5", [1u8, 2, 3], vec![vec![1, 3], vec![], vec![2]])
    ///     .build()?;
    /// assert_eq!(data.numeric("q5_3")?.values(), &[1.0, 0.0, 0.0]);
    ///
    /// let bad = Dataset::builder().multiple_response("q5", [1u8, 2], vec![vec![7u8]]).build();
    /// assert!(bad.unwrap_err().to_string().contains("7"));
    /// # Ok::<(), survey_stats::Error>(())
    /// ```
    pub fn multiple_response<T: Number + PartialEq, R: ChoiceList<T>>(
        mut self,
        name: impl AsRef<str>,
        options: impl IntoIterator<Item = T>,
        rows: impl IntoIterator<Item = R>,
    ) -> Self {
        if self.error.is_some() {
            return self;
        }
        let name = name.as_ref();
        let options: Vec<T> = options.into_iter().collect();
        let mut cols: Vec<NumericColumn> = vec![NumericColumn::default(); options.len()];
        for (index, row) in rows.into_iter().enumerate() {
            let Some(chosen) = row.choices() else {
                cols.iter_mut().for_each(|c| c.push(None));
                continue;
            };
            if let Some(bad) = chosen.iter().find(|c| !options.contains(c)) {
                let known: Vec<String> = options.iter().map(|o| o.show()).collect();
                self.error = Some(DataError::InvalidInput {
                    column: name.to_string(),
                    index,
                    value: bad.show(),
                    reason: format!("not one of the options [{}]", known.join(", ")),
                });
                return self;
            }
            for (col, option) in cols.iter_mut().zip(&options) {
                col.push(Some(if chosen.contains(option) { 1.0 } else { 0.0 }));
            }
        }
        let mut set = Vec::with_capacity(options.len());
        for (option, col) in options.iter().zip(cols) {
            let code = match option.to_f64() {
                Ok(c) => c,
                Err(reason) => {
                    self.error = Some(DataError::InvalidInput {
                        column: name.to_string(),
                        index: 0,
                        value: option.show(),
                        reason: reason.to_string(),
                    });
                    return self;
                }
            };
            let column = format!("{name}_{}", option.show());
            set.push((code, column.clone()));
            self.columns.push((column, Column::Numeric(col)));
        }
        self.meta.multiple.insert(name.to_string(), set);
        self
    }

    /// The dataset.
    ///
    /// # Errors
    /// The first value a column could not hold ([`DataError::InvalidInput`]), two columns
    /// of the same name, columns of different lengths, labels for a column that is not
    /// there.
    pub fn build(self) -> Result<Dataset> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut data = Dataset::from_columns(self.columns)?;
        for column in self.meta.labels.keys() {
            // Labels of a multiple-response question name its options.
            if !self.meta.multiple.contains_key(column) {
                data.numeric(column)?;
            }
        }
        data.meta = std::sync::Arc::new(self.meta);
        Ok(data)
    }
}

/// Columns from rows serialised by serde: numbers become numeric columns, text and
/// booleans… see [`Dataset::from_rows`].
pub(crate) fn from_rows<T: serde::Serialize>(rows: &[T]) -> Result<Dataset> {
    use serde_json::Value;
    #[derive(Default)]
    enum Kind {
        #[default]
        Unknown,
        Number,
        Text,
        Choices,
    }
    let values: Vec<serde_json::Map<String, Value>> = rows
        .iter()
        .enumerate()
        .map(|(index, r)| match serde_json::to_value(r) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(other) => Err(DataError::InvalidInput {
                column: String::new(),
                index,
                value: other.to_string(),
                reason: "a row must serialise as a struct or map of fields".into(),
            }),
            Err(e) => Err(DataError::InvalidInput {
                column: String::new(),
                index,
                value: String::new(),
                reason: format!("the row does not serialise: {e}"),
            }),
        })
        .collect::<Result<_>>()?;
    // Field names in the order of the first row's fields (a `serde_json::Map` sorts them,
    // so the order is read from the first row's serialised text; rows of one struct share
    // it), then any field a later row adds; each field's kind from its values.
    let first: Vec<String> = rows
        .first()
        .and_then(|r| serde_json::to_string(r).ok())
        .and_then(|text| serde_json::from_str::<FieldOrder>(&text).ok())
        .map(|f| f.0)
        .unwrap_or_default();
    let mut names: Vec<String> = Vec::new();
    let mut kinds: BTreeMap<String, Kind> = BTreeMap::new();
    let bad = |column: &str, index: usize, value: &Value, reason: &str| DataError::InvalidInput {
        column: column.to_string(),
        index,
        value: value.to_string(),
        reason: reason.to_string(),
    };
    for (index, row) in values.iter().enumerate() {
        let fields = first
            .iter()
            .filter_map(|n| row.get_key_value(n))
            .chain(row.iter().filter(|(n, _)| !first.contains(n)));
        for (name, v) in fields {
            let kind = kinds.entry(name.clone()).or_insert_with(|| {
                names.push(name.clone());
                Kind::Unknown
            });
            let this = match v {
                Value::Null => continue,
                Value::Number(_) | Value::Bool(_) => Kind::Number,
                Value::String(_) => Kind::Text,
                Value::Array(_) => Kind::Choices,
                Value::Object(_) => {
                    return Err(bad(name, index, v, "a nested struct is not a column"));
                }
            };
            match (&*kind, &this) {
                (Kind::Unknown, _) => *kind = this,
                (Kind::Number, Kind::Number)
                | (Kind::Text, Kind::Text)
                | (Kind::Choices, Kind::Choices) => {}
                _ => {
                    return Err(bad(
                        name,
                        index,
                        v,
                        "the field holds numbers in some rows and text or lists in others",
                    ));
                }
            }
        }
    }
    let mut builder = Dataset::builder();
    for name in &names {
        match kinds[name] {
            Kind::Unknown | Kind::Number => {
                let mut col = Vec::with_capacity(values.len());
                for (index, row) in values.iter().enumerate() {
                    col.push(match field(row, name) {
                        None | Some(Value::Null) => None,
                        Some(Value::Bool(b)) => Some(if *b { 1.0 } else { 0.0 }),
                        Some(v) => match v.as_f64() {
                            Some(x) if x.is_finite() => Some(x),
                            _ => return Err(bad(name, index, v, "not a finite number")),
                        },
                    });
                }
                builder = builder.column(name, col);
            }
            Kind::Text => {
                let col: Vec<Option<String>> = values
                    .iter()
                    .map(|row| field(row, name).and_then(|v| v.as_str().map(String::from)))
                    .collect();
                builder = builder.column(name, col);
            }
            Kind::Choices => {
                let mut lists: Vec<Option<Vec<f64>>> = Vec::with_capacity(values.len());
                let mut seen = BTreeSet::new();
                for (index, row) in values.iter().enumerate() {
                    let list = match field(row, name) {
                        None | Some(Value::Null) => None,
                        Some(Value::Array(items)) => Some(
                            items
                                .iter()
                                .map(|c| match c.as_f64() {
                                    Some(x) if x.is_finite() => {
                                        seen.insert(x.to_bits());
                                        Ok(x)
                                    }
                                    _ => Err(bad(name, index, c, "a chosen code must be a number")),
                                })
                                .collect::<Result<Vec<f64>>>()?,
                        ),
                        Some(v) => return Err(bad(name, index, v, "expected a list of codes")),
                    };
                    lists.push(list);
                }
                let mut options: Vec<f64> = seen.into_iter().map(f64::from_bits).collect();
                options.sort_by(f64::total_cmp);
                builder = builder.multiple_response(name, options, lists);
            }
        }
    }
    builder.build()
}

/// The value of field `name` in a row, by reference.
fn field<'a>(
    row: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'a serde_json::Value> {
    row.get(name)
}

/// The keys of a JSON object in the order written.
struct FieldOrder(Vec<String>);

impl<'de> serde::Deserialize<'de> for FieldOrder {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = FieldOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<FieldOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(FieldOrder(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integers in 0..65535 are held as small integers, anything else as numbers from the
    /// first value that is not one, and either way the column reads back as given.
    #[test]
    fn numbers_read_back_as_given_however_they_are_held() {
        let cases: Vec<Vec<Option<f64>>> = vec![
            vec![Some(1.0), None, Some(9.0), Some(0.0)],
            vec![Some(1.0), None, Some(2.5), Some(3.0), None],
            vec![None, Some(65534.0), Some(65535.0), Some(2.0)],
            vec![Some(3.0), Some(-1.0), None],
            vec![Some(-0.0), Some(1.0)],
            vec![],
        ];
        for values in cases {
            let Column::Numeric(col) = numbers("x", values.iter().copied()).expect("numbers")
            else {
                panic!("numbers make a numeric column");
            };
            let want = NumericColumn::from_options(values.clone());
            let small = values
                .iter()
                .all(|v| v.is_none_or(|x| NumericColumn::small_int(x).is_some()));
            assert_eq!(col.small_ints().is_some(), small, "{values:?}");
            assert_eq!(col.len(), values.len());
            assert_eq!(col.count_missing(), want.count_missing(), "{values:?}");
            for (i, v) in values.iter().enumerate() {
                assert_eq!(
                    col.get(i).map(f64::to_bits),
                    v.map(f64::to_bits),
                    "{values:?}"
                );
                assert_eq!(col.raw(i), want.raw(i), "{values:?}");
            }
            assert_eq!(col, want, "{values:?}");
        }
    }
}
