//! The server commands' settings, resolved from four layers: flags, then environment variables
//! (clap reads both into [`ServerOptions`]), then the optional `--config` TOML file, then the
//! defaults. The file's keys mirror the long flags; an unknown key is an error naming it.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::cli_server::{LogFormat, ServerOptions};

/// The default data directory.
pub(crate) const DEFAULT_DATA_DIR: &str = "brevet-data";
/// The default listening address.
pub(crate) const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The `--config` file: every key optional, no other key allowed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    base_url: Option<String>,
    bind: Option<String>,
    master_key_file: Option<PathBuf>,
    log_format: Option<LogFormat>,
    allow_private_network: Option<bool>,
}

/// Resolved settings of a server command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) data_dir: PathBuf,
    pub(crate) database_url: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) bind: String,
    pub(crate) master_key_file: Option<PathBuf>,
    pub(crate) log_format: LogFormat,
    pub(crate) allow_private_network: bool,
}

impl Settings {
    /// Resolves `options` (flags and environment) over the `--config` file over the defaults.
    pub(crate) fn resolve(options: &ServerOptions) -> anyhow::Result<Settings> {
        let file = match &options.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        Ok(Settings::layer(options, file))
    }

    /// Resolves with the `log_format` flag of `serve` on top.
    pub(crate) fn resolve_with_log_format(
        options: &ServerOptions,
        log_format: Option<LogFormat>,
    ) -> anyhow::Result<Settings> {
        let mut settings = Settings::resolve(options)?;
        if let Some(format) = log_format {
            settings.log_format = format;
        }
        Ok(settings)
    }

    fn layer(options: &ServerOptions, file: FileConfig) -> Settings {
        Settings {
            data_dir: options
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            database_url: options.database_url.clone().or(file.database_url),
            base_url: options.base_url.clone().or(file.base_url),
            bind: options
                .bind
                .clone()
                .or(file.bind)
                .unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            master_key_file: options.master_key_file.clone().or(file.master_key_file),
            log_format: file.log_format.unwrap_or(LogFormat::Text),
            allow_private_network: options
                .allow_private_network
                .or(file.allow_private_network)
                .unwrap_or(false),
        }
    }

    /// The base URL: `base_url`, else `http://` + the bind address; no trailing slash.
    pub(crate) fn base_url(&self) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
            .trim_end_matches('/')
            .to_owned()
    }
}

/// Reads and parses a config file; relative paths in it are made relative to its folder.
fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the config file {}", path.display()))?;
    let mut config =
        parse(&text).with_context(|| format!("the config file {} is not valid", path.display()))?;
    let folder = path.parent().unwrap_or_else(|| Path::new(""));
    for relative in [&mut config.data_dir, &mut config.master_key_file]
        .into_iter()
        .flatten()
    {
        if relative.is_relative() {
            *relative = folder.join(&*relative);
        }
    }
    Ok(config)
}

fn parse(text: &str) -> anyhow::Result<FileConfig> {
    match toml::from_str::<FileConfig>(text) {
        Ok(config) => Ok(config),
        Err(error) => {
            // toml names an unknown key as "unknown field `x`"; say it plainly.
            let message = error.message().to_owned();
            if let Some(key) = message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next())
            {
                bail!(
                    "unknown key {key:?} (known keys: data_dir, database_url, base_url, bind, master_key_file, log_format, allow_private_network)"
                );
            }
            bail!("{error}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> ServerOptions {
        ServerOptions::default()
    }

    #[test]
    fn defaults_apply_when_nothing_is_given() {
        let settings = Settings::layer(&options(), FileConfig::default());
        assert_eq!(settings.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(settings.bind, DEFAULT_BIND);
        assert_eq!(settings.base_url(), "http://127.0.0.1:8080");
        assert_eq!(settings.log_format, LogFormat::Text);
        assert!(!settings.allow_private_network);
        assert_eq!(settings.database_url, None);
    }

    #[test]
    fn the_file_overrides_defaults_and_flags_override_the_file() {
        let file = parse(
            "data_dir = \"/var/lib/brevet\"\nbind = \"0.0.0.0:9000\"\nbase_url = \"https://badges.example.org/\"\n\
             log_format = \"json\"\nallow_private_network = true\nmaster_key_file = \"/etc/brevet/master.key\"\n\
             database_url = \"postgres://brevet@db/brevet\"\n",
        )
        .unwrap();
        let from_file = Settings::layer(&options(), file);
        assert_eq!(from_file.data_dir, PathBuf::from("/var/lib/brevet"));
        assert_eq!(from_file.bind, "0.0.0.0:9000");
        assert_eq!(from_file.base_url(), "https://badges.example.org");
        assert_eq!(from_file.log_format, LogFormat::Json);
        assert!(from_file.allow_private_network);
        assert_eq!(
            from_file.master_key_file,
            Some(PathBuf::from("/etc/brevet/master.key"))
        );

        let flags = ServerOptions {
            bind: Some("127.0.0.1:7000".into()),
            allow_private_network: Some(false),
            data_dir: Some("/tmp/other".into()),
            ..ServerOptions::default()
        };
        let file = parse("bind = \"0.0.0.0:9000\"\nallow_private_network = true\n").unwrap();
        let layered = Settings::layer(&flags, file);
        assert_eq!(layered.bind, "127.0.0.1:7000");
        assert!(!layered.allow_private_network);
        assert_eq!(layered.data_dir, PathBuf::from("/tmp/other"));
        assert_eq!(layered.base_url(), "http://127.0.0.1:7000");
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let error = parse("bind = \"127.0.0.1:1\"\nlisten_port = 80\n").unwrap_err();
        assert!(error.to_string().contains("\"listen_port\""), "{error}");
        let error = parse("bind = 80\n").unwrap_err();
        assert!(error.to_string().contains("bind"), "{error}");
        assert!(parse("log_format = \"xml\"\n").is_err());
    }

    #[test]
    fn relative_paths_in_the_file_are_relative_to_it() {
        let dir = std::env::temp_dir().join(format!("brevet-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("brevet.toml");
        std::fs::write(
            &path,
            "data_dir = \"data\"\nmaster_key_file = \"/abs/key\"\n",
        )
        .unwrap();
        let config = read_file(&path).unwrap();
        assert_eq!(config.data_dir, Some(dir.join("data")));
        assert_eq!(config.master_key_file, Some(PathBuf::from("/abs/key")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
