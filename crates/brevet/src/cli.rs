//! The command-line interface: every command, argument and its `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Brevet: sign and verify Open Badges 3.0 and W3C Verifiable Credentials (Data Integrity proofs,
/// did:key / did:web, Bitstring Status List), offline and fast.
#[derive(Debug, Parser)]
#[command(
    name = "brevet",
    version,
    propagate_version = true,
    after_help = "Examples:
  brevet demo                                      sign and verify a sample badge end to end
  brevet keys generate --out issuer-key.json       a new Ed25519 key (did:key issuer)
  brevet sign --key issuer-key.json badge.json > signed.json
  brevet verify signed.json                        one line per check; exit 0 verified, 1 invalid, 2 unknown
  brevet verify --json --offline --status-list https://example.org/status/1=list.json signed.json"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Manage Ed25519 signing keys (Multikey JSON with a did:key controller).
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Add a Data Integrity proof to an unsigned credential and print the signed credential.
    ///
    /// The credential is checked against the data model first (VC 2.0, plus the Open Badges 3.0
    /// rules for OpenBadgeCredential / AchievementCredential); its issuer must be the key's
    /// controller. No claim is changed; `created` is the current time (UTC, whole seconds).
    ///
    /// Exit status: 0 signed, 1 refused (invalid credential), 2 unreadable input or key.
    Sign(SignArgs),
    /// Verify a credential and print a report with one line per check.
    ///
    /// Checks, in order: syntax (data model), context (only pinned contexts; none is ever
    /// fetched), proof (every proof verifies), issuer-key (the issuer controls the key, listed
    /// under assertionMethod), validity (validFrom <= time <= validUntil, and each proof's
    /// window), status (Bitstring Status List revocation and suspension).
    ///
    /// did:key issuers resolve locally. did:web documents and status lists are fetched over
    /// HTTPS through a guarded client (public addresses only, no redirects, 5 s and 1 MiB caps)
    /// unless --offline; --did-doc and --status-list supply them from files.
    ///
    /// Exit status: 0 verified, 1 invalid (a check failed), 2 something could not be checked or
    /// the input is unreadable.
    Verify(VerifyArgs),
    /// Build and sign Bitstring Status List credentials (revocation, suspension).
    #[command(subcommand, name = "status-list")]
    StatusList(StatusListCommand),
    /// Measure single-thread throughput (operations per second).
    ///
    /// Measures signing and verifying (eddsa-rdfc-2022, eddsa-jcs-2022) and status list checks on
    /// a realistic Open Badges 3.0 credential. Prints `NAME MEDIAN MIN MAX RUNS` lines; lines
    /// starting with `#` are comments. Build with --release for meaningful figures.
    Bench(BenchArgs),
    /// Sign and verify a sample badge end to end (the main job).
    ///
    /// Makes a key, builds a sample Open Badges 3.0 badge with a revocation entry, signs it and a
    /// revocation list, verifies the badge offline against that list, and prints where the files
    /// are and the verification report. Exit status 0 when verified.
    Demo(DemoArgs),
    /// Run the Brevet server: JSON API, VC-API, public credential pages, verify page and
    /// dashboard, on an embedded SQLite database (default) or PostgreSQL.
    Serve(crate::cli_server::ServeArgs),
    /// Manage organisations (tenants) from the command line.
    #[command(subcommand)]
    Org(crate::cli_server::OrgCommand),
    /// Write a consistent copy of the database (while the server runs) to a file. The master
    /// key is not in it: keep the master key with the backup.
    Backup(crate::cli_server::BackupArgs),
    /// Restore a backup into an empty database (SQLite or PostgreSQL, whichever made it).
    Restore(crate::cli_server::RestoreArgs),
    /// Manage the master key that seals issuer keys at rest.
    #[command(subcommand, name = "master-key")]
    MasterKey(crate::cli_server::MasterKeyCommand),
    /// Bake a credential into a badge image: PNG (an uncompressed iTXt chunk
    /// `openbadgecredential`) or SVG (an `<openbadges:credential>` element), as Open Badges 3.0
    /// specifies.
    ///
    /// The image type is told by its bytes, not its name. The credential file is embedded verbatim
    /// and must be a JSON object or a compact JWT; a credential the image already carries (Open
    /// Badges 3.0 or 2.0) is replaced. Pixels are not re-encoded. Images over 10 MiB, malformed
    /// images and SVG documents that declare entities are refused.
    ///
    /// Example: brevet bake badge.png signed.json -o baked.png
    ///
    /// Exit status: 0 baked, 2 unreadable or refused image or credential.
    Bake(BakeArgs),
    /// Print the credential a baked PNG or SVG badge carries, verbatim: JSON, a JWT, or an Open
    /// Badges 2.0 assertion URL (Open Badges 3.0 and 2.0 images are read).
    ///
    /// Nothing is fetched and nothing is verified: pipe the output to `brevet verify`. An image
    /// carrying two credentials is refused, never guessed at.
    ///
    /// Example: brevet unbake baked.png | brevet verify
    ///
    /// Exit status: 0 printed, 1 the image carries no credential, 2 unreadable or refused image.
    Unbake(UnbakeArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Generate a new Ed25519 key and print it (or write it to --out) as Multikey JSON:
    /// {"type","id","controller","publicKeyMultibase","secretKeyMultibase"}.
    Generate {
        /// Write the key to this file (created with owner-only permissions) instead of printing it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum StatusListCommand {
    /// Print a signed BitstringStatusListCredential (131,072 entries) to publish at --url, with
    /// the given entries set. The key's controller is the list's issuer: the same issuer as the
    /// credentials whose status it holds.
    Create(StatusListCreateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct StatusListCreateArgs {
    /// The issuer's key file.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// The URL the list will be published at (its id; credentials name it in statusListCredential).
    #[arg(long, value_name = "URL")]
    pub(crate) url: String,
    /// What a set entry means.
    #[arg(long, default_value = "revocation", value_parser = ["revocation", "suspension"])]
    pub(crate) purpose: String,
    /// Set the entry at INDEX (repeatable).
    #[arg(long = "set", value_name = "INDEX")]
    pub(crate) set: Vec<u64>,
    /// The cryptosuite.
    #[arg(long, value_enum, default_value = "eddsa-rdfc-2022")]
    pub(crate) suite: SuiteArg,
}

/// The Data Integrity cryptosuites Brevet signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum SuiteArg {
    /// RDF Dataset Canonicalization (JSON-LD to RDF, RDFC-1.0) + Ed25519: the default.
    #[value(name = "eddsa-rdfc-2022")]
    EddsaRdfc2022,
    /// JSON Canonicalization Scheme (RFC 8785) + Ed25519.
    #[value(name = "eddsa-jcs-2022")]
    EddsaJcs2022,
}

#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// The key file (from `brevet keys generate`); its secret may be named secretKeyMultibase or
    /// privateKeyMultibase.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// The cryptosuite.
    #[arg(long, value_enum, default_value = "eddsa-rdfc-2022")]
    pub(crate) suite: SuiteArg,
    /// The unsigned credential (JSON); `-` or nothing reads standard input.
    #[arg(value_name = "IN")]
    pub(crate) input: Option<PathBuf>,
    /// Serve FILE as the JSON-LD context URL, beside the pinned ones (repeatable).
    #[arg(long = "context", value_name = "URL=FILE")]
    pub(crate) contexts: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The credential (JSON); `-` or nothing reads standard input.
    #[arg(value_name = "IN")]
    pub(crate) input: Option<PathBuf>,
    /// Print the report as JSON: {"verified": bool, "checks": [{"check", "outcome", "detail"}]}.
    #[arg(long)]
    pub(crate) json: bool,
    /// Verify as of this time (RFC 3339, e.g. 2030-01-01T00:00:00Z) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub(crate) at: Option<String>,
    /// Make no network request: documents not supplied with --did-doc / --status-list cannot be
    /// had, and the checks that need them report could-not-check.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Use FILE as the status list credential published at URL (repeatable).
    #[arg(long = "status-list", value_name = "URL=FILE")]
    pub(crate) status_lists: Vec<String>,
    /// Use FILE as the DID document of DID (repeatable).
    #[arg(long = "did-doc", value_name = "DID=FILE")]
    pub(crate) did_docs: Vec<String>,
    /// Serve FILE as the JSON-LD context URL, beside the pinned ones (repeatable).
    #[arg(long = "context", value_name = "URL=FILE")]
    pub(crate) contexts: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// How many timed runs per figure (each run lasts about a second).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub(crate) runs: u32,
}

#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Where to write the demo's key, unsigned and signed badge (default: a new folder under the
    /// system's temporary directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct BakeArgs {
    /// The badge image (PNG or SVG); `-` reads standard input.
    #[arg(value_name = "IMAGE")]
    pub(crate) image: PathBuf,
    /// The credential to embed: a JSON file or a compact JWT; `-` reads standard input.
    #[arg(value_name = "CREDENTIAL")]
    pub(crate) credential: PathBuf,
    /// Where to write the baked image (`-` for standard output).
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct UnbakeArgs {
    /// The baked badge image (PNG or SVG); `-` reads standard input.
    #[arg(value_name = "IMAGE")]
    pub(crate) image: PathBuf,
}
