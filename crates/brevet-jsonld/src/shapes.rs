//! Small helpers over expanded JSON-LD values (arrays, value / list / graph / node objects).

use serde_json::map::Entry;
use serde_json::{Map, Value};

pub(crate) fn as_slice(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    }
}

pub(crate) fn into_vec(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

pub(crate) fn is_list_object(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|map| map.contains_key("@list"))
}

pub(crate) fn is_value_object(value: &Value) -> bool {
    value
        .as_object()
        .is_some_and(|map| map.contains_key("@value"))
}

pub(crate) fn is_graph_object(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.contains_key("@graph")
            && map
                .keys()
                .all(|key| matches!(key.as_str(), "@graph" | "@id" | "@index"))
    })
}

pub(crate) fn is_node_object(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        !map.contains_key("@value") && !map.contains_key("@list") && !map.contains_key("@set")
    })
}

/// Appends `value` (flattening one array level) to the array at `key` in `map`.
pub(crate) fn add_value(map: &mut Map<String, Value>, key: &str, value: Value) {
    match map.entry(key) {
        Entry::Vacant(vacant) => {
            vacant.insert(match value {
                Value::Array(items) => Value::Array(items),
                other => Value::Array(vec![other]),
            });
        }
        Entry::Occupied(mut occupied) => {
            let entry = occupied.get_mut();
            if !entry.is_array() {
                let single = entry.take();
                *entry = Value::Array(vec![single]);
            }
            if let Value::Array(items) = entry {
                match value {
                    Value::Array(values) => items.extend(values),
                    other => items.push(other),
                }
            }
        }
    }
}

pub(crate) fn single(key: &str, value: Value) -> Value {
    let mut map = Map::with_capacity(1);
    map.insert(key.to_owned(), value);
    Value::Object(map)
}

/// Looks `key` up in a map being built: a linear scan for the usual few entries (cheaper than
/// hashing the key), a hash lookup for larger maps.
pub(crate) fn small_get<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= SMALL_MAP {
        map.iter()
            .find_map(|(candidate, value)| (candidate == key).then_some(value))
    } else {
        map.get(key)
    }
}

/// Mutable counterpart of [`small_get`].
pub(crate) fn small_get_mut<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Value> {
    if map.len() <= SMALL_MAP {
        map.iter_mut()
            .find_map(|(candidate, value)| (candidate == key).then_some(value))
    } else {
        map.get_mut(key)
    }
}

/// Maps up to this size are searched linearly by [`small_get`].
const SMALL_MAP: usize = 8;
