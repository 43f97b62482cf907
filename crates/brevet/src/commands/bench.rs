//! `brevet bench`: single-thread throughput on the sample Open Badges 3.0 credential. Each figure
//! is measured `--runs` times (about 0.6 s each, after a warm-up); a line reads
//! `NAME MEDIAN MIN MAX RUNS` in operations per second. Lines starting with `#` are comments.
//!
//! `*.issue_per_s` is `issue::sign_credential` (model checks, context check, proof);
//! `*.verify_per_s` is `verify::verify` (every check; the status list is not supplied, so the
//! status check stops at retrieval: the list is measured by `statuslist.decode_check_per_s`,
//! which parses the entry, decodes the 131,072-entry list and reads the bit). The `part.*`
//! figures time the steps of an issue on their own, to show where the time goes.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use brevet_core::issue::sign_credential;
use brevet_core::linked_data::LinkedData;
use brevet_core::multikey::Ed25519KeyPair;
use brevet_core::proof::Cryptosuite;
use brevet_core::statuslist::{StatusEntry, check_status};
use brevet_core::verify::{NoSources, VerifyEnv, verify};

use super::{Failure, Status, WithStatus};
use crate::cli::BenchArgs;
use crate::sample::{SAMPLE_LIST_INDEX, sample_badge, sample_status_list};

const RUN_LENGTH: Duration = Duration::from_millis(600);
const CREATED: &str = "2025-07-01T10:00:00Z";

pub(crate) fn run(args: &BenchArgs) -> Result<ExitCode, Failure> {
    bench(args.runs).or_exit(Status::Unreadable)?;
    Ok(Status::Success.into())
}

fn bench(runs: u32) -> anyhow::Result<()> {
    let ld = LinkedData::shared();
    let key = Ed25519KeyPair::from_seed(&[42; 32]);
    let unsigned = sample_badge(&key.did_key())?;
    let quads = ld
        .to_rdf(&unsigned)
        .context("the sample credential to RDF")?
        .len();
    let size = serde_json::to_string(&unsigned)?.len();
    println!(
        "# brevet {} bench: single thread, {runs} run(s) of ~{} ms per figure, operations per second",
        env!("CARGO_PKG_VERSION"),
        RUN_LENGTH.as_millis()
    );
    println!("# sample: Open Badges 3.0 credential, {size} bytes of JSON, {quads} quads");
    println!("# NAME MEDIAN MIN MAX RUNS");
    let now = crate::clock::now();
    let env = VerifyEnv {
        now,
        ld,
        dids: &NoSources,
        status_lists: &NoSources,
    };
    for (prefix, suite) in [
        ("rdfc", Cryptosuite::EddsaRdfc2022),
        ("jcs", Cryptosuite::EddsaJcs2022),
    ] {
        let signed =
            sign_credential(&unsigned, &key, suite, CREATED, ld).context("signing the sample")?;
        let report = verify(&signed, &env);
        if report
            .checks
            .iter()
            .take(5)
            .any(|check| check.outcome != brevet_core::verify::Outcome::Passed)
        {
            anyhow::bail!("the signed sample does not verify: {report:?}");
        }
        measure(&format!("{prefix}.issue_per_s"), runs, || {
            sign_credential(black_box(&unsigned), &key, suite, CREATED, ld)
                .map(drop)
                .map_err(anyhow::Error::from)
        })?;
        measure(&format!("{prefix}.verify_per_s"), runs, || {
            let report = verify(black_box(&signed), &env);
            black_box(report);
            Ok(())
        })?;
    }
    // The parts of an issue, to show where the time goes.
    measure("part.model_check_per_s", runs, || {
        brevet_core::model::check_unsigned_for_issuance(black_box(&unsigned))
            .map(drop)
            .map_err(|errors| anyhow::anyhow!("{errors}"))
    })?;
    measure("part.jsonld_expand_per_s", runs, || {
        ld.expand(black_box(&unsigned))
            .map(drop)
            .map_err(anyhow::Error::from)
    })?;
    measure("part.jsonld_check_lossless_per_s", runs, || {
        ld.check_lossless(black_box(&unsigned))
            .map_err(anyhow::Error::from)
    })?;
    measure("part.jsonld_to_rdf_per_s", runs, || {
        ld.to_rdf(black_box(&unsigned))
            .map(drop)
            .map_err(anyhow::Error::from)
    })?;
    measure("part.rdfc_canonicalize_per_s", runs, || {
        ld.canonicalize(black_box(&unsigned))
            .map(drop)
            .map_err(anyhow::Error::from)
    })?;
    measure("part.ed25519_sign_per_s", runs, || {
        black_box(key.sign(black_box(&[7u8; 64])));
        Ok(())
    })?;
    let entry_json = unsigned
        .get("credentialStatus")
        .context("the sample has a status entry")?
        .clone();
    let list = sign_credential(
        &sample_status_list(&key.did_key(), &[SAMPLE_LIST_INDEX])?,
        &key,
        Cryptosuite::EddsaRdfc2022,
        CREATED,
        ld,
    )?;
    measure("statuslist.decode_check_per_s", runs, || {
        let entry = StatusEntry::parse(black_box(&entry_json))?;
        let outcome = check_status(&entry, black_box(&list))?;
        anyhow::ensure!(outcome.set, "the sample's revocation bit should be set");
        Ok(())
    })?;
    Ok(())
}

/// Runs `operation` for `runs` timed runs after a warm-up and prints the figure.
fn measure(
    name: &str,
    runs: u32,
    mut operation: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let warm_up = Instant::now();
    while warm_up.elapsed() < RUN_LENGTH / 3 {
        operation().with_context(|| format!("{name}: warm-up"))?;
    }
    let mut rates = Vec::with_capacity(runs as usize);
    for _ in 0..runs {
        let started = Instant::now();
        let mut count: u64 = 0;
        while started.elapsed() < RUN_LENGTH {
            operation().with_context(|| format!("{name}: measuring"))?;
            count += 1;
        }
        rates.push(count as f64 / started.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let median = if rates.len() % 2 == 1 {
        rates[rates.len() / 2]
    } else {
        (rates[rates.len() / 2 - 1] + rates[rates.len() / 2]) / 2.0
    };
    let (min, max) = (rates[0], rates[rates.len() - 1]);
    println!("{name} {median:.0} {min:.0} {max:.0} {runs}");
    Ok(())
}
