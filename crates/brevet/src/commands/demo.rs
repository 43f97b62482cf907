//! `brevet demo`: the main job end to end. Makes a key, builds the sample Open Badges 3.0 badge
//! (issuer profile, achievement with criteria, alignment and results, a revocation entry), signs
//! it, publishes (as a file) a signed revocation list, verifies the badge against it offline,
//! and prints where everything is and the verification report. Exit 0 when verified.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use brevet_core::datetime::format_now_like;
use brevet_core::issue::sign_credential;
use brevet_core::linked_data::LinkedData;
use brevet_core::multikey::{Ed25519KeyPair, KeyFile};
use brevet_core::proof::Cryptosuite;
use brevet_core::verify::{VerifyEnv, verify};
use serde_json::Value;

use super::keys::write_secret_file;
use super::verify::{exit_status, print_report};
use super::{Failure, Status, WithStatus};
use crate::cli::DemoArgs;
use crate::sample::{SAMPLE_LIST_URL, sample_badge, sample_status_list};
use crate::sources::CliSources;

pub(crate) fn run(args: &DemoArgs) -> Result<ExitCode, Failure> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("brevet-demo-{}", std::process::id())),
    };
    let files = prepare(&dir).or_exit(Status::Unreadable)?;
    let sources = CliSources::new(
        &[],
        &[format!("{SAMPLE_LIST_URL}={}", files.status_list.display())],
        true,
    )
    .or_exit(Status::Unreadable)?;
    let signed = crate::input::read_json(Some(&files.signed), "the signed badge")
        .or_exit(Status::Unreadable)?;
    let env = VerifyEnv {
        now: crate::clock::now(),
        ld: LinkedData::shared(),
        dids: &sources,
        status_lists: &sources,
    };
    let report = verify(&signed, &env);
    println!("Brevet demo: an Open Badges 3.0 credential, signed and verified end to end.");
    println!("  issuer key       {}", files.key.display());
    println!("  unsigned badge   {}", files.unsigned.display());
    println!(
        "  signed badge     {}   (eddsa-rdfc-2022)",
        files.signed.display()
    );
    println!(
        "  revocation list  {}   (signed; served for {SAMPLE_LIST_URL})",
        files.status_list.display()
    );
    println!("  issuer           {}", files.issuer);
    println!();
    println!("Verification report:");
    print_report(&report, false).or_exit(Status::Unreadable)?;
    println!();
    println!(
        "Try: brevet verify --offline --status-list {SAMPLE_LIST_URL}={} {}",
        files.status_list.display(),
        files.signed.display()
    );
    Ok(exit_status(&report).into())
}

struct DemoFiles {
    key: PathBuf,
    unsigned: PathBuf,
    signed: PathBuf,
    status_list: PathBuf,
    issuer: String,
}

fn prepare(dir: &Path) -> anyhow::Result<DemoFiles> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let files = DemoFiles {
        key: dir.join("issuer-key.json"),
        unsigned: dir.join("badge.json"),
        signed: dir.join("badge.signed.json"),
        status_list: dir.join("revocation-list.json"),
        issuer: String::new(),
    };
    for path in [
        &files.key,
        &files.unsigned,
        &files.signed,
        &files.status_list,
    ] {
        if path.exists() {
            anyhow::bail!(
                "{} already exists; give the demo an empty folder with --dir",
                path.display()
            );
        }
    }
    let key = Ed25519KeyPair::generate();
    write_secret_file(
        &files.key,
        &KeyFile::from_key_pair(&key).to_json_with_secret(),
    )?;
    let issuer = key.did_key();
    let created = format_now_like(crate::clock::now());
    let ld = LinkedData::shared();
    let unsigned = sample_badge(&issuer)?;
    write_json(&files.unsigned, &unsigned)?;
    let signed = sign_credential(&unsigned, &key, Cryptosuite::EddsaRdfc2022, &created, ld)
        .context("signing the sample badge")?;
    write_json(&files.signed, &signed)?;
    let list = sign_credential(
        &sample_status_list(&issuer, &[])?,
        &key,
        Cryptosuite::EddsaRdfc2022,
        &created,
        ld,
    )
    .context("signing the revocation list")?;
    write_json(&files.status_list, &list)?;
    Ok(DemoFiles { issuer, ..files })
}

fn write_json(path: &Path, value: &Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}
