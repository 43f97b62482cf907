//! `brevet org create`: bootstrap an organisation from the command line.

use std::process::ExitCode;

use brevet_app::AppError;
use brevet_app::orgs::DidMethod;

use super::server_setup::{open_app, runtime};
use super::{Failure, Status, WithStatus};
use crate::cli_server::OrgCreateArgs;

pub(crate) fn create(args: &OrgCreateArgs) -> Result<ExitCode, Failure> {
    let runtime = runtime().or_exit(Status::Unreadable)?;
    runtime.block_on(async {
        let app = open_app(&args.options).await.or_exit(Status::Unreadable)?;
        let did_method = DidMethod::parse(&args.did_method).map_err(refused)?;
        let created = app
            .create_org_with_method(&args.name, &args.slug, &args.admin_email, did_method)
            .await
            .map_err(refused)?;
        let json = serde_json::to_string_pretty(&created).or_exit(Status::Unreadable)?;
        println!("{json}");
        app.store().close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// A refusal exits 1 (invalid input, a taken slug), anything else 2.
fn refused(error: AppError) -> Failure {
    let status = match error {
        AppError::Invalid { .. } | AppError::Conflict(_) | AppError::BadRequest { .. } => {
            Status::Invalid
        }
        _ => Status::Unreadable,
    };
    Failure {
        status,
        error: anyhow::anyhow!("{error}"),
    }
}
