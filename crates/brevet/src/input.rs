//! Reading the user's input: a file or standard input, parsed as strict JSON.

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use serde_json::Value;

/// The most the CLI reads from one input (the JSON parser applies its own cap too).
const INPUT_CAP: u64 = 16 * 1024 * 1024;

/// Reads a file, or standard input for `None` or `-`.
pub(crate) fn read_text(path: Option<&Path>) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    match path {
        None => {
            read_capped(std::io::stdin().lock(), &mut bytes).context("reading standard input")?
        }
        Some(path) if path.as_os_str() == "-" => {
            read_capped(std::io::stdin().lock(), &mut bytes).context("reading standard input")?
        }
        Some(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            read_capped(file, &mut bytes).with_context(|| format!("reading {}", path.display()))?
        }
    }
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("the input is not UTF-8 text"))
}

fn read_capped(reader: impl Read, bytes: &mut Vec<u8>) -> anyhow::Result<()> {
    reader.take(INPUT_CAP + 1).read_to_end(bytes)?;
    if bytes.len() as u64 > INPUT_CAP {
        anyhow::bail!("the input is larger than {INPUT_CAP} bytes");
    }
    Ok(())
}

/// Parses JSON strictly (duplicate keys, lone surrogates, size and depth caps are errors).
pub(crate) fn parse_json(text: &str, what: &str) -> anyhow::Result<Value> {
    brevet_core::json::parse_strict(text)
        .map_err(|error| anyhow::anyhow!("{what} is not acceptable JSON: {error}"))
}

/// Reads and parses a JSON document from a file or standard input.
pub(crate) fn read_json(path: Option<&Path>, what: &str) -> anyhow::Result<Value> {
    let text = read_text(path)?;
    parse_json(&text, what)
}
