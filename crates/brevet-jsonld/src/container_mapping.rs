//! Parsing a term's `@container` mapping into container flags (JSON-LD 1.1 API 4.2, step 19),
//! with the combinations JSON-LD 1.0 and 1.1 allow.

use serde_json::Value;

use crate::context::container;
use crate::term_definition::invalid;
use crate::{ErrorCode, JsonLdError};

pub(crate) fn parse_container(
    term: &str,
    value: &Value,
    json_ld_10: bool,
) -> Result<u8, JsonLdError> {
    let bad = || {
        invalid(
            ErrorCode::INVALID_CONTAINER_MAPPING,
            term,
            "invalid @container",
        )
    };
    let mut flags = 0u8;
    match value {
        Value::String(keyword) => {
            flags = container::flag(keyword).ok_or_else(bad)?;
            if json_ld_10 && matches!(keyword.as_str(), "@graph" | "@id" | "@type") {
                return Err(bad());
            }
        }
        Value::Array(items) => {
            if json_ld_10 {
                return Err(bad());
            }
            for item in items {
                let flag = item.as_str().and_then(container::flag).ok_or_else(bad)?;
                if flags & flag != 0 {
                    return Err(bad());
                }
                flags |= flag;
            }
            let without_set = flags & !container::SET;
            let valid = without_set.count_ones() <= 1
                || without_set == container::GRAPH | container::ID
                || without_set == container::GRAPH | container::INDEX;
            if !valid || (flags & container::LIST != 0 && flags != container::LIST) {
                return Err(bad());
            }
        }
        _ => return Err(bad()),
    }
    Ok(flags)
}
