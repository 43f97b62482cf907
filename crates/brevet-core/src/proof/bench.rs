//! Throughput measurements of sign and verify (ignored tests; run with
//! `cargo test --release -p brevet-core proof::bench -- --ignored --nocapture`).

use std::time::Instant;

use serde_json::{Value, json};

use super::*;
use crate::multikey::Ed25519KeyPair;

/// A realistic Open Badges 3.0 credential (about 3 KB): issuer profile with image, achievement
/// with criteria, alignment and two result descriptions, two results, a status entry.
pub(super) fn sample_badge(issuer: &str) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:2c7bd1b2-6d7e-4a43-9b3b-3d8f0d5c1a77",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Advanced Data Stewardship",
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://university.example/",
            "image": {"id": "https://university.example/logo.png", "type": "Image", "caption": "Example University logo"}
        },
        "validFrom": "2024-03-01T09:00:00Z",
        "validUntil": "2029-03-01T09:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner-4711",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://university.example/achievements/data-stewardship",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": "Advanced Data Stewardship",
                "description": "Awarded for demonstrating advanced competence in research data management and stewardship.",
                "criteria": {"narrative": "Complete the four modules, submit a data management plan and pass the final assessment with at least 70%."},
                "image": {"id": "https://university.example/badges/data-stewardship.png", "type": "Image"},
                "alignment": [{
                    "type": ["Alignment"],
                    "targetName": "Data management",
                    "targetUrl": "https://esco.ec.europa.eu/en/classification/skills?uri=http://data.europa.eu/esco/skill/example",
                    "targetFramework": "ESCO",
                    "targetType": "ceasn:Competency"
                }],
                "resultDescription": [
                    {"id": "urn:uuid:f3a7c3c4-1d3b-4c1e-b0a1-7f6b8f0a1c01", "type": ["ResultDescription"], "name": "Final assessment score", "resultType": "Percent", "valueMin": "0", "valueMax": "100"},
                    {"id": "urn:uuid:f3a7c3c4-1d3b-4c1e-b0a1-7f6b8f0a1c02", "type": ["ResultDescription"], "name": "Data management plan", "resultType": "Status"}
                ]
            },
            "result": [
                {"type": ["Result"], "resultDescription": "urn:uuid:f3a7c3c4-1d3b-4c1e-b0a1-7f6b8f0a1c01", "value": "86"},
                {"type": ["Result"], "resultDescription": "urn:uuid:f3a7c3c4-1d3b-4c1e-b0a1-7f6b8f0a1c02", "status": "Completed"}
            ]
        },
        "credentialStatus": {
            "id": "https://university.example/status/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://university.example/status/3"
        }
    })
}

fn measure(label: &str, runs: usize, mut operation: impl FnMut()) {
    operation();
    let start = Instant::now();
    for _ in 0..runs {
        operation();
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!("{label}: {:.0}/s ({runs} runs)", runs as f64 / elapsed);
}

#[test]
#[ignore = "benchmark"]
fn bench_sign_and_verify() {
    let key = Ed25519KeyPair::generate();
    let unsigned = sample_badge(&key.did_key());
    println!("credential: {} bytes", unsigned.to_string().len());
    let ld = LinkedData::shared();
    for suite in [Cryptosuite::EddsaJcs2022, Cryptosuite::EddsaRdfc2022] {
        let options = ProofOptions::new(suite, key.did_key_method(), "2024-05-01T10:00:00Z");
        let secured = match sign(&unsigned, &key, &options, ld) {
            Ok(secured) => secured,
            Err(error) => {
                println!("{suite}: cannot sign: {error}");
                continue;
            }
        };
        let proof = secured["proof"].clone();
        let verifying = key.verifying_key();
        measure(&format!("{suite} sign"), 5_000, || {
            std::hint::black_box(sign(&unsigned, &key, &options, ld).ok());
        });
        measure(&format!("{suite} verify"), 5_000, || {
            std::hint::black_box(verify_proof(&secured, &proof, &verifying, ld).ok());
        });
    }
    measure("ed25519 sign only", 5_000, || {
        std::hint::black_box(
            key.sign(b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
        );
    });
}

#[test]
#[ignore = "benchmark"]
fn bench_pieces() {
    let key = Ed25519KeyPair::generate();
    let unsigned = sample_badge(&key.did_key());
    let options = ProofOptions::new(
        Cryptosuite::EddsaJcs2022,
        key.did_key_method(),
        "2024-05-01T10:00:00Z",
    );
    measure("brevet jcs of document", 5_000, || {
        std::hint::black_box(canonical_json(&unsigned).ok());
    });
    measure("create_proof (no clone)", 5_000, || {
        std::hint::black_box(create_proof(&unsigned, &key, &options, LinkedData::shared()).ok());
    });
    measure("reference jcs of document", 5_000, || {
        std::hint::black_box(serde_json_canonicalizer::to_string(&unsigned).ok());
    });
    measure("serde_json to_string", 5_000, || {
        std::hint::black_box(serde_json::to_string(&unsigned).ok());
    });
    measure("clone", 5_000, || {
        std::hint::black_box(unsigned.clone());
    });
    measure("to_config", 5_000, || {
        std::hint::black_box(options.to_config().ok());
    });
    measure("sha256 2 KB", 5_000, || {
        std::hint::black_box(sha256(&[0u8; 2048]));
    });
}

#[test]
#[ignore = "benchmark"]
fn bench_rdfc_pieces() {
    let key = Ed25519KeyPair::generate();
    let unsigned = sample_badge(&key.did_key());
    let ld = LinkedData::shared();
    let options = ProofOptions::new(
        Cryptosuite::EddsaRdfc2022,
        key.did_key_method(),
        "2024-05-01T10:00:00Z",
    );
    let mut config = options.to_config().unwrap_or_default();
    config.insert("@context".to_owned(), unsigned["@context"].clone());
    let config = Value::Object(config);
    if let Ok(canonical) = ld.canonicalize(&unsigned) {
        println!("quads: {}", canonical.nquads.lines().count());
    }
    measure("to_rdf document", 3_000, || {
        std::hint::black_box(ld.to_rdf(&unsigned).ok());
    });
    measure("canonicalize document", 3_000, || {
        std::hint::black_box(ld.canonicalize(&unsigned).ok());
    });
    measure("canonicalize config", 3_000, || {
        std::hint::black_box(ld.canonicalize(&config).ok());
    });
    measure("ed25519 sign", 3_000, || {
        std::hint::black_box(key.sign(&[0u8; 64]));
    });
}

/// A fixed workload for instruction-count profiling (`valgrind --tool=callgrind` on the release
/// test binary): `BREVET_PROFILE_OP` is one of `rdfc.issue`, `rdfc.verify`, `jcs.issue`,
/// `jcs.verify`, or a step of an issue: `jcs.hash` (canonical JSON hashed), `lossless` (the
/// data-loss check), `model` (the model checks), `rdfc.document`, `rdfc.config`;
/// `BREVET_PROFILE_RUNS` operations are made after one warm-up. With
/// `BREVET_PROFILE_BEST_OF_BATCHES_OF=n` it times instead: the best of `BREVET_PROFILE_RUNS`
/// batches of `n` operations, in µs per operation (on a shared machine the least disturbed
/// batch is the closest to the cost of the code).
#[test]
#[ignore = "profiling driver"]
fn profile_issue_and_verify() {
    use crate::datetime::DateTimeStamp;
    use crate::verify::{NoSources, VerifyEnv};

    let op = std::env::var("BREVET_PROFILE_OP").unwrap_or_else(|_| "rdfc.issue".to_owned());
    let runs: usize = std::env::var("BREVET_PROFILE_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(200);
    let key = Ed25519KeyPair::from_seed(&[42; 32]);
    let unsigned = crate::model::sample_badge(
        &key.did_key(),
        DateTimeStamp::parse("2026-01-01T00:00:00Z").unwrap(),
        "0123456789abcdef0123456789abcdef",
        "https://northbridge.example.edu/status/1",
        94567,
    )
    .to_value();
    let ld = LinkedData::shared();
    let suite = if op.starts_with("jcs") {
        Cryptosuite::EddsaJcs2022
    } else {
        Cryptosuite::EddsaRdfc2022
    };
    let created = "2026-02-01T00:00:00Z";
    let signed = crate::issue::sign_credential(&unsigned, &key, suite, created, ld).unwrap();
    let env = VerifyEnv {
        now: parse_date_time_stamp("2026-03-01T00:00:00Z").unwrap(),
        ld,
        dids: &NoSources,
        status_lists: &NoSources,
    };
    let report = crate::verify::verify(&signed, &env);
    assert!(
        report
            .checks
            .iter()
            .take(4)
            .all(|check| check.outcome == crate::verify::Outcome::Passed)
    );
    let mut config = ProofOptions::new(suite, key.did_key_method(), created)
        .to_config()
        .unwrap();
    config.insert("@context".to_owned(), unsigned["@context"].clone());
    let config_map = config.clone();
    let config = Value::Object(config);
    let run_op = || {
        if op == "jcs.hash" {
            std::hint::black_box(
                suites::hash_data(
                    &unsigned,
                    None,
                    None,
                    &config_map,
                    ProofSuite::EddsaJcs2022,
                    ld,
                )
                .ok(),
            );
        } else if op == "lossless" {
            std::hint::black_box(ld.check_lossless(&unsigned).ok());
        } else if op == "model" {
            std::hint::black_box(crate::model::check_for_issuance(&unsigned).ok());
        } else if op.ends_with("config") {
            std::hint::black_box(ld.canonicalize(&config).ok());
        } else if op.ends_with("document") {
            std::hint::black_box(ld.canonicalize(&unsigned).ok());
        } else if op.ends_with("issue") {
            std::hint::black_box(
                crate::issue::sign_credential(&unsigned, &key, suite, created, ld).ok(),
            );
        } else {
            std::hint::black_box(crate::verify::verify(&signed, &env));
        }
    };
    if let Ok(batch) = std::env::var("BREVET_PROFILE_BEST_OF_BATCHES_OF") {
        // Timing mode for a shared machine: the best of `runs` batches of `batch` operations.
        best_us(&op, batch.parse().unwrap_or(50), runs, run_op);
        return;
    }
    for _ in 0..runs {
        run_op();
    }
}

#[test]
#[ignore = "benchmark"]
fn bench_sha256_throughput() {
    let data = vec![7u8; 65536];
    let start = Instant::now();
    for _ in 0..2000 {
        std::hint::black_box(sha256(std::hint::black_box(&data)));
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!("sha256: {:.0} MB/s", 2000.0 * 65536.0 / elapsed / 1e6);
}

/// Best of `batches` batches of `per_batch` calls, in µs per call: on a shared machine the least
/// disturbed batch is the closest to the cost of the code.
fn best_us(label: &str, per_batch: u32, batches: usize, mut operation: impl FnMut()) {
    operation();
    let mut best = f64::INFINITY;
    for _ in 0..batches {
        let started = Instant::now();
        for _ in 0..per_batch {
            operation();
        }
        best = best.min(started.elapsed().as_secs_f64() * 1e6 / f64::from(per_batch));
    }
    println!("{label}: {best:.2} µs");
}

/// The steps of one eddsa-jcs-2022 issue, each timed on its own (run with
/// `cargo test --release -p brevet-core proof::bench::bench_jcs_issue_steps -- --ignored --nocapture`).
#[test]
#[ignore = "benchmark"]
fn bench_jcs_issue_steps() {
    use crate::datetime::DateTimeStamp;
    use crate::verify::{ContextPolicy, check_contexts_with};

    let key = Ed25519KeyPair::from_seed(&[42; 32]);
    let unsigned = crate::model::sample_badge(
        &key.did_key(),
        DateTimeStamp::parse("2026-01-01T00:00:00Z").unwrap(),
        "0123456789abcdef0123456789abcdef",
        "https://northbridge.example.edu/status/1",
        94567,
    )
    .to_value();
    let ld = LinkedData::shared();
    let created = "2026-02-01T00:00:00Z";
    let suite = Cryptosuite::EddsaJcs2022;
    let options = ProofOptions::new(suite, key.did_key_method(), created);
    let mut config = options.to_config().unwrap();
    config.insert("@context".to_owned(), unsigned["@context"].clone());
    let batch = 2_000;
    best_us("issue (sign_credential)", batch, 25, || {
        std::hint::black_box(
            crate::issue::sign_credential(&unsigned, &key, suite, created, ld).ok(),
        );
    });
    best_us("  model check", batch, 25, || {
        std::hint::black_box(crate::model::check_for_issuance(&unsigned).ok());
    });
    best_us("  context check", batch, 25, || {
        std::hint::black_box(check_contexts_with(&unsigned, ld, ContextPolicy::AllowInline).ok());
    });
    best_us("  data-loss check", batch, 25, || {
        std::hint::black_box(ld.check_lossless(&unsigned).ok());
    });
    best_us("  (full expansion, for comparison)", batch, 25, || {
        std::hint::black_box(ld.expand(&unsigned).ok());
    });
    best_us("  proof options", batch, 25, || {
        std::hint::black_box(options.to_config().ok());
    });
    best_us("  canonical JSON hashed", batch, 25, || {
        std::hint::black_box(
            suites::hash_data(&unsigned, None, None, &config, ProofSuite::EddsaJcs2022, ld).ok(),
        );
    });
    best_us("  ed25519 sign", batch, 25, || {
        std::hint::black_box(key.sign(&[7; 64]));
    });
    best_us("  proof value encoding", batch, 25, || {
        std::hint::black_box(encode_proof_value(&[7; 64]));
    });
    best_us("  clone + drop of the document", batch, 25, || {
        std::hint::black_box(unsigned.clone());
    });
    let (mut best_clone, mut best_drop) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..25 {
        let started = Instant::now();
        let clones: Vec<Value> = (0..batch).map(|_| unsigned.clone()).collect();
        best_clone = best_clone.min(started.elapsed().as_secs_f64() * 1e6 / f64::from(batch));
        let started = Instant::now();
        drop(std::hint::black_box(clones));
        best_drop = best_drop.min(started.elapsed().as_secs_f64() * 1e6 / f64::from(batch));
    }
    println!("  clone alone: {best_clone:.2} µs, drop alone: {best_drop:.2} µs");
}
