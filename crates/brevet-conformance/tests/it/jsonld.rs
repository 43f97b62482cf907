//! The W3C JSON-LD 1.1 suites: `toRdf-manifest.jsonld` through `Processor::to_rdf` (the path that
//! signs and verifies) and `expand-manifest.jsonld` through `Processor::expand`.
//!
//! Test documents live under `https://w3c.github.io/json-ld-api/tests/`; the loader here maps that
//! prefix, and only that, onto the vectors' `json-ld/` folder. Every manifest entry runs unless a
//! stated feature rule excludes it (printed by `Tally::finish`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use brevet_conformance::{Tally, vectors_dir};
use brevet_jsonld::{
    DocumentLoader, LoadError, Options, ProcessingMode, Processor, RdfDirection, RemoteDocument,
};
use brevet_rdf::{CanonOptions, Quad, canonicalize, parse_nquads, serialize_nquads};
use serde_json::{Map, Value};

const TEST_BASE: &str = "https://w3c.github.io/json-ld-api/tests/";

/// Serves `TEST_BASE` + path from the `json-ld/` folder; every other URL fails to load.
struct SuiteLoader {
    root: PathBuf,
}

impl SuiteLoader {
    fn path_of(&self, url: &str) -> Option<PathBuf> {
        let relative = url.strip_prefix(TEST_BASE)?;
        let relative = relative.split(['#', '?']).next()?;
        let path = Path::new(relative);
        // Only plain descending paths: no `..`, no absolute paths.
        path.components()
            .all(|c| matches!(c, Component::Normal(_)))
            .then(|| self.root.join(path))
    }
}

impl DocumentLoader for SuiteLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        let fail = |reason: String| LoadError {
            url: url.to_owned(),
            reason,
        };
        let path = self
            .path_of(url)
            .ok_or_else(|| fail("outside the JSON-LD test suite".into()))?;
        let text = std::fs::read_to_string(&path).map_err(|e| fail(e.to_string()))?;
        let document = serde_json::from_str(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
        Ok(RemoteDocument {
            document_url: url.to_owned(),
            document: Arc::new(document),
            context_url: None,
        })
    }
}

/// One manifest entry.
struct Case {
    id: String,
    name: String,
    types: Vec<String>,
    input: String,
    expect: Option<String>,
    expect_error: Option<String>,
    option: Map<String, Value>,
}

impl Case {
    fn parse(entry: &Value) -> Case {
        let text = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
        let types = match entry.get("@type") {
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(single)) => vec![single.clone()],
            _ => Vec::new(),
        };
        Case {
            id: text("@id").unwrap_or_default(),
            name: text("name").unwrap_or_default(),
            types,
            input: text("input").unwrap_or_default(),
            expect: text("expect"),
            expect_error: text("expectErrorCode"),
            option: entry
                .get("option")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        }
    }

    fn label(&self) -> String {
        format!("{} {}", self.id, self.name)
    }

    fn has_type(&self, suffix: &str) -> bool {
        self.types.iter().any(|t| t.ends_with(suffix))
    }

    fn option_str(&self, key: &str) -> Option<&str> {
        self.option.get(key).and_then(Value::as_str)
    }

    /// The feature rule that keeps this case out, if any.
    fn exclusion(&self) -> Option<&'static str> {
        if self.option_str("specVersion") == Some("json-ld-1.0") {
            return Some("specVersion json-ld-1.0: the test targets JSON-LD 1.0 processors only");
        }
        if ["contentType", "httpLink", "httpStatus", "redirectTo"]
            .iter()
            .any(|k| self.option.contains_key(*k))
        {
            return Some(
                "remote document: needs HTTP headers, status codes or content negotiation",
            );
        }
        if !(self.input.ends_with(".jsonld") || self.input.ends_with(".json")) {
            return Some("non-JSON input (JSON-LD embedded in HTML is not supported)");
        }
        None
    }

    fn options(&self) -> Result<Options, String> {
        let mut options = Options {
            base: Some(
                self.option_str("base")
                    .map_or_else(|| format!("{TEST_BASE}{}", self.input), str::to_owned),
            ),
            ..Options::default()
        };
        if let Some(mode) = self.option_str("processingMode") {
            options.processing_mode = match mode {
                "json-ld-1.0" => ProcessingMode::JsonLd10,
                "json-ld-1.1" => ProcessingMode::JsonLd11,
                other => return Err(format!("unknown processingMode {other}")),
            };
        }
        if let Some(context) = self.option_str("expandContext") {
            // An IRI relative to the manifest, which sits at the test base.
            options.expand_context = Some(Value::String(format!("{TEST_BASE}{context}")));
        }
        if let Some(direction) = self.option_str("rdfDirection") {
            options.rdf_direction = Some(match direction {
                "i18n-datatype" => RdfDirection::I18nDatatype,
                "compound-literal" => RdfDirection::CompoundLiteral,
                other => return Err(format!("unknown rdfDirection {other}")),
            });
        }
        options.produce_generalized_rdf = self
            .option
            .get("produceGeneralizedRdf")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        Ok(options)
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a case's check concluded: `Ok` passes, `Err` carries the failure reason.
type Outcome = Result<(), String>;

/// Reads a manifest and runs `check` on every case a feature rule does not exclude.
fn run_manifest(suite: &str, manifest: &str, check: impl Fn(&Case, &Processor, &Path) -> Outcome) {
    let Some(vectors) = vectors_dir() else { return };
    let root = vectors.join("json-ld");
    let manifest = read_json(&root.join(manifest));
    let entries = manifest
        .get("sequence")
        .and_then(Value::as_array)
        .expect("manifest has a sequence");
    let mut tally = Tally::new(suite);
    for entry in entries {
        let case = Case::parse(entry);
        if let Some(rule) = case.exclusion() {
            tally.exclude(&case.label(), rule);
            continue;
        }
        let processor = Processor::new(Arc::new(SuiteLoader { root: root.clone() }));
        let outcome = catch_unwind(AssertUnwindSafe(|| check(&case, &processor, &root)))
            .unwrap_or_else(|panic| Err(format!("panicked: {}", panic_message(&*panic))));
        match outcome {
            Ok(()) => tally.pass(),
            Err(reason) => tally.fail(format!("{}: {reason}", case.label())),
        }
    }
    tally.finish();
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Checks the outcome of a negative or syntax test; `None` when the case is a positive evaluation.
fn check_expected_failure<T>(
    case: &Case,
    result: &Result<T, brevet_jsonld::JsonLdError>,
) -> Option<Outcome> {
    if case.has_type("NegativeEvaluationTest") {
        let expected = case.expect_error.as_deref().unwrap_or("");
        return Some(match result {
            Err(error) if error.code.0 == expected => Ok(()),
            Err(error) => Err(format!("expected error `{expected}`, got `{error}`")),
            Ok(_) => Err(format!("expected error `{expected}`, got success")),
        });
    }
    if case.has_type("PositiveSyntaxTest") {
        return Some(
            result
                .as_ref()
                .map(|_| ())
                .map_err(|error| format!("expected success, got `{error}`")),
        );
    }
    None
}

fn canonical(quads: &[Quad]) -> Result<String, String> {
    let options = CanonOptions {
        max_work: 1_000_000,
        ..CanonOptions::default()
    };
    canonicalize(quads, &options)
        .map(|c| c.nquads)
        .map_err(|e| e.to_string())
}

fn check_to_rdf(case: &Case, processor: &Processor, root: &Path) -> Outcome {
    let document = read_json(&root.join(&case.input));
    let options = case.options()?;
    let result = processor.to_rdf(&document, &options);
    if let Some(outcome) = check_expected_failure(case, &result) {
        return outcome;
    }
    let quads = result.map_err(|error| format!("unexpected error `{error}`"))?;
    // The output must be a valid dataset: it survives a strict N-Quads round trip (generalized
    // RDF, with blank node predicates, is by definition not one).
    if !options.produce_generalized_rdf {
        let written = serialize_nquads(&quads);
        match parse_nquads(&written) {
            Ok(reparsed) if reparsed == quads => {}
            Ok(_) => {
                return Err(format!(
                    "output does not round-trip through N-Quads:\n{written}"
                ));
            }
            Err(error) => {
                return Err(format!("output is not valid N-Quads ({error}):\n{written}"));
            }
        }
    }
    let expect = case
        .expect
        .as_deref()
        .ok_or("positive test without expect")?;
    let expected_text = std::fs::read_to_string(root.join(expect)).map_err(|e| e.to_string())?;
    let expected =
        parse_nquads(&expected_text).map_err(|e| format!("expected output unreadable: {e}"))?;
    let (got, want) = (canonical(&quads)?, canonical(&expected)?);
    if got == want {
        return Ok(());
    }
    let missing: Vec<&str> = want
        .lines()
        .filter(|l| !got.lines().any(|g| g == *l))
        .collect();
    let extra: Vec<&str> = got
        .lines()
        .filter(|l| !want.lines().any(|w| w == *l))
        .collect();
    Err(format!(
        "dataset differs (canonical forms): {} expected quads, {} produced\n  missing: {missing:?}\n  extra: {extra:?}",
        want.lines().count(),
        got.lines().count()
    ))
}

fn check_expand(case: &Case, processor: &Processor, root: &Path) -> Outcome {
    let document = read_json(&root.join(&case.input));
    let result = processor.expand(&document, &case.options()?);
    if let Some(outcome) = check_expected_failure(case, &result) {
        return outcome;
    }
    let expanded = result.map_err(|error| format!("unexpected error `{error}`"))?;
    let expect = case
        .expect
        .as_deref()
        .ok_or("positive test without expect")?;
    let expected = read_json(&root.join(expect));
    if jsonld_equal(&expanded, &expected, Order::Unordered) {
        return Ok(());
    }
    Err(format!(
        "expanded form differs\n  got:      {expanded}\n  expected: {expected}"
    ))
}

/// How arrays compare in JSON-LD object comparison.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Order {
    /// Arrays are sets (multisets).
    Unordered,
    /// This array is a `@list`: ordered, its members compared as usual.
    List,
    /// Inside `@value` (JSON literals): plain JSON equality.
    Exact,
}

/// JSON-LD object comparison: arrays are unordered except `@list` values and JSON literals;
/// numbers compare by value.
fn jsonld_equal(a: &Value, b: &Value, order: Order) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            let inner = if order == Order::Exact {
                Order::Exact
            } else {
                Order::Unordered
            };
            if order != Order::Unordered {
                return x.iter().zip(y).all(|(x, y)| jsonld_equal(x, y, inner));
            }
            let mut used = vec![false; y.len()];
            x.iter().all(|x| {
                let found = y
                    .iter()
                    .enumerate()
                    .find(|(i, y)| !used[*i] && jsonld_equal(x, y, inner));
                found.map(|(i, _)| used[i] = true).is_some()
            })
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(key, xv)| {
                    let inner = match (order, key.as_str()) {
                        (Order::Exact, _) | (_, "@value") => Order::Exact,
                        (_, "@list") => Order::List,
                        _ => Order::Unordered,
                    };
                    y.get(key).is_some_and(|yv| jsonld_equal(xv, yv, inner))
                })
        }
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[test]
fn jsonld_to_rdf_manifest() {
    run_manifest("jsonld-toRdf", "toRdf-manifest.jsonld", check_to_rdf);
}

#[test]
fn jsonld_expand_manifest() {
    run_manifest("jsonld-expand", "expand-manifest.jsonld", check_expand);
}

#[test]
fn jsonld_object_comparison_rules() {
    let v = |text: &str| serde_json::from_str::<Value>(text).unwrap();
    assert!(jsonld_equal(
        &v("[1, 2, {\"a\": [3, 4]}]"),
        &v("[{\"a\": [4, 3]}, 2, 1.0]"),
        Order::Unordered
    ));
    assert!(!jsonld_equal(
        &v("[{\"@list\": [1, 2]}]"),
        &v("[{\"@list\": [2, 1]}]"),
        Order::Unordered
    ));
    assert!(!jsonld_equal(
        &v("{\"@value\": [1, 2]}"),
        &v("{\"@value\": [2, 1]}"),
        Order::Unordered
    ));
    assert!(!jsonld_equal(
        &v("[1, 1, 2]"),
        &v("[1, 2, 2]"),
        Order::Unordered
    ));
    assert!(!jsonld_equal(
        &v("{\"a\": 1}"),
        &v("{\"a\": 1, \"b\": 2}"),
        Order::Unordered
    ));
}

#[test]
fn suite_loader_serves_only_the_test_prefix() {
    let loader = SuiteLoader {
        root: PathBuf::from("/nonexistent"),
    };
    assert!(
        loader
            .path_of("https://w3c.github.io/json-ld-api/tests/expand/0001-in.jsonld")
            .is_some()
    );
    assert!(
        loader
            .path_of("https://w3c.github.io/json-ld-api/tests/../secret")
            .is_none()
    );
    assert!(
        loader
            .path_of("https://example.org/context.jsonld")
            .is_none()
    );
    assert!(
        loader
            .path_of("https://w3c.github.io/json-ld-api/tests//etc/passwd")
            .is_none()
    );
}
