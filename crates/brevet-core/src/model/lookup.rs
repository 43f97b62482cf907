//! Field lookup tuned for the small objects credentials are made of: a linear scan over a few
//! entries beats hashing the key (serde_json's maps hash with SipHash).

use serde_json::{Map, Value};

/// Objects up to this many entries are scanned instead of hashed.
const LINEAR_LIMIT: usize = 16;

/// String equality that rules most different keys out by length and first and last byte
/// before comparing the bytes (a library call).
#[inline]
fn same_key(candidate: &str, key: &str) -> bool {
    let (candidate, key) = (candidate.as_bytes(), key.as_bytes());
    candidate.len() == key.len()
        && candidate.first() == key.first()
        && candidate.last() == key.last()
        && candidate == key
}

/// Lookups on a JSON object, with the same results as `Map::get` / `Map::contains_key`.
pub(crate) trait Fields {
    fn field(&self, key: &str) -> Option<&Value>;

    fn has_field(&self, key: &str) -> bool {
        self.field(key).is_some()
    }
}

impl Fields for Map<String, Value> {
    #[inline]
    fn field(&self, key: &str) -> Option<&Value> {
        if self.len() <= LINEAR_LIMIT {
            self.iter()
                .find_map(|(candidate, value)| same_key(candidate, key).then_some(value))
        } else {
            self.get(key)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn agrees_with_get_on_small_and_large_objects() {
        for size in [0, 1, 5, LINEAR_LIMIT, LINEAR_LIMIT + 1, 40] {
            let object: Map<String, Value> = (0..size)
                .map(|index| (format!("key{index}"), json!(index)))
                .collect();
            for probe in [
                "key0", "key3", "key16", "key39", "kez3", "key3 ", "missing", "",
            ] {
                assert_eq!(object.field(probe), object.get(probe), "{size} {probe}");
                assert_eq!(object.has_field(probe), object.contains_key(probe));
            }
        }
    }
}
