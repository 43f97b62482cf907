//! `brevet serve`: set up logging, open the store, build the router, listen, and shut down
//! gracefully (requests in flight finish) on Ctrl-C or SIGTERM.

use std::process::ExitCode;

use anyhow::Context;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use super::config::Settings;
use super::server_setup::{open_app_with, runtime};
use super::{Failure, Status, WithStatus};
use crate::cli_server::{LogFormat, ServeArgs};

/// What is logged when `RUST_LOG` is not set.
const DEFAULT_LOG_FILTER: &str = "info";

pub(crate) fn run(args: &ServeArgs) -> Result<ExitCode, Failure> {
    let settings = Settings::resolve_with_log_format(&args.options, args.log_format)
        .or_exit(Status::Unreadable)?;
    init_logging(settings.log_format).or_exit(Status::Unreadable)?;
    let runtime = runtime().or_exit(Status::Unreadable)?;
    runtime
        .block_on(serve(&settings, args))
        .or_exit(Status::Unreadable)?;
    Ok(ExitCode::SUCCESS)
}

/// Structured logs on standard error: text or JSON lines, filtered by `RUST_LOG` as a list of
/// `target=level` directives and a bare default level (`info`, `brevet_app=debug,sqlx=warn`).
/// (Span and field filters of `EnvFilter` are not supported: they would compile a regex engine
/// into the binary for a feature a server's operators do not use.)
fn init_logging(format: LogFormat) -> anyhow::Result<()> {
    let filter: Targets = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.trim().is_empty() => {
            directives.trim().parse().with_context(|| {
                format!("RUST_LOG={directives:?} is not a valid filter (expected e.g. info or brevet_app=debug,sqlx=warn)")
            })?
        }
        _ => DEFAULT_LOG_FILTER
            .parse()
            .context("the default log filter")?,
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match format {
        LogFormat::Text => registry.with(layer).try_init(),
        LogFormat::Json => registry.with(layer.json().flatten_event(true)).try_init(),
    };
    installed.map_err(|error| anyhow::anyhow!("cannot set up logging: {error}"))
}

async fn serve(settings: &Settings, args: &ServeArgs) -> anyhow::Result<()> {
    let contexts = crate::contexts::operator_contexts(&args.contexts)?;
    for context in &contexts {
        tracing::info!(
            url = context.url(),
            sha256 = context.sha256(),
            "operator context"
        );
    }
    let app = open_app_with(settings, crate::contexts::linked_data(&contexts)?).await?;
    let mail_from = args
        .mail_from
        .clone()
        .unwrap_or_else(|| brevet_app::mail::default_from(&settings.base_url()));
    let mailer = brevet_app::mail::Mailer::from_settings(
        args.smtp_url.as_deref(),
        &settings.data_dir,
        &mail_from,
    )
    .context("setting up mail")?;
    tracing::info!(mail = %mailer.describe(), "mail");
    app.set_mailer(mailer);
    let state = brevet_server::AppState::new(app.clone());
    let setup_url = state
        .arm_setup()
        .await
        .context("checking for organisations")?;
    let router = brevet_server::router(state);
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    let local = listener.local_addr().context("listening address")?;
    println!(
        "Brevet is listening on http://{local} (public base URL {}, {} database)",
        settings.base_url(),
        app.store().backend().as_str()
    );
    if let Some(url) = setup_url {
        println!("First run: open {url} to create your organisation (this link works once).");
    }
    tracing::info!(
        address = %local,
        base_url = %settings.base_url(),
        backend = app.store().backend().as_str(),
        "listening"
    );
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving")?;
    app.store().close().await;
    tracing::info!("stopped");
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
    tracing::info!("shutting down: finishing the requests in flight");
}
