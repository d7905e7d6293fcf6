//! The one pass over the rows that every linearized estimator shares.

use crate::data::{Dataset, Factor, MISSING_CODE};
use crate::design::{Design, DesignError};
use crate::variance::{UnitSums, written_zeros};
use std::collections::BTreeMap;

/// Whether a row counts, as an estimator's row function says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RowStatus {
    /// In the base: its values were written.
    In,
    /// In the base of a pass of two variables with values `y` and 1 (a mean's or total's
    /// numerator and base); the buffer is not written. The values stay in registers: a
    /// buffer written value by value and read back as a vector waits for the writes.
    Value(f64),
    /// In the domain but left out of the base (missing or excluded value).
    Missing,
    /// In the base with values 1 at this slot (none for [`NO_SLOT`]) and at the last
    /// variable (the base), 0 elsewhere; the buffer is not written. Categories and their
    /// base are added as two sums instead of `k`.
    OneHot(u32),
    /// In the base with values 1 at the set bits (variables `0..64`), 0 elsewhere; the
    /// buffer is not written (0/1 columns such as multiple-response choices). The last
    /// variable (the base) is always among the set bits.
    Ones(u64),
}

/// The variables a sparse row sets to 1, in increasing order.
enum Hot {
    Mask(u64),
    /// `list[at..len]` still to come.
    Listed {
        list: [usize; 2],
        at: usize,
        len: usize,
    },
}

impl Hot {
    fn of(status: RowStatus, k: usize) -> Option<Hot> {
        let listed = |list, len| Some(Hot::Listed { list, at: 0, len });
        match status {
            RowStatus::OneHot(NO_SLOT) => listed([k - 1, 0], 1),
            RowStatus::OneHot(slot) => listed([slot as usize, k - 1], 2),
            RowStatus::Ones(mask) => Some(Hot::Mask(mask)),
            RowStatus::In | RowStatus::Value(_) | RowStatus::Missing => None,
        }
    }
}

impl Iterator for Hot {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        match self {
            Hot::Mask(0) => None,
            Hot::Mask(m) => {
                let j = m.trailing_zeros() as usize;
                *m &= *m - 1;
                Some(j)
            }
            Hot::Listed { list, at, len } => (*at < *len).then(|| {
                *at += 1;
                list[*at - 1]
            }),
        }
    }
}

/// [`RowStatus::OneHot`] of a row in the base only.
pub(crate) const NO_SLOT: u32 = u32::MAX;

/// What one pass collects for one domain: per-unit weighted sums (the variance's sufficient
/// statistics) and the global moments the design effect needs. Merges by addition.
#[derive(Debug, Clone)]
pub(crate) struct DomainPass {
    /// Per-unit sums of `w·y_j`.
    pub sums: UnitSums,
    /// `Σ w·y_j²` over the base, for the SRS variance of the design effect.
    pub sum_sq: Vec<f64>,
    /// Rows in the base.
    pub n: u64,
    /// Rows in the base with non-zero weight (R's `nobs` in the design effect).
    pub n_positive: u64,
    /// Rows in the domain left out of the base.
    pub n_missing: u64,
    /// `Σ w` over the base.
    pub weighted_n: f64,
    /// PSUs with a row of positive weight in the domain.
    pub psu_in_domain: Vec<bool>,
    /// PSUs with a row of positive weight in the base.
    pub psu_in_base: Vec<bool>,
    /// For a replicate design: the totals `Σ w_r·y_j` under each replicate, `r × k`.
    pub replicate_totals: Vec<f64>,
    /// The totals `T_j` over all units, once the pass is complete (see
    /// [`DomainPass::finish`]).
    pub totals: Vec<f64>,
    /// [`DomainPass::domain_df`] and [`DomainPass::base_df`], once asked for (every row of
    /// a frequency table asks).
    df: [std::sync::OnceLock<f64>; 2],
    /// For a pass through [`whole_rows`] or [`shared_rows`]: [`LEAN`] and the kinds of
    /// rows it saw ([`HOT`], [`VALUE`], [`GENERAL`]), which say what
    /// [`DomainPass::finish`] derives from the sums. 0 for other passes.
    lean: u8,
}

/// [`DomainPass::lean`]: rows of [`RowStatus::OneHot`] or [`RowStatus::Ones`].
const HOT: u8 = 1;
/// [`DomainPass::lean`]: rows of [`RowStatus::Value`].
const VALUE: u8 = 2;
/// [`DomainPass::lean`]: rows of [`RowStatus::In`].
const GENERAL: u8 = 4;
/// [`DomainPass::lean`]: a pass through [`whole_rows`] or [`shared_rows`] (with or without
/// rows in its base).
const LEAN: u8 = 8;

impl DomainPass {
    fn new(design: &Design, k: usize) -> Self {
        Self::new_with(design, k, true)
    }

    fn new_with(design: &Design, k: usize, sums: bool) -> Self {
        Self {
            sums: match sums {
                true => UnitSums::new(design, k),
                false => UnitSums::empty(k),
            },
            sum_sq: vec![0.0; k],
            n: 0,
            n_positive: 0,
            n_missing: 0,
            weighted_n: 0.0,
            psu_in_domain: written_zeros(design.n_psu(), false),
            psu_in_base: written_zeros(design.n_psu(), false),
            replicate_totals: vec![0.0; design.n_replicates() * k],
            totals: Vec::new(),
            df: Default::default(),
            lean: 0,
        }
    }

    /// [`DomainPass::new`] without per-unit sums (a [`shared_pass`] adds them to one table).
    fn without_sums(design: &Design, k: usize) -> Self {
        Self::new_with(design, k, false)
    }

    /// Completes a pass over all rows: its totals, and what a lean pass left to derive from
    /// its sums (see [`whole_rows`]).
    fn finish(mut self) -> Self {
        self.totals = self.sums.totals();
        let kinds = self.lean & (HOT | VALUE | GENERAL);
        if self.lean & LEAN != 0 && kinds & GENERAL == 0 {
            // Indicator and value rows add their weight to the last variable (the base),
            // so a unit's base sum is positive exactly when it has a base row of positive
            // weight (weights are never negative: `Weights` refuses them, and calibrated
            // designs, whose weights may be, take the general pass); the variance unit is
            // the PSU.
            let k = self.sum_sq.len();
            let base = self.sums.as_slice().chunks_exact(k).map(|u| u[k - 1] > 0.0);
            for ((b, d), positive) in self
                .psu_in_base
                .iter_mut()
                .zip(self.psu_in_domain.iter_mut())
                .zip(base)
            {
                *b |= positive;
                *d |= positive;
            }
            // The weighted count of indicator and value rows is the base's total; so are
            // the base's squares.
            self.weighted_n = self.totals[k - 1];
            self.sum_sq[k - 1] = self.totals[k - 1];
            if kinds == HOT {
                // The squares of 0/1 values are the values: Σ w·y² is the total.
                self.sum_sq.clone_from(&self.totals);
            }
        }
        self
    }

    /// How many per-unit sums the pass holds.
    pub(crate) fn n_sums(&self) -> usize {
        self.sums.as_slice().len()
    }

    /// Whether the pass went through [`whole_rows`] or [`shared_rows`] (a plain one-stage
    /// design) with rows of one kind, so that [`DomainPass::narrowed`] applies to the
    /// whole population's.
    pub(crate) fn is_lean(&self) -> bool {
        self.lean & LEAN != 0 && !self.lean_mixed()
    }

    /// The pass of the sum of variables `slots` and the base (the last variable), as a pass
    /// of those alone would have made it: the same per-unit sums (one slot's copied as they
    /// are), counts, weighted count and PSU flags.
    pub(crate) fn narrowed(&self, slots: &[usize]) -> DomainPass {
        let k = self.sum_sq.len();
        let mut sums = Vec::with_capacity(self.sums.as_slice().len() / k * 2);
        for t in self.sums.as_slice().chunks_exact(k) {
            sums.push(slots.iter().fold(0.0, |s, &j| s + t[j]));
            sums.push(t[k - 1]);
        }
        DomainPass {
            sums: UnitSums::from_vec(2, sums),
            sum_sq: vec![0.0; 2],
            n: self.n,
            n_positive: self.n_positive,
            n_missing: self.n_missing,
            weighted_n: self.weighted_n,
            psu_in_domain: self.psu_in_domain.clone(),
            psu_in_base: self.psu_in_base.clone(),
            replicate_totals: Vec::new(),
            totals: Vec::new(),
            df: Default::default(),
            lean: self.lean,
        }
        .finish()
    }

    /// Whether a lean pass saw rows whose sums say different things (see
    /// [`DomainPass::finish`]): such a pass is run again the plain way.
    fn lean_mixed(&self) -> bool {
        let kinds = self.lean & (HOT | VALUE | GENERAL);
        kinds.count_ones() > 1
    }

    /// Adds another pass over other rows of the same design.
    pub fn merge(&mut self, other: &DomainPass) {
        self.sums.merge(&other.sums);
        for (a, b) in self.sum_sq.iter_mut().zip(&other.sum_sq) {
            *a += b;
        }
        self.n += other.n;
        self.n_positive += other.n_positive;
        self.n_missing += other.n_missing;
        self.weighted_n += other.weighted_n;
        for (a, b) in self.psu_in_domain.iter_mut().zip(&other.psu_in_domain) {
            *a |= b;
        }
        for (a, b) in self.psu_in_base.iter_mut().zip(&other.psu_in_base) {
            *a |= b;
        }
        for (a, b) in self
            .replicate_totals
            .iter_mut()
            .zip(&other.replicate_totals)
        {
            *a += b;
        }
        for (a, b) in self.totals.iter_mut().zip(&other.totals) {
            *a += b;
        }
        self.lean |= other.lean;
        self.df = Default::default();
    }

    /// [`DomainPass::degrees_of_freedom`] of the PSUs with rows in the domain.
    pub fn domain_df(&self, design: &Design) -> f64 {
        *self.df[0].get_or_init(|| Self::degrees_of_freedom(design, &self.psu_in_domain))
    }

    /// [`DomainPass::degrees_of_freedom`] of the PSUs with rows in the base.
    pub fn base_df(&self, design: &Design) -> f64 {
        *self.df[1].get_or_init(|| Self::degrees_of_freedom(design, &self.psu_in_base))
    }

    /// PSUs minus strata among the PSUs flagged (for a replicate design, whose PSUs are its
    /// rows: the rank of those rows' replicate weights minus one, as R's `degf` of a subset).
    pub fn degrees_of_freedom(design: &Design, psus: &[bool]) -> f64 {
        if let Some(reps) = design.replicates() {
            // The rows of the PSUs flagged (a design's own replicates weight whole PSUs;
            // given replicate columns make each row a PSU).
            let rows: Vec<bool> = design
                .psu_of_row()
                .iter()
                .map(|&p| psus[p as usize])
                .collect();
            return reps.rank_df(&rows);
        }
        let mut strata = vec![false; design.n_strata()];
        let mut n_psu = 0usize;
        for (p, &seen) in psus.iter().enumerate() {
            if seen {
                n_psu += 1;
                strata[design.stratum_of_psu()[p] as usize] = true;
            }
        }
        n_psu as f64 - strata.iter().filter(|&&s| s).count() as f64
    }
}

/// Domains (R's `svyby`): one code per row for the combination of the `by` columns' values.
#[derive(Debug, Clone, Default)]
pub struct Domains {
    codes: Option<DomainCodes>,
    labels: Vec<BTreeMap<String, String>>,
    /// The identity of the dataset the domains were made from (`None`: the whole).
    data_id: Option<u64>,
}

/// Each row's domain: a code per row, or (domains of one column held as small integers)
/// the column's small integers and a table from them to domains.
#[derive(Debug, Clone)]
enum DomainCodes {
    Rows(Vec<u32>),
    /// The column's small integers and levels: the domains are the levels, in order.
    Small {
        small: std::sync::Arc<Vec<u16>>,
        levels: std::sync::Arc<crate::data::SmallLevels>,
    },
}

impl DomainCodes {
    /// The domain of `row`, or [`MISSING_CODE`].
    #[inline]
    fn get(&self, row: usize) -> u32 {
        match self {
            DomainCodes::Rows(codes) => codes[row],
            DomainCodes::Small { small, levels } => levels.code(small[row]),
        }
    }

    fn len(&self) -> usize {
        match self {
            DomainCodes::Rows(codes) => codes.len(),
            DomainCodes::Small { small, .. } => small.len(),
        }
    }
}

impl Domains {
    /// The whole population as one domain.
    pub fn whole() -> Self {
        Domains {
            codes: None,
            labels: vec![BTreeMap::new()],
            data_id: None,
        }
    }

    /// Domains from the combinations of the values of `by` columns that occur in the data,
    /// ordered as R's `svyby` orders them (the first column varies fastest). Rows missing
    /// any `by` value belong to no domain.
    ///
    /// # Errors
    /// [`crate::data::DataError::MissingColumn`] when a column is absent.
    #[doc(alias = "svyby")]
    pub fn by<S: AsRef<str>>(data: &Dataset, by: &[S]) -> crate::data::Result<Self> {
        if by.is_empty() {
            return Ok(Self::whole());
        }
        if let [name] = by
            && let crate::data::Column::Numeric(c) = data.column(name.as_ref())?
            && let Some((small, levels)) = crate::data::small_levels(c)
        {
            // One variable held as small integers: its levels (each occurs) are the
            // domains, in order, each row's read from its small integer (no code per row
            // made or copied).
            let labels = levels
                .levels
                .iter()
                .map(|l| BTreeMap::from([(name.as_ref().to_string(), l.label.clone())]))
                .collect();
            return Ok(Domains {
                codes: Some(DomainCodes::Small {
                    small: std::sync::Arc::clone(small),
                    levels: std::sync::Arc::clone(levels),
                }),
                labels,
                data_id: Some(data.id()),
            });
        }
        let factors: Vec<Factor<'_>> = by
            .iter()
            .map(|b| data.factor(b.as_ref()))
            .collect::<crate::data::Result<_>>()?;
        if let [factor] = factors.as_slice() {
            // One variable: its levels (each occurs) are the domains, in order.
            let labels = factor
                .labels()
                .into_iter()
                .map(|l| BTreeMap::from([(by[0].as_ref().to_string(), l.to_string())]))
                .collect();
            let codes = factors
                .into_iter()
                .next()
                .map(|f| DomainCodes::Rows(f.into_codes()));
            return Ok(Domains {
                codes,
                labels,
                data_id: Some(data.id()),
            });
        }
        let n = data.n_rows();
        let mut combined = vec![0u64; n];
        let mut stride = 1u64;
        let mut strides = Vec::with_capacity(factors.len());
        for f in &factors {
            strides.push(stride);
            let codes = f.codes();
            for (c, &x) in combined.iter_mut().zip(codes) {
                if *c != u64::MAX {
                    *c = if x == MISSING_CODE {
                        u64::MAX
                    } else {
                        *c + x as u64 * stride
                    };
                }
            }
            stride *= f.levels().len().max(1) as u64;
        }
        // The combinations that occur, in numeric order (R orders by the last variable
        // slowest: that is the numeric order of `combined`), through a presence table when
        // the product of the levels is small, else by sorting the distinct values.
        let small = stride <= (n as u64).max(1 << 16);
        let present: Vec<u64> = if small {
            let mut seen = vec![false; stride as usize];
            for &c in &combined {
                if c != u64::MAX {
                    seen[c as usize] = true;
                }
            }
            (0..stride).filter(|&c| seen[c as usize]).collect()
        } else {
            let mut p: Vec<u64> = combined
                .iter()
                .copied()
                .filter(|&c| c != u64::MAX)
                .collect();
            p.sort_unstable();
            p.dedup();
            p
        };
        let mut labels = Vec::with_capacity(present.len());
        for &c in &present {
            let mut m = BTreeMap::new();
            for (j, f) in factors.iter().enumerate() {
                let level = (c / strides[j]) % f.levels().len() as u64;
                m.insert(
                    by[j].as_ref().to_string(),
                    f.levels()[level as usize].label.clone(),
                );
            }
            labels.push(m);
        }
        // Each combination's domain: through a table when small, else by binary search.
        let index: Vec<u32> = if small {
            let mut index = vec![MISSING_CODE; stride as usize];
            for (i, &c) in present.iter().enumerate() {
                index[c as usize] = i as u32;
            }
            index
        } else {
            Vec::new()
        };
        let domain = |c: u64| match c {
            u64::MAX => MISSING_CODE,
            c if !index.is_empty() => index[c as usize],
            c => present.binary_search(&c).map_or(MISSING_CODE, |i| i as u32),
        };
        let codes = combined.iter().map(|&c| domain(c)).collect();
        Ok(Domains {
            codes: Some(DomainCodes::Rows(codes)),
            labels,
            data_id: Some(data.id()),
        })
    }

    /// Checks that the domains were made from `data`'s rows.
    ///
    /// # Errors
    /// [`DesignError::OtherData`] otherwise.
    pub(crate) fn check_data(&self, data: &Dataset) -> Result<(), DesignError> {
        match (self.data_id, &self.codes) {
            (Some(id), Some(codes)) if id != data.id() => Err(DesignError::OtherData {
                design_rows: codes.len(),
                data_rows: data.n_rows(),
            }),
            _ => Ok(()),
        }
    }

    /// Number of domains.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no domains (no row has all `by` values).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Whether these are real domains (`by` given) rather than the whole population.
    pub fn is_by(&self) -> bool {
        self.codes.is_some()
    }

    /// The domain of row `row`, `None` when it belongs to none.
    pub(crate) fn code_of(&self, row: usize) -> Option<usize> {
        match &self.codes {
            None => Some(0),
            Some(c) => match c.get(row) {
                MISSING_CODE => None,
                d => Some(d as usize),
            },
        }
    }

    /// The result rows of every domain's pass, each labelled with its domain (for `by`).
    pub(crate) fn rows<E>(
        &self,
        passes: &[DomainPass],
        mut rows_of: impl FnMut(&DomainPass) -> Result<Vec<super::Estimate>, E>,
    ) -> Result<Vec<super::Estimate>, E> {
        let mut out = Vec::new();
        for (d, pass) in passes.iter().enumerate() {
            for mut row in rows_of(pass)? {
                if self.is_by() {
                    row.domain = Some(self.label(d).clone());
                }
                row.null_non_finite();
                out.push(row);
            }
        }
        Ok(out)
    }

    /// The `by` values of domain `d`.
    pub fn label(&self, d: usize) -> &BTreeMap<String, String> {
        &self.labels[d]
    }
}

/// Runs one pass over the rows: for each row in a domain, `row_fn` writes the row's `k`
/// unweighted values into its buffer and says whether the row is in the base.
pub(crate) fn run_pass<F>(
    design: &Design,
    domains: &Domains,
    k: usize,
    row_fn: F,
) -> Vec<DomainPass>
where
    F: Fn(usize, &mut [f64]) -> RowStatus + Sync,
{
    run_pass_over(design, domains, k, 0..design.n_rows(), row_fn)
}

/// [`run_pass`] over a range of rows, on the design's threads.
pub(crate) fn run_pass_over<F>(
    design: &Design,
    domains: &Domains,
    k: usize,
    rows: std::ops::Range<usize>,
    row_fn: F,
) -> Vec<DomainPass>
where
    F: Fn(usize, &mut [f64]) -> RowStatus + Sync,
{
    if let Some(passes) = shared_pass(design, domains, k, &rows, &row_fn) {
        return passes.into_iter().map(DomainPass::finish).collect();
    }
    let merged = blocks_of_pass(design, domains, k, &rows, &row_fn, true);
    let merged = match merged.iter().any(DomainPass::lean_mixed) {
        true => blocks_of_pass(design, domains, k, &rows, &row_fn, false),
        false => merged,
    };
    merged.into_iter().map(DomainPass::finish).collect()
}

/// The blocks of [`run_pass_over`], merged; `lean` lets a whole-population pass run
/// [`whole_rows`].
fn blocks_of_pass<F>(
    design: &Design,
    domains: &Domains,
    k: usize,
    rows: &std::ops::Range<usize>,
    row_fn: &F,
    lean: bool,
) -> Vec<DomainPass>
where
    F: Fn(usize, &mut [f64]) -> RowStatus + Sync,
{
    // Each block of rows is reduced on its own thread, into sums made there (zeroed where
    // they are added to); the partial sums merge by addition, in block order, so a given
    // thread count always gives the same numbers.
    let start = rows.start;
    let mut parts =
        crate::parallel::map_blocks(rows.len(), design.threads(), MIN_ROWS_PER_THREAD, |block| {
            let passes = (0..domains.len())
                .map(|_| DomainPass::new(design, k))
                .collect();
            let rows = start + block.start..start + block.end;
            run_pass_on(design, domains, k, rows, row_fn, passes, lean)
        });
    let mut merged = parts.remove(0);
    for part in &parts {
        for (a, b) in merged.iter_mut().zip(part) {
            a.merge(b);
        }
    }
    merged
}

/// Whether a pass can run through [`whole_rows`] or [`shared_rows`]: a plain design whose
/// variance units are its PSUs.
pub(crate) fn lean_design(design: &Design) -> bool {
    design.replicates().is_none()
        && design.calibration().is_none()
        && design.row_counts().is_none()
        && design.row_masses().is_none()
        && design.variance_depth() == 1
        && design.pps_design().is_none()
}

/// A pass over several domains that each hold whole PSUs (domains of the strata, or of any
/// column constant within PSUs, such as regions that are the strata), with one table of
/// per-unit sums for all of them instead of one per domain while the rows are added (each
/// thread fills one table, not one per domain; the domains' tables are split off once at
/// the end), and the same sums (each unit's rows are added in the same order). `None` when
/// a PSU turns out to have rows in two domains, or the rows are of mixed kinds: the caller
/// then runs the pass a domain table each.
fn shared_pass<F>(
    design: &Design,
    domains: &Domains,
    k: usize,
    rows: &std::ops::Range<usize>,
    row_fn: &F,
) -> Option<Vec<DomainPass>>
where
    F: Fn(usize, &mut [f64]) -> RowStatus + Sync,
{
    let codes = domains.codes.as_ref()?;
    if domains.len() < 2 || !lean_design(design) {
        return None;
    }
    let start = rows.start;
    let parts =
        crate::parallel::map_blocks(rows.len(), design.threads(), MIN_ROWS_PER_THREAD, |block| {
            let rows = start + block.start..start + block.end;
            shared_rows(design, codes, domains.len(), k, rows, row_fn)
        });
    let mut parts = parts.into_iter();
    let mut merged = parts.next()??;
    for part in parts {
        merged.merge(&part?)?;
    }
    merged.into_passes()
}

/// What [`shared_rows`] collects: one table of sums, each unit's domain, and each domain's
/// counters.
struct SharedBlock {
    sums: UnitSums,
    /// Each unit's domain ([`MISSING_CODE`]: no row in any domain yet).
    unit_domain: Vec<u32>,
    /// Each domain's pass, without sums of its own.
    passes: Vec<DomainPass>,
}

impl SharedBlock {
    /// Adds another block's sums; `None` when a unit is in different domains in the two.
    fn merge(&mut self, other: &SharedBlock) -> Option<()> {
        for (a, &b) in self.unit_domain.iter_mut().zip(&other.unit_domain) {
            if *a == MISSING_CODE {
                *a = b;
            } else if b != MISSING_CODE && b != *a {
                return None;
            }
        }
        self.sums.merge(&other.sums);
        for (a, b) in self.passes.iter_mut().zip(&other.passes) {
            a.merge(b);
        }
        Some(())
    }

    /// Each domain's pass with its units' sums; `None` for rows of mixed kinds.
    fn into_passes(self) -> Option<Vec<DomainPass>> {
        let unit_domain = &self.unit_domain;
        let mut passes = self.passes;
        if passes.iter().any(DomainPass::lean_mixed) {
            return None;
        }
        for (d, pass) in passes.iter_mut().enumerate() {
            pass.sums = self.sums.only_units(|u| unit_domain[u] == d as u32);
        }
        Some(passes)
    }
}

/// [`whole_rows`] over domains that hold whole PSUs, into one table of sums (see
/// [`shared_pass`]); `None` as soon as a PSU has rows in two domains.
#[inline(never)]
fn shared_rows<F>(
    design: &Design,
    codes: &DomainCodes,
    n_domains: usize,
    k: usize,
    rows: std::ops::Range<usize>,
    row_fn: &F,
) -> Option<SharedBlock>
where
    F: Fn(usize, &mut [f64]) -> RowStatus,
{
    let weights = design.weights().as_slice();
    let units = design.variance_unit_of_row();
    let mut sums = UnitSums::new(design, k);
    let mut unit_domain = written_zeros(design.n_variance_units(), MISSING_CODE);
    let mut passes: Vec<DomainPass> = (0..n_domains)
        .map(|_| DomainPass::without_sums(design, k))
        .collect();
    // Per domain: base rows, base rows of weight 0, rows left out of the base; the weighted
    // count of indicator and value rows is their base total, read off the sums later.
    let mut counts = vec![[0u64; 3]; n_domains];
    let mut weighted = vec![0.0; n_domains * LANES];
    let mut squares = vec![0.0; n_domains * LANES * k];
    let mut kinds = LEAN;
    let mut buf = vec![0.0; k];
    let table = sums.as_mut_slice();
    for row in rows {
        let d = match codes.get(row) {
            MISSING_CODE => continue,
            d => d as usize,
        };
        let unit = units[row] as usize;
        match unit_domain[unit] {
            MISSING_CODE => unit_domain[unit] = d as u32,
            e if e as usize != d => return None,
            _ => {}
        }
        let w = weights[row];
        let positive = w > 0.0;
        let status = (*row_fn)(row, &mut buf);
        let count = &mut counts[d];
        if status == RowStatus::Missing {
            count[2] += 1;
            if positive {
                passes[d].psu_in_domain[unit] = true;
            }
            continue;
        }
        count[0] += 1;
        if !positive {
            count[1] += 1;
        }
        let lane = d * LANES + row % LANES;
        let sq = &mut squares[lane * k..(lane + 1) * k];
        let kind = add_lean(status, w, &mut table[unit * k..unit * k + k], sq, &buf);
        kinds |= kind;
        if kind == GENERAL {
            weighted[lane] += w;
            if positive {
                passes[d].psu_in_domain[unit] = true;
                passes[d].psu_in_base[unit] = true;
            }
        }
    }
    for (d, p) in passes.iter_mut().enumerate() {
        p.lean = kinds;
        let [n, zero, missing] = counts[d];
        (p.n, p.n_positive, p.n_missing) = (n, n - zero, missing);
        for lane in d * LANES..(d + 1) * LANES {
            p.weighted_n += weighted[lane];
            for (a, b) in p.sum_sq.iter_mut().zip(&squares[lane * k..(lane + 1) * k]) {
                *a += b;
            }
        }
    }
    Some(SharedBlock {
        sums,
        unit_domain,
        passes,
    })
}

/// Fewer rows than this per thread are not worth a thread.
const MIN_ROWS_PER_THREAD: usize = 50_000;

/// [`run_pass_on`] for a plain design (no replicates, calibration or sums-table rows):
/// the same sums, in a loop with nothing else. The per-pass counters and `Σ w·y²` are
/// kept in [`LANES`] copies taken in turn by consecutive rows, so that no row waits for
/// the previous row's addition to the same slot; the copies are added up in a fixed
/// order at the end.
fn run_plain_on<F>(
    design: &Design,
    domains: &Domains,
    k: usize,
    rows: std::ops::Range<usize>,
    row_fn: &F,
    passes: &mut [DomainPass],
    lean: bool,
) where
    F: Fn(usize, &mut [f64]) -> RowStatus,
{
    let columns = Columns {
        weights: design.weights().as_slice(),
        units: design.variance_unit_of_row(),
        psus: design.psu_of_row(),
    };
    if lean && domains.codes.is_none() && lean_design(design) {
        whole_rows(columns, rows, row_fn, &mut passes[0]);
        return;
    }
    let mut tallies = vec![Tally::default(); passes.len() * LANES];
    let mut squares = vec![0.0; passes.len() * LANES * k];
    let mut sinks: Vec<Sink<'_>> = passes
        .iter_mut()
        .map(|p| Sink {
            sums: p.sums.as_mut_slice(),
            in_domain: &mut p.psu_in_domain,
            in_base: &mut p.psu_in_base,
        })
        .collect();
    let mut acc = Accumulators {
        sinks: &mut sinks,
        tallies: &mut tallies,
        squares: &mut squares,
        k,
    };
    // The whole population apart: its domain is a constant, not a lookup per row.
    match &domains.codes {
        None => plain_rows(columns, rows, row_fn, |_| Some(0), &mut acc),
        Some(DomainCodes::Rows(codes)) => plain_rows(
            columns,
            rows,
            row_fn,
            |row| (codes[row] != MISSING_CODE).then_some(codes[row] as usize),
            &mut acc,
        ),
        Some(DomainCodes::Small { small, levels }) => plain_rows(
            columns,
            rows,
            row_fn,
            |row| match levels.code(small[row]) {
                MISSING_CODE => None,
                d => Some(d as usize),
            },
            &mut acc,
        ),
    }
    for (d, p) in passes.iter_mut().enumerate() {
        for lane in d * LANES..(d + 1) * LANES {
            let t = &tallies[lane];
            p.n += t.n;
            p.n_positive += t.n_positive;
            p.n_missing += t.n_missing;
            p.weighted_n += t.weighted_n;
            for (a, b) in p.sum_sq.iter_mut().zip(&squares[lane * k..(lane + 1) * k]) {
                *a += b;
            }
        }
    }
}

/// The design's columns a pass reads.
#[derive(Clone, Copy)]
struct Columns<'a> {
    weights: &'a [f64],
    units: &'a [u32],
    psus: &'a [u32],
}

/// One domain's per-unit sums and PSU flags in a plain pass.
struct Sink<'a> {
    sums: &'a mut [f64],
    in_domain: &'a mut [bool],
    in_base: &'a mut [bool],
}

/// What a plain pass adds to: each domain's sink, and [`LANES`] tallies and `Σ w·y²` per
/// domain.
struct Accumulators<'a, 's> {
    sinks: &'a mut [Sink<'s>],
    tallies: &'a mut [Tally],
    squares: &'a mut [f64],
    k: usize,
}

/// The rows of a plain pass, each in the domain `domain_of` gives (`None`: in none).
#[inline(never)]
fn plain_rows<F>(
    c: Columns<'_>,
    rows: std::ops::Range<usize>,
    row_fn: &F,
    domain_of: impl Fn(usize) -> Option<usize>,
    acc: &mut Accumulators<'_, '_>,
) where
    F: Fn(usize, &mut [f64]) -> RowStatus,
{
    let k = acc.k;
    let mut buf = vec![0.0; k];
    for row in rows {
        let Some(d) = domain_of(row) else {
            continue;
        };
        let w = c.weights[row];
        let sink = &mut acc.sinks[d];
        let lane = d * LANES + row % LANES;
        let tally = &mut acc.tallies[lane];
        let sq = &mut acc.squares[lane * k..(lane + 1) * k];
        let positive = w > 0.0;
        let psu = c.psus[row] as usize;
        if positive {
            sink.in_domain[psu] = true;
        }
        let status = (*row_fn)(row, &mut buf);
        if status == RowStatus::Missing {
            tally.n_missing += 1;
            continue;
        }
        tally.n += 1;
        tally.n_positive += u64::from(positive);
        tally.weighted_n += w;
        if positive {
            sink.in_base[psu] = true;
        }
        let at = c.units[row] as usize * k;
        let s = &mut sink.sums[at..at + k];
        match status {
            RowStatus::OneHot(slot) => {
                // Without a branch on whether the row has a slot (for a share of one
                // category, as random as the answers): a row without one adds 0 to the
                // base first.
                let (j, v) = match slot {
                    NO_SLOT => (k - 1, 0.0),
                    slot => (slot as usize, w),
                };
                s[j] += v;
                sq[j] += v;
                s[k - 1] += w;
                sq[k - 1] += w;
            }
            RowStatus::Ones(mask) => {
                for (j, (s, sq)) in s.iter_mut().zip(sq.iter_mut()).enumerate() {
                    let v = if mask >> j & 1 == 1 { w } else { 0.0 };
                    *s += v;
                    *sq += v;
                }
            }
            RowStatus::Value(y) => {
                debug_assert_eq!(k, 2, "RowStatus::Value is for passes of two variables");
                let v = w * y;
                s[0] += v;
                sq[0] += v * y;
                s[1] += w;
                sq[1] += w;
            }
            RowStatus::In | RowStatus::Missing => {
                for ((s, sq), &y) in s.iter_mut().zip(sq.iter_mut()).zip(&buf) {
                    let v = w * y;
                    *s += v;
                    *sq += v * y;
                }
            }
        }
    }
}

/// The rows of a plain pass over the whole population of a one-stage design, with as
/// little written per row as the sums allow: counters in registers, and nothing the sums
/// already hold. A row of 0/1 values or of a value and its base adds its weight to the
/// base (the last variable), so which PSUs have base rows of positive weight, the weighted
/// count and the base's `Σ w·y²` (and, for 0/1 values, every `Σ w·y²`) are read off the
/// sums once the pass is done ([`DomainPass::finish`]); only rows left out of the base, and
/// rows of [`RowStatus::In`], flag their PSU and add to the weighted count as they come.
/// The numbers are those of [`plain_rows`], but for the sums read off the sums, which are
/// added unit by unit instead of row by row.
#[inline(never)]
fn whole_rows<F>(c: Columns<'_>, rows: std::ops::Range<usize>, row_fn: &F, pass: &mut DomainPass)
where
    F: Fn(usize, &mut [f64]) -> RowStatus,
{
    let k = pass.sum_sq.len();
    let mut buf = vec![0.0; k];
    let sums = pass.sums.as_mut_slice();
    let (in_domain, in_base) = (&mut pass.psu_in_domain, &mut pass.psu_in_base);
    let (mut n, mut n_positive, mut n_missing) = (0u64, 0u64, 0u64);
    let mut weighted = [0.0; LANES];
    let mut squares = vec![0.0; LANES * k];
    let mut kinds = LEAN;
    for row in rows {
        let w = c.weights[row];
        let positive = w > 0.0;
        let status = (*row_fn)(row, &mut buf);
        if status == RowStatus::Missing {
            n_missing += 1;
            if positive {
                in_domain[c.psus[row] as usize] = true;
            }
            continue;
        }
        n += 1;
        n_positive += u64::from(positive);
        let lane = row % LANES;
        let at = c.units[row] as usize * k;
        let sq = &mut squares[lane * k..(lane + 1) * k];
        let kind = add_lean(status, w, &mut sums[at..at + k], sq, &buf);
        kinds |= kind;
        if kind == GENERAL {
            weighted[lane] += w;
            if positive {
                let psu = c.psus[row] as usize;
                in_domain[psu] = true;
                in_base[psu] = true;
            }
        }
    }
    pass.n = n;
    pass.n_positive = n_positive;
    pass.n_missing = n_missing;
    pass.lean = kinds;
    for lane in 0..LANES {
        pass.weighted_n += weighted[lane];
        for (a, b) in pass
            .sum_sq
            .iter_mut()
            .zip(&squares[lane * k..(lane + 1) * k])
        {
            *a += b;
        }
    }
}

/// Adds a base row of weight `w` to its unit's sums `s` in a lean pass ([`whole_rows`],
/// [`shared_rows`]), and to `Σ w·y²` in `sq` where the sums cannot give it afterwards (the
/// value of a [`RowStatus::Value`] row, every value of a [`RowStatus::In`] row); the row's
/// kind ([`HOT`], [`VALUE`] or [`GENERAL`]).
#[inline(always)]
fn add_lean(status: RowStatus, w: f64, s: &mut [f64], sq: &mut [f64], buf: &[f64]) -> u8 {
    let k = s.len();
    match status {
        RowStatus::OneHot(slot) => {
            // Without a branch on whether the row has a slot: a row without one adds 0 to
            // the base first.
            let (j, v) = match slot {
                NO_SLOT => (k - 1, 0.0),
                slot => (slot as usize, w),
            };
            s[j] += v;
            s[k - 1] += w;
            HOT
        }
        RowStatus::Ones(mask) => {
            debug_assert!(k > 64 || mask >> (k - 1) & 1 == 1, "the base is a one");
            for (j, s) in s.iter_mut().enumerate() {
                *s += if mask >> j & 1 == 1 { w } else { 0.0 };
            }
            HOT
        }
        RowStatus::Value(y) => {
            debug_assert_eq!(k, 2, "RowStatus::Value is for passes of two variables");
            let v = w * y;
            s[0] += v;
            s[1] += w;
            sq[0] += v * y;
            VALUE
        }
        RowStatus::In | RowStatus::Missing => {
            for ((s, sq), &y) in s.iter_mut().zip(sq.iter_mut()).zip(buf) {
                let v = w * y;
                *s += v;
                *sq += v * y;
            }
            GENERAL
        }
    }
}

/// Copies of a pass's counters in [`run_plain_on`].
const LANES: usize = 4;

/// A pass's counters and weighted count (one lane of them).
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    n: u64,
    n_positive: u64,
    n_missing: u64,
    weighted_n: f64,
}

/// [`run_pass`] over a range of rows only, into `passes` (zero, one per domain): passes
/// over disjoint ranges merge by addition.
fn run_pass_on<F>(
    design: &Design,
    domains: &Domains,
    k: usize,
    rows: std::ops::Range<usize>,
    row_fn: &F,
    mut passes: Vec<DomainPass>,
    lean: bool,
) -> Vec<DomainPass>
where
    F: Fn(usize, &mut [f64]) -> RowStatus,
{
    if design.replicates().is_none()
        && design.calibration().is_none()
        && design.row_counts().is_none()
        && design.row_masses().is_none()
    {
        run_plain_on(design, domains, k, rows, row_fn, &mut passes, lean);
    } else {
        run_general_on(design, domains, k, rows, row_fn, &mut passes);
    }
    passes
}

/// [`run_pass_on`] for any design: replicate weights, calibration, rows of a sums table.
fn run_general_on<F>(
    design: &Design,
    domains: &Domains,
    k: usize,
    rows: std::ops::Range<usize>,
    row_fn: &F,
    passes: &mut [DomainPass],
) where
    F: Fn(usize, &mut [f64]) -> RowStatus,
{
    let weights = design.weights().as_slice();
    let units = design.variance_unit_of_row();
    let psus = design.psu_of_row();
    let mut buf = vec![0.0; k];
    let mut wbuf = vec![0.0; k];
    let calibration = design.calibration();
    let replicates = design.replicates();
    // A row of a sums table stands for several data rows.
    let counts = design.row_counts();
    let masses = design.row_masses();
    let mut lx = vec![0.0; calibration.map_or(0, |c| c.q)];
    // Raking's moment factors depend on the row's cell only: sum the values per cell and
    // apply the factors once per cell at the end.
    // (Only while the cells are few beside the rows: the sums are domains × cells × k.)
    let cells = calibration
        .and_then(|c| c.cells(design.weights()))
        .filter(|&(_, n_cells)| passes.len() * n_cells <= (rows.len() / 4).max(64));
    let mut cell_sums = vec![vec![0.0; cells.map_or(0, |(_, n)| n * k)]; passes.len()];
    for row in rows {
        let d = match &domains.codes {
            None => 0,
            Some(c) => match c.get(row) {
                MISSING_CODE => continue,
                d => d as usize,
            },
        };
        let w = weights[row];
        let p = &mut passes[d];
        if w > 0.0 {
            p.psu_in_domain[psus[row] as usize] = true;
        }
        let mut status = (*row_fn)(row, &mut buf);
        if let RowStatus::Value(y) = status {
            debug_assert_eq!(k, 2, "RowStatus::Value is for passes of two variables");
            buf[0] = y;
            buf[1] = 1.0;
            status = RowStatus::In;
        }
        let mut hot = Hot::of(status, k);
        if let Some(ones) =
            hot.take_if(|_| replicates.is_some() || (calibration.is_some() && cells.is_none()))
        {
            // The general path for what needs every value of the row.
            buf.iter_mut().for_each(|b| *b = 0.0);
            for j in ones {
                buf[j] = 1.0;
            }
            status = RowStatus::In;
        }
        let count = counts.map_or(1, |c| c[row]);
        if status == RowStatus::Missing {
            p.n_missing += count;
            continue;
        }
        p.n += count;
        if w > 0.0 {
            p.n_positive += count;
            p.psu_in_base[psus[row] as usize] = true;
        }
        p.weighted_n += w;
        if let Some(ones) = hot {
            let cell_at = match cells {
                Some((cell, _)) if w > 0.0 => Some(cell[row] as usize * k),
                _ => None,
            };
            for j in ones {
                p.sum_sq[j] += w;
                p.sums.add_one(units[row], j, w);
                if let Some(at) = cell_at {
                    cell_sums[d][at + j] += masses.map_or(1.0, |m| m[row]);
                }
            }
            continue;
        }
        for j in 0..k {
            wbuf[j] = w * buf[j];
            p.sum_sq[j] += wbuf[j] * buf[j];
        }
        p.sums.add_to_unit(units[row], &wbuf);
        if let Some(reps) = replicates {
            let rw = &reps.weights[row * reps.r..(row + 1) * reps.r];
            for (wr, tot) in rw.iter().zip(p.replicate_totals.chunks_exact_mut(k)) {
                for (t, y) in tot.iter_mut().zip(buf.iter()) {
                    *t += wr * y;
                }
            }
        }
        match (cells, calibration) {
            (Some((cell, _)), _) => {
                if w > 0.0 {
                    let at = cell[row] as usize * k;
                    let mass = masses.map_or(1.0, |m| m[row]);
                    for (s, y) in cell_sums[d][at..at + k].iter_mut().zip(&buf) {
                        *s += mass * y;
                    }
                }
            }
            (None, Some(cal)) => {
                cal.row_factors(row, w, masses.map_or(1.0, |m| m[row]), &mut lx);
                p.sums.add_calibration(&lx, &buf);
            }
            (None, None) => {}
        }
    }
    if let (Some((_, n_cells)), Some(cal)) = (cells, calibration) {
        for (p, sums) in passes.iter_mut().zip(&cell_sums) {
            for (c, values) in sums.chunks_exact(k).enumerate().take(n_cells) {
                if values.iter().any(|&v| v != 0.0) {
                    cal.cell_factors(c, &mut lx);
                    p.sums.add_calibration(&lx, values);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Column, NumericColumn};
    use crate::design::DesignOptions;

    /// The plain and lean passes give what the general one gives, for every kind of row
    /// status and rows of mixed kinds, for the whole population, domains that cut across
    /// PSUs and domains of whole PSUs: the same per-unit sums (the same additions in the
    /// same order), counts and PSU flags, and `Σ w·y²` and `Σ w` up to the order of
    /// additions.
    #[test]
    fn the_plain_pass_is_the_general_pass() {
        // Two blocks of rows on two threads.
        let n = 2 * MIN_ROWS_PER_THREAD + 2_000;
        let column = |f: &dyn Fn(usize) -> Option<f64>| {
            Column::Numeric(NumericColumn::from_options((0..n).map(f).collect()))
        };
        let data = Dataset::from_columns(vec![
            ("h".into(), column(&|i| Some((i % 3) as f64))),
            (
                "psu".into(),
                column(&|i| Some((i * 7 % 90) as f64 * 3.0 + (i % 3) as f64)),
            ),
            (
                "w".into(),
                // PSUs 45·3 + h weigh nothing at all.
                column(&|i| {
                    Some(if i % 97 == 0 || i * 7 % 90 == 45 {
                        0.0
                    } else {
                        1.0 + (i % 11) as f64
                    })
                }),
            ),
            (
                "y".into(),
                // Missing in some PSUs only (the others' flags come from their base rows),
                // and in every row of PSUs 50·3 + h (in the domain, not in the base).
                column(&|i| {
                    ((i % 13 != 5 || i * 7 % 90 >= 20) && i * 7 % 90 != 50)
                        .then_some((i * 31 % 17) as f64 - 4.5)
                }),
            ),
            (
                "by".into(),
                column(&|i| (i % 19 != 2).then_some((i * 5 % 4) as f64)),
            ),
            // The stratum in the first half of the rows, the next one in the second: whole
            // PSUs in each block apart, not in both.
            (
                "flip".into(),
                column(&|i| Some(((i % 3) + usize::from(i >= n / 2)) as f64 % 3.0)),
            ),
        ])
        .expect("columns of one length");
        let options = DesignOptions {
            weights: Some("w".into()),
            strata: Some("h".into()),
            clusters: vec!["psu".into()],
            ..Default::default()
        };
        let design = Design::new(&data, &options)
            .expect("a valid design")
            .with_threads(2);
        let y = data.numeric("y").expect("y");
        let get = |row: usize| y.get(row);
        type RowFn<'a> = &'a (dyn Fn(usize, &mut [f64]) -> RowStatus + Sync);
        let statuses: [(usize, RowFn<'_>); 4] = [
            (5, &|row, _| match get(row) {
                Some(v) if v > 8.0 => RowStatus::OneHot(NO_SLOT),
                Some(v) => RowStatus::OneHot(((v + 4.5) as u32) % 4),
                None => RowStatus::Missing,
            }),
            (4, &|row, _| match get(row) {
                Some(v) => RowStatus::Ones(((v + 4.5) as u64 % 8) | 1 << 3),
                None => RowStatus::Missing,
            }),
            (2, &|row, _| {
                get(row).map_or(RowStatus::Missing, RowStatus::Value)
            }),
            (3, &|row, buf| match get(row) {
                Some(v) => {
                    buf[0] = v;
                    buf[1] = v * v;
                    buf[2] = 1.0;
                    RowStatus::In
                }
                None => RowStatus::Missing,
            }),
        ];
        let by = Domains::by(&data, &["by"]).expect("a by column");
        // Domains of the strata: each PSU's rows are in one of them.
        let by_stratum = Domains::by(&data, &["h"]).expect("a by column");
        let mixed: RowFn<'_> = &|row, _| match get(row) {
            Some(v) if v > 3.0 => RowStatus::OneHot(0),
            Some(v) => RowStatus::Value(v),
            None => RowStatus::Missing,
        };
        let kinds = statuses.iter().copied().chain([(2, mixed)]);
        let flip = Domains::by(&data, &["flip"]).expect("a by column");
        for (domains, shared) in [
            (Domains::whole(), false),
            (by, false),
            (by_stratum, true),
            (flip, false),
        ] {
            for (k, row_fn) in kinds.clone() {
                let fresh = || -> Vec<DomainPass> {
                    (0..domains.len())
                        .map(|_| DomainPass::new(&design, k))
                        .collect()
                };
                let (mut plain, mut general) = (fresh(), fresh());
                run_plain_on(&design, &domains, k, 0..n, &row_fn, &mut plain, false);
                run_general_on(&design, &domains, k, 0..n, &row_fn, &mut general);
                let finished = |passes: Vec<DomainPass>| -> Vec<DomainPass> {
                    passes.into_iter().map(DomainPass::finish).collect()
                };
                let (plain, general) = (finished(plain), finished(general));
                // The lean passes (one table for the whole population or for domains of
                // whole PSUs), run again the plain way for rows of mixed kinds.
                let lean = run_pass_over(&design, &domains, k, 0..n, row_fn);
                let is_mixed = std::ptr::eq(row_fn, mixed);
                assert_eq!(
                    shared_pass(&design, &domains, k, &(0..n), &row_fn).is_some(),
                    shared && !is_mixed
                );
                for (p, g) in plain.iter().chain(&lean).zip(general.iter().cycle()) {
                    assert_eq!(p.sums, g.sums);
                    assert_eq!(p.totals, g.totals);
                    assert_eq!(
                        (p.n, p.n_positive, p.n_missing),
                        (g.n, g.n_positive, g.n_missing)
                    );
                    assert_eq!(p.psu_in_domain, g.psu_in_domain);
                    assert_eq!(p.psu_in_base, g.psu_in_base);
                    assert!((p.weighted_n - g.weighted_n).abs() <= 1e-12 * g.weighted_n.abs());
                    for (a, b) in p.sum_sq.iter().zip(&g.sum_sq) {
                        assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0));
                    }
                    assert!(p.n > 0 && p.n_missing > 0);
                    assert!(domains.is_by() || p.psu_in_base != p.psu_in_domain);
                    assert!(p.psu_in_domain.iter().any(|&f| !f));
                }
            }
        }
    }

    /// A pass of more variables than a row's bits hold (a frequency table of 70 levels)
    /// runs the lean way as well, with the sums of the general pass.
    #[test]
    fn a_pass_of_many_variables_is_the_general_pass() {
        let n = 3_000;
        let numbers = |f: &dyn Fn(usize) -> f64| {
            Column::Numeric(NumericColumn::from_values((0..n).map(f).collect()))
        };
        let data = Dataset::from_columns(vec![
            ("psu".into(), numbers(&|i| (i % 40) as f64)),
            ("w".into(), numbers(&|i| 1.0 + (i % 7) as f64)),
        ])
        .expect("columns of one length");
        let options = DesignOptions {
            weights: Some("w".into()),
            clusters: vec!["psu".into()],
            ..Default::default()
        };
        let design = Design::new(&data, &options).expect("a valid design");
        let k = 71;
        let row_fn = |row: usize, _: &mut [f64]| RowStatus::OneHot((row * 13 % 70) as u32);
        let whole = Domains::whole();
        let lean = run_pass_over(&design, &whole, k, 0..n, row_fn);
        let mut general = vec![DomainPass::new(&design, k)];
        run_general_on(&design, &whole, k, 0..n, &row_fn, &mut general);
        let general = general.pop().expect("one pass").finish();
        assert_eq!(lean[0].sums, general.sums);
        assert_eq!(lean[0].psu_in_base, general.psu_in_base);
        assert_eq!(lean[0].lean, LEAN | HOT);
    }
}
