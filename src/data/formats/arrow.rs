//! Arrow arrays (from the SPSS and Parquet readers) into the crate's columns, batch by
//! batch: numbers, dates and booleans into numeric columns, text and dictionary-encoded
//! text into categorical columns (a dictionary's values are looked up once per batch, not
//! once per row).

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float32Type, Float64Type, Int8Type, Int16Type,
    Int32Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrowPrimitiveType};
use arrow_schema::{DataType, TimeUnit};

use super::Format;
use crate::data::column::CategoricalBuilder;
use crate::data::{Column, DataError, MISSING_CODE, NumericColumn, Validity};

/// The largest integer every smaller one of which an `f64` holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// One column being filled from a run of batches (one row group, or the whole file).
#[derive(Debug)]
pub(crate) enum Part {
    /// Numbers and the rows (from the part's start) that are missing.
    Num {
        values: Vec<f64>,
        missing: Vec<usize>,
    },
    /// Codes into `levels` (in order of first appearance) or [`MISSING_CODE`].
    Text {
        codes: Vec<u32>,
        levels: Vec<String>,
        index: HashMap<String, u32>,
    },
}

/// Where a part's cells sit, for messages.
pub(crate) struct Place<'a> {
    pub(crate) file: &'a str,
    pub(crate) format: Format,
    pub(crate) column: &'a str,
    /// The case number (from 1) of the part's first row.
    pub(crate) first_case: u64,
}

impl Place<'_> {
    fn bad(&self, row: usize, value: impl ToString, reason: &str) -> DataError {
        DataError::BadCell {
            file: self.file.to_string(),
            case: self.first_case + row as u64,
            column: self.column.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Whether an Arrow type reads as text.
fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

impl Part {
    /// An empty part for a column of type `t`.
    ///
    /// # Errors
    /// [`DataError::UnsupportedColumn`] for a type that is neither number nor text.
    pub(crate) fn new(t: &DataType, place: &Place<'_>) -> Result<Part, DataError> {
        let text = match t {
            DataType::Dictionary(_, v) if is_text(v) => true,
            t if is_text(t) => true,
            DataType::Null
            | DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float32
            | DataType::Float64
            | DataType::Date32
            | DataType::Date64
            | DataType::Timestamp(..)
            | DataType::Duration(..)
            | DataType::Decimal128(..) => false,
            other => {
                return Err(DataError::UnsupportedColumn {
                    file: place.file.to_string(),
                    column: place.column.to_string(),
                    kind: format!("{other}"),
                });
            }
        };
        Ok(if text {
            Part::Text {
                codes: Vec::new(),
                levels: Vec::new(),
                index: HashMap::new(),
            }
        } else {
            Part::Num {
                values: Vec::new(),
                missing: Vec::new(),
            }
        })
    }

    fn len(&self) -> usize {
        match self {
            Part::Num { values, .. } => values.len(),
            Part::Text { codes, .. } => codes.len(),
        }
    }

    /// Appends one batch's array.
    ///
    /// # Errors
    /// [`DataError::BadCell`] for a number that is not finite or an integer beyond 2^53.
    pub(crate) fn push(&mut self, array: &dyn Array, place: &Place<'_>) -> Result<(), DataError> {
        let start = self.len();
        match self {
            Part::Num { values, missing } => push_numbers(array, values, missing, start, place),
            Part::Text {
                codes,
                levels,
                index,
            } => {
                let mut code_of = |s: &str| match index.get(s) {
                    Some(&c) => c,
                    None => {
                        let c = levels.len() as u32;
                        levels.push(s.to_string());
                        index.insert(s.to_string(), c);
                        c
                    }
                };
                if let Some(dict) = array.as_any_dictionary_opt() {
                    let values = dict.values();
                    if values.is_empty() {
                        codes.extend(std::iter::repeat_n(MISSING_CODE, array.len()));
                        return Ok(());
                    }
                    let map: Vec<u32> = (0..values.len())
                        .map(|i| text_at(values.as_ref(), i).map_or(MISSING_CODE, &mut code_of))
                        .collect();
                    let keys = dict.normalized_keys();
                    codes.extend(keys.iter().enumerate().map(|(i, &k)| {
                        if array.is_null(i) {
                            MISSING_CODE
                        } else {
                            map[k]
                        }
                    }));
                } else {
                    codes.extend(
                        (0..array.len())
                            .map(|i| text_at(array, i).map_or(MISSING_CODE, &mut code_of)),
                    );
                }
                Ok(())
            }
        }
    }

    /// The parts of one column (in row order) as one column.
    pub(crate) fn merge(parts: Vec<Part>) -> Column {
        if matches!(parts.first(), Some(Part::Text { .. })) {
            let mut b = CategoricalBuilder::default();
            for part in parts {
                if let Part::Text { codes, levels, .. } = part {
                    for c in codes {
                        match c {
                            MISSING_CODE => b.push_missing(),
                            c => b.push(&levels[c as usize]),
                        }
                    }
                }
            }
            return Column::Categorical(b.finish());
        }
        let n: usize = parts.iter().map(Part::len).sum();
        let mut all = Vec::with_capacity(n);
        let mut gone = Vec::new();
        for part in parts {
            if let Part::Num { values, missing } = part {
                let at = all.len();
                gone.extend(missing.into_iter().map(|i| at + i));
                if all.is_empty() {
                    all = values;
                    all.reserve(n.saturating_sub(at));
                } else {
                    all.extend(values);
                }
            }
        }
        let mut validity = Validity::all_valid(all.len());
        for i in gone {
            validity.set_missing(i);
        }
        Column::Numeric(NumericColumn::from_parts(all, validity))
    }
}

/// Row `i` of a text array, `None` when null.
fn text_at(array: &dyn Array, i: usize) -> Option<&str> {
    if array.is_null(i) {
        return None;
    }
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => Some(array.as_string::<i64>().value(i)),
        DataType::Utf8View => Some(array.as_string_view().value(i)),
        _ => None,
    }
}

/// Appends a numeric array's values (as `f64`, scaled by `scale`).
fn push_primitive<T: ArrowPrimitiveType>(
    array: &dyn Array,
    values: &mut Vec<f64>,
    missing: &mut Vec<usize>,
    start: usize,
    place: &Place<'_>,
    convert: impl Fn(T::Native) -> f64,
    check: bool,
) -> Result<(), DataError>
where
    T::Native: std::fmt::Display,
{
    let a = array.as_primitive::<T>();
    values.reserve(a.len());
    if a.null_count() == 0 && !check {
        // The common case: no nulls, nothing to check; one pass.
        values.extend(a.values().iter().map(|&raw| convert(raw)));
        return Ok(());
    }
    for (i, &raw) in a.values().iter().enumerate() {
        if a.is_null(i) {
            missing.push(start + i);
            values.push(0.0);
            continue;
        }
        let v = convert(raw);
        if check && !(v.is_finite() && v.abs() <= EXACT) {
            let reason = if v.is_finite() {
                "an integer beyond 2^53 has no exact floating-point value; store it as text"
            } else {
                "not a finite number; store a missing value as null"
            };
            return Err(place.bad(i, raw, reason));
        }
        values.push(v);
    }
    Ok(())
}

fn push_numbers(
    array: &dyn Array,
    values: &mut Vec<f64>,
    missing: &mut Vec<usize>,
    start: usize,
    place: &Place<'_>,
) -> Result<(), DataError> {
    macro_rules! prim {
        ($t:ty, $conv:expr, $check:expr) => {
            push_primitive::<$t>(array, values, missing, start, place, $conv, $check)
        };
    }
    let unit = |u: &TimeUnit| match u {
        TimeUnit::Second => 1.0,
        TimeUnit::Millisecond => 1e3,
        TimeUnit::Microsecond => 1e6,
        TimeUnit::Nanosecond => 1e9,
    };
    match array.data_type() {
        DataType::Null => {
            missing.extend(start..start + array.len());
            values.extend(std::iter::repeat_n(0.0, array.len()));
            Ok(())
        }
        DataType::Boolean => {
            let a = array.as_boolean();
            for i in 0..a.len() {
                if a.is_null(i) {
                    missing.push(start + i);
                }
                values.push(if a.value(i) { 1.0 } else { 0.0 });
            }
            Ok(())
        }
        DataType::Int8 => prim!(Int8Type, f64::from, false),
        DataType::Int16 => prim!(Int16Type, f64::from, false),
        DataType::Int32 => prim!(Int32Type, f64::from, false),
        DataType::Int64 => prim!(Int64Type, |v| v as f64, true),
        DataType::UInt8 => prim!(UInt8Type, f64::from, false),
        DataType::UInt16 => prim!(UInt16Type, f64::from, false),
        DataType::UInt32 => prim!(UInt32Type, f64::from, false),
        DataType::UInt64 => prim!(UInt64Type, |v| v as f64, true),
        DataType::Float32 => prim!(Float32Type, f64::from, true),
        DataType::Float64 => prim!(Float64Type, |v| v, true),
        DataType::Date32 => prim!(Date32Type, f64::from, false),
        DataType::Date64 => prim!(Date64Type, |v| v as f64 / 86_400_000.0, true),
        DataType::Timestamp(u, _) => {
            let s = unit(u);
            match u {
                TimeUnit::Second => prim!(TimestampSecondType, |v| v as f64, true),
                TimeUnit::Millisecond => prim!(TimestampMillisecondType, |v| v as f64 / s, true),
                TimeUnit::Microsecond => prim!(TimestampMicrosecondType, |v| v as f64 / s, true),
                TimeUnit::Nanosecond => prim!(TimestampNanosecondType, |v| v as f64 / s, true),
            }
        }
        DataType::Duration(u) => {
            let s = unit(u);
            match u {
                TimeUnit::Second => prim!(DurationSecondType, |v| v as f64, true),
                TimeUnit::Millisecond => prim!(DurationMillisecondType, |v| v as f64 / s, true),
                TimeUnit::Microsecond => prim!(DurationMicrosecondType, |v| v as f64 / s, true),
                TimeUnit::Nanosecond => prim!(DurationNanosecondType, |v| v as f64 / s, true),
            }
        }
        DataType::Decimal128(..) => {
            let a = array.as_primitive::<arrow_array::types::Decimal128Type>();
            for i in 0..a.len() {
                if a.is_null(i) {
                    missing.push(start + i);
                    values.push(0.0);
                    continue;
                }
                // The decimal text parsed: the correctly rounded f64.
                let text = a.value_as_string(i);
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => values.push(v),
                    _ => return Err(place.bad(i, text, "not a finite number")),
                }
            }
            Ok(())
        }
        other => Err(DataError::UnsupportedColumn {
            file: place.file.to_string(),
            column: place.column.to_string(),
            kind: format!("{other} (in {})", place.format.name()),
        }),
    }
}
