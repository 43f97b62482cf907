//! The issuer's hosted-verification policy (Open Badges 2.0 `VerificationObject`): a hosted
//! assertion's `id` must start with one of `startsWith` (when given) and its authority (host and
//! port) must be one of `allowedOrigins`, which by default is the authority of the issuer's `id`.

use serde_json::Value;

/// The authority (`host[:port]`, lower-cased) of an http(s) URL; `None` for any other URL, and
/// for one with user information (`user@host`), which only serves to confuse.
pub fn authority(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty()
        || authority.contains('@')
        || authority
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    Some(authority.to_ascii_lowercase())
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(text)) => vec![text.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Checks that the issuer's verification policy lets `assertion_id` host its assertion; the
/// `Ok` text says which rule allowed it.
pub fn check_hosted_scope(assertion_id: &str, issuer: &Value) -> Result<String, String> {
    let issuer_id = issuer.get("id").and_then(Value::as_str).unwrap_or_default();
    let policy = issuer.get("verification").filter(|value| value.is_object());
    let starts_with = strings(policy.and_then(|policy| policy.get("startsWith")));
    if !starts_with.is_empty()
        && !starts_with
            .iter()
            .any(|prefix| assertion_id.starts_with(prefix.as_str()))
    {
        return Err(format!(
            "the assertion id {assertion_id} does not start with any prefix the issuer's verification policy allows ({})",
            starts_with.join(", ")
        ));
    }
    let stated = strings(policy.and_then(|policy| policy.get("allowedOrigins")));
    let (allowed, rule) = if stated.is_empty() {
        let Some(own) = authority(issuer_id) else {
            return Err(format!(
                "the issuer's id {issuer_id:?} is not an http(s) URL, so no origin may host its assertions"
            ));
        };
        (vec![own], "the issuer's own origin")
    } else {
        (
            stated
                .iter()
                .map(|origin| origin.to_ascii_lowercase())
                .collect(),
            "an origin the issuer's verification policy allows",
        )
    };
    let Some(host) = authority(assertion_id) else {
        return Err(format!(
            "the assertion id {assertion_id:?} is not an http(s) URL"
        ));
    };
    if allowed.contains(&host) {
        Ok(format!("the assertion is hosted at {host}, {rule}"))
    } else {
        Err(format!(
            "the assertion is hosted at {host}, which is not {rule} ({})",
            allowed.join(", ")
        ))
    }
}
