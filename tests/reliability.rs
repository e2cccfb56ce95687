//! Issue 6 through the binary: versions, incremental re-ingest, crash safety (SIGKILL at
//! random moments, Ctrl-C), concurrent readers, one writer at a time, a refused newer schema.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A CSV of `n` cables made from the bundled seed cable: each a distinct reference id and body,
/// so a run takes long enough to be interrupted.
fn synthetic_csv(dir: &Path, n: usize) -> PathBuf {
    let seed = fs::read_to_string(examples().join("08TOKYO3205.txt")).unwrap();
    let header_start = seed.find("VZCZC").unwrap();
    let body_start = seed.find("C O N F I D E N T I A L").unwrap();
    let header = &seed[header_start..body_start];
    let body = &seed[body_start..];
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::new();
    for i in 0..n {
        let id = format!("08TOKYO{}", 10000 + i);
        let body = body
            .replace("TOKYO 003205", &format!("TOKYO {:06}", 10000 + i))
            .replace("Pointed Displeasure", &format!("Pointed Displeasure {i}"));
        out.push_str(
            &[
                q(&(i + 1).to_string()),
                q("11/19/2008 09:09"),
                q(&id),
                q("Embassy Tokyo"),
                q("CONFIDENTIAL"),
                q(""),
                q(header),
                q(&body),
            ]
            .join(","),
        );
        out.push('\n');
    }
    let path = dir.join("cables.csv");
    fs::write(&path, out).unwrap();
    path
}

fn spawn_ingest(db: &Path, input: &Path) -> Child {
    bin_command()
        .args(["ingest", "--quiet", "--jobs", "2", "--db"])
        .arg(db)
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn bin_command() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cable-archive"))
}

/// `PRAGMA integrity_check` is ok and `PRAGMA foreign_key_check` finds nothing.
fn assert_sound(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fk: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0, "foreign key violations");
    // A complete search index (its triggers exist) holds exactly the stored rows.
    let complete: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'cables_au')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if complete {
        assert_index_matches_content(&conn);
    }
}

#[test]
fn sigkill_at_random_moments_then_rerun_gives_the_clean_state() {
    let tmp = tempfile::tempdir().unwrap();
    let input = synthetic_csv(tmp.path(), 2500);
    let clean = tmp.path().join("clean.db");
    let started = Instant::now();
    assert_eq!(ingest(&clean, &[&input]).0, 0);
    let clean_time = started.elapsed();
    let want = fingerprint(&clean);

    // Moments spread over a clean run's duration; a simple LCG keeps them reproducible.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut moment = || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        clean_time.mul_f64(0.02 + 0.9 * ((x >> 33) as f64 / (1u64 << 31) as f64))
    };
    let mut kills = 0;
    for round in 0..12 {
        let db = tmp.path().join(format!("killed-{round}.db"));
        // Every third round kills the resumed run too: recovery from a recovery. A run that
        // finished before its moment (the machine was faster than the clean run) is tried again
        // with half the delay, so each kill really lands on a running ingest.
        for pass in 0..(1 + usize::from(round % 3 == 0)) {
            let mut delay = moment();
            for _attempt in 0..10 {
                if pass == 0 {
                    // The first kill of a round hits an ingest into a new archive.
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = fs::remove_file(format!("{}{suffix}", db.display()));
                    }
                }
                let mut child = spawn_ingest(&db, &input);
                std::thread::sleep(delay);
                let running = child.try_wait().unwrap().is_none();
                if running {
                    child.kill().unwrap(); // SIGKILL
                    kills += 1;
                }
                child.wait().unwrap();
                if db.exists() {
                    assert_sound(&db);
                }
                // A resumed run that finished first has nothing left to interrupt.
                if running || pass > 0 {
                    break;
                }
                delay /= 2;
            }
        }
        let (code, stderr) = ingest(&db, &[&input]);
        assert_eq!(code, 0, "round {round}: {stderr}");
        assert_sound(&db);
        // The killed runs never recorded their end; the next run marked them failed.
        let running: i64 = one(
            &db,
            "SELECT count(*) FROM ingest_runs WHERE status = 'running'",
        );
        assert_eq!(running, 0, "round {round}");
        assert_eq!(
            fingerprint(&db),
            want,
            "round {round}: the re-run differs from a clean run"
        );
    }
    assert!(
        kills >= 12,
        "only {kills} runs were still going when killed"
    );
}

#[test]
fn sigint_and_sigterm_stop_after_a_batch_with_a_summary_and_a_rerun_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = synthetic_csv(tmp.path(), 2500);
    let clean = tmp.path().join("clean.db");
    assert_eq!(ingest(&clean, &[&input]).0, 0);
    for (signal, status) in [("INT", 130), ("TERM", 143)] {
        let db = tmp.path().join(format!("{signal}.db"));
        let child = spawn_ingest(&db, &input);
        std::thread::sleep(Duration::from_millis(400));
        send_signal(child.id(), signal);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() == Some(0) {
            eprintln!(
                "NOTICE: the ingest finished before SIG{signal} arrived; nothing interrupted"
            );
        } else {
            assert_eq!(out.status.code(), Some(status), "SIG{signal}: {stderr}");
            assert!(stderr.contains("interrupted: "), "{stderr}");
            let run: String = one(
                &db,
                "SELECT status FROM ingest_runs ORDER BY id DESC LIMIT 1",
            );
            assert_eq!(run, "interrupted");
        }
        assert_sound(&db);
        assert_eq!(ingest(&db, &[&input]).0, 0);
        assert_eq!(fingerprint(&db), fingerprint(&clean));
    }
}

/// Every index made by CREATE INDEX, as `name: sql`, in name order.
fn index_definitions(db: &Path) -> Vec<String> {
    query(
        db,
        "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )
}

#[test]
fn a_load_killed_with_its_indexes_set_aside_gets_them_back_from_the_next_ingest() {
    // A load into an archive of fewer than 10,000 cables drops the indexes it does not need
    // and lists them in pending_indexes, in the transaction of its first batch (10,000
    // cables); killed before it creates them again, it leaves them listed, and the next
    // ingest creates every one as the migrations made it. (A first load into an empty archive
    // is staged instead, so the archive here first gets the bundled examples.)
    let tmp = tempfile::tempdir().unwrap();
    let input = synthetic_csv(tmp.path(), 12_000);
    let clean = tmp.path().join("clean.db");
    assert_eq!(ingest(&clean, &[&examples()]).0, 0);
    assert_eq!(ingest(&clean, &[&input]).0, 0);
    let want = index_definitions(&clean);
    assert!(want
        .iter()
        .any(|i| i.starts_with("paragraphs_marking: CREATE INDEX")));
    assert_eq!(
        one::<i64>(&clean, "SELECT count(*) FROM pending_indexes"),
        0
    );

    let db = tmp.path().join("killed.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let mut child = spawn_ingest(&db, &input);
    let pending = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .and_then(|c| c.query_row("SELECT count(*) FROM pending_indexes", [], |r| r.get(0)))
            .unwrap_or(0)
    };
    wait_while_running(&mut child, "its first batch", || pending(&db) > 0);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_sound(&db);
    let listed: Vec<String> = query(
        &db,
        "SELECT name || ': ' || sql FROM pending_indexes ORDER BY name",
    );
    let left = index_definitions(&db);
    // What is neither created nor listed is lost: each is one or the other, and the two lists
    // together are the clean archive's indexes (or the run got to create some again first).
    let mut together: Vec<String> = listed.iter().chain(&left).cloned().collect();
    together.sort();
    assert_eq!(together, want);
    assert!(!listed.is_empty());
    // Readers work meanwhile (only slower).
    assert!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM cables WHERE origin = 'Embassy Tokyo'"
        ) >= 10_000
    );

    let (code, stderr) = ingest(&db, &[&input]);
    assert_eq!(code, 0, "{stderr}");
    assert_sound(&db);
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM pending_indexes"), 0);
    assert_eq!(index_definitions(&db), want);
    assert_eq!(fingerprint(&db), fingerprint(&clean));
}

/// The staging file of a first load into `db`.
fn loading(db: &Path) -> PathBuf {
    cable_archive::store::staging_path(db)
}

/// Wait until `seen()` while `child` (an ingest) runs; it must not end first (`what` it was
/// waited for), nor take two minutes.
fn wait_while_running(child: &mut Child, what: &str, seen: impl Fn() -> bool) {
    let started = Instant::now();
    while !seen() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the load ended before {what} was seen"
        );
        assert!(started.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_first_load_is_staged_and_a_kill_leaves_the_archive_as_it_was() {
    // A load into an empty archive is written to `<archive>.loading` and moved over the
    // archive at its end: killed before, it leaves the archive empty and sound, with the run
    // still marked running, and the next run deletes the stale file and loads everything.
    let tmp = tempfile::tempdir().unwrap();
    let input = synthetic_csv(tmp.path(), 12_000);
    let clean = tmp.path().join("clean.db");
    assert_eq!(ingest(&clean, &[&input]).0, 0);
    assert!(!loading(&clean).exists());
    assert_eq!(one::<String>(&clean, "PRAGMA journal_mode"), "delete");

    let db = tmp.path().join("killed.db");
    let mut child = spawn_ingest(&db, &input);
    // Killed once the staging file holds some cables (1 MB: well past the empty schema).
    wait_while_running(&mut child, "its staging file grew", || {
        fs::metadata(loading(&db)).map_or(0, |m| m.len()) >= 1 << 20
    });
    // Meanwhile the archive is readable, and empty.
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cables"), 0);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_sound(&db);
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cables"), 0);
    assert_eq!(
        one::<String>(&db, "SELECT group_concat(status) FROM ingest_runs"),
        "running"
    );
    assert!(loading(&db).exists(), "the killed run's staging file");

    let (code, stderr) = ingest(&db, &[&input]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!loading(&db).exists(), "the stale staging file was removed");
    assert_sound(&db);
    assert_eq!(
        one::<String>(
            &db,
            "SELECT group_concat(status, ' ' ORDER BY id) FROM ingest_runs"
        ),
        "failed ok"
    );
    assert_eq!(one::<String>(&db, "PRAGMA journal_mode"), "delete");
    assert_eq!(fingerprint(&db), fingerprint(&clean));
}

#[test]
fn a_first_load_writes_in_place_when_another_program_holds_the_archive_in_wal_mode() {
    // The archive cannot leave WAL mode while another connection has it open in that mode;
    // the load is then written into the archive itself, as any later run is.
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("held.db");
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    assert_eq!(ingest(&db, &[&empty]).0, 0, "an archive with no cable");
    let holder = rusqlite::Connection::open(&db).unwrap();
    let mode: String = holder
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let _: i64 = holder
        .query_row("SELECT count(*) FROM cables", [], |r| r.get(0))
        .unwrap();
    let clean = tmp.path().join("clean.db");
    assert_eq!(ingest(&clean, &[&examples()]).0, 0);
    let (code, stderr) = ingest(&db, &[&examples()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!loading(&db).exists());
    let cables: i64 = holder
        .query_row("SELECT count(*) FROM cables", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cables, one::<i64>(&clean, "SELECT count(*) FROM cables"));
    drop(holder);
    assert_sound(&db);
    assert_eq!(fingerprint(&db), fingerprint(&clean));
}

#[test]
fn a_first_load_through_a_symbolic_link_fills_the_file_it_points_to() {
    let tmp = tempfile::tempdir().unwrap();
    let real_dir = tmp.path().join("real");
    fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("archive.db");
    let link = tmp.path().join("link.db");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let (code, stderr) = ingest(&link, &[&examples()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(!loading(&real).exists() && !loading(&link).exists());
    assert!(one::<i64>(&real, "SELECT count(*) FROM cables") > 0);
}

/// A signal through the `kill` command (no libc crate needed).
fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn readers_see_no_error_while_an_ingest_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = synthetic_csv(tmp.path(), 2500);
    let db = tmp.path().join("a.db");
    let mut writer = spawn_ingest(&db, &input);
    // Wait for the schema, then read in a loop until the writer is done.
    let started = Instant::now();
    while !db.exists() || query_ok(&db).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30));
        if writer.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut reads = 0;
    while writer.try_wait().unwrap().is_none() {
        let out = bin()
            .args([
                "sql",
                "SELECT count(*), (SELECT count(*) FROM paragraphs) FROM cables",
                "--format",
                "csv",
                "--db",
            ])
            .arg(&db)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "reader failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        reads += 1;
    }
    assert!(writer.wait().unwrap().success());
    eprintln!("{reads} reads during the ingest");
    assert!(reads > 0);
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cables"), 2500);
}

fn query_ok(db: &Path) -> rusqlite::Result<i64> {
    rusqlite::Connection::open(db)?.query_row("SELECT count(*) FROM cables", [], |r| r.get(0))
}

#[test]
fn a_second_ingest_fails_cleanly_while_one_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    // Another ingest holds the archive: the lock it takes is an flock on the database file.
    let holder = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&db)
        .unwrap();
    holder.lock().unwrap();
    let started = Instant::now();
    let (code, stderr) = ingest(&db, &[&examples()]);
    assert_eq!(code, 1);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "it should wait a little first"
    );
    assert_eq!(
        stderr.trim(),
        format!("error: {}: database is being written by another ingest; try again when it has finished", db.display())
    );
    holder.unlock().unwrap();
    assert_eq!(ingest(&db, &[&examples()]).0, 0);

    // Two real ingests started together: one writes, the other waits or fails cleanly;
    // the archive ends as one clean run would leave it.
    let input = synthetic_csv(tmp.path(), 2500);
    let (a, b) = (tmp.path().join("race.db"), tmp.path().join("clean.db"));
    assert_eq!(ingest(&b, &[&input]).0, 0);
    let first = spawn_ingest(&a, &input);
    let second = spawn_ingest(&a, &input);
    let outs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    for out in &outs {
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(1) => assert!(
                stderr.contains("database is being written by another ingest"),
                "{stderr}"
            ),
            other => panic!("unexpected exit {other:?}: {stderr}"),
        }
    }
    assert!(outs.iter().any(|o| o.status.success()));
    assert_sound(&a);
    assert_eq!(fingerprint(&a), fingerprint(&b));
}

#[test]
fn versions_keep_every_content_and_the_newest_stays_current() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let original = fs::read_to_string(examples().join("raw/09LEMURIA42.txt")).unwrap();
    let corrected = original
        .replace(
            "SENSITIVE",
            "C O R R E C T E D COPY - TEXT CORRECTED\nSENSITIVE",
        )
        .replace("held rates at 2 percent", "held rates at 2.5 percent");
    let (v1, v2) = (tmp.path().join("release1"), tmp.path().join("release2"));
    fs::create_dir(&v1).unwrap();
    fs::create_dir(&v2).unwrap();
    fs::write(v1.join("09LEMURIA42.txt"), &original).unwrap();
    fs::write(v2.join("09LEMURIA42.txt"), &corrected).unwrap();
    assert_eq!(ingest(&db, &[&v1]).0, 0);
    let (code, stderr) = ingest(&db, &[&v2]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1 updated"), "{stderr}");
    // The original again, from a path the archive has not seen: another source of a known
    // version, recorded, nothing else changes.
    let v3 = tmp.path().join("mirror");
    fs::create_dir(&v3).unwrap();
    fs::write(v3.join("09LEMURIA42.txt"), &original).unwrap();
    let (code, stderr) = ingest(&db, &[&v3]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("0 updated, 0 unchanged, 0 rejected, 1 duplicate sources"),
        "{stderr}"
    );
    let sources: Vec<String> = query(
        &db,
        "SELECT s.source_path FROM cable_sources s JOIN cable_versions v
         ON v.cable_id = s.cable_id AND v.content_sha256 = s.content_sha256
         WHERE v.source_path LIKE '%release1%' ORDER BY 1",
    );
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(sources[0].contains("mirror") && sources[1].contains("release1"));
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_versions"), 2);
    let current: String = one(
        &db,
        "SELECT body FROM cables WHERE reference_id = '09LEMURIA42'",
    );
    assert!(
        current.contains("2.5 percent"),
        "the corrected copy stays current"
    );
    let versions: Vec<String> = query(&db, "SELECT source_path FROM cable_versions ORDER BY id");
    assert!(
        versions[0].contains("release1") && versions[1].contains("release2"),
        "{versions:?}"
    );
    // No duplicate child rows: exactly the current version's.
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM paragraphs"), 2);
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM markings WHERE marking = 'CORRECTED COPY'"
        ),
        1
    );
    assert_eq!(
        query::<String>(
            &db,
            "SELECT reference_id || ' ' || versions FROM changed_cables"
        ),
        ["09LEMURIA42 2"]
    );
    assert_sound(&db);
}

#[test]
fn unchanged_files_are_skipped_touched_ones_hashed_and_gone_ones_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    for f in ["08TOKYO3205.txt", "raw/09LEMURIA42.txt", "cables.csv"] {
        fs::copy(
            examples().join(f),
            dir.join(Path::new(f).file_name().unwrap()),
        )
        .unwrap();
    }
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&dir]).0, 0);
    let (_, stderr) = ingest(&db, &[&dir]);
    assert!(
        stderr.contains(
            "3 files: 0 cables added, 0 updated, 0 unchanged, 0 rejected, 3 files unchanged"
        ),
        "{stderr}"
    );
    // Same content, new modification time: recognised by its hash.
    let seed = dir.join("08TOKYO3205.txt");
    let text = fs::read(&seed).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    fs::write(&seed, &text).unwrap();
    let (_, stderr) = ingest(&db, &[&dir]);
    assert!(
        stderr.contains("0 cables added, 0 updated, 0 unchanged, 0 rejected, 3 files unchanged"),
        "{stderr}"
    );
    // A file that disappeared is reported; its cable stays.
    fs::remove_file(&seed).unwrap();
    let (code, stderr) = ingest(&db, &[&dir]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains(&format!(
            "{}: gone since it was last ingested (its cables stay; --forget-gone forgets it)",
            seed.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("1 files gone"), "{stderr}");
    // The same folder reached through `..`: the same files, nothing new is gone.
    let detour = dir.join("..").join("in");
    let (_, stderr) = ingest(&db, &[&detour]);
    assert!(
        stderr.contains("2 files unchanged, 1 files gone"),
        "{stderr}"
    );
    // Forgotten once, no longer reported.
    let out = bin()
        .args(["ingest", "--forget-gone", "--db"])
        .arg(&db)
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(": forgotten (its cables stay in the archive)"),
        "{stderr}"
    );
    let (_, stderr) = ingest(&db, &[&dir]);
    assert!(!stderr.contains("gone"), "{stderr}");
    assert_eq!(
        one::<i64>(
            &db,
            "SELECT count(*) FROM cables WHERE reference_id = '08TOKYO3205'"
        ),
        1
    );
    // --full reads everything again.
    let out = bin()
        .args(["ingest", "--quiet", "--full", "--db"])
        .arg(&db)
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("0 cables added, 3 updated, 0 unchanged"),
        "{stderr}"
    );
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("INSERT INTO _refinery_schema_history (version, name, applied_on, checksum) VALUES (999, 'future', '2030-01-01', '0'); PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let before = fs::read(&db).unwrap();
    let (code, stderr) = ingest(&db, &[&examples()]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("database schema version 999 is newer than this cable-archive knows"),
        "{stderr}"
    );
    assert_eq!(fs::read(&db).unwrap(), before, "the file was modified");
}

#[test]
fn an_archive_from_before_cable_sources_is_adopted_without_new_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let want = fingerprint(&db);
    // What an archive written by the previous parser version looks like: hashes of the bytes
    // as published, no sources, files and cables from the old parser.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "DELETE FROM cable_sources;
             UPDATE cables SET content_sha256 = printf('%064d', id), parser_version = '0.1.0+p1';
             UPDATE ingest_files SET parser_version = '0.1.0+p1';",
        )
        .unwrap();
    let (code, stderr) = ingest(&db, &[&examples()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("0 cables added, 5 updated, 0 unchanged, 0 rejected"),
        "{stderr}"
    );
    assert_eq!(one::<i64>(&db, "SELECT count(*) FROM cable_versions"), 0);
    assert_eq!(fingerprint(&db), want);
    assert_sound(&db);
}
