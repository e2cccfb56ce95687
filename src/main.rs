// mimalloc: parsing allocates many short strings on several threads at once, where glibc's
// malloc spent ~8% of the full-corpus ingest's CPU in its own bookkeeping.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cable_archive::cli::main());
}
