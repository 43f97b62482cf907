//! `--context URL=FILE` (on `serve`, `sign` and `verify`): JSON-LD contexts the operator adds
//! beside the pinned ones, read from files once at start-up and never fetched.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use brevet_core::contexts::{OperatorContext, linked_data_with};
use brevet_core::linked_data::LinkedData;

/// The largest context file read (the JSON parser's own cap is 1 MiB as well).
const MAX_CONTEXT_BYTES: u64 = 1024 * 1024;

/// Reads and checks the `URL=FILE` pairs (none given: an empty list).
pub(crate) fn operator_contexts(pairs: &[String]) -> anyhow::Result<Vec<OperatorContext>> {
    pairs.iter().map(|pair| read_one(pair)).collect()
}

/// A processor over the pinned contexts and `contexts`; `None` when there are none.
pub(crate) fn linked_data(contexts: &[OperatorContext]) -> anyhow::Result<Option<Arc<LinkedData>>> {
    if contexts.is_empty() {
        return Ok(None);
    }
    Ok(Some(Arc::new(
        linked_data_with(contexts).context("--context")?,
    )))
}

fn read_one(pair: &str) -> anyhow::Result<OperatorContext> {
    let (url, file) = pair
        .rsplit_once('=')
        .filter(|(url, file)| !url.is_empty() && !file.is_empty())
        .with_context(|| format!("--context expects URL=FILE, got {pair:?}"))?;
    let path = Path::new(file);
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read the context file {file}"))?
        .len();
    if size > MAX_CONTEXT_BYTES {
        bail!("the context file {file} is {size} bytes; the limit is {MAX_CONTEXT_BYTES}");
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the context file {file}"))?;
    let document = brevet_core::json::parse_strict(&text)
        .with_context(|| format!("the context file {file} is not acceptable JSON"))?;
    OperatorContext::new(url, &text, document).context("--context")
}
