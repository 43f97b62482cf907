//! The test browser (cookies, forms with this site's Origin) and shortcuts into the store.

use std::time::Duration;

use brevet_app::mail::{Mailer, OutgoingMail};
use brevet_app::orgs::{OrgCreated, hash_password};
use brevet_app::{Principal, Role};
use brevet_store::achievements::{self, AchievementRecord};
use brevet_store::users::{self, MembershipRecord, UserRecord};
use brevet_test_support::TestServer;
pub(super) use brevet_test_support::browser::{Browser, form_body, hidden_csrf, set_cookie};

pub(super) const ADMIN_PASSWORD_FIELD: &str = "password";

pub(super) fn admin_email(slug: &str) -> String {
    format!("admin@{slug}.example")
}

/// Signs in through the form; panics unless it works.
pub(super) async fn sign_in<'a>(
    server: &'a TestServer,
    email: &str,
    password: &str,
) -> Browser<'a> {
    let mut browser = Browser::new(server);
    let page = browser.get("/auth/login").await;
    assert_eq!(page.status, 200);
    let token = hidden_csrf(&page.text());
    let response = browser
        .post_form(
            "/auth/login",
            &[
                ("csrf", &token),
                ("email", email),
                (ADMIN_PASSWORD_FIELD, password),
            ],
        )
        .await;
    assert_eq!(response.status, 303, "{}", response.text());
    assert_eq!(response.header("location"), Some("/dashboard"));
    assert!(browser.cookie("brevet_session").is_some());
    browser
}

pub(super) async fn sign_in_admin<'a>(
    server: &'a TestServer,
    slug: &str,
    org: &OrgCreated,
) -> Browser<'a> {
    sign_in(
        server,
        &admin_email(slug),
        org.admin_password.as_deref().unwrap(),
    )
    .await
}

pub(super) fn owner(org: &OrgCreated) -> Principal {
    Principal {
        org_id: org.org_id.clone(),
        role: Role::Owner,
        actor: "test".into(),
    }
}

pub(super) fn memory_mailer(server: &TestServer) -> Mailer {
    let mailer = Mailer::memory("Brevet <no-reply@example.org>").unwrap();
    server.app.set_mailer(mailer.clone());
    mailer
}

/// Waits for the `count`-th message to `to` (reset mails are sent in the background).
pub(super) async fn mail_to(mailer: &Mailer, to: &str, count: usize) -> OutgoingMail {
    for _ in 0..200 {
        let sent: Vec<_> = mailer.sent().into_iter().filter(|m| m.to == to).collect();
        if sent.len() >= count {
            return sent[count - 1].clone();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no mail to {to}");
}

/// The token of the first link to `path_prefix` in a mail.
pub(super) fn link_token(mail: &OutgoingMail, path_prefix: &str) -> String {
    let start = mail.body.find(path_prefix).expect("a link") + path_prefix.len();
    mail.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Adds an account with `role` in the organisation directly in the store.
pub(super) async fn add_member(
    server: &TestServer,
    org: &OrgCreated,
    email: &str,
    password: &str,
    role: Role,
) {
    let mut tx = server.app.store().begin().await.unwrap();
    let user = UserRecord {
        id: brevet_app::ids::new_id(),
        email: email.to_owned(),
        name: Some("Member".into()),
        password_hash: Some(hash_password(password).unwrap()),
        created_at: server.app.now_unix(),
    };
    users::insert_user(&mut tx, &user).await.unwrap();
    users::insert_membership(
        &mut tx,
        &MembershipRecord {
            org_id: org.org_id.clone(),
            user_id: user.id,
            role: role.as_str().to_owned(),
            created_at: server.app.now_unix(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Adds an achievement directly in the store; returns its id.
pub(super) async fn add_achievement(server: &TestServer, org: &OrgCreated) -> String {
    let now = server.app.now_unix();
    let record = AchievementRecord {
        id: brevet_app::ids::new_id(),
        org_id: org.org_id.clone(),
        achievement_type: "Badge".into(),
        name: "Rust Basics".into(),
        description: "Knows the basics of Rust.".into(),
        criteria: "Wrote a program.".into(),
        image_id: None,
        alignments_json: "[]".into(),
        validity_days: None,
        archived_at: None,
        created_at: now,
        updated_at: now,
    };
    let mut tx = server.app.store().begin().await.unwrap();
    achievements::insert(&mut tx, &record).await.unwrap();
    tx.commit().await.unwrap();
    record.id
}

pub(super) async fn credential_count(server: &TestServer, org: &OrgCreated) -> usize {
    server
        .app
        .list_credentials(&owner(org), None, None, 200, None)
        .await
        .unwrap()
        .items
        .len()
}

pub(super) async fn api_key_count(server: &TestServer, org: &OrgCreated) -> usize {
    server.app.list_api_keys(&owner(org)).await.unwrap().len()
}

pub(super) const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#3a7"/></svg>"##;
