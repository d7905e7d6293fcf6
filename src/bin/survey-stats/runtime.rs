//! Process-level settings for programs that analyse large data: the `survey-stats` command
//! line (and the scale benchmark, which includes this file) call this first. It belongs to
//! the programs, not the library: a library must not change its host's allocator.

/// Asks the allocator to keep memory that large allocations free inside the process, for
/// reuse; returns whether the setting took.
///
/// glibc's allocator hands blocks above its mmap threshold (at most 32 MB) back to the
/// kernel when they are freed, so each large column an analysis step allocates after
/// another step freed one is faulted in again page by page (about 0.4 ms per MB on the
/// machines we measure, more than the pass that fills it). This raises the mmap and trim
/// thresholds so that freed blocks stay in the heap. It covers the main allocation arena
/// (blocks freed by worker threads' arenas may still be returned), and a fragmented heap
/// can hold somewhat more than the live data. Call it at the start of `main`; it does
/// nothing (and returns `false`) where the allocator is not glibc's.
///
pub fn keep_freed_memory() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        const M_TRIM_THRESHOLD: i32 = -1;
        const M_MMAP_THRESHOLD: i32 = -3;
        // SAFETY: mallopt only sets allocator parameters, which glibc reads under its own
        // lock; an out-of-range value is rejected (return 0), never undefined behaviour.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, i32::MAX) == 1 && mallopt(M_TRIM_THRESHOLD, i32::MAX) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
