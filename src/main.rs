// mimalloc: parsing allocates many short strings on several threads at once, where glibc's
// malloc spent ~8% of the full-corpus ingest's CPU in its own bookkeeping.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    keep_freed_memory();
    std::process::exit(cable_archive::cli::main());
}

// mimalloc's C API (linked in with the allocator).
extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t` (the 16th, after
/// `mi_option_deprecated_eager_commit_delay`; the crate does not name it).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Memory freed stays with the process instead of going back to the system a second later.
/// An ingest frees and allocates the same few hundred megabytes over and over (SQLite's
/// page cache and sorter, chunks of parsed cables); given back, every page of them had to
/// be faulted in and zeroed by the kernel again: a full-corpus ingest took 87,925 minor page
/// faults, and takes 520 (peak RSS 344 -> 371 MB). Alternated runs: 23.4, 23.8, 23.9 s against
/// 25.8, 24.6, 24.1 s.
fn keep_freed_memory() {
    // SAFETY: a plain setter, called before any other thread exists.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_is_the_purge_delay() {
        // Its documented default (1000 ms in mimalloc v3) identifies the option by its
        // number, unless the environment set it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, 1000);
        }
        keep_freed_memory();
        assert_eq!(unsafe { mi_option_get(MI_OPTION_PURGE_DELAY) }, -1);
    }
}
