//! The parser alone, on one core: decoded sources in memory → `Cable`s. Reports MB/s of
//! telegram text, with the binary's allocator (mimalloc). Uses the dev corpus CSV when `../shared/corpus` exists, else the examples.
//!
//! `cargo bench --bench parse`

use cable_archive::decode::{CsvSources, Dialect};
use cable_archive::model::Source;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

// The allocator the binary runs the parser with (src/main.rs): glibc malloc's bookkeeping is a
// tenth of the parser's time on its own, which `ingest` never pays.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/cables.csv");
    let path = if corpus.exists() {
        corpus
    } else {
        eprintln!("NOTICE: ../shared/corpus not found; benchmarking examples/cables.csv");
        root.join("examples/cables.csv")
    };
    let file = std::fs::File::open(&path).unwrap();
    CsvSources::new(file, &path, Dialect::Backslash)
        .map(|s| s.unwrap())
        .collect()
}

fn parse_throughput(c: &mut Criterion) {
    let sources = sources();
    let bytes: usize = sources
        .iter()
        .map(|s| s.body.len() + s.header.as_ref().map_or(0, String::len))
        .sum();
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function(format!("{} cables", sources.len()), |b| {
        b.iter_batched(
            || sources.clone(),
            |batch| {
                for s in batch {
                    std::hint::black_box(cable_archive::parse::parse(s).unwrap());
                }
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, parse_throughput);
criterion_main!(benches);
