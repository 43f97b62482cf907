//! `brevet bake`: puts a credential into a PNG or SVG badge image (Open Badges 3.0 baking) and
//! writes the baked image.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use brevet_core::baking::{ImageKind, MAX_IMAGE_BYTES, bake};

use super::{Failure, Status, WithStatus};
use crate::cli::BakeArgs;
use crate::input::read_text;

pub(crate) fn run(args: &BakeArgs) -> Result<ExitCode, Failure> {
    if args.image.as_os_str() == "-" && args.credential.as_os_str() == "-" {
        return Err(anyhow::anyhow!(
            "the image and the credential cannot both come from standard input"
        ))
        .or_exit(Status::Unreadable);
    }
    let image = read_image(&args.image).or_exit(Status::Unreadable)?;
    let credential = read_text(Some(&args.credential))
        .with_context(|| format!("cannot read the credential {}", args.credential.display()))
        .or_exit(Status::Unreadable)?;
    let baked = bake(&image, &credential)
        .with_context(|| {
            format!(
                "cannot bake {} into {}",
                args.credential.display(),
                args.image.display()
            )
        })
        .or_exit(Status::Unreadable)?;
    write_output(&args.out, &baked)
        .with_context(|| format!("cannot write {}", args.out.display()))
        .or_exit(Status::Unreadable)?;
    if args.out.as_os_str() != "-" {
        let kind = match ImageKind::sniff(&baked) {
            Some(ImageKind::Png) => "PNG",
            _ => "SVG",
        };
        eprintln!(
            "baked {} into {} ({kind}, {} bytes)",
            args.credential.display(),
            args.out.display(),
            baked.len()
        );
    }
    Ok(Status::Success.into())
}

/// Reads an image file (or standard input for `-`), reading at most one byte more than the
/// image cap so that an oversized file is refused without being read whole.
pub(super) fn read_image(path: &Path) -> anyhow::Result<Vec<u8>> {
    let cap = u64::try_from(MAX_IMAGE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(cap)
            .read_to_end(&mut bytes)
            .context("reading the image from standard input")?;
    } else {
        std::fs::File::open(path)
            .with_context(|| format!("cannot open the image {}", path.display()))?
            .take(cap)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading the image {}", path.display()))?;
    }
    if bytes.len() > MAX_IMAGE_BYTES {
        anyhow::bail!(
            "the image {} is larger than {MAX_IMAGE_BYTES} bytes; badge images are refused above that",
            path.display()
        );
    }
    Ok(bytes)
}

fn write_output(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()?;
    } else {
        std::fs::write(path, bytes)?;
    }
    Ok(())
}
