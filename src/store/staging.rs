//! Staging: a first load (a run that starts on an archive holding no cable) is written to a
//! file beside the archive, `<archive>.loading`, and moved over the archive when the run ends.
//!
//! The staging file is a copy of the empty archive (`VACUUM INTO`: schema, migrations, earlier
//! runs) written with no journal at all. A load written so writes every page once, where the
//! write-ahead log writes it twice (into the log, then back into the file): on the full corpus
//! that is 4.6 GB less to copy and a third less time (README, Performance). It stays
//! crash-safe because the archive itself is not written until the rename, which is atomic:
//! - killed (SIGKILL, a power cut) before the rename, the archive is as the run found it
//!   (empty, with the run still marked `running`, which the next run marks `failed`), and the
//!   next run deletes the stale staging file;
//! - stopped by Ctrl-C or SIGTERM, the cables written so far are finished (indexes, counts)
//!   and moved into place, as a run in place would keep its committed batches;
//! - ended by an error, the staging file is deleted and the run marked `failed`.
//!
//! The archive is switched to rollback mode before the load, so no write-ahead log of the old
//! file can be left beside the new one. Readers see the empty archive until the rename;
//! one that keeps the file open (Datasette) sees the load after a restart. When the archive
//! cannot be switched (another program holds it open in WAL mode), the run loads in place.

use super::StoreError;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// A first load in progress in its staging file.
pub struct Staging {
    /// The archive, kept open to record a failed run in it.
    archive: Option<Connection>,
    archive_path: PathBuf,
    path: PathBuf,
    run_id: i64,
    /// Moved into place: nothing to clean up.
    done: bool,
    /// A thread flushing the loaded pages to disk while the run ends (`flush_early`).
    flushing: Option<std::thread::JoinHandle<()>>,
}

/// Where a first load into `archive` is staged.
pub fn staging_path(archive: &Path) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push(".loading");
    PathBuf::from(name)
}

impl Staging {
    /// Copy the (empty) archive to its staging file and open that for the load: returns the
    /// connection to write to, and the staging to finish, or the archive's own connection
    /// and no staging when the archive cannot be switched out of WAL mode or its path is not
    /// UTF-8 (SQLite takes the target of `VACUUM INTO` as text).
    pub fn begin(
        archive: Connection,
        archive_path: &Path,
        run_id: i64,
    ) -> Result<(Connection, Option<Staging>), StoreError> {
        // Beside the file itself: a symbolic link stays a link to the loaded archive.
        let archive_path = &std::fs::canonicalize(archive_path)
            .map_err(|e| StoreError::Staging(format!("{}: {e}", archive_path.display())))?;
        let path = staging_path(archive_path);
        // Only one ingest writes an archive at a time (the caller holds its lock): a staging
        // file found now was left by a killed run.
        remove_if_exists(&path)?;
        let Some(target) = path.to_str() else {
            return Ok((archive, None));
        };
        // Not for long: a program holding the archive open in WAL mode keeps it so.
        archive.busy_timeout(std::time::Duration::from_millis(200))?;
        let mode: Result<String, _> =
            archive.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0));
        archive.busy_timeout(std::time::Duration::from_secs(5))?;
        if !mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete")) {
            return Ok((archive, None));
        }
        let mut staging = Staging {
            archive: None,
            archive_path: archive_path.to_path_buf(),
            path: path.clone(),
            run_id,
            done: false,
            flushing: None,
        };
        archive.execute("VACUUM INTO ?1", [target])?;
        let open_err = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(&path).map_err(open_err)?;
        // No journal: the file is thrown away, not rolled back, if the run does not end.
        // EXCLUSIVE: nobody else has any business in it. No foreign-key checks: the writer
        // inserts each child row under the cable it has just written and never deletes a
        // cable, so the check on every child row (a lookup in `cables`, 7% of the writer's
        // instructions) could not fail; `tests/reliability.rs` runs `foreign_key_check` on
        // loaded archives.
        conn.query_row("PRAGMA journal_mode = OFF", [], |_| Ok(()))
            .map_err(open_err)?;
        conn.execute_batch(
            "PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA foreign_keys = OFF;",
        )
        .map_err(open_err)?;

        staging.archive = Some(archive);
        Ok((conn, Some(staging)))
    }

    /// Start writing the loaded pages to disk on a thread of its own, while the run creates
    /// indexes and counts on this one: the fsync in `finish` then has only the end's pages
    /// left (it took 1.2 s of the full corpus's single-threaded end when it had them all).
    /// Its result does not matter: `finish` syncs and checks.
    pub fn flush_early(&mut self) {
        if self.flushing.is_none() {
            let path = self.path.clone();
            self.flushing = std::thread::Builder::new()
                .name("flush".into())
                .spawn(move || {
                    let _ = std::fs::File::open(path).and_then(|f| f.sync_data());
                })
                .ok();
        }
    }

    /// Move the finished load over the archive: its data on disk first, then the rename,
    /// then the directory entry. `conn` (the staging file's connection) is closed first.
    pub fn finish(mut self, conn: Connection) -> Result<(), StoreError> {
        conn.close().map_err(|(_, e)| e)?;
        if let Some(thread) = self.flushing.take() {
            let _ = thread.join();
        }
        std::fs::File::open(&self.path)
            .and_then(|f| f.sync_all())
            .map_err(|e| self.io_error("cannot write", e))?;
        // Closed in rollback mode, the archive has no log; one that another program made
        // since (switching it to WAL, or writing it and crashing) would be read into the new
        // file: refuse rather than risk it.
        drop(self.archive.take());
        for suffix in ["-wal", "-journal"] {
            let mut side = self.archive_path.as_os_str().to_owned();
            side.push(suffix);
            if Path::new(&side).exists() {
                self.done = true; // keep the staging file for the user
                return Err(StoreError::Staging(format!(
                    "{}: another program wrote the archive during the load (it has a {suffix} file); the load is kept in {}: close that program and move it over the archive",
                    self.archive_path.display(),
                    self.path.display()
                )));
            }
        }
        // The archive's permissions, not those `VACUUM INTO` gave the copy.
        std::fs::metadata(&self.archive_path)
            .and_then(|m| std::fs::set_permissions(&self.path, m.permissions()))
            .map_err(|e| self.io_error("cannot set permissions", e))?;
        std::fs::rename(&self.path, &self.archive_path)
            .map_err(|e| self.io_error("cannot move into place", e))?;
        self.done = true;
        if let Some(dir) = self.archive_path.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            // A directory that cannot be opened for sync (some file systems) only loses the
            // guarantee that the rename survives a power cut.
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }

    fn io_error(&self, what: &str, e: std::io::Error) -> StoreError {
        StoreError::Staging(format!("{}: {what}: {e}", self.path.display()))
    }
}

impl Drop for Staging {
    /// A load that did not finish: the staging file goes, and the archive records the run
    /// as failed.
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let _ = std::fs::remove_file(&self.path);
        if let Some(archive) = &self.archive {
            let _ = archive.execute(
                "UPDATE ingest_runs SET status = 'failed', finished_at = datetime('now') WHERE id = ?1",
                [self.run_id],
            );
        }
    }
}

fn remove_if_exists(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Staging(format!(
            "{}: cannot remove a stale staging file: {e}",
            path.display()
        ))),
        _ => Ok(()),
    }
}
