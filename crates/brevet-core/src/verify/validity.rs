//! The `validity` check: the credential's validity window (`validFrom <= now <= validUntil`, VC
//! 1.1: `issuanceDate` / `expirationDate`) and each proof's window (`created <= now <= expires`),
//! all inclusive. Validity is validation, reported apart from the proof (DATE-03): an expired
//! credential whose signature verifies says "expired", not "tampered".

use serde_json::Value;
use time::OffsetDateTime;

use super::report::{CheckName, CheckResult};

/// Runs the validity check at `now`.
pub fn check_validity(document: &Value, now: OffsetDateTime) -> CheckResult {
    match validity_findings(document, now) {
        Ok(summary) => CheckResult::passed(CheckName::Validity, summary),
        Err(reason) => CheckResult::failed(CheckName::Validity, reason),
    }
}

fn validity_findings(document: &Value, now: OffsetDateTime) -> Result<String, String> {
    let (from_field, until_field) = if is_vc_1_1(document) {
        ("issuanceDate", "expirationDate")
    } else {
        ("validFrom", "validUntil")
    };
    let valid_from = timestamp_field(document, from_field)?;
    let valid_until = timestamp_field(document, until_field)?;
    if let (Some(from), Some(until)) = (&valid_from, &valid_until)
        && from.1 > until.1
    {
        return Err(format!(
            "{from_field} {} is after {until_field} {}",
            from.0, until.0
        ));
    }
    let now_text = format_time(now);
    if let Some((text, from)) = &valid_from
        && now < *from
    {
        return Err(format!(
            "not yet valid: {from_field} is {text}, the time is {now_text}"
        ));
    }
    if let Some((text, until)) = &valid_until
        && now > *until
    {
        return Err(format!(
            "expired: {until_field} was {text}, the time is {now_text}"
        ));
    }
    let mut summary = match (&valid_from, &valid_until) {
        (Some((from, _)), Some((until, _))) => format!("valid from {from} until {until}"),
        (Some((from, _)), None) => format!("valid from {from}, no end date"),
        (None, Some((until, _))) => format!("valid until {until}"),
        (None, None) => "no validity period stated".to_owned(),
    };
    let proofs = proof_list(document);
    for (position, proof) in proofs.iter().enumerate() {
        let label = if proofs.len() == 1 {
            "proof".to_owned()
        } else {
            format!("proof {}", position + 1)
        };
        let created =
            timestamp_field(proof, "created").map_err(|reason| format!("{label}: {reason}"))?;
        let expires =
            timestamp_field(proof, "expires").map_err(|reason| format!("{label}: {reason}"))?;
        if let Some((text, created)) = &created
            && now < *created
        {
            return Err(format!(
                "{label} was created in the future ({text}), the time is {now_text}"
            ));
        }
        if let Some((text, expires)) = &expires
            && now > *expires
        {
            return Err(format!("{label} expired at {text}, the time is {now_text}"));
        }
    }
    summary.push_str(&format!("; checked at {now_text}"));
    Ok(summary)
}

/// A VC 1.1 credential: its first context is the v1 credentials context.
pub(crate) fn is_vc_1_1(document: &Value) -> bool {
    let first = match document.get("@context") {
        Some(Value::Array(entries)) => entries.first(),
        other => other,
    };
    first.and_then(Value::as_str) == Some(crate::contexts::CREDENTIALS_V1)
}

pub(crate) fn proof_list(document: &Value) -> Vec<&Value> {
    match document.get("proof") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(proofs)) => proofs.iter().collect(),
        Some(single) => vec![single],
    }
}

fn timestamp_field(
    object: &Value,
    field: &str,
) -> Result<Option<(String, OffsetDateTime)>, String> {
    match object.get(field) {
        None => Ok(None),
        Some(Value::String(text)) => crate::datetime::DateTimeStamp::parse(text)
            .map(|stamp| Some((text.clone(), stamp.instant())))
            .map_err(|error| format!("{field} is not a valid date-time with a timezone: {error}")),
        Some(_) => Err(format!("{field} is not a string")),
    }
}

fn format_time(now: OffsetDateTime) -> String {
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.to_string())
}
