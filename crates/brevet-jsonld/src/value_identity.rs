//! Value identity for the node map: JSON equality where numbers compare by value (`5` equals
//! `5.0`, as in JSON itself) and a hash that agrees with it, for duplicate detection.

use std::hash::{BuildHasher, Hash, Hasher, RandomState};

use serde_json::Value;

/// JSON equality where numbers compare by value, as in JSON itself (`5` equals `5.0`).
pub(crate) fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_u64(), y.as_u64(), x.as_i64(), y.as_i64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

/// A hash consistent with [`same_json`]: numbers hash by their `f64` value, maps ignore order.
pub(crate) fn hash_json(value: &Value, state: &RandomState, hasher: &mut impl Hasher) {
    match value {
        Value::Null => hasher.write_u8(0),
        Value::Bool(flag) => {
            hasher.write_u8(1);
            flag.hash(hasher);
        }
        Value::Number(number) => {
            hasher.write_u8(2);
            // `+ 0.0` folds -0.0 into 0.0, which compare equal.
            (number.as_f64().unwrap_or(0.0) + 0.0)
                .to_bits()
                .hash(hasher);
        }
        Value::String(text) => {
            hasher.write_u8(3);
            text.hash(hasher);
        }
        Value::Array(items) => {
            hasher.write_u8(4);
            hasher.write_usize(items.len());
            for item in items {
                hash_json(item, state, hasher);
            }
        }
        Value::Object(map) => {
            hasher.write_u8(5);
            let mut sum = 0u64;
            for (key, item) in map {
                let mut entry = state.build_hasher();
                key.hash(&mut entry);
                hash_json(item, state, &mut entry);
                sum = sum.wrapping_add(entry.finish());
            }
            hasher.write_u64(sum);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_hash_agrees_with_json_equality() {
        let state = RandomState::new();
        let hash = |value: &Value| {
            let mut hasher = state.build_hasher();
            hash_json(value, &state, &mut hasher);
            hasher.finish()
        };
        let pairs = [
            (
                json!({"a": 1, "b": [1, 2.0]}),
                json!({"b": [1.0, 2], "a": 1.0}),
            ),
            (json!(-0.0), json!(0)),
            (json!("x"), json!("x")),
        ];
        for (a, b) in pairs {
            assert!(same_json(&a, &b));
            assert_eq!(hash(&a), hash(&b), "{a} vs {b}");
        }
        assert!(!same_json(&json!([1, 2]), &json!([2, 1])));
    }
}
