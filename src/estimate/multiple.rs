//! Multiple-response questions: the share of each option, and paired comparisons of options.

use super::linear::{Quantity, RowInterval, Smooth, SrsScale, quantity_row, quantity_rows, unit};
use super::pass::{RowStatus, run_pass};
use super::{Domains, Estimate, EstimateOptions, Result, Stat, unavailable};
use crate::data::{Dataset, Validity};
use crate::design::Design;
use serde::{Deserialize, Serialize};

/// The base of multiple-response shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultipleBase {
    /// Respondents who chose at least one option, "hard to answer" included ("% of
    /// cases", SPSS's default).
    #[default]
    Cases,
    /// Every respondent with an answer to the question (R: `svymean` on the 0/1 columns).
    All,
    /// All choices: each option's share of the responses given ("% of responses", a ratio).
    Responses,
}

/// The option columns of a question, read once: each column's values, and its validity
/// when it has missing values.
struct Options<'a> {
    names: &'a [String],
    /// Each column's values and validity (`None` without missing values); empty when the
    /// choice bits were made from the columns' small integers, which the pass then reads
    /// alone.
    cols: Vec<(&'a [f64], Option<&'a Validity>)>,
    /// Number of options.
    m: usize,
    /// For up to 15 options outside the `Responses` base: each row's choices as bits
    /// (`ANSWERED` set when any option has a value), made column by column before the pass
    /// so that it reads two bytes per row instead of one value of every column.
    choices: Option<Vec<u16>>,
}

/// The bit of [`Options::choices`] saying the row answered.
const ANSWERED: u16 = 1 << 15;

impl<'a> Options<'a> {
    /// The columns, each checked to hold only 0, 1 or missing values.
    fn new(
        data: &'a Dataset,
        design: &Design,
        names: &'a [String],
        base: MultipleBase,
    ) -> Result<Self> {
        let columns: Vec<_> = names
            .iter()
            .map(|n| data.numeric(n))
            .collect::<crate::data::Result<_>>()?;
        let threads = design.threads();
        let m = names.len();
        let bits = m < 16 && base != MultipleBase::Responses;
        let small: Option<Vec<&[u16]>> = columns.iter().map(|c| c.small_ints()).collect();
        if let (true, Some(small)) = (bits, small) {
            // Columns held as small integers (`v + 1`, 0 when missing): a quarter of the
            // bytes to read, and their numbers never made.
            let (bits, odd) = choice_bits_of_small(&small, data.n_rows(), threads);
            if let Some((j, i, s)) = odd {
                return Err(not_a_choice(
                    &names[j],
                    design.source_row(i),
                    crate::data::small_number(s),
                ));
            }
            return Ok(Self {
                names,
                cols: Vec::new(),
                m,
                choices: Some(bits),
            });
        }
        let cols: Vec<_> = columns
            .iter()
            .map(|c| {
                let validity = (c.count_missing() > 0).then(|| c.validity());
                (c.values(), validity)
            })
            .collect();
        // The choice bits' pass also counts slots that are neither 0 nor 1; only then (or
        // without choice bits) is each column searched for the row to report.
        let (choices, odd) = if bits {
            let (bits, odd) = choice_bits(&cols, data.n_rows(), threads);
            (Some(bits), odd)
        } else {
            (None, true)
        };
        if odd {
            for (name, (values, validity)) in names.iter().zip(&cols) {
                // A count without branches first (it vectorizes); the row is looked for only
                // when some slot is neither 0 nor 1 (a missing row's slot may be).
                let odd = values
                    .iter()
                    .fold(0usize, |n, &v| n + usize::from(v != 0.0 && v != 1.0));
                if odd == 0 {
                    continue;
                }
                let bad = values.iter().enumerate().find(|&(i, &v)| {
                    v != 0.0 && v != 1.0 && validity.is_none_or(|valid| valid.is_valid(i))
                });
                if let Some((i, &value)) = bad {
                    return Err(not_a_choice(name, design.source_row(i), value));
                }
            }
        }
        Ok(Self {
            names,
            cols,
            m,
            choices,
        })
    }

    /// The variables of a pass: the `m` choices and the base, and the number of choices
    /// unless the choice bits were made (only `Responses` needs it, and it has no bits).
    fn k(&self) -> usize {
        self.m + if self.choices.is_some() { 1 } else { 2 }
    }

    /// The row's 0/1 choices as variables `0..m` and 1 at `m` (the base): as
    /// [`RowStatus::Ones`] from the choice bits when they were made, else written into
    /// `buf` with the number of choices at `m + 1`. `Missing` when the row did not answer (every column missing) or,
    /// under `Cases`, chose nothing.
    #[inline]
    fn row(&self, row: usize, base: MultipleBase, buf: &mut [f64]) -> RowStatus {
        let m = self.m;
        if let Some(choices) = &self.choices {
            return chosen_bits(choices[row], m, base);
        }
        let (mut answered, mut chosen) = (false, 0.0);
        for ((values, validity), b) in self.cols.iter().zip(buf.iter_mut()) {
            let present = validity.is_none_or(|v| v.is_valid(row));
            answered |= present;
            *b = f64::from(u8::from(present) & u8::from(values[row] == 1.0));
            chosen += *b;
        }
        if !answered || (base != MultipleBase::All && chosen == 0.0) {
            return RowStatus::Missing;
        }
        buf[m] = 1.0;
        buf[m + 1] = chosen;
        RowStatus::In
    }
}

/// A row's status from its choice bits (see [`Options::choices`]) among `m` options.
#[inline]
fn chosen_bits(bits: u16, m: usize, base: MultipleBase) -> RowStatus {
    let mask = u64::from(bits & !ANSWERED);
    if bits & ANSWERED == 0 || (base == MultipleBase::Cases && mask == 0) {
        return RowStatus::Missing;
    }
    RowStatus::Ones(mask | 1 << m)
}

/// One pass of the options' rows: with choice bits, a row function small enough to be
/// inlined into the pass (the general one is a call per row).
fn option_passes(
    design: &Design,
    domains: &Domains,
    opts: &Options<'_>,
    base: MultipleBase,
) -> Vec<super::pass::DomainPass> {
    match &opts.choices {
        Some(choices) => run_pass(design, domains, opts.k(), |row, _| {
            chosen_bits(choices[row], opts.m, base)
        }),
        None => run_pass(design, domains, opts.k(), |row, buf| {
            opts.row(row, base, buf)
        }),
    }
}

/// The error for `value` in row `row` (0-based, of the source) of option column `column`.
fn not_a_choice(column: &str, row: usize, value: f64) -> super::EstimateError {
    super::EstimateError::InvalidValue {
        column: column.to_string(),
        row: row + 1,
        value,
        reason: "is not 0 or 1: a multiple-response option column holds 1 (chosen), 0 (not \
                 chosen) or a missing value"
            .to_string(),
    }
}

/// [`choice_bits`] of columns held as small integers (`v + 1`, 0 for missing): 2 is
/// chosen, 1 not chosen. Also the first slot that is neither (column, row, small integer),
/// looked for only when a block of rows holds one.
#[allow(clippy::type_complexity)]
fn choice_bits_of_small(
    cols: &[&[u16]],
    n: usize,
    threads: usize,
) -> (Vec<u16>, Option<(usize, usize, u16)>) {
    let mut bits = vec![0u16; n];
    let odd = std::sync::Mutex::new(None::<(usize, usize, u16)>);
    crate::parallel::map_chunks(&mut bits, threads, 100_000, |start, chunk| {
        let mut odd_here = false;
        // A few thousand rows at a time, so that the bits stay in the nearest cache.
        for (b, block) in chunk.chunks_mut(4096).enumerate() {
            let start = start + b * 4096;
            for (j, small) in cols.iter().enumerate() {
                let small = &small[start..start + block.len()];
                for (x, &s) in block.iter_mut().zip(small) {
                    *x |= u16::from(s == 2) << j | u16::from(s != 0) << 15;
                    odd_here |= s > 2;
                }
            }
        }
        if odd_here {
            let rows = start..start + chunk.len();
            let found = cols.iter().enumerate().find_map(|(j, small)| {
                let i = small[rows.clone()].iter().position(|&s| s > 2)?;
                Some((j, start + i, small[start + i]))
            });
            let mut odd = odd
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // The first column with such a slot, then its first row, whatever the chunk.
            if found.is_some_and(|f| odd.is_none_or(|o| (f.0, f.1) < (o.0, o.1))) {
                *odd = found;
            }
        }
    });
    (
        bits,
        odd.into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    )
}

/// Each row's choices among (at most 15) 0/1 columns as bits, with [`ANSWERED`] when any
/// column has a value: one column at a time over contiguous blocks of rows, on `threads`.
fn choice_bits(cols: &[(&[f64], Option<&Validity>)], n: usize, threads: usize) -> (Vec<u16>, bool) {
    let mut bits = vec![0u16; n];
    let odd = std::sync::atomic::AtomicBool::new(false);
    crate::parallel::map_chunks(&mut bits, threads, 100_000, |start, chunk| {
        let mut odd_here = 0usize;
        // A few thousand rows at a time, so that the bits stay in the nearest cache while
        // each column's values stream past. Columns without missing values add their bit
        // as a number, 2^j, into floating-point sums (exact): compares and adds of doubles
        // vectorize on any x86-64, where packing compare results into 16-bit words did not.
        let mut sums = vec![0.0f64; 4096];
        for (b, block) in chunk.chunks_mut(4096).enumerate() {
            let start = start + b * 4096;
            let sums = &mut sums[..block.len()];
            sums.iter_mut().for_each(|x| *x = 0.0);
            let mut any_full = false;
            for (j, (values, validity)) in cols.iter().enumerate() {
                if validity.is_none() {
                    any_full = true;
                    let bit = (1u32 << j) as f64;
                    let values = &values[start..start + block.len()];
                    for (x, &v) in sums.iter_mut().zip(values) {
                        *x += if v == 1.0 { bit } else { 0.0 };
                        odd_here += usize::from(v != 0.0 && v != 1.0);
                    }
                }
            }
            if any_full {
                for (x, &s) in block.iter_mut().zip(sums.iter()) {
                    *x |= s as u16 | ANSWERED;
                }
            }
            for (j, (values, validity)) in cols.iter().enumerate() {
                let values = &values[start..start + block.len()];
                match validity {
                    None => {}
                    Some(valid) => {
                        for (i, (x, &v)) in block.iter_mut().zip(values).enumerate() {
                            let present = valid.is_valid(start + i);
                            *x |= u16::from(present & (v == 1.0)) << j | u16::from(present) << 15;
                            odd_here += usize::from(v != 0.0 && v != 1.0);
                        }
                    }
                }
            }
        }
        if odd_here > 0 {
            odd.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    (bits, odd.into_inner())
}

/// Shares of the options of a multiple-response question stored as 0/1 columns, per domain.
///
/// ```text
/// cases, all:  p_j = Σ w·y_j / Σ w              over the base      (R: svymean(~y_j))
/// responses:   r_j = Σ w·y_j / Σ w·Σ_i y_i      share of choices   (R: svyratio)
/// ```
/// The base of `cases` is the respondents who chose at least one option (the "hard to
/// answer" option counts when its column is listed); `all` is every respondent with a value
/// in any column. Intervals: `options.method` for `cases`/`all` (as proportions), Wald (t or
/// normal) for `responses`. Source: R `survey::svymean` on the 0/1 columns,
/// `survey::svyratio` for shares of responses.
///
/// # Errors
/// As [`super::mean`].
///
/// ```
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{multiple_response, Domains, EstimateOptions, MultipleBase};
/// let csv = "a,b,dk\n1,1,0\n1,0,0\n0,0,1\n0,1,0\n";
/// let ds = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let cols = ["a".to_string(), "b".to_string(), "dk".to_string()];
/// let cases = multiple_response(&ds, &d, &cols, MultipleBase::Cases, &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(cases[0].estimate, Some(0.5)); // 2 of 4 respondents chose a
/// let resp = multiple_response(&ds, &d, &cols, MultipleBase::Responses, &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(resp[0].estimate, Some(0.4)); // 2 of 5 choices
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn multiple_response(
    data: &Dataset,
    design: &Design,
    columns: &[String],
    base: MultipleBase,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let opts = Options::new(data, design, columns, base)?;
    let m = columns.len();
    let passes = option_passes(design, domains, &opts, base);
    domains.rows(&passes, |pass| {
        let items = (0..m).map(|j| share(&opts, j, base, options)).collect();
        quantity_rows(design, pass, options, items, domains.is_by())
    })
}

/// Option `j`'s share: its row and quantity.
fn share(opts: &Options<'_>, j: usize, base: MultipleBase, options: &EstimateOptions) -> Quantity {
    let m = opts.m;
    let mut row = unavailable(Stat::MultipleResponse, "", options.level.value(), "");
    row.variable = opts.names.join(",");
    row.category = Some(opts.names[j].clone());
    let (denominator, srs, interval) = match base {
        MultipleBase::Responses => (m + 1, None, RowInterval::Clipped),
        _ => (m, Some((j, SrsScale::Mean)), RowInterval::Share),
    };
    Quantity {
        row,
        quantity: Smooth::ratio(opts.k(), j, denominator),
        srs,
        interval,
    }
}

/// The paired difference of two options' shares among the same respondents, with its SE
/// (the covariance of the two shares counts), t interval and two-sided p-value: whether
/// "option a is chosen more than option b" holds beyond sampling error.
///
/// ```text
/// D̂ = (Σ w·y_a − Σ w·y_b)/Σ w over the base;  z_k = w_k·(y_ak − y_bk − D̂)/Σw
/// t = D̂/SE(D̂),  p = 2·P(T_df > |t|)
/// ```
/// Source: R `svycontrast(svymean(~y_a + y_b, design), c(1, -1))`.
///
/// # Errors
/// As [`super::mean`].
///
/// ```
/// use survey_stats::data::{read_csv_from_reader, CsvOptions};
/// use survey_stats::design::{Design, DesignOptions};
/// use survey_stats::estimate::{option_difference, Domains, EstimateOptions, MultipleBase};
/// let csv = "a,b\n1,1\n1,0\n0,1\n1,0\n";
/// let ds = read_csv_from_reader(csv.as_bytes(), "t.csv", &CsvOptions::default())?;
/// let d = Design::new(&ds, &DesignOptions::default())?;
/// let cols = ["a".to_string(), "b".to_string()];
/// let diff = option_difference(&ds, &d, &cols, 0, 1, MultipleBase::Cases, &Domains::whole(), &EstimateOptions::default())?;
/// assert_eq!(diff[0].estimate, Some(0.25)); // 3/4 − 2/4
/// assert!(diff[0].p_value.unwrap() > 0.05);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn option_difference(
    data: &Dataset,
    design: &Design,
    columns: &[String],
    a: usize,
    b: usize,
    base: MultipleBase,
    domains: &Domains,
    options: &EstimateOptions,
) -> Result<Vec<Estimate>> {
    design.check_data(data)?;
    domains.check_data(data)?;
    let base = if base == MultipleBase::Responses {
        MultipleBase::Cases
    } else {
        base
    };
    let opts = Options::new(data, design, columns, base)?;
    let m = columns.len();
    let k = opts.k();
    let passes = option_passes(design, domains, &opts, base);
    let mut diff = unit(k, a);
    diff[b] -= 1.0;
    let quantity = Smooth::Ratio(diff, unit(k, m));
    domains.rows(&passes, |pass| {
        let mut row = unavailable(Stat::Difference, "", options.level.value(), "");
        row.variable = format!("{}-{}", columns[a], columns[b]);
        let (interval, is_by) = (RowInterval::Tested, domains.is_by());
        Ok(vec![quantity_row(
            design, pass, options, row, &quantity, None, interval, is_by,
        )?])
    })
}
