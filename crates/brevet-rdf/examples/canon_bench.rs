//! Micro-benchmark: microseconds per RDFC-1.0 canonicalization of an Open Badges-like credential
//! (about 70 quads, 10 blank nodes), in on-CPU time of the best batch. Run with
//! `cargo run --release -p brevet-rdf --example canon_bench [iterations]`.

use std::hint::black_box;
use std::time::Instant;

use brevet_rdf::{CanonOptions, Quad, canonicalize, canonicalize_into, parse_nquads};

const CREDENTIAL: &str = r#"
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/2018/credentials#VerifiableCredential> .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential> .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#issuer> <https://example.edu/issuers/565049> .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#validFrom> "2024-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#validUntil> "2030-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://schema.org/name> "Example Course Completion" .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://schema.org/description> "Awarded for completing the example course with distinction." .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#credentialSubject> _:subject .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#credentialStatus> <https://example.edu/status/1#94567> .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#credentialSchema> <https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json> .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#evidence> _:evidence .
<urn:uuid:3b2c5a1e-0f4d-4a8e-9c1b-7d6e5f4a3b2c> <https://www.w3.org/2018/credentials#termsOfUse> _:terms .
<https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/vc/json-schema#JsonSchema> .
<https://example.edu/issuers/565049> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Profile> .
<https://example.edu/issuers/565049> <https://schema.org/name> "Example University" .
<https://example.edu/issuers/565049> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#url> <https://example.edu> .
<https://example.edu/issuers/565049> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#email> "badges@example.edu" .
<https://example.edu/issuers/565049> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#image> <https://example.edu/logo.png> .
<https://example.edu/logo.png> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Image> .
<https://example.edu/status/1#94567> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://www.w3.org/ns/credentials/status#BitstringStatusListEntry> .
<https://example.edu/status/1#94567> <https://www.w3.org/ns/credentials/status#statusPurpose> "revocation" .
<https://example.edu/status/1#94567> <https://www.w3.org/ns/credentials/status#statusListIndex> "94567" .
<https://example.edu/status/1#94567> <https://www.w3.org/ns/credentials/status#statusListCredential> <https://example.edu/status/1> .
_:subject <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject> .
_:subject <https://purl.imsglobal.org/spec/vc/ob/vocab.html#identifier> _:identity .
_:subject <https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement> <https://example.edu/achievements/course-101> .
_:subject <https://purl.imsglobal.org/spec/vc/ob/vocab.html#result> _:result1 .
_:subject <https://purl.imsglobal.org/spec/vc/ob/vocab.html#result> _:result2 .
_:subject <https://purl.imsglobal.org/spec/vc/ob/vocab.html#activityEndDate> "2023-12-15T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
_:identity <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#IdentityObject> .
_:identity <https://purl.imsglobal.org/spec/vc/ob/vocab.html#hashed> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
_:identity <https://purl.imsglobal.org/spec/vc/ob/vocab.html#identityHash> "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5" .
_:identity <https://purl.imsglobal.org/spec/vc/ob/vocab.html#identityType> "emailAddress" .
_:identity <https://purl.imsglobal.org/spec/vc/ob/vocab.html#salt> "not-so-salty" .
<https://example.edu/achievements/course-101> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement> .
<https://example.edu/achievements/course-101> <https://schema.org/name> "Course 101" .
<https://example.edu/achievements/course-101> <https://schema.org/description> "An introductory course with a \"quoted\" title\nand two lines." .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#criteria> _:criteria .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#image> _:image .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#alignment> _:alignment1 .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#alignment> _:alignment2 .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#resultDescription> <urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c> .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#resultDescription> <urn:uuid:a3b1e7c2-5d4f-4e6a-8b9c-0d1e2f3a4b5c> .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievementType> "Course" .
<https://example.edu/achievements/course-101> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#creator> <https://example.edu/issuers/565049> .
_:criteria <https://purl.imsglobal.org/spec/vc/ob/vocab.html#narrative> "Complete all modules and pass the final exam with a grade of B or better." .
_:image <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Image> .
_:image <https://purl.imsglobal.org/spec/vc/ob/vocab.html#caption> "Course 101 badge" .
_:alignment1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Alignment> .
_:alignment1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetName> "Framework A, item 1" .
_:alignment1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetUrl> <https://example.org/frameworks/a/1> .
_:alignment1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetType> "CFItem" .
_:alignment2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Alignment> .
_:alignment2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetName> "Framework B, item 7" .
_:alignment2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetUrl> <https://example.org/frameworks/b/7> .
_:alignment2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#targetType> "CFItem" .
<urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#ResultDescription> .
<urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c> <https://schema.org/name> "Final grade" .
<urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#resultType> "LetterGrade" .
<urn:uuid:a3b1e7c2-5d4f-4e6a-8b9c-0d1e2f3a4b5c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#ResultDescription> .
<urn:uuid:a3b1e7c2-5d4f-4e6a-8b9c-0d1e2f3a4b5c> <https://schema.org/name> "Hours of study" .
<urn:uuid:a3b1e7c2-5d4f-4e6a-8b9c-0d1e2f3a4b5c> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#resultType> "ext:Hours" .
_:result1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Result> .
_:result1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#resultDescription> <urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c> .
_:result1 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#value> "A" .
_:result2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Result> .
_:result2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#resultDescription> <urn:uuid:a3b1e7c2-5d4f-4e6a-8b9c-0d1e2f3a4b5c> .
_:result2 <https://purl.imsglobal.org/spec/vc/ob/vocab.html#value> "40" .
_:evidence <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Evidence> .
_:evidence <https://schema.org/name> "Final project" .
_:terms <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://example.org/TrustFrameworkPolicy> .
"#;

/// Two results that look alike at first degree, so Hash N-Degree Quads runs.
const SYMMETRIC_EXTRA: &str = r#"
_:subject <https://purl.imsglobal.org/spec/vc/ob/vocab.html#result> _:twin1 .
_:subject <https://purl.imsglobal.org/spec/vc/ob/vocab.html#result> _:twin2 .
_:twin1 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Result> .
_:twin2 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://purl.imsglobal.org/spec/vc/ob/vocab.html#Result> .
"#;

/// Nanoseconds this thread has spent on a CPU (Linux `schedstat`), if available: unlike wall
/// time, it does not count the time the process waited for a core on a busy machine.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Best average over `BATCHES` batches, in µs per call (the minimum filters out interference),
/// measured in on-CPU time when the platform reports it, else in wall time.
fn best_of_batches(iterations: u32, mut run: impl FnMut()) -> f64 {
    const BATCHES: u32 = 20;
    let per_batch = (iterations / BATCHES).max(1);
    let mut best = f64::INFINITY;
    for _ in 0..BATCHES {
        let cpu_before = thread_cpu_ns();
        let started = Instant::now();
        for _ in 0..per_batch {
            run();
        }
        let wall_ns = started.elapsed().as_nanos() as f64;
        let elapsed_ns = match (cpu_before, thread_cpu_ns()) {
            (Some(before), Some(after)) => (after - before) as f64,
            _ => wall_ns,
        };
        best = best.min(elapsed_ns / 1e3 / f64::from(per_batch));
    }
    best
}

fn measure(name: &str, quads: &[Quad], iterations: u32) -> Result<(), Box<dyn std::error::Error>> {
    let options = CanonOptions::default();
    let canonical = canonicalize(quads, &options)?;
    let bnodes = canonical.issued.len();
    let with_map = best_of_batches(iterations, || {
        black_box(canonicalize(black_box(quads), &options).ok());
    });
    let mut out = String::new();
    let into = best_of_batches(iterations, || {
        out.clear();
        black_box(canonicalize_into(black_box(quads), &options, &mut out).ok());
    });
    println!(
        "{name}: {} quads, {bnodes} blank nodes: canonicalize {with_map:.2} µs, canonicalize_into {into:.2} µs \
         ({:.0} canonicalizations/s)",
        quads.len(),
        1e6 / into
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let iterations: u32 = std::env::args()
        .nth(1)
        .map(|arg| arg.parse())
        .transpose()?
        .unwrap_or(20_000);
    let credential = parse_nquads(CREDENTIAL)?;
    measure("credential", &credential, iterations)?;
    // JSON-LD toRdf emits quads ordered by graph, subject and predicate.
    let mut ordered = credential.clone();
    ordered.sort_by(|a, b| {
        (&a.graph, &a.subject, &a.predicate).cmp(&(&b.graph, &b.subject, &b.predicate))
    });
    measure("credential, toRdf order", &ordered, iterations)?;
    let symmetric = parse_nquads(&format!("{CREDENTIAL}{SYMMETRIC_EXTRA}"))?;
    measure("credential + 2 look-alike nodes", &symmetric, iterations)?;
    Ok(())
}
