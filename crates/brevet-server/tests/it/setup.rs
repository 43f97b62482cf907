//! First-run setup: the one-time link creates the organisation (did:web, or did:key when
//! chosen) and owner, then dies.

use brevet_server::AppState;
use brevet_test_support::{Db, Request, TestServer};

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{key}={}", value.replace('@', "%40").replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test(flavor = "multi_thread")]
async fn first_run_setup_creates_the_organisation_once() {
    for (db, did_method) in Db::BOTH
        .into_iter()
        .flat_map(|db| [(db, "web"), (db, "key")])
    {
        let Some(server) = TestServer::start(db).await else {
            continue;
        };
        // The harness's router has its own state; arm setup on a state sharing the same app.
        let state = AppState::new(server.app.clone());
        let url = state
            .arm_setup()
            .await
            .unwrap()
            .expect("no org yet: setup armed");
        let token = url.split("token=").nth(1).unwrap().to_owned();
        let router = brevet_server::router(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum_serve(listener, router).await });
        let client = brevet_test_support::Client::new(&address);
        let send = |request: Request| {
            let client = client.clone();
            tokio::task::spawn_blocking(move || client.send(&request))
        };

        let wrong = send(Request::get("/setup?token=setup_wrong"))
            .await
            .unwrap();
        assert_eq!(wrong.status, 404, "{db:?}");
        let page = send(Request::get(&format!("/setup?token={token}")))
            .await
            .unwrap();
        assert_eq!(page.status, 200, "{db:?}: {}", page.text());
        assert!(page.text().contains("Create organisation"));
        assert!(page.text().contains(r#"<option value="web" selected>"#));

        let weak = form_body(&[
            ("token", &token),
            ("name", "Acme College"),
            ("slug", "acme"),
            ("email", "owner@acme.example"),
            ("password", "short"),
            ("did_method", did_method),
        ]);
        let refused = send(
            Request::method("POST", "/setup")
                .body("application/x-www-form-urlencoded", weak.into_bytes()),
        )
        .await
        .unwrap();
        assert_eq!(refused.status, 422, "{db:?}");
        let kept = format!(r#"<option value="{did_method}" selected>"#);
        assert!(refused.text().contains(&kept), "{}", refused.text());
        assert!(!server.app.has_orgs().await.unwrap());

        let good = form_body(&[
            ("token", &token),
            ("name", "Acme College"),
            ("slug", "acme"),
            ("email", "owner@acme.example"),
            ("password", "a long enough password"),
            ("did_method", did_method),
        ]);
        let done = send(Request::method("POST", "/setup").body(
            "application/x-www-form-urlencoded",
            good.clone().into_bytes(),
        ))
        .await
        .unwrap();
        assert_eq!(done.status, 200, "{db:?}: {}", done.text());
        assert!(done.text().contains("brv_"), "the API key is shown once");
        let prefix = if did_method == "key" {
            "did:key:z6Mk"
        } else {
            "did:web:"
        };
        assert!(done.text().contains(prefix), "{db:?}: {}", done.text());
        assert!(server.app.has_orgs().await.unwrap());

        let again = send(
            Request::method("POST", "/setup")
                .body("application/x-www-form-urlencoded", good.into_bytes()),
        )
        .await
        .unwrap();
        assert_eq!(again.status, 404, "{db:?}: the link works once");
        assert_eq!(state.arm_setup().await.unwrap(), None);
    }
}

async fn axum_serve(listener: tokio::net::TcpListener, router: axum::Router) {
    let _ = axum::serve(listener, router).await;
}
