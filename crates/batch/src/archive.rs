//! Archives: which kind a name is, safe member names, and reading and writing each kind.

use std::io::{self, Read, Write};

/// An archive kind, by file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `.tar`
    Tar,
    /// `.tar.gz`, `.tgz`
    TarGz,
    /// `.zip`
    Zip,
    /// `.gz` (one compressed file)
    Gz,
}

impl Kind {
    /// The kind a file name says, if it names an archive.
    pub fn of(name: &str) -> Option<Kind> {
        let n = name.to_ascii_lowercase();
        if n.ends_with(".tar.gz") || n.ends_with(".tgz") {
            Some(Kind::TarGz)
        } else if n.ends_with(".tar") {
            Some(Kind::Tar)
        } else if n.ends_with(".zip") {
            Some(Kind::Zip)
        } else if n.ends_with(".gz") {
            Some(Kind::Gz)
        } else {
            None
        }
    }
}

/// A member name that stays inside the archive's root, normalised to `/` separators without
/// `.` parts; `None` for absolute paths, `..`, drive letters and empty names.
pub(crate) fn safe_name(name: &str) -> Option<String> {
    let name = name.replace('\\', "/");
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return None;
    }
    let mut parts = Vec::new();
    for p in name.split('/') {
        match p {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\0') => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Reads all of `r`, failing when it holds more than `limit` bytes. `expected`: the size it
/// says it has (a file's metadata, an archive member's header; 0 when unknown), read into one
/// buffer of that size rather than a growing one copied as it doubles. A hint only: more or
/// less is read just the same.
pub(crate) fn read_limited<R: Read>(
    r: R,
    limit: u64,
    expected: u64,
) -> io::Result<Result<Vec<u8>, u64>> {
    // One byte more than expected: reading to the end needs a last read that returns nothing.
    let hint = usize::try_from(expected.min(limit).saturating_add(1)).unwrap_or(0);
    let mut data = Vec::with_capacity(hint);
    let n = r.take(limit.saturating_add(1)).read_to_end(&mut data)? as u64;
    Ok(if n > limit { Err(n) } else { Ok(data) })
}

/// Writes members into an archive of one kind.
pub(crate) enum Writer<W: Write + io::Seek> {
    /// tar, possibly gzipped.
    Tar(tar::Builder<W>),
    /// gzipped tar, written as one gzip member per entry (as pigz does), so that entries
    /// can be compressed in parallel; every gzip reader reads it as one stream.
    TarGz(W),
    /// zip (needs a seekable sink).
    Zip(Box<zip::ZipWriter<W>>),
    /// one gzipped file.
    Gz(Box<flate2::write::GzEncoder<W>>),
}

/// What a member keeps of its original header.
#[derive(Clone, Debug, Default)]
pub(crate) struct Meta {
    /// Unix permission bits.
    pub(crate) mode: Option<u32>,
    /// Modification time (seconds since the epoch).
    pub(crate) mtime: Option<u64>,
}

fn tar_header(size: u64, meta: &Meta, dir: bool) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(meta.mode.unwrap_or(if dir { 0o755 } else { 0o644 }));
    h.set_mtime(meta.mtime.unwrap_or(0));
    h.set_entry_type(if dir {
        tar::EntryType::Directory
    } else {
        tar::EntryType::Regular
    });
    h
}

impl<W: Write + io::Seek> Writer<W> {
    /// A writer of `kind` into `sink`.
    pub(crate) fn new(kind: Kind, sink: W) -> Writer<W> {
        let gz = |w| flate2::write::GzEncoder::new(w, flate2::Compression::default());
        match kind {
            Kind::Tar => Writer::Tar(tar::Builder::new(sink)),
            Kind::TarGz => Writer::TarGz(sink),
            Kind::Zip => Writer::Zip(Box::new(zip::ZipWriter::new(sink))),
            Kind::Gz => Writer::Gz(Box::new(gz(sink))),
        }
    }

    /// Adds a file.
    pub(crate) fn file(&mut self, name: &str, data: &[u8], meta: &Meta) -> io::Result<()> {
        match self {
            Writer::Tar(b) => {
                b.append_data(&mut tar_header(data.len() as u64, meta, false), name, data)
            }
            Writer::TarGz(w) => w.write_all(&tar_gz_entry(name, data, meta, false)?),
            Writer::Zip(z) => {
                let mut opts = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .large_file(data.len() as u64 >= u64::from(u32::MAX));
                if let Some(m) = meta.mode {
                    opts = opts.unix_permissions(m);
                }
                z.start_file(name, opts).map_err(io::Error::other)?;
                z.write_all(data)
            }
            Writer::Gz(g) => g.write_all(data),
        }
    }

    /// Adds a directory entry.
    pub(crate) fn dir(&mut self, name: &str, meta: &Meta) -> io::Result<()> {
        // Directory entries are written with their trailing slash, as archivers write them.
        let slashed = format!("{}/", name.trim_end_matches('/'));
        let name = slashed.as_str();
        match self {
            Writer::Tar(b) => b.append_data(&mut tar_header(0, meta, true), name, io::empty()),
            Writer::TarGz(w) => w.write_all(&tar_gz_entry(name, &[], meta, true)?),
            Writer::Zip(z) => z
                .add_directory(name, zip::write::SimpleFileOptions::default())
                .map_err(io::Error::other),
            Writer::Gz(_) => Ok(()),
        }
    }

    /// Adds an entry already made by [`tar_gz_entry`] (a `TarGz` writer only).
    pub(crate) fn raw(&mut self, packed: &[u8]) -> io::Result<()> {
        match self {
            Writer::TarGz(w) => w.write_all(packed),
            _ => Err(io::Error::other("a packed entry only goes into a tar.gz")),
        }
    }

    /// Writes the archive's end; returns the sink.
    pub(crate) fn finish(self) -> io::Result<W> {
        match self {
            Writer::Tar(b) => b.into_inner(),
            Writer::TarGz(mut w) => {
                // The end of the archive: two zero blocks, in a last gzip member.
                let mut gz =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                gz.write_all(&[0u8; 1024])?;
                w.write_all(&gz.finish()?)?;
                Ok(w)
            }
            Writer::Zip(z) => z.finish().map_err(io::Error::other),
            Writer::Gz(g) => g.finish(),
        }
    }
}

/// One tar entry (header, data, padding; long names as GNU long-name entries) compressed as
/// one gzip member.
pub(crate) fn tar_gz_entry(name: &str, data: &[u8], meta: &Meta, dir: bool) -> io::Result<Vec<u8>> {
    let mut b = tar::Builder::new(Vec::with_capacity(data.len() + 1024));
    let mut header = tar_header(data.len() as u64, meta, dir);
    b.append_data(&mut header, name, data)?;
    // Take the entry's bytes; the builder's end-of-archive blocks go into the emptied buffer.
    let raw = std::mem::take(b.get_mut());
    drop(b);
    let level = flate2::Compression::default();
    let mut gz = flate2::write::GzEncoder::new(Vec::with_capacity(raw.len() / 3), level);
    gz.write_all(&raw)?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(Kind::of("x.TAR.GZ"), Some(Kind::TarGz));
        assert_eq!(Kind::of("x.tgz"), Some(Kind::TarGz));
        assert_eq!(Kind::of("x.log.gz"), Some(Kind::Gz));
        assert_eq!(Kind::of("x.zip"), Some(Kind::Zip));
        assert_eq!(Kind::of("x.json"), None);
    }

    #[test]
    fn names_that_escape_are_refused() {
        assert_eq!(safe_name("./a/b/../c"), None);
        assert_eq!(safe_name("../etc/passwd"), None);
        assert_eq!(safe_name("/etc/passwd"), None);
        assert_eq!(safe_name("C:\\Windows\\x"), None);
        assert_eq!(safe_name("a\\b"), Some("a/b".to_string()));
        assert_eq!(
            safe_name("./tickets//1.json"),
            Some("tickets/1.json".to_string())
        );
        assert_eq!(safe_name(""), None);
    }
}
