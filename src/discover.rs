//! Discover: the command-line paths → the files to read, in a stable order.
//!
//! Directories are walked recursively (walkdir), symlinks are not followed, hidden files and
//! directories are skipped, and entries are sorted by name so the same tree always gives the
//! same order (and so the same row ids). Problems with one entry are reported, not fatal.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A file to ingest, or an entry that could not be walked.
#[derive(Debug)]
pub enum Found {
    File {
        /// As reached from the command line: what messages show.
        path: PathBuf,
        /// Absolute, without `.`/`..` or symlinked directories (the root canonicalised once):
        /// what the archive records, so a file reached by another path is still the same file.
        canonical: PathBuf,
        /// Named on the command line itself rather than found by walking a directory.
        named: bool,
        size: u64,
        /// Modification time in nanoseconds since the epoch (0 when unknown).
        mtime_ns: i64,
    },
    Problem {
        path: String,
        reason: String,
    },
}

#[derive(Debug, thiserror::Error)]
#[error("{path}: no such file or directory")]
pub struct MissingPath {
    pub path: String,
}

/// Every file under `paths`. A path that does not exist is fatal; the caller checks all
/// of them before any work starts.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Found>, MissingPath> {
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(MissingPath {
                path: p.display().to_string(),
            });
        }
    }
    let mut out = Vec::new();
    for p in paths {
        walk(p, &mut out);
    }
    Ok(out)
}

pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn walk(root: &Path, out: &mut Vec<Found>) {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    // Below the root nothing is a symlink (they are not followed), so the root's canonical
    // form joined with the rest is canonical: one system call per root, not per file.
    let canonical = |p: &Path| match p.strip_prefix(root) {
        Ok(rest) if !rest.as_os_str().is_empty() => canonical_root.join(rest),
        _ => canonical_root.clone(),
    };
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let meta = e.metadata().ok();
                out.push(Found::File {
                    size: meta.as_ref().map_or(0, |m| m.len()),
                    mtime_ns: meta.as_ref().map_or(0, mtime_ns),
                    canonical: canonical(e.path()),
                    named: e.depth() == 0,
                    path: e.into_path(),
                })
            }
            Ok(e) if e.depth() == 0 && e.path_is_symlink() => {
                // A symlink named on the command line is what the user asked for.
                if let Ok(meta) = std::fs::metadata(e.path()) {
                    if meta.is_file() {
                        out.push(Found::File {
                            size: meta.len(),
                            mtime_ns: mtime_ns(&meta),
                            canonical: canonical_root.clone(),
                            named: true,
                            path: e.into_path(),
                        });
                    }
                }
            }
            Ok(e) if e.file_type().is_dir() || e.file_type().is_symlink() => {}
            Ok(e) => out.push(Found::Problem {
                path: e.path().display().to_string(),
                reason: "not a regular file (pipe, socket or device)".into(),
            }),
            Err(err) => out.push(Found::Problem {
                path: err
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string()),
                reason: err
                    .io_error()
                    .map_or_else(|| err.to_string(), |e| e.to_string()),
            }),
        }
    }
}
