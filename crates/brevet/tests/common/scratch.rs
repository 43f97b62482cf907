//! A fresh, empty scratch folder for one test, shared by the CLI test binaries (each names its
//! own prefix so their folders never meet).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `{temp}/{prefix}-{pid}-{n}-{name}`, emptied and created.
pub(crate) fn scratch_dir(prefix: &str, name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "{prefix}-{}-{}-{name}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}
