//! People, sessions and the dashboard, through HTTP on both backends: sign-in (same answer for
//! an unknown email and a wrong password), session cookie flags, CSRF refusals that change
//! nothing, logout, invitations (single use, expiry), password reset (same answer for an unknown
//! address), the OAuth client credentials grant, and the dashboard's award and roles.

use std::sync::Arc;
use std::time::Duration;

use brevet_app::mail::{Mailer, OutgoingMail};
use brevet_app::orgs::{OrgCreated, hash_password};
use brevet_app::{Principal, Role};
use brevet_store::achievements::{self, AchievementRecord};
use brevet_store::users::{self, MembershipRecord, UserRecord};
use brevet_test_support::{Db, Request, Response, TestServer};

const ADMIN_PASSWORD_FIELD: &str = "password";

/// A browser: keeps cookies, sends forms with this site's `Origin`.
struct Browser<'a> {
    server: &'a TestServer,
    cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    fn new(server: &'a TestServer) -> Self {
        Browser {
            server,
            cookies: Vec::new(),
        }
    }

    fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn with_cookies(&self, mut request: Request) -> Request {
        if !self.cookies.is_empty() {
            let header = self
                .cookies
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header("cookie", &header);
        }
        request
    }

    fn absorb(&mut self, response: &Response) {
        for (name, value) in &response.headers {
            if !name.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = value.split(';').next().unwrap();
            let (key, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(existing, _)| existing != key);
            if !value.contains("Max-Age=0") {
                self.cookies.push((key.to_owned(), val.to_owned()));
            }
        }
    }

    async fn get(&mut self, path: &str) -> Response {
        let response = self
            .server
            .request(self.with_cookies(Request::get(path)))
            .await;
        self.absorb(&response);
        response
    }

    async fn post_form_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Response {
        let mut request = Request::method("POST", path)
            .body("application/x-www-form-urlencoded", form_body(fields));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = self.server.request(self.with_cookies(request)).await;
        self.absorb(&response);
        response
    }

    async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let origin = self.server.base_url.clone();
        self.post_form_with(path, fields, Some(&origin)).await
    }

    /// The CSRF token of the signed-in user (from the dashboard's forms).
    async fn csrf(&mut self) -> String {
        let page = self.get("/dashboard").await;
        assert_eq!(page.status, 200, "{}", page.text());
        hidden_csrf(&page.text())
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

fn set_cookie<'r>(response: &'r Response, name: &str) -> Option<&'r str> {
    response
        .headers
        .iter()
        .filter(|(key, _)| key.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, value)| value.as_str())
        .find(|value| value.starts_with(&format!("{name}=")))
}

fn admin_email(slug: &str) -> String {
    format!("admin@{slug}.example")
}

/// Signs in through the form; panics unless it works.
async fn sign_in<'a>(server: &'a TestServer, email: &str, password: &str) -> Browser<'a> {
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

async fn sign_in_admin<'a>(server: &'a TestServer, slug: &str, org: &OrgCreated) -> Browser<'a> {
    sign_in(
        server,
        &admin_email(slug),
        org.admin_password.as_deref().unwrap(),
    )
    .await
}

fn owner(org: &OrgCreated) -> Principal {
    Principal {
        org_id: org.org_id.clone(),
        role: Role::Owner,
        actor: "test".into(),
    }
}

fn memory_mailer(server: &TestServer) -> Mailer {
    let mailer = Mailer::memory("Brevet <no-reply@example.org>").unwrap();
    server.app.set_mailer(mailer.clone());
    mailer
}

/// Waits for the `count`-th message to `to` (reset mails are sent in the background).
async fn mail_to(mailer: &Mailer, to: &str, count: usize) -> OutgoingMail {
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
fn link_token(mail: &OutgoingMail, path_prefix: &str) -> String {
    let start = mail.body.find(path_prefix).expect("a link") + path_prefix.len();
    mail.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Adds an account with `role` in the organisation directly in the store.
async fn add_member(
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
async fn add_achievement(server: &TestServer, org: &OrgCreated) -> String {
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

async fn credential_count(server: &TestServer, org: &OrgCreated) -> usize {
    server
        .app
        .list_credentials(&owner(org), None, None, 200, None)
        .await
        .unwrap()
        .items
        .len()
}

async fn api_key_count(server: &TestServer, org: &OrgCreated) -> usize {
    server.app.list_api_keys(&owner(org)).await.unwrap().len()
}

#[tokio::test]
async fn sign_in_answers_the_same_for_unknown_email_and_wrong_password() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut browser = Browser::new(&server);
        let token = hidden_csrf(&browser.get("/auth/login").await.text());
        let wrong_password = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "admin@acme.example"),
                    ("password", "not the password"),
                ],
            )
            .await;
        let unknown_email = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "nobody@acme.example"),
                    ("password", "not the password"),
                ],
            )
            .await;
        assert_eq!(wrong_password.status, 401, "{db:?}");
        assert_eq!(unknown_email.status, 401, "{db:?}");
        assert!(wrong_password.text().contains("Wrong email or password."));
        assert_eq!(
            wrong_password.text().replace("admin@acme.example", "EMAIL"),
            unknown_email.text().replace("nobody@acme.example", "EMAIL"),
            "{db:?}: the two failures must be indistinguishable"
        );
        assert!(set_cookie(&wrong_password, "brevet_session").is_none());

        // Without the form token, the sign-in is refused.
        let mut stranger = Browser::new(&server);
        let refused = stranger
            .post_form(
                "/auth/login",
                &[
                    ("email", "admin@acme.example"),
                    ("password", org.admin_password.as_deref().unwrap()),
                ],
            )
            .await;
        assert_eq!(refused.status, 403, "{db:?}");
        assert!(set_cookie(&refused, "brevet_session").is_none());

        // The right password signs in, with a cookie that scripts and other sites cannot use.
        let mut browser = Browser::new(&server);
        let token = hidden_csrf(&browser.get("/auth/login").await.text());
        let response = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "Admin@Acme.example"),
                    ("password", org.admin_password.as_deref().unwrap()),
                ],
            )
            .await;
        assert_eq!(response.status, 303, "{db:?}: {}", response.text());
        let cookie = set_cookie(&response, "brevet_session").unwrap();
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "{db:?}: {cookie}");
        }
        assert!(!cookie.contains("Secure"), "http base URL: {cookie}");
        let token = browser.cookie("brevet_session").unwrap().to_owned();
        assert!(token.len() >= 64, "256-bit token: {token}");

        let dashboard = browser.get("/dashboard").await;
        assert_eq!(dashboard.status, 200);
        assert_eq!(dashboard.header("cache-control"), Some("no-store"));
        assert!(dashboard.text().contains("Org acme"));
    }
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_email() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let mut browser = Browser::new(&server);
    let token = hidden_csrf(&browser.get("/auth/login").await.text());
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let response = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "admin@acme.example"),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
        statuses.push(response.status);
    }
    assert_eq!(statuses[..10], [401; 10]);
    assert_eq!(statuses[10], 429);
    // Even the right password waits until the window has passed.
    let right = [
        ("csrf", token.as_str()),
        ("email", "admin@acme.example"),
        ("password", org.admin_password.as_deref().unwrap()),
    ];
    assert_eq!(browser.post_form("/auth/login", &right).await.status, 429);
    server.clock.advance(time::Duration::minutes(16));
    assert_eq!(browser.post_form("/auth/login", &right).await.status, 303);
}

#[tokio::test]
async fn the_session_cookie_is_secure_under_an_https_base_url() {
    use axum::body::Body;
    use tower::ServiceExt;

    let dir = std::env::temp_dir().join(format!("brevet-auth-{}", brevet_app::ids::new_id()));
    let store = brevet_store::Store::open_sqlite(&dir).await.unwrap();
    let clock = Arc::new(brevet_app::ManualClock::new(
        time::OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap(),
    ));
    let app = brevet_app::App::new(
        store,
        brevet_app::AppConfig::new("https://badges.example.org"),
        brevet_app::MasterKey::generate(),
        clock,
    );
    let org = app
        .create_org("Acme", "acme", "admin@acme.example")
        .await
        .unwrap();
    let router = brevet_server::router(brevet_server::AppState::new(app));

    let page = router
        .clone()
        .oneshot(
            axum::http::Request::get("/auth/login")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let form_cookie = page
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(form_cookie.contains("; Secure"), "{form_cookie}");
    let html = axum::body::to_bytes(page.into_body(), 1 << 20)
        .await
        .unwrap();
    let token = hidden_csrf(std::str::from_utf8(&html).unwrap());
    let body = form_body(&[
        ("csrf", &token),
        ("email", "admin@acme.example"),
        ("password", org.admin_password.as_deref().unwrap()),
    ]);
    let request = |origin: &str| {
        axum::http::Request::post("/auth/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", origin)
            .header("cookie", form_cookie.split(';').next().unwrap())
            .body(Body::from(body.clone()))
            .unwrap()
    };
    // Another site's form is refused even with the right token.
    let foreign = router
        .clone()
        .oneshot(request("https://evil.example"))
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let response = router
        .oneshot(request("https://badges.example.org"))
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap())
        .find(|value| value.starts_with("brevet_session="))
        .unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        let csrf = browser.csrf().await;
        let before = api_key_count(&server, &org).await;

        let missing = browser
            .post_form("/dashboard/api-keys", &[("name", "ci"), ("role", "issuer")])
            .await;
        assert_eq!(missing.status, 403, "{db:?}");
        let wrong = browser
            .post_form(
                "/dashboard/api-keys",
                &[
                    (
                        "csrf",
                        "csrf_0000000000000000000000000000000000000000000000000000000000000000",
                    ),
                    ("name", "ci"),
                    ("role", "issuer"),
                ],
            )
            .await;
        assert_eq!(wrong.status, 403, "{db:?}");
        let foreign = browser
            .post_form_with(
                "/dashboard/api-keys",
                &[("csrf", &csrf), ("name", "ci"), ("role", "issuer")],
                Some("https://evil.example"),
            )
            .await;
        assert_eq!(foreign.status, 403, "{db:?}");
        // Another user's token does not work either.
        add_member(
            &server,
            &org,
            "other@acme.example",
            "other password 1",
            Role::Owner,
        )
        .await;
        let mut other = sign_in(&server, "other@acme.example", "other password 1").await;
        let other_csrf = other.csrf().await;
        assert_ne!(other_csrf, csrf);
        let crossed = browser
            .post_form(
                "/dashboard/api-keys",
                &[("csrf", &other_csrf), ("name", "ci"), ("role", "issuer")],
            )
            .await;
        assert_eq!(crossed.status, 403, "{db:?}");
        assert_eq!(api_key_count(&server, &org).await, before, "{db:?}");

        // The right token (and no Origin at all, as some clients send) works.
        let created = browser
            .post_form_with(
                "/dashboard/api-keys",
                &[("csrf", &csrf), ("name", "ci"), ("role", "issuer")],
                None,
            )
            .await;
        assert_eq!(created.status, 201, "{db:?}: {}", created.text());
        assert_eq!(created.header("cache-control"), Some("no-store"));
        assert!(created.text().contains("brv_"), "the secret is shown once");
        assert_eq!(api_key_count(&server, &org).await, before + 1);
        let list = browser.get("/dashboard/api-keys").await.text();
        let secret_start = created.text().find("brv_").unwrap();
        let secret = &created.text()[secret_start..secret_start + 68];
        assert!(!list.contains(secret), "the list never shows the secret");
    }
}

#[tokio::test]
async fn logout_ends_the_session_and_sessions_expire() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        let session = browser.cookie("brevet_session").unwrap().to_owned();
        let csrf = browser.csrf().await;
        let out = browser.post_form("/auth/logout", &[("csrf", &csrf)]).await;
        assert_eq!(out.status, 303, "{db:?}");
        assert!(
            set_cookie(&out, "brevet_session")
                .unwrap()
                .contains("Max-Age=0")
        );
        // The old cookie no longer opens anything.
        let replay = server
            .request(
                Request::get("/dashboard").header("cookie", &format!("brevet_session={session}")),
            )
            .await;
        assert_eq!(replay.status, 303, "{db:?}");
        assert_eq!(replay.header("location"), Some("/auth/login"));

        // Idle expiry: 12 hours without a request.
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        server.clock.advance(time::Duration::hours(11));
        assert_eq!(browser.get("/dashboard").await.status, 200);
        server.clock.advance(time::Duration::hours(11));
        assert_eq!(
            browser.get("/dashboard").await.status,
            200,
            "{db:?}: still in use"
        );
        server.clock.advance(time::Duration::hours(13));
        assert_eq!(browser.get("/dashboard").await.status, 303, "{db:?}: idle");

        // Absolute expiry: 7 days however busy.
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        for _ in 0..15 {
            server.clock.advance(time::Duration::hours(11));
            assert_eq!(browser.get("/dashboard").await.status, 200);
        }
        server.clock.advance(time::Duration::hours(11));
        assert_eq!(
            browser.get("/dashboard").await.status,
            303,
            "{db:?}: 7 days"
        );
    }
}

#[tokio::test]
async fn invitations_work_once_and_expire() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let org = server.create_org("acme").await;
        let mut admin = sign_in_admin(&server, "acme", &org).await;
        let csrf = admin.csrf().await;
        let invited = admin
            .post_form(
                "/dashboard/members/invite",
                &[
                    ("csrf", &csrf),
                    ("email", "ada@example.org"),
                    ("role", "issuer"),
                ],
            )
            .await;
        assert_eq!(invited.status, 303, "{db:?}: {}", invited.text());
        let mail = mail_to(&mailer, "ada@example.org", 1).await;
        assert!(mail.subject.contains("Org acme"));
        let token = link_token(&mail, "/auth/invitation/");
        assert!(token.len() >= 64);
        assert!(
            admin
                .get("/dashboard/members")
                .await
                .text()
                .contains("ada@example.org")
        );

        let mut ada = Browser::new(&server);
        let page = ada.get(&format!("/auth/invitation/{token}")).await;
        assert_eq!(page.status, 200, "{db:?}");
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        let form_token = hidden_csrf(&page.text());
        let fields = [
            ("csrf", form_token.as_str()),
            ("name", "Ada"),
            ("password", "analytical engine"),
            ("password_again", "analytical engine"),
        ];
        let accepted = ada
            .post_form(&format!("/auth/invitation/{token}"), &fields)
            .await;
        assert_eq!(accepted.status, 303, "{db:?}: {}", accepted.text());
        assert!(ada.cookie("brevet_session").is_some());
        let dashboard = ada.get("/dashboard").await.text();
        assert!(dashboard.contains("Org acme") && dashboard.contains("issuer"));

        // Single use: the same link again is refused and adds nothing.
        let again = Browser::new(&server)
            .post_form(&format!("/auth/invitation/{token}"), &fields)
            .await;
        assert_eq!(again.status, 403, "{db:?}: no form cookie");
        let mut replay = Browser::new(&server);
        let page = replay.get(&format!("/auth/invitation/{token}")).await;
        assert_eq!(page.status, 422, "{db:?}");
        // The new member signs in with the chosen password.
        sign_in(&server, "ada@example.org", "analytical engine").await;

        // Expiry: a week later the link is dead.
        let csrf = admin.csrf().await;
        admin
            .post_form(
                "/dashboard/members/invite",
                &[
                    ("csrf", &csrf),
                    ("email", "bob@example.org"),
                    ("role", "viewer"),
                ],
            )
            .await;
        let token = link_token(
            &mail_to(&mailer, "bob@example.org", 1).await,
            "/auth/invitation/",
        );
        server
            .clock
            .advance(time::Duration::days(7) + time::Duration::seconds(1));
        let mut bob = Browser::new(&server);
        assert_eq!(
            bob.get(&format!("/auth/invitation/{token}")).await.status,
            422
        );
        let form_token = bob.cookie("brevet_form").unwrap().to_owned();
        let late = bob
            .post_form(
                &format!("/auth/invitation/{token}"),
                &[
                    ("csrf", &form_token),
                    ("password", "too late password"),
                    ("password_again", "too late password"),
                ],
            )
            .await;
        assert_eq!(late.status, 422, "{db:?}");
        let mut conn = server.app.store().read().await.unwrap();
        assert!(
            users::get_user_by_email(&mut conn, "bob@example.org")
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn a_viewer_cannot_invite_and_an_existing_account_joins_without_a_new_password() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let mailer = memory_mailer(&server);
    let acme = server.create_org("acme").await;
    let beta = server.create_org("beta").await;
    add_member(
        &server,
        &acme,
        "viewer@acme.example",
        "viewer password",
        Role::Viewer,
    )
    .await;
    let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
    let csrf = viewer.csrf().await;
    let refused = viewer
        .post_form(
            "/dashboard/members/invite",
            &[
                ("csrf", &csrf),
                ("email", "x@example.org"),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(mailer.sent().is_empty());

    // beta's owner invites acme's admin, who joins and can then switch between both.
    server
        .app
        .invite_member(&owner(&beta), "admin@acme.example", Role::Issuer)
        .await
        .unwrap();
    let token = link_token(
        &mail_to(&mailer, "admin@acme.example", 1).await,
        "/auth/invitation/",
    );
    let mut invited = Browser::new(&server);
    let page = invited.get(&format!("/auth/invitation/{token}")).await;
    assert!(
        !page.text().contains("id=\"password\""),
        "no new password asked"
    );
    let form_token = hidden_csrf(&page.text());
    let accepted = invited
        .post_form(
            &format!("/auth/invitation/{token}"),
            &[("csrf", &form_token)],
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    assert!(
        invited.cookie("brevet_session").is_none(),
        "no session without the password"
    );
    let mut admin = sign_in_admin(&server, "acme", &acme).await;
    let page = admin.get("/dashboard").await.text();
    assert!(page.contains("id=\"org-switch\""), "the switcher shows");
    let csrf = hidden_csrf(&page);
    let switched = admin
        .post_form(
            "/dashboard/org",
            &[("csrf", &csrf), ("org_id", &beta.org_id)],
        )
        .await;
    assert_eq!(switched.status, 303);
    let page = admin.get("/dashboard").await.text();
    assert!(
        page.contains("<strong id=\"current-org\">Org beta</strong>"),
        "{page}"
    );
    // Not a member: not found, and the session stays where it was.
    let csrf = hidden_csrf(&page);
    let stranger = server.create_org("gamma").await;
    let refused = admin
        .post_form(
            "/dashboard/org",
            &[("csrf", &csrf), ("org_id", &stranger.org_id)],
        )
        .await;
    assert_eq!(refused.status, 404);
}

#[tokio::test]
async fn password_reset_answers_the_same_for_an_unknown_address() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let mailer = memory_mailer(&server);
        let org = server.create_org("acme").await;
        let mut browser = Browser::new(&server);
        let token = hidden_csrf(&browser.get("/auth/reset").await.text());
        let known = browser
            .post_form(
                "/auth/reset",
                &[("csrf", &token), ("email", "admin@acme.example")],
            )
            .await;
        let unknown = browser
            .post_form(
                "/auth/reset",
                &[("csrf", &token), ("email", "nobody@acme.example")],
            )
            .await;
        assert_eq!(known.status, 200, "{db:?}");
        assert_eq!(
            (known.status, known.text()),
            (unknown.status, unknown.text()),
            "{db:?}"
        );

        let mail = mail_to(&mailer, "admin@acme.example", 1).await;
        let reset_token = link_token(&mail, "/auth/reset/");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            mailer.sent().iter().all(|m| m.to != "nobody@acme.example"),
            "{db:?}: nothing is sent to an unknown address"
        );
        // A signed-in session ends when the password is reset.
        let mut signed_in = sign_in_admin(&server, "acme", &org).await;

        let mut browser = Browser::new(&server);
        let page = browser.get(&format!("/auth/reset/{reset_token}")).await;
        assert_eq!(page.status, 200, "{db:?}");
        let form_token = hidden_csrf(&page.text());
        let mismatch = browser
            .post_form(
                &format!("/auth/reset/{reset_token}"),
                &[
                    ("csrf", &form_token),
                    ("password", "brand new password"),
                    ("password_again", "another new password"),
                ],
            )
            .await;
        assert_eq!(mismatch.status, 422);
        let fields = [
            ("csrf", form_token.as_str()),
            ("password", "brand new password"),
            ("password_again", "brand new password"),
        ];
        let done = browser
            .post_form(&format!("/auth/reset/{reset_token}"), &fields)
            .await;
        assert_eq!(done.status, 303, "{db:?}: {}", done.text());
        assert_eq!(signed_in.get("/dashboard").await.status, 303, "{db:?}");
        let again = browser
            .post_form(&format!("/auth/reset/{reset_token}"), &fields)
            .await;
        assert_eq!(again.status, 422, "{db:?}: single use");
        sign_in(&server, "admin@acme.example", "brand new password").await;
        let token = hidden_csrf(&browser.get("/auth/login").await.text());
        let old = browser
            .post_form(
                "/auth/login",
                &[
                    ("csrf", &token),
                    ("email", "admin@acme.example"),
                    ("password", org.admin_password.as_deref().unwrap()),
                ],
            )
            .await;
        assert_eq!(old.status, 401, "{db:?}");
    }
}

#[tokio::test]
async fn reset_links_expire_after_an_hour() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let mailer = memory_mailer(&server);
    server.create_org("acme").await;
    server
        .app
        .request_password_reset("admin@acme.example", None)
        .await
        .unwrap();
    let token = link_token(
        &mail_to(&mailer, "admin@acme.example", 1).await,
        "/auth/reset/",
    );
    server.clock.advance(time::Duration::minutes(61));
    let mut browser = Browser::new(&server);
    assert_eq!(
        browser.get(&format!("/auth/reset/{token}")).await.status,
        422
    );
    assert!(
        server
            .app
            .reset_password(&token, "a new password here")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let mut other_session = sign_in_admin(&server, "acme", &org).await;
    let mut browser = sign_in_admin(&server, "acme", &org).await;
    let csrf = browser.csrf().await;
    let wrong = browser
        .post_form(
            "/dashboard/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", "not it at all"),
                ("new_password", "a fresh password"),
                ("new_password_again", "a fresh password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let changed = browser
        .post_form(
            "/dashboard/account/password",
            &[
                ("csrf", &csrf),
                ("current_password", org.admin_password.as_deref().unwrap()),
                ("new_password", "a fresh password"),
                ("new_password_again", "a fresh password"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.text());
    assert_eq!(
        browser.get("/dashboard").await.status,
        200,
        "this session stays"
    );
    assert_eq!(
        other_session.get("/dashboard").await.status,
        303,
        "others end"
    );
    sign_in(&server, "admin@acme.example", "a fresh password").await;
}

fn basic(client_id: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"))
    )
}

fn token_request(body: &str) -> Request {
    Request::method("POST", "/oauth/token").body("application/x-www-form-urlencoded", body)
}

#[tokio::test]
async fn oauth_client_credentials_tokens_work_until_the_client_is_revoked() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let client = server
            .app
            .create_oauth_client(&owner(&org), "ci", Role::Issuer)
            .await
            .unwrap();

        // HTTP Basic.
        let response = server
            .request(token_request("grant_type=client_credentials").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await;
        assert_eq!(response.status, 200, "{db:?}: {}", response.text());
        assert_eq!(response.header("cache-control"), Some("no-store"));
        let body = response.json();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 3600);
        let access_token = body["access_token"].as_str().unwrap().to_owned();
        let listed = server
            .request(Request::get("/api/v1/credentials").bearer(&access_token))
            .await;
        assert_eq!(listed.status, 200, "{db:?}: {}", listed.text());

        // Form fields.
        let response = server
            .request(token_request(&form_body(&[
                ("grant_type", "client_credentials"),
                ("client_id", &client.client_id),
                ("client_secret", &client.client_secret),
            ])))
            .await;
        assert_eq!(response.status, 200, "{db:?}");
        let second_token = response.json()["access_token"].as_str().unwrap().to_owned();

        // A wrong secret, an unknown client, no client authentication.
        for request in [
            token_request("grant_type=client_credentials")
                .header("authorization", &basic(&client.client_id, "brcs_wrong")),
            token_request(&form_body(&[
                ("grant_type", "client_credentials"),
                ("client_id", "brc_unknown"),
                ("client_secret", &client.client_secret),
            ])),
            token_request("grant_type=client_credentials"),
        ] {
            let response = server.request(request).await;
            assert_eq!(response.status, 401, "{db:?}: {}", response.text());
            assert_eq!(response.json()["error"], "invalid_client");
            assert!(response.header("www-authenticate").is_some());
        }
        // Malformed requests.
        let unsupported = server
            .request(token_request("grant_type=password").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await;
        assert_eq!(unsupported.status, 400);
        assert_eq!(unsupported.json()["error"], "unsupported_grant_type");
        let both = server
            .request(
                token_request(&form_body(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", &client.client_id),
                    ("client_secret", &client.client_secret),
                ]))
                .header(
                    "authorization",
                    &basic(&client.client_id, &client.client_secret),
                ),
            )
            .await;
        assert_eq!(both.status, 400);
        assert_eq!(both.json()["error"], "invalid_request");
        let json = server
            .request(Request::post_json(
                "/oauth/token",
                &serde_json::json!({"grant_type": "client_credentials"}),
            ))
            .await;
        assert_eq!(json.status, 400);
        assert_eq!(json.json()["error"], "invalid_request");
        let repeated = server
            .request(
                token_request("grant_type=client_credentials&grant_type=client_credentials")
                    .header(
                        "authorization",
                        &basic(&client.client_id, &client.client_secret),
                    ),
            )
            .await;
        assert_eq!(repeated.status, 400);

        // Tokens expire.
        server.clock.advance(time::Duration::seconds(3601));
        let expired = server
            .request(Request::get("/api/v1/credentials").bearer(&access_token))
            .await;
        assert_eq!(expired.status, 401, "{db:?}");

        // Revoking the client ends its tokens at once, and it gets no new ones.
        let fresh = server
            .request(token_request("grant_type=client_credentials").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await
            .json()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_ne!(fresh, second_token);
        let ok = server
            .request(Request::get("/api/v1/credentials").bearer(&fresh))
            .await;
        assert_eq!(ok.status, 200);
        server
            .app
            .revoke_oauth_client(&owner(&org), &client.client_id)
            .await
            .unwrap();
        let revoked = server
            .request(Request::get("/api/v1/credentials").bearer(&fresh))
            .await;
        assert_eq!(revoked.status, 401, "{db:?}");
        let refused = server
            .request(token_request("grant_type=client_credentials").header(
                "authorization",
                &basic(&client.client_id, &client.client_secret),
            ))
            .await;
        assert_eq!(refused.status, 401, "{db:?}");

        // Another organisation's owner cannot revoke this organisation's clients.
        let other = server.create_org("beta").await;
        let client = server
            .app
            .create_oauth_client(&owner(&org), "ci2", Role::Viewer)
            .await
            .unwrap();
        assert!(matches!(
            server
                .app
                .revoke_oauth_client(&owner(&other), &client.client_id)
                .await,
            Err(brevet_app::AppError::NotFound)
        ));
    }
}

#[tokio::test]
async fn oauth_clients_are_managed_on_the_dashboard() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let mut browser = sign_in_admin(&server, "acme", &org).await;
    let csrf = browser.csrf().await;
    let created = browser
        .post_form(
            "/dashboard/oauth-clients",
            &[("csrf", &csrf), ("name", "ci"), ("role", "viewer")],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let html = created.text();
    let id_start = html.find("<code id=\"client-id\">").unwrap() + "<code id=\"client-id\">".len();
    let client_id = &html[id_start..id_start + 36];
    let secret_start = html.find("<code id=\"secret\">").unwrap() + "<code id=\"secret\">".len();
    let secret = &html[secret_start..secret_start + 69];
    let response = server
        .request(
            token_request("grant_type=client_credentials")
                .header("authorization", &basic(client_id, secret)),
        )
        .await;
    assert_eq!(
        response.status,
        200,
        "{client_id} {secret}: {}",
        response.text()
    );
    let list = browser.get("/dashboard/oauth-clients").await.text();
    assert!(list.contains(client_id) && !list.contains(secret));
    let revoked = browser
        .post_form(
            &format!("/dashboard/oauth-clients/{client_id}/revoke"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, 303);
    let token = response.json()["access_token"].as_str().unwrap().to_owned();
    let refused = server
        .request(Request::get("/api/v1/credentials").bearer(&token))
        .await;
    assert_eq!(refused.status, 401);
}

#[tokio::test]
async fn the_dashboard_award_form_creates_a_credential_and_viewers_cannot_award() {
    for db in Db::BOTH {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        let org = server.create_org("acme").await;
        let achievement = add_achievement(&server, &org).await;
        let mut browser = sign_in_admin(&server, "acme", &org).await;
        let form = browser.get("/dashboard/award").await;
        assert_eq!(form.status, 200);
        assert!(form.text().contains("Rust Basics"));
        for label in [
            "for=\"achievement_id\"",
            "for=\"recipient_email\"",
            "for=\"valid_until\"",
        ] {
            assert!(form.text().contains(label), "{label}");
        }
        let csrf = hidden_csrf(&form.text());
        let key_marker = "name=\"idempotency_key\" value=\"";
        let key_start = form.text().find(key_marker).unwrap() + key_marker.len();
        let key = form.text()[key_start..key_start + 32].to_owned();
        let fields = [
            ("csrf", csrf.as_str()),
            ("idempotency_key", key.as_str()),
            ("achievement_id", achievement.as_str()),
            ("recipient_email", "ada@example.org"),
            ("recipient_name", "Ada Lovelace"),
            ("evidence_url", "https://example.org/work"),
            ("evidence_narrative", "Wrote the first program."),
            ("valid_until", "2030-12-31"),
        ];
        let awarded = browser.post_form("/dashboard/award", &fields).await;
        assert_eq!(awarded.status, 303, "{db:?}: {}", awarded.text());
        let location = awarded.header("location").unwrap().to_owned();
        assert!(
            location.starts_with("/dashboard/credentials/"),
            "{location}"
        );
        assert_eq!(credential_count(&server, &org).await, 1);
        // The same form sent twice awards once.
        let twice = browser.post_form("/dashboard/award", &fields).await;
        assert_eq!(twice.header("location"), Some(location.as_str()), "{db:?}");
        assert_eq!(credential_count(&server, &org).await, 1, "{db:?}");

        let detail = browser.get(&location).await;
        assert_eq!(detail.status, 200);
        let html = detail.text();
        assert!(html.contains("Ada Lovelace") && html.contains("2030-12-31 23:59 UTC"));
        assert!(html.contains("The credential was awarded."));
        let id = location
            .trim_start_matches("/dashboard/credentials/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let view = server.app.credential_view(&owner(&org), &id).await.unwrap();
        assert_eq!(
            view.credential["evidence"][0]["id"],
            "https://example.org/work"
        );
        assert_eq!(view.credential["validUntil"], "2030-12-31T23:59:59Z");

        // Bad input is shown on the form again, and nothing is awarded.
        let bad = browser
            .post_form(
                "/dashboard/award",
                &[
                    ("csrf", &csrf),
                    ("achievement_id", &achievement),
                    ("recipient_name", "Nobody"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{db:?}");
        assert!(bad.text().contains("email or a DID"));
        assert_eq!(credential_count(&server, &org).await, 1);

        // Search finds it; revoke it through the form.
        let list = browser
            .get("/dashboard/credentials?q=Lovelace")
            .await
            .text();
        assert!(list.contains(&id));
        let none = browser.get("/dashboard/credentials?q=Babbage").await.text();
        assert!(!none.contains(&id));
        let revoked = browser
            .post_form(
                &format!("/dashboard/credentials/{id}/status"),
                &[
                    ("csrf", &csrf),
                    ("action", "revoke"),
                    ("reason", "awarded in error"),
                ],
            )
            .await;
        assert_eq!(revoked.status, 303);
        let html = browser
            .get(&format!("/dashboard/credentials/{id}"))
            .await
            .text();
        assert!(
            html.contains("awarded in error") && html.contains("id=\"credential-state\">revoked")
        );

        // A viewer sees, but cannot award or revoke.
        add_member(
            &server,
            &org,
            "viewer@acme.example",
            "viewer password",
            Role::Viewer,
        )
        .await;
        let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
        let viewer_csrf = viewer.csrf().await;
        assert_eq!(
            viewer
                .get(&format!("/dashboard/credentials/{id}"))
                .await
                .status,
            200
        );
        assert!(
            !viewer
                .get("/dashboard/award")
                .await
                .text()
                .contains("id=\"award-form\"")
        );
        let refused = viewer
            .post_form(
                "/dashboard/award",
                &[
                    ("csrf", &viewer_csrf),
                    ("achievement_id", &achievement),
                    ("recipient_email", "eve@example.org"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403, "{db:?}: {}", refused.text());
        assert_eq!(credential_count(&server, &org).await, 1, "{db:?}");
        let refused = viewer
            .post_form(
                &format!("/dashboard/credentials/{id}/status"),
                &[("csrf", &viewer_csrf), ("action", "reinstate")],
            )
            .await;
        assert_eq!(refused.status, 403);
    }
}

#[tokio::test]
async fn reissue_replaces_the_old_credential() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    let achievement = add_achievement(&server, &org).await;
    let mut browser = sign_in_admin(&server, "acme", &org).await;
    let csrf = browser.csrf().await;
    let awarded = browser
        .post_form(
            "/dashboard/award",
            &[
                ("csrf", &csrf),
                ("achievement_id", &achievement),
                ("recipient_email", "ada@example.org"),
                ("recipient_name", "Ada Lovelce"),
            ],
        )
        .await;
    let old = awarded
        .header("location")
        .unwrap()
        .trim_start_matches("/dashboard/credentials/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let form = browser
        .get(&format!("/dashboard/award?reissue={old}"))
        .await
        .text();
    assert!(form.contains("Ada Lovelce") && form.contains(&old));
    let reissued = browser
        .post_form(
            "/dashboard/award",
            &[
                ("csrf", &csrf),
                ("achievement_id", &achievement),
                ("recipient_email", "ada@example.org"),
                ("recipient_name", "Ada Lovelace"),
                ("supersedes", &old),
            ],
        )
        .await;
    assert_eq!(reissued.status, 303, "{}", reissued.text());
    let old_view = server
        .app
        .credential_view(&owner(&org), &old)
        .await
        .unwrap();
    assert!(old_view.superseded_by.is_some());
    assert!(
        old_view.status.iter().any(|s| s.purpose == "revocation"
            && s.set
            && s.reason.as_deref() == Some("superseded"))
    );
}

#[tokio::test]
async fn pages_of_another_organisation_are_not_found() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let acme = server.create_org("acme").await;
    let beta = server.create_org("beta").await;
    let achievement = add_achievement(&server, &beta).await;
    let principal = Principal {
        org_id: beta.org_id.clone(),
        role: Role::Owner,
        actor: "test".into(),
    };
    let request = brevet_app::issuance::AwardRequest {
        achievement_id: achievement.clone(),
        recipient: brevet_app::issuance::Recipient {
            email: Some("x@example.org".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let awarded = server.app.award(&principal, &request, None).await.unwrap();
    let id = awarded.credential_id.unwrap();
    let mut browser = sign_in_admin(&server, "acme", &acme).await;
    let csrf = browser.csrf().await;
    assert_eq!(
        browser
            .get(&format!("/dashboard/credentials/{id}"))
            .await
            .status,
        404
    );
    let revoke = browser
        .post_form(
            &format!("/dashboard/credentials/{id}/status"),
            &[("csrf", &csrf), ("action", "revoke")],
        )
        .await;
    assert_eq!(revoke.status, 404);
    let view = server.app.credential_view(&principal, &id).await.unwrap();
    assert!(view.status.iter().all(|s| !s.set), "no change");
    let award = browser
        .post_form(
            "/dashboard/award",
            &[
                ("csrf", &csrf),
                ("achievement_id", &achievement),
                ("recipient_email", "y@example.org"),
            ],
        )
        .await;
    assert_eq!(award.status, 404);
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    for path in [
        "/dashboard",
        "/dashboard/credentials",
        "/dashboard/award",
        "/dashboard/api-keys",
        "/dashboard/oauth-clients",
        "/dashboard/members",
        "/dashboard/settings",
        "/dashboard/account/password",
    ] {
        let response = server.request(Request::get(path)).await;
        assert_eq!(response.status, 303, "{path}");
        assert_eq!(response.header("location"), Some("/auth/login"), "{path}");
        assert_eq!(response.header("cache-control"), Some("no-store"), "{path}");
    }
    let forged = server
        .request(
            Request::method("POST", "/dashboard/settings/rotate-key")
                .header("cookie", "brevet_session=brs_forged"),
        )
        .await;
    assert_eq!(forged.status, 303);
}

#[tokio::test]
async fn every_dashboard_page_renders_for_each_role() {
    let Some(server) = TestServer::start(Db::Sqlite).await else {
        return;
    };
    let org = server.create_org("acme").await;
    add_achievement(&server, &org).await;
    add_member(
        &server,
        &org,
        "issuer@acme.example",
        "issuer password",
        Role::Issuer,
    )
    .await;
    add_member(
        &server,
        &org,
        "viewer@acme.example",
        "viewer password",
        Role::Viewer,
    )
    .await;
    let owner_browser = sign_in_admin(&server, "acme", &org).await;
    let issuer = sign_in(&server, "issuer@acme.example", "issuer password").await;
    let viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
    for mut browser in [owner_browser, issuer, viewer] {
        for path in [
            "/dashboard",
            "/dashboard/credentials",
            "/dashboard/award",
            "/dashboard/api-keys",
            "/dashboard/oauth-clients",
            "/dashboard/members",
            "/dashboard/settings",
            "/dashboard/account/password",
        ] {
            let page = browser.get(path).await;
            assert_eq!(page.status, 200, "{path}: {}", page.text());
            assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
            assert!(page.text().contains("id=\"sign-out\""), "{path}");
        }
    }
    // Only owners see the forms that administer.
    let mut viewer = sign_in(&server, "viewer@acme.example", "viewer password").await;
    assert!(
        !viewer
            .get("/dashboard/api-keys")
            .await
            .text()
            .contains("id=\"api-key-form\"")
    );
    let csrf = viewer.csrf().await;
    let rotate = viewer
        .post_form("/dashboard/settings/rotate-key", &[("csrf", &csrf)])
        .await;
    assert_eq!(rotate.status, 403);
}
