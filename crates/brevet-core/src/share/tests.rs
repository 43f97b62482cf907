//! The share targets round-trip through a URL parser and the snippets stay inert.

use std::collections::BTreeMap;

use super::*;

fn facts() -> ShareFacts {
    ShareFacts {
        achievement_name: "Rust & C# #1 + \"Ünïcødé\" 日本語 = 100%".to_owned(),
        issuer_name: "Acme R&D / Zürich?".to_owned(),
        linkedin_org_id: None,
        issued: Some(YearMonth {
            year: 2026,
            month: 3,
        }),
        expires: None,
        page_url: "https://badges.example/c/0123abcd".to_owned(),
        public_id: "0123abcd".to_owned(),
        image_url: Some("https://badges.example/images/img1".to_owned()),
    }
}

/// The query of `link` as parsed by the `url` crate (each key once).
fn query(link: &str, base: &str) -> BTreeMap<String, String> {
    let parsed = url::Url::parse(link).expect("a URL");
    assert_eq!(
        format!(
            "{}://{}{}",
            parsed.scheme(),
            parsed.host_str().unwrap(),
            parsed.path()
        ),
        base
    );
    assert_eq!(parsed.fragment(), None, "{link}");
    let mut pairs = BTreeMap::new();
    for (key, value) in parsed.query_pairs() {
        assert!(
            pairs.insert(key.to_string(), value.to_string()).is_none(),
            "{key} twice in {link}"
        );
    }
    pairs
}

#[test]
fn linkedin_add_to_profile_round_trips_every_parameter() {
    let targets = share_targets(&facts());
    let params = query(&targets.linkedin_add_to_profile, LINKEDIN_ADD_TO_PROFILE);
    let expected: BTreeMap<String, String> = [
        ("startTask", "CERTIFICATION_NAME"),
        ("name", "Rust & C# #1 + \"Ünïcødé\" 日本語 = 100%"),
        ("organizationName", "Acme R&D / Zürich?"),
        ("issueYear", "2026"),
        ("issueMonth", "3"),
        ("certUrl", "https://badges.example/c/0123abcd"),
        ("certId", "0123abcd"),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value.to_owned()))
    .collect();
    assert_eq!(params, expected);
    // Only unreserved characters are left unencoded.
    let query_text = targets.linkedin_add_to_profile.split_once('?').unwrap().1;
    assert!(
        query_text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~%=&".contains(c)),
        "{query_text}"
    );
}

#[test]
fn the_organisation_id_replaces_the_name_and_expiry_is_sent_when_there_is_one() {
    let mut facts = facts();
    facts.linkedin_org_id = Some("1337".to_owned());
    facts.expires = Some(YearMonth {
        year: 2028,
        month: 12,
    });
    let params = query(
        &share_targets(&facts).linkedin_add_to_profile,
        LINKEDIN_ADD_TO_PROFILE,
    );
    assert_eq!(params["organizationId"], "1337");
    assert!(!params.contains_key("organizationName"));
    assert_eq!(params["expirationYear"], "2028");
    assert_eq!(params["expirationMonth"], "12");

    // A malformed id is never sent; the name is.
    for bad in ["12a", "", "-1", "１２３", &"1".repeat(21)] {
        facts.linkedin_org_id = Some(bad.to_owned());
        let params = query(
            &share_targets(&facts).linkedin_add_to_profile,
            LINKEDIN_ADD_TO_PROFILE,
        );
        assert!(!params.contains_key("organizationId"), "{bad:?}");
        assert_eq!(params["organizationName"], "Acme R&D / Zürich?");
    }
}

#[test]
fn without_dates_or_id_the_parameters_are_left_out() {
    let mut facts = facts();
    facts.issued = None;
    facts.public_id = String::new();
    let params = query(
        &share_targets(&facts).linkedin_add_to_profile,
        LINKEDIN_ADD_TO_PROFILE,
    );
    for absent in [
        "issueYear",
        "issueMonth",
        "expirationYear",
        "expirationMonth",
        "certId",
    ] {
        assert!(!params.contains_key(absent), "{absent}");
    }
}

#[test]
fn share_links_carry_the_page_url() {
    let targets = share_targets(&facts());
    let page = "https://badges.example/c/0123abcd";
    assert_eq!(targets.link, page);
    assert_eq!(query(&targets.linkedin_post, LINKEDIN_SHARE)["url"], page);
    assert_eq!(query(&targets.facebook, FACEBOOK_SHARE)["u"], page);
    let x = query(&targets.x_post, X_INTENT);
    assert_eq!(x["url"], page);
    assert!(
        x["text"].starts_with("Rust & C# #1 + \"Ünïcødé\""),
        "{}",
        x["text"]
    );
    assert!(x["text"].contains("Acme R&D / Zürich?"));
}

#[test]
fn the_post_text_is_cut() {
    let mut facts = facts();
    facts.achievement_name = "word ".repeat(100);
    let x = query(&share_targets(&facts).x_post, X_INTENT);
    assert!(x["text"].chars().count() <= MAX_POST_TEXT + 1);
    assert!(x["text"].ends_with('…'));
}

#[test]
fn snippets_escape_hostile_names_and_neutralise_bidi() {
    let mut facts = facts();
    facts.achievement_name = "<script>alert(1)</script>\"onmouseover=\"x".to_owned();
    facts.issuer_name = "Evil' Corp\u{202E}gnp.exe".to_owned();
    facts.image_url = Some("javascript:alert(1)".to_owned());
    let targets = share_targets(&facts);
    for html in [&targets.embed_html, &targets.email_signature_html] {
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("\"onmouseover"), "{html}");
        assert!(!html.contains('\u{202E}'), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            !html.contains("<img"),
            "a refused image is left out: {html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=&quot;x"),
            "{html}"
        );
        assert!(html.contains("Evil&#39; Corp\u{FFFD}gnp.exe"), "{html}");
        assert!(
            html.contains("href=\"https://badges.example/c/0123abcd\""),
            "{html}"
        );
    }
    let params = query(&targets.linkedin_add_to_profile, LINKEDIN_ADD_TO_PROFILE);
    assert_eq!(params["organizationName"], "Evil' Corp\u{FFFD}gnp.exe");
}

#[test]
fn snippets_show_the_badge_and_use_only_the_listed_styles() {
    let targets = share_targets(&facts());
    for html in [&targets.embed_html, &targets.email_signature_html] {
        assert!(
            html.contains("src=\"https://badges.example/images/img1\""),
            "{html}"
        );
        let mut rest = html.as_str();
        let mut count = 0;
        while let Some(at) = rest.find("style=\"") {
            let value = &rest[at + 7..];
            let end = value.find('"').unwrap();
            assert!(
                SNIPPET_STYLES.contains(&&value[..end]),
                "unlisted style {:?}",
                &value[..end]
            );
            rest = &value[end..];
            count += 1;
        }
        assert!(count >= 4, "{html}");
    }
    // No listed style can end its attribute early.
    assert!(
        SNIPPET_STYLES
            .iter()
            .all(|style| !style.contains(['"', '\'', '<', '>']))
    );
}

#[test]
fn months_come_from_unix_times_in_utc() {
    assert_eq!(
        YearMonth::from_unix(1_772_323_200),
        Some(YearMonth {
            year: 2026,
            month: 3
        })
    );
    assert_eq!(YearMonth::from_unix(i64::MAX), None);
}
