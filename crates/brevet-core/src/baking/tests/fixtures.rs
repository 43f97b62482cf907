//! The baked images of 1EdTech's public validator (`ob30/1edtech-fixtures` in the shared
//! vectors): every PNG and SVG there unbakes to an Open Badges 3.0 credential that passes the
//! data model, and the verifier's syntax and context checks; re-baking them round-trips.

use std::path::PathBuf;

use serde_json::Value;

use super::super::{BadgeVersion, Baked, bake, unbake};
use crate::json::parse_strict;
use crate::linked_data::LinkedData;
use crate::model::check_credential;
use crate::multikey::decode_public_key;
use crate::proof::verify_proof_set;
use crate::verify::{CheckName, NoSources, Outcome, VerifyEnv, verify};

/// The fixture folder, or `None` (with a message) when the vectors are missing; missing vectors
/// fail the test when `BREVET_REQUIRE_VECTORS=1`.
fn fixture_dir() -> Option<PathBuf> {
    let vectors = std::env::var_os("BREVET_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
        });
    let dir = vectors.join("ob30/1edtech-fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("BREVET_REQUIRE_VECTORS").as_deref() != Ok("1"),
        "BREVET_REQUIRE_VECTORS=1 but {} is missing",
        dir.display()
    );
    println!(
        "SKIPPED: baked fixtures not found at {} (set BREVET_VECTORS)",
        dir.display()
    );
    None
}

/// Every `.png` and `.svg` file of the folder.
fn baked_images() -> Option<Vec<(PathBuf, Vec<u8>)>> {
    let dir = fixture_dir()?;
    let mut images: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("png" | "svg")
            )
        })
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect();
    images.sort();
    assert!(
        images
            .iter()
            .any(|(path, _)| path.extension().unwrap() == "png")
            && images
                .iter()
                .any(|(path, _)| path.extension().unwrap() == "svg"),
        "the fixture folder {} should hold baked PNG and SVG images",
        dir.display()
    );
    Some(images)
}

fn unbaked_json(path: &std::path::Path, bytes: &[u8]) -> String {
    let found = unbake(bytes)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .unwrap_or_else(|| panic!("{}: no credential", path.display()));
    assert_eq!(
        found.version,
        BadgeVersion::OpenBadges3,
        "{}",
        path.display()
    );
    match found.payload {
        Baked::Json(json) => json,
        other => panic!("{}: expected JSON, got {other:?}", path.display()),
    }
}

#[test]
fn the_baked_fixtures_unbake_to_credentials() {
    let Some(images) = baked_images() else {
        return;
    };
    let env = VerifyEnv {
        now: time::OffsetDateTime::from_unix_timestamp(1_735_689_600).unwrap(),
        ld: LinkedData::shared(),
        dids: &NoSources,
        status_lists: &NoSources,
    };
    for (path, bytes) in &images {
        let json = unbaked_json(path, bytes);
        let credential: Value =
            parse_strict(&json).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        check_credential(&credential)
            .unwrap_or_else(|errors| panic!("{}: {errors:?}", path.display()));
        assert!(credential["proof"].is_array() || credential["proof"].is_object());
        // What verification can say offline: the document is well formed and its contexts are
        // the pinned ones; the proof needs the issuer's key, named by an https URL that only a
        // controller document (not supplied) can vouch for.
        let report = verify(&credential, &env);
        for check in [CheckName::Syntax, CheckName::Context] {
            assert_eq!(
                report.outcome(check),
                Some(Outcome::Passed),
                "{}: {report:#?}",
                path.display()
            );
        }
        assert!(!report.verified, "{}: {report:#?}", path.display());
        println!("{}: {report:?}", path.display());
        // The signature itself: with the key the verificationMethod's fragment spells out
        // (a Multikey), every proof verifies over the unbaked document: the bytes came out intact.
        let key_for = |proof: &Value| {
            let method = proof["verificationMethod"].as_str().unwrap_or_default();
            let fragment = method.rsplit_once('#').map_or("", |(_, key)| key);
            Ok(decode_public_key(fragment).unwrap())
        };
        let verified = verify_proof_set(&credential, &key_for, LinkedData::shared())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert!(verified >= 1);
        let mut changed = credential.clone();
        changed["name"] = Value::String("Changed".to_owned());
        assert!(verify_proof_set(&changed, &key_for, LinkedData::shared()).is_err());
    }
}

#[test]
fn the_baked_fixtures_rebake_byte_for_byte() {
    let Some(images) = baked_images() else {
        return;
    };
    for (path, bytes) in &images {
        let json = unbaked_json(path, bytes);
        let rebaked = bake(bytes, &json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(unbaked_json(path, &rebaked), json, "{}", path.display());
        // Baking the same credential twice changes nothing the second time.
        assert_eq!(
            bake(&rebaked, &json).unwrap(),
            rebaked,
            "{}",
            path.display()
        );
        let other = super::OTHER_CREDENTIAL;
        let replaced = bake(bytes, other).unwrap();
        assert_eq!(unbaked_json(path, &replaced), other, "{}", path.display());
    }
}
