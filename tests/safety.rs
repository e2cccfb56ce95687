//! Hardening (issue 11), through the binary: untrusted text on a terminal (a pseudo-terminal
//! from `script`), reads you can stop, bounded threads and records, read-only archives and
//! folders, and databases that are not ours. Each test is one bullet of the issue's "Why".

mod common;
use common::*;
use rusqlite::Connection;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A cable whose text carries the three attacks: retitle the window, clear the screen, write
/// the clipboard (OSC 52), plus a C1 CSI.
const EVIL_BODY: &str = "SUBJECT: TITLE \x1b]0;owned\x07 RETITLED\nTAGS: PREL\n\n1. (C) Clear \x1b[2J the screen \u{9b}31m and copy \x1b]52;c;aGVsbG8=\x07 nuclear reactor.\n";

/// A cables.csv with one evil cable and one clean one.
fn evil_csv(dir: &Path) -> PathBuf {
    let row = |n: u32, body: &str| {
        format!("\"{n}\",\"11/19/2008 09:42\",\"08EVIL{n}\",\"Embassy X\",\"SECRET\",\"\",\"FM AMEMBASSY X\",\"{body}\"\n")
    };
    let path = dir.join("cables.csv");
    fs::write(
        &path,
        row(1, EVIL_BODY)
            + &row(
                2,
                "SUBJECT: CLEAN\nTAGS: PREL\n\n1. (C) A clean nuclear reactor paragraph.\n",
            ),
    )
    .unwrap();
    path
}

fn evil_archive() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let csv = evil_csv(tmp.path());
    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&csv]);
    assert_eq!(code, 0, "{stderr}");
    (tmp, db)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Run the binary with stdout and stderr on a pseudo-terminal (`script`); None (with a
/// notice) where `script` is missing.
fn on_terminal(args: &[&str]) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("cable-archive");
    let mut cmd = shell_quote(bin.to_str().unwrap());
    for a in args {
        cmd.push(' ');
        cmd.push_str(&shell_quote(a));
    }
    match Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n")),
        Err(e) => {
            eprintln!("NOTICE: skipping the terminal case: `script` cannot run ({e})");
            None
        }
    }
}

fn out(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// No escape sequence reached the terminal, other than `search`'s own highlight.
fn assert_no_raw_controls(output: &str) {
    let own = output.replace("\x1b[1;33m", "").replace("\x1b[0m", "");
    assert!(
        !own.contains(|c: char| cable_archive::term::is_control(c) && c != '\n' && c != '\t'),
        "a control character reached the terminal: {output:?}"
    );
}

#[test]
fn cable_text_is_escaped_on_a_terminal_and_exact_when_piped() {
    let (_tmp, db) = evil_archive();
    let db_arg = db.to_str().unwrap();
    // The parse warning names the first control character and where it is.
    let warnings: Vec<String> = query(
        &db,
        "SELECT c.reference_id || ' ' || w.message FROM parse_warnings w JOIN cables c ON c.id = w.cable_id WHERE w.field = 'control_characters'",
    );
    assert_eq!(
        warnings,
        ["08EVIL1 6 control characters (first U+001B on line 1 of the body); stored as published, escaped on a terminal"]
    );
    // Stored exactly as published.
    let body: String = one(
        &db,
        "SELECT body FROM cables WHERE reference_id = '08EVIL1'",
    );
    assert_eq!(body, EVIL_BODY);

    // On a terminal: visible escapes, nothing the terminal would obey.
    if let Some(show) = on_terminal(&["show", "08EVIL1", "--db", db_arg]) {
        assert_no_raw_controls(&show);
        assert!(
            show.contains("1. (C) Clear \\x1b[2J the screen \\u{9b}31m and copy \\x1b]52;c;aGVsbG8=\\x07 nuclear reactor."),
            "{show}"
        );
        assert!(show.contains("TITLE \\x1b]0;owned\\x07 RETITLED"), "{show}");
        // The good case next to it: a clean cable prints as it is.
        let clean = on_terminal(&["show", "08EVIL2", "--db", db_arg]).unwrap();
        assert!(
            clean.contains("1. (C) A clean nuclear reactor paragraph."),
            "{clean}"
        );
        assert!(!clean.contains('\\'), "{clean}");

        let search = on_terminal(&["search", "nuclear reactor", "--db", db_arg]).unwrap();
        assert_no_raw_controls(&search);
        assert!(
            search.contains("08EVIL1  2008-11-19  TITLE \\x1b]0;owned\\x07 RETITLED"),
            "{search}"
        );
        assert!(
            search.contains(
                "\\x1b]52;c;aGVsbG8=\\x07 \x1b[1;33mnuclear\x1b[0m \x1b[1;33mreactor\x1b[0m"
            ),
            "{search}"
        );

        let table = on_terminal(&[
            "sql",
            "SELECT reference_id, subject FROM cables ORDER BY id",
            "--db",
            db_arg,
        ])
        .unwrap();
        assert_no_raw_controls(&table);
        assert!(
            table.contains("08EVIL1       TITLE \\x1b]0;owned\\x07 RETITLED"),
            "{table}"
        );
        assert!(table.contains("08EVIL2       CLEAN"), "{table}");
        let canned = on_terminal(&[
            "query",
            "search_paragraphs",
            "-p",
            "q=clear",
            "--db",
            db_arg,
        ])
        .unwrap();
        assert_no_raw_controls(&canned);
        assert!(canned.contains("\\x1b[2J"), "{canned}");
    }

    // Piped, and as CSV or JSON: the exact text.
    let (code, shown, _) = out(bin().args(["show", "08EVIL1", "--db", db_arg]));
    assert_eq!(code, 0);
    assert!(
        shown.contains("Clear \x1b[2J the screen \u{9b}31m and copy \x1b]52;c;aGVsbG8=\x07"),
        "{shown:?}"
    );
    let (_, csv, _) = out(bin().args([
        "sql",
        "SELECT body FROM cables WHERE reference_id = '08EVIL1'",
        "--db",
        db_arg,
    ]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(&reader.records().next().unwrap().unwrap()[0], EVIL_BODY);
    let (_, json, _) = out(bin().args([
        "sql",
        "SELECT body FROM cables WHERE reference_id = '08EVIL1'",
        "--format",
        "json",
        "--db",
        db_arg,
    ]));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["body"], EVIL_BODY);
    let (_, found, _) = out(bin().args(["search", "screen", "--db", db_arg]));
    assert!(found.contains("Clear \x1b[2J the [screen]"), "{found:?}");
}

#[test]
fn a_file_name_with_a_newline_cannot_forge_a_line() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    let forged =
        "x\n99 files: 99 cables added, 0 updated, 0 unchanged, 0 rejected in 0.01s -> a.db\x1b[2K";
    fs::write(input.join(forged), "").unwrap();
    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&input]);
    // Walked and empty: skipped, so the run succeeds (issue 10), and still one line.
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].ends_with("/in/x\\n99 files: 99 cables added, 0 updated, 0 unchanged, 0 rejected in 0.01s -> a.db\\x1b[2K: skipped: empty file"),
        "{stderr}"
    );
    assert!(lines[1].starts_with("1 files: 0 cables added"), "{stderr}");
    // The database keeps the exact name.
    let stored: String = one(&db, "SELECT source_path FROM ingest_errors");
    assert!(stored.ends_with(forged), "{stored:?}");
}

/// A statement that never ends by itself.
const RUNAWAY: &str =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n";

#[test]
fn ctrl_c_stops_a_runaway_query_with_status_130() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let bin = assert_cmd::cargo::cargo_bin("cable-archive");
    let child = Command::new(&bin)
        .args(["sql", RUNAWAY, "--db"])
        .arg(&db)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&o.stderr), "interrupted\n");
    assert!(o.stdout.is_empty());
}

#[test]
fn timeout_bounds_sql_and_query() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let (code, stdout, stderr) = out(bin()
        .args(["sql", RUNAWAY, "--timeout", "0.3", "--db"])
        .arg(&db));
    assert_eq!((code, stdout.as_str()), (124, ""), "{stderr}");
    assert!(
        stderr.starts_with("error: the query ran longer than --timeout and was stopped"),
        "{stderr}"
    );
    // A query that finishes in time is not affected.
    let (code, stdout, _) = out(bin()
        .args([
            "query",
            "cables_with_tag",
            "-p",
            "tag=PREL",
            "-p",
            "from=2008-01-01",
            "-p",
            "to=2008-12-31",
            "--timeout",
            "30",
            "--db",
        ])
        .arg(&db));
    assert_eq!(code, 0);
    assert!(stdout.contains("08TOKYO3205"), "{stdout}");
    let (code, _, stderr) = out(bin()
        .args(["sql", "SELECT 1", "--timeout", "-1", "--db"])
        .arg(&db));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn jobs_beyond_four_per_core_are_capped_with_a_notice() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    let cores = std::thread::available_parallelism().unwrap().get();
    let (code, _, stderr) = out(bin()
        .args(["ingest", "--quiet", "--jobs", "100000", "--db"])
        .arg(&db)
        .arg(examples()));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with(&format!("notice: --jobs 100000 capped to {}", 4 * cores)),
        "{stderr}"
    );
    let (code, _, stderr) = out(bin()
        .args([
            "ingest",
            "--quiet",
            "--full",
            "--jobs",
            &(4 * cores).to_string(),
            "--db",
        ])
        .arg(&db)
        .arg(examples()));
    assert_eq!(code, 0);
    assert!(!stderr.contains("notice"), "{stderr}");
}

#[test]
fn a_giant_csv_field_is_rejected_without_reading_the_rest_into_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("cables.csv");
    let mut data = String::from("\"1\",\"11/19/2008 09:42\",\"08TOKYO1\",\"Embassy Tokyo\",\"CONFIDENTIAL\",\"\",\"FM A\",\"SUBJECT: X\n1. (C) fine.\"\n");
    // An unbalanced quote: without a bound, the rest of the file is one field.
    data.push_str("\"2\",\"11/19/2008 09:42\",\"08TOKYO2\",\"Embassy Tokyo\",\"CONFIDENTIAL\",\"\",\"FM A\",\"SUBJECT: X\n1. (C) unclosed ");
    let line = "word ".repeat(1000) + "\n";
    while data.len() < 70 << 20 {
        data.push_str(&line);
    }
    fs::write(&csv, data).unwrap();
    let db = tmp.path().join("a.db");
    let (code, stderr) = ingest(&db, &[&csv]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("cables.csv: row 2: line 3: a record longer than 64 MB, more than any cable (an unbalanced quote?); the rest of the file was not read"),
        "{stderr}"
    );
    assert_eq!(
        query::<String>(&db, "SELECT reference_id FROM cables"),
        ["08TOKYO1"]
    );
}

/// Files in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every read command, each of which must succeed.
fn read_commands(db: &str) -> Vec<Vec<String>> {
    [
        vec!["stats"],
        vec!["stats", "--fingerprint"],
        vec!["search", "Lavrov"],
        vec!["show", "08TOKYO3205"],
        vec!["sql", "SELECT count(*) FROM paragraphs"],
        vec!["query", "cited_by", "-p", "reference_id=09STATE1234"],
    ]
    .into_iter()
    .map(|a| {
        a.into_iter()
            .map(String::from)
            .chain(["--db".to_string(), db.to_string()])
            .collect()
    })
    .collect()
}

#[test]
fn a_finished_ingest_leaves_a_rollback_archive_and_reads_create_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    assert_eq!(listing(tmp.path()), ["a.db"]);
    // Header bytes 18 and 19: 1 = rollback journal (2 would be WAL).
    assert_eq!(&fs::read(&db).unwrap()[18..20], &[1, 1]);
    for args in read_commands(db.to_str().unwrap()) {
        succeed(bin().args(&args));
        assert_eq!(listing(tmp.path()), ["a.db"], "after {args:?}");
    }
    // An archive left in WAL mode (by an earlier version) is read without creating a file.
    Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA journal_mode = WAL;")
        .unwrap();
    assert_eq!(&fs::read(&db).unwrap()[18..20], &[2, 2]);
    assert_eq!(listing(tmp.path()), ["a.db"]);
    for args in read_commands(db.to_str().unwrap()) {
        succeed(bin().args(&args));
        assert_eq!(listing(tmp.path()), ["a.db"], "after {args:?}");
    }
    // The next ingest leaves it in rollback mode again.
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    assert_eq!(&fs::read(&db).unwrap()[18..20], &[1, 1]);
    assert_eq!(listing(tmp.path()), ["a.db"]);
}

/// Run the binary as a user for whom a folder can be read-only: root ignores permissions,
/// so as root it runs as `nobody` through `setpriv`. None (with a notice) when neither works.
fn unprivileged() -> Option<Command> {
    let bin = assert_cmd::cargo::cargo_bin("cable-archive");
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some(Command::new(bin));
    }
    let probe = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .arg("--version")
        .output();
    match probe {
        Ok(o) if o.status.success() => {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(bin);
            Some(cmd)
        }
        _ => {
            eprintln!("NOTICE: skipping the read-only folder case: running as root without a working `setpriv` to drop privileges");
            None
        }
    }
}

fn make_read_only(dir: &Path, read_only: bool) {
    use std::os::unix::fs::PermissionsExt;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        fs::set_permissions(
            &path,
            fs::Permissions::from_mode(if read_only { 0o444 } else { 0o644 }),
        )
        .unwrap();
    }
    fs::set_permissions(
        dir,
        fs::Permissions::from_mode(if read_only { 0o555 } else { 0o755 }),
    )
    .unwrap();
}

#[test]
fn an_archive_in_a_read_only_folder_can_be_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("dvd");
    fs::create_dir(&dir).unwrap();
    let db = dir.join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);
    let Some(_) = unprivileged() else { return };
    let db_arg = db.to_str().unwrap().to_string();
    let run = |args: &[String]| {
        let o = unprivileged().unwrap().args(args).output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    // The temporary folder must be reachable for the unprivileged user.
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    }
    for wal in [false, true] {
        if wal {
            make_read_only(&dir, false);
            Connection::open(&db)
                .unwrap()
                .execute_batch("PRAGMA journal_mode = WAL;")
                .unwrap();
        }
        make_read_only(&dir, true);
        for args in read_commands(&db_arg) {
            let (code, _, stderr) = run(&args);
            assert_eq!(code, Some(0), "WAL {wal}, {args:?}: {stderr}");
            assert_eq!(listing(&dir), ["a.db"]);
        }
    }
    // A log left by a killed ingest cannot be read from a read-only folder: one line says so.
    make_read_only(&dir, false);
    // The state a killed ingest leaves: the file as before, the last commit only in the log.
    let before = fs::read(&db).unwrap();
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             UPDATE cables SET subject = 'CHANGED' WHERE reference_id = '08TOKYO3205';",
        )
        .unwrap();
        fs::copy(dir.join("a.db-wal"), tmp.path().join("wal")).unwrap();
    }
    fs::write(&db, before).unwrap();
    fs::copy(tmp.path().join("wal"), dir.join("a.db-wal")).unwrap();
    make_read_only(&dir, true);
    let (code, stdout, stderr) = run(&read_commands(&db_arg)[0]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("a.db: a write-ahead log (")
            && stderr
                .contains("a.db-wal) from an ingest that did not finish is beside the archive"),
        "{stderr}"
    );
    make_read_only(&dir, false);
    // Where the folder is writable, the log is read.
    let (code, stdout, _) = out(bin()
        .args([
            "sql",
            "SELECT subject FROM cables WHERE reference_id = '08TOKYO3205'",
            "--db",
        ])
        .arg(&db));
    assert_eq!((code, stdout.as_str()), (0, "subject\nCHANGED\n"));
}

fn integrity_ok(db: &Path) {
    let ok: String = one(db, "PRAGMA integrity_check");
    assert_eq!(ok, "ok");
}

#[test]
fn another_applications_database_is_refused_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, schema, tables) in [
        (
            "notes.db",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); CREATE TABLE cables (id INTEGER PRIMARY KEY, wire TEXT); INSERT INTO notes (text) VALUES ('keep me');",
            "tables cables, notes",
        ),
        (
            "todo.db",
            "CREATE TABLE todo (item TEXT); INSERT INTO todo VALUES ('milk');",
            "table todo",
        ),
    ] {
        let db = tmp.path().join(name);
        Connection::open(&db).unwrap().execute_batch(schema).unwrap();
        let before = fs::read(&db).unwrap();
        let (code, stderr) = ingest(&db, &[&examples()]);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(
            stderr,
            format!("error: {}: not a cable-archive database: it has {tables}; it was left untouched (give --db a new file)\n", db.display())
        );
        assert_eq!(fs::read(&db).unwrap(), before, "{name} was modified");
        integrity_ok(&db);
        // The read commands refuse it too.
        let (code, _, stderr) = out(bin().args(["stats", "--db"]).arg(&db));
        assert_eq!(code, 1);
        assert!(
            stderr.contains(&format!("not a cable-archive database: it has {tables}")),
            "{stderr}"
        );
        assert_eq!(fs::read(&db).unwrap(), before, "{name} was modified");
    }
    assert_eq!(listing(tmp.path()), ["notes.db", "todo.db"]);
    // Our own archive is still welcome, also an empty SQLite file.
    let empty = tmp.path().join("empty.db");
    Connection::open(&empty)
        .unwrap()
        .execute_batch("PRAGMA user_version = 0; VACUUM;")
        .unwrap();
    assert_eq!(ingest(&empty, &[&examples()]).0, 0);
    assert_eq!(ingest(&empty, &[&examples()]).0, 0);
    integrity_ok(&empty);
}

#[test]
fn a_device_or_a_fifo_is_refused_before_sqlite_opens_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stderr) = ingest(Path::new("/dev/null"), &[&examples()]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        "error: /dev/null: is a device, not a database file; give --db the path of an archive file\n"
    );
    assert!(!Path::new("/dev/null-journal").exists());
    assert!(!Path::new("/dev/null-wal").exists());
    let fifo = tmp.path().join("pipe.db");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // A read of the FIFO would block forever: the refusal comes first.
    for args in [
        vec!["ingest", "--quiet"],
        vec!["stats"],
        vec!["sql", "SELECT 1"],
    ] {
        let mut cmd = bin();
        cmd.args(&args).arg("--db").arg(&fifo);
        if args[0] == "ingest" {
            cmd.arg(examples());
        }
        cmd.timeout(Duration::from_secs(60));
        let (code, stdout, stderr) = out(&mut cmd);
        assert_eq!((code, stdout.as_str()), (1, ""), "{args:?}: {stderr}");
        assert!(
            stderr.ends_with("pipe.db: is a named pipe (FIFO), not a database file; give --db the path of an archive file\n"),
            "{stderr}"
        );
    }
    assert_eq!(listing(tmp.path()), ["pipe.db"]);
}

#[test]
fn errors_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("a.db");
    assert_eq!(ingest(&db, &[&examples()]).0, 0);

    // Locked by another program (a sqlite3 shell in a write transaction): one line, once.
    let holder = Connection::open(&db).unwrap();
    holder
        .execute_batch("BEGIN EXCLUSIVE; UPDATE cables SET subject = subject;")
        .unwrap();
    let (code, stderr) = ingest(&db, &[&examples()]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!("error: {}: the archive is locked by another program writing to it (a sqlite3 shell, Datasette, another tool); try again when it has finished\n", db.display())
    );
    let (code, _, stderr) = out(bin().args(["stats", "--db"]).arg(&db));
    assert_eq!(code, 1);
    assert_eq!(stderr.matches("locked").count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot open database: the archive is locked by another program"),
        "{stderr}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);

    // The search index not built: no raw `no such table: paragraphs_fts`.
    let bare = tmp.path().join("bare.db");
    let (code, _, stderr) = out(bin()
        .args(["ingest", "--quiet", "--no-fts", "--db"])
        .arg(&bare)
        .arg(examples()));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = out(bin()
        .args(["query", "search_paragraphs", "-p", "q=Lavrov", "--db"])
        .arg(&bare));
    assert_eq!(code, 1);
    assert_eq!(stderr, "error: query search_paragraphs: this archive's search index is not built (it was ingested with --no-fts, or an ingest is dropping or building it); run `cable-archive ingest` without --no-fts to build it\n");
    let (code, _, stderr) = out(bin().args(["search", "Lavrov", "--db"]).arg(&bare));
    assert_eq!(code, 1);
    assert!(stderr.contains("no search index"), "{stderr}");
    assert!(!stderr.contains("no such table"), "{stderr}");

    // Not an archive yet.
    let empty = tmp.path().join("empty.db");
    fs::write(&empty, "").unwrap();
    let (code, _, stderr) = out(bin().args(["stats", "--db"]).arg(&empty));
    assert_eq!(code, 1);
    assert!(
        stderr.contains("empty file, not an archive yet (create it with `cable-archive ingest`)"),
        "{stderr}"
    );
    integrity_ok(&db);
}
