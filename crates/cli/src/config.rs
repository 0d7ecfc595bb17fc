//! The one TOML config: rules (`[[rule]]`, `[allow]`, `[[deny]]`), the policy (`[policy]`),
//! batch limits (`[limits]`) and field policies (`[fields]`). Found with `--config FILE`, else
//! `redactyl.toml` in the current directory, else `$XDG_CONFIG_HOME/redactyl/config.toml`
//! (`~/.config/redactyl/config.toml`); none is fine.

use anyhow::{Context, Result};
use redactyl_batch::Limits;
use redactyl_formats::FieldPolicy;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Default)]
struct File {
    #[serde(default)]
    limits: LimitsSpec,
    #[serde(default)]
    fields: FieldsSpec,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct LimitsSpec {
    max_depth: Option<usize>,
    max_file_bytes: Option<u64>,
    max_ratio: Option<u64>,
    max_total_bytes: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FieldsSpec {
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    redact: Vec<String>,
    #[serde(default)]
    scan_numbers: bool,
}

/// What a config file says (defaults when there is none).
pub(crate) struct Config {
    /// The file, when one was found.
    pub(crate) path: Option<PathBuf>,
    pub(crate) limits: Limits,
    pub(crate) fields: FieldPolicy,
}

fn search_path() -> Vec<PathBuf> {
    let mut v = vec![PathBuf::from("redactyl.toml")];
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    if let Some(b) = base {
        v.push(b.join("redactyl").join("config.toml"));
    }
    v
}

impl Config {
    /// The config named, or the first on the search path.
    pub(crate) fn load(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => search_path().into_iter().find(|p| p.is_file()),
        };
        let Some(path) = path else {
            return Ok(Config {
                path: None,
                limits: Limits::default(),
                fields: FieldPolicy::default(),
            });
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        let file: File =
            toml::from_str(&text).with_context(|| format!("config {}", path.display()))?;
        let d = Limits::default();
        let limits = Limits {
            max_depth: file.limits.max_depth.unwrap_or(d.max_depth),
            max_file_bytes: file.limits.max_file_bytes.unwrap_or(d.max_file_bytes),
            max_ratio: file.limits.max_ratio.unwrap_or(d.max_ratio),
            max_total_bytes: file.limits.max_total_bytes.unwrap_or(d.max_total_bytes),
        };
        let mut fields = FieldPolicy::new().scan_numbers(file.fields.scan_numbers);
        for p in &file.fields.skip {
            fields = fields.skip(p);
        }
        for p in &file.fields.redact {
            fields = fields.redact(p);
        }
        Ok(Config {
            path: Some(path),
            limits,
            fields,
        })
    }
}
