//! Expansion speed with the pinned credential contexts (run with
//! `cargo test --release -p brevet-jsonld --test perf -- --ignored --nocapture`).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use brevet_jsonld::{Options, Processor};
use common::{PinnedFiles, small_credential};
use serde_json::Value;

/// CPU time of this thread in ns (Linux schedstat), immune to other processes' load.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn measure(processor: &Processor, name: &str, document: &Value, options: &Options) {
    measure_step(name, "expand", document, &|| {
        processor
            .expand(std::hint::black_box(document), options)
            .map(drop)
    });
    measure_step(name, "expand+toRdf", document, &|| {
        processor
            .to_rdf(std::hint::black_box(document), options)
            .map(drop)
    });
}

fn measure_step(
    name: &str,
    step: &str,
    document: &Value,
    run: &dyn Fn() -> Result<(), brevet_jsonld::JsonLdError>,
) {
    run().unwrap_or_else(|error| panic!("{name}: {error}"));
    let env_number = |name: &str, default: u32| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let batch = env_number("BREVET_PERF_BATCH", 1_000);
    let mut per_batch: Vec<f64> = (0..env_number("BREVET_PERF_BATCHES", 20))
        .map(|_| {
            let (wall, cpu) = (Instant::now(), thread_cpu_ns());
            for _ in 0..batch {
                run().expect("run");
            }
            let elapsed_ns = match (cpu, thread_cpu_ns()) {
                (Some(before), Some(after)) => (after - before) as f64,
                _ => wall.elapsed().as_secs_f64() * 1e9,
            };
            elapsed_ns / 1e3 / f64::from(batch)
        })
        .collect();
    per_batch.sort_by(f64::total_cmp);
    let (best, median) = (per_batch[0], per_batch[per_batch.len() / 2]);
    println!(
        "{name}: {step}: {} bytes, {best:.2} µs CPU per run (best batch), {median:.2} µs (median)",
        document.to_string().len()
    );
}

#[test]
#[ignore = "timing; run in release mode"]
fn expansion_speed() {
    let processor = Processor::new(Arc::new(PinnedFiles::new()));
    let options = Options {
        safe_mode: true,
        ..Options::default()
    };
    measure(
        &processor,
        "small OB 3.0 credential (safe mode)",
        &small_credential(),
        &options,
    );
    let full_ex: PathBuf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/ob30/full_ex.json");
    if std::env::var_os("BREVET_PERF_SMALL_ONLY").is_some() {
        println!("BREVET_PERF_SMALL_ONLY set: ob30/full_ex.json skipped");
    } else if let Ok(text) = std::fs::read_to_string(&full_ex) {
        let document: Value = serde_json::from_str(&text).expect("json");
        measure(
            &processor,
            "ob30/full_ex.json (safe mode)",
            &document,
            &options,
        );
    } else {
        println!("ob30/full_ex.json not found, skipped");
    }
}
