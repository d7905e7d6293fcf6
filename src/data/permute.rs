//! Reordering rows in place: a parallel gather per column through one scratch buffer, so
//! reordering never holds a second copy of the data (one column at most).

use super::column::{CategoricalColumn, Column, NumericColumn, Validity};
use super::{DataError, Dataset, Result};

/// `out[i] = src[order[i]]`, on up to `threads` threads (contiguous blocks of `out`).
/// `out` is resized only when its length differs, so a reused buffer is written once.
pub(crate) fn gather_into<T: Copy + Default + Send + Sync>(
    src: &[T],
    order: &[u32],
    out: &mut Vec<T>,
    threads: usize,
) {
    out.resize(order.len(), T::default());
    crate::parallel::map_chunks(out, threads, 100_000, |start, dst| {
        for (d, &i) in dst.iter_mut().zip(&order[start..]) {
            *d = src[i as usize];
        }
    });
}

/// Scratch buffers reused across columns of the same element type (and by the design's
/// own columns after the data's).
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) f64s: Vec<f64>,
    pub(crate) u32s: Vec<u32>,
}

fn permute_numeric(col: &mut NumericColumn, order: &[u32], scratch: &mut Scratch, threads: usize) {
    if let Some(small) = col.small_ints() {
        // Small integers stay small (their validity is in them: 0 is missing).
        let mut moved = Vec::new();
        gather_into(small, order, &mut moved, threads);
        *col = NumericColumn::of_small_ints(moved);
        return;
    }
    gather_into(col.values(), order, &mut scratch.f64s, threads);
    let validity = if col.validity().count_missing() == 0 {
        None
    } else {
        let old = col.validity();
        let mut bits = vec![0u64; order.len().div_ceil(64)];
        for (i, &o) in order.iter().enumerate() {
            if old.is_valid(o as usize) {
                bits[i / 64] |= 1u64 << (i % 64);
            }
        }
        Some(Validity::from_parts(bits, order.len(), old.count_missing()))
    };
    col.swap_values(&mut scratch.f64s, validity);
}

fn permute_categorical(
    col: &mut CategoricalColumn,
    order: &[u32],
    scratch: &mut Scratch,
    threads: usize,
) {
    gather_into(col.codes(), order, &mut scratch.u32s, threads);
    col.swap_codes(&mut scratch.u32s);
}

impl Dataset {
    /// Reorders the rows: row `i` becomes the old row `order[i]`. Each column is gathered
    /// into a scratch buffer that then takes its place, so the extra memory is one column.
    /// A [`crate::design::Design`] built on the data before no longer matches its rows:
    /// build designs after reordering (or let [`crate::design::Design::new_grouped`] do both).
    ///
    /// # Errors
    /// [`DataError::NotAPermutation`] when `order` does not list every row once.
    ///
    /// ```
    /// use survey_stats::data::{Column, Dataset, NumericColumn};
    /// let mut ds = Dataset::from_columns(vec![(
    ///     "y".into(),
    ///     Column::Numeric(NumericColumn::from_options(vec![Some(1.0), None, Some(3.0)])),
    /// )])?;
    /// ds.permute_rows(&[2, 0, 1], 1)?;
    /// let y = ds.numeric("y")?;
    /// assert_eq!((y.get(0), y.get(1), y.get(2)), (Some(3.0), Some(1.0), None));
    /// assert!(ds.permute_rows(&[0, 0, 1], 1).is_err());
    /// # Ok::<(), survey_stats::data::DataError>(())
    /// ```
    pub fn permute_rows(&mut self, order: &[u32], threads: usize) -> Result<()> {
        let n = self.n_rows();
        if order.len() != n {
            return Err(DataError::NotAPermutation {
                rows: n,
                problem: format!("it has {} entries", order.len()),
            });
        }
        let mut seen = vec![false; n];
        for (i, &o) in order.iter().enumerate() {
            if o as usize >= n || std::mem::replace(&mut seen[o as usize], true) {
                return Err(DataError::NotAPermutation {
                    rows: n,
                    problem: format!("entry {i} is {o}, out of range or repeated"),
                });
            }
        }
        drop(seen);
        self.reorder(order, threads, &mut Scratch::default());
        Ok(())
    }

    /// [`Dataset::permute_rows`] for an order known to be a permutation; `scratch` holds
    /// the buffers for the next reordering afterwards.
    pub(crate) fn reorder(&mut self, order: &[u32], threads: usize, scratch: &mut Scratch) {
        self.renew_id();
        for col in self.columns_mut() {
            match col {
                Column::Numeric(c) => permute_numeric(c, order, scratch, threads),
                Column::Categorical(c) => permute_categorical(c, order, scratch, threads),
            }
        }
    }
}
