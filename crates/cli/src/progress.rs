//! Progress of batch runs on stderr: a spinner with files, bytes and speed on a terminal
//! (`--progress auto`, the default), plain lines once a second when forced onto a file or pipe
//! (`always`), nothing with `never` or `--quiet`. `NO_COLOR` turns colours off.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// When to show progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum When {
    /// On a terminal only.
    #[default]
    Auto,
    /// Never.
    Never,
    /// Always (plain lines when stderr is not a terminal).
    Always,
}

pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    plain: Option<Instant>,
    files: u64,
    bytes: u64,
    started: Instant,
}

impl Progress {
    pub(crate) fn new(when: When, quiet: bool) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let show = !quiet && (when == When::Always || (when == When::Auto && tty));
        let bar = (show && tty).then(|| {
            let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let template = if colour {
                "{spinner:.cyan} {elapsed_precise} {msg}"
            } else {
                "{spinner} {elapsed_precise} {msg}"
            };
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            plain: (show && !tty).then(Instant::now),
            files: 0,
            bytes: 0,
            started: Instant::now(),
        }
    }

    fn line(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(1e-9);
        format!(
            "{} files, {:.1} MB, {:.1} MB/s",
            self.files,
            self.bytes as f64 / 1e6,
            self.bytes as f64 / 1e6 / secs
        )
    }

    /// One more file of `bytes` bytes.
    pub(crate) fn file(&mut self, bytes: u64) {
        self.files += 1;
        self.bytes += bytes;
        if let Some(b) = &self.bar {
            b.set_message(self.line());
        }
        if let Some(last) = self.plain {
            if last.elapsed() >= Duration::from_secs(1) {
                eprintln!("progress: {}", self.line());
                self.plain = Some(Instant::now());
            }
        }
    }

    /// Clears the bar (the summary follows).
    pub(crate) fn finish(self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        if self.plain.is_some() {
            eprintln!("progress: {}", self.line());
        }
    }
}
