//! `brevet serve`: open the store, build the router, listen, and shut down gracefully (requests
//! in flight finish) on Ctrl-C or SIGTERM.

use std::process::ExitCode;

use anyhow::Context;

use super::server_setup::{base_url, open_app, runtime};
use super::{Failure, Status, WithStatus};
use crate::cli_server::ServeArgs;

pub(crate) fn run(args: &ServeArgs) -> Result<ExitCode, Failure> {
    let runtime = runtime().or_exit(Status::Unreadable)?;
    runtime.block_on(serve(args)).or_exit(Status::Unreadable)?;
    Ok(ExitCode::SUCCESS)
}

async fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let app = open_app(&args.options).await?;
    let state = brevet_server::AppState::new(app.clone());
    let setup_url = state
        .arm_setup()
        .await
        .context("checking for organisations")?;
    let router = brevet_server::router(state);
    let listener = tokio::net::TcpListener::bind(&args.options.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.options.bind))?;
    let local = listener.local_addr().context("listening address")?;
    println!(
        "Brevet is listening on http://{local} (public base URL {}, {} database)",
        base_url(&args.options),
        app.store().backend().as_str()
    );
    if let Some(url) = setup_url {
        println!("First run: open {url} to create your organisation (this link works once).");
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving")?;
    app.store().close().await;
    eprintln!("brevet: stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
