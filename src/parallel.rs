//! Contiguous blocks of rows on the machine's cores: the one way this crate uses more than
//! one core. Results come back in block order, so a given number of blocks always gives the
//! same numbers; the first block runs on the calling thread, the others on threads the
//! crate keeps between calls (a rayon pool of its own, not the global one). A thread spawned
//! per call was often queued on its parent's core and started only once the parent had
//! finished its own block (measured on a 2-core machine: a median of 1.3 ms late, for
//! passes of 2 to 10 ms); a kept thread, woken, starts within microseconds.
//!
//! The pool is the crate's own so that a program's rayon tasks cannot occupy it: were they
//! all waiting for something this crate computes (the same column's factor, asked for from
//! a `par_iter`), blocks queued on a shared pool would never run. For the same reason no
//! caller holds a lock while it waits for blocks (see `Cache::get_or_make`).

use std::ops::Range;

/// The machine's cores (1 when unknown).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How many blocks `n` rows make on `threads` threads with at least `min_rows` per block.
pub(crate) fn blocks(n: usize, threads: usize, min_rows: usize) -> usize {
    threads.min(n / min_rows.max(1)).max(1)
}

/// `f` of each block of `0..n` (at most `threads` blocks of at least `min_rows` rows).
/// Memory a block fills is best made inside `f`, on the thread that fills it: it is then
/// zeroed in parallel and sits in that core's cache.
pub(crate) fn map_blocks<R: Send>(
    n: usize,
    threads: usize,
    min_rows: usize,
    f: impl Fn(Range<usize>) -> R + Sync,
) -> Vec<R> {
    let count = blocks(n, threads, min_rows);
    if count == 1 {
        return vec![f(0..n)];
    }
    let size = n.div_ceil(count);
    let f = &f;
    in_order((0..count).map(|b| move || f(b * size..((b + 1) * size).min(n))))
}

/// The crate's kept threads, started on first use; `None` when threads cannot be started
/// (every job then runs on the calling thread).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores())
            .thread_name(|i| format!("survey-stats-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs the jobs, the first on the calling thread and the others on the kept threads;
/// their results in job order.
pub(crate) fn in_order<R: Send, J: FnOnce() -> R + Send>(jobs: impl Iterator<Item = J>) -> Vec<R> {
    let jobs: Vec<J> = jobs.collect();
    let Some(pool) = pool().filter(|_| jobs.len() > 1) else {
        return jobs.into_iter().map(|job| job()).collect();
    };
    let mut out: Vec<Option<R>> = std::iter::repeat_with(|| None).take(jobs.len()).collect();
    pool.in_place_scope(|scope| {
        let mut jobs = out.iter_mut().zip(jobs);
        let first = jobs.next();
        for (slot, job) in jobs {
            scope.spawn(move |_| *slot = Some(job()));
        }
        if let Some((slot, job)) = first {
            *slot = Some(job());
        }
    });
    // A job that panicked took the scope down with it: every slot is filled here.
    out.into_iter().flatten().collect()
}

/// `f(start, chunk)` of each block of `data` (as [`map_blocks`]), `start` being the
/// block's first index.
pub(crate) fn map_chunks<T: Send, R: Send>(
    data: &mut [T],
    threads: usize,
    min_rows: usize,
    f: impl Fn(usize, &mut [T]) -> R + Sync,
) -> Vec<R> {
    let n = data.len();
    let count = blocks(n, threads, min_rows);
    if count == 1 {
        return vec![f(0, data)];
    }
    let size = n.div_ceil(count);
    let f = &f;
    in_order(
        data.chunks_mut(size)
            .enumerate()
            .map(|(b, chunk)| move || f(b * size, chunk)),
    )
}

/// Per-block vectors added element by element, in block order (the first block's vector
/// becomes the total): how partial sums of blocks of rows merge.
pub(crate) fn sum_blocks(parts: Vec<Vec<f64>>) -> Vec<f64> {
    let mut parts = parts.into_iter();
    let mut total = parts.next().unwrap_or_default();
    for part in parts {
        for (a, b) in total.iter_mut().zip(part) {
            *a += b;
        }
    }
    total
}
