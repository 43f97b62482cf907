//! Unit tests of VC-API issue requests: parsing, the issuer rule, status entries, names.

use super::*;

#[test]
fn requests_are_parsed_strictly() {
    let ok = IssueRequest::parse(&json!({
        "credential": {"type": ["VerifiableCredential"]},
        "options": {"cryptosuite": "eddsa-jcs-2022", "credentialStatus": [
            {"type": "BitstringStatusListEntry", "statusPurpose": "suspension"}
        ]}
    }))
    .unwrap();
    assert_eq!(ok.suite, Cryptosuite::EddsaJcs2022);
    assert_eq!(
        ok.purposes(ModelVersion::V2),
        vec!["revocation", "suspension"]
    );
    assert_eq!(
        ok.purposes(ModelVersion::V1_1),
        vec!["revocation", "suspension"]
    );
    // Without options: VC 2.0 gets a revocation entry, VC 1.1 none (it is not asked for).
    let plain = IssueRequest::parse(&json!({"credential": {}})).unwrap();
    assert_eq!(plain.purposes(ModelVersion::V2), vec!["revocation"]);
    assert!(plain.purposes(ModelVersion::V1_1).is_empty());
    for bad_body in [
        json!({"credential": "text"}),
        json!({"options": {}}),
        json!({"credential": {}, "extra": 1}),
        json!({"credential": {}, "options": {"cryptosuite": "eddsa-2022"}}),
        json!({"credential": {}, "options": {"credentialStatus": {"statusPurpose": "refresh"}}}),
        json!({"credential": {}, "options": {"credentialStatus": {"type": "StatusList2021Entry"}}}),
        json!({"credential": {}, "options": {"challenge": "x"}}),
        json!([1]),
    ] {
        let error = IssueRequest::parse(&bad_body).unwrap_err();
        assert!(matches!(error, AppError::BadRequest { .. }), "{bad_body}");
    }
}

#[test]
fn the_issuer_must_be_the_organisation() {
    let own = "did:web:badges.example:acme";
    assert!(check_issuer(&json!(own), own).is_ok());
    assert!(check_issuer(&json!({"id": own, "type": ["Profile"]}), own).is_ok());
    assert!(matches!(
        check_issuer(&json!("did:web:evil.example"), own),
        Err(AppError::BadRequest { .. })
    ));
    assert!(matches!(
        check_issuer(&json!({"id": "did:key:z6Mk"}), own),
        Err(AppError::BadRequest { .. })
    ));
    assert!(matches!(
        check_issuer(&Value::Null, own),
        Err(AppError::Invalid { .. })
    ));
}

#[test]
fn status_entries_are_appended() {
    let mut credential = Map::new();
    add_status_entries(&mut credential, vec![json!({"n": 1})]);
    assert_eq!(credential["credentialStatus"], json!({"n": 1}));
    add_status_entries(&mut credential, vec![json!({"n": 2})]);
    assert_eq!(credential["credentialStatus"], json!([{"n": 1}, {"n": 2}]));
}

#[test]
fn names_come_from_the_credential() {
    assert_eq!(display_name(&json!({"name": " Rust "})), "Rust");
    assert_eq!(
        display_name(&json!({"credentialSubject": {"achievement": {"name": "Badge"}}})),
        "Badge"
    );
    assert_eq!(
        display_name(&json!({"type": ["VerifiableCredential", "AlumniCredential"]})),
        "AlumniCredential"
    );
    assert_eq!(display_name(&json!({})), "Verifiable credential");
    assert_eq!(
        subject_did(&json!({"credentialSubject": {"id": "did:example:1"}})).as_deref(),
        Some("did:example:1")
    );
}
