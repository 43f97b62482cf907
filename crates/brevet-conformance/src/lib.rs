//! Shared harness for the conformance suites: finding `BREVET_VECTORS`, reading manifests and
//! reporting `N passed, N failed` per suite.

use std::path::PathBuf;

/// Where the vectors are: `BREVET_VECTORS`, else `../shared/vectors` from the workspace root.
/// `None` (with a printed notice) when the folder is missing and `BREVET_REQUIRE_VECTORS` is not
/// `1`; a panic when it is.
pub fn vectors_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("BREVET_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("BREVET_REQUIRE_VECTORS").as_deref() == Ok("1") {
        panic!(
            "BREVET_REQUIRE_VECTORS=1 but the vectors folder {} is missing",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED: conformance vectors not found at {} (set BREVET_VECTORS)",
        dir.display()
    );
    None
}

/// Tally of one suite.
#[derive(Debug, Default)]
pub struct Tally {
    pub suite: String,
    pub passed: usize,
    pub failed: Vec<String>,
    pub excluded: Vec<String>,
}

impl Tally {
    pub fn new(suite: &str) -> Self {
        Tally {
            suite: suite.to_owned(),
            ..Tally::default()
        }
    }

    pub fn pass(&mut self) {
        self.passed += 1;
    }

    pub fn fail(&mut self, case: impl Into<String>) {
        self.failed.push(case.into());
    }

    pub fn exclude(&mut self, case: &str, rule: &str) {
        self.excluded.push(format!("{case}: {rule}"));
    }

    /// Prints the exclusions, failures and the `N passed, N failed` line, then asserts no failure.
    pub fn finish(self) {
        for line in &self.excluded {
            println!("[{}] excluded {line}", self.suite);
        }
        for line in &self.failed {
            println!("[{}] FAILED {line}", self.suite);
        }
        println!(
            "{}: {} passed, {} failed",
            self.suite,
            self.passed,
            self.failed.len()
        );
        assert!(
            self.failed.is_empty(),
            "{}: {} case(s) failed",
            self.suite,
            self.failed.len()
        );
        assert!(self.passed > 0, "{}: no case ran", self.suite);
    }
}
