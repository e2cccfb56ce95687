//! The database's disk: full mid-run (the run fails with a clear error and the archive stays
//! valid), and a read-only folder. Uses small tmpfs mounts, so it needs root (as CI runs);
//! without the right to mount it skips with a notice.

mod common;
use common::*;
use std::fs;
use std::path::Path;
use std::process::Command;

struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mount_tmpfs(dir: &Path, options: &str) -> Option<Mount> {
    fs::create_dir_all(dir).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", options, "tmpfs"])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("NOTICE: cannot mount a tmpfs here (not root?); skipping the disk test");
    }
    ok.then(|| Mount(dir.to_path_buf()))
}

#[test]
fn a_disk_that_fills_up_mid_run_leaves_a_valid_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_mount) = mount_tmpfs(&tmp.path().join("small"), "size=1200k") else {
        return;
    };
    // Many copies of the seed cable under distinct ids: more than the disk holds.
    let seed = fs::read_to_string(examples().join("08TOKYO3205.txt")).unwrap();
    let input = tmp.path().join("in");
    fs::create_dir(&input).unwrap();
    for i in 0..400 {
        fs::write(
            input.join(format!("08TOKYO{}.txt", 20000 + i)),
            seed.replace("08TOKYO3205", &format!("08TOKYO{}", 20000 + i)),
        )
        .unwrap();
    }
    let db = tmp.path().join("small/archive.db");
    let (code, stderr) = ingest(&db, &[&input]);
    assert_eq!(code, 1, "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("error: {}: ", db.display())) && last.contains("disk is full"),
        "{stderr}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn a_read_only_folder_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(_mount) = mount_tmpfs(&tmp.path().join("ro"), "ro,size=1m") else {
        return;
    };
    let db = tmp.path().join("ro/archive.db");
    let (code, stderr) = ingest(&db, &[&examples()]);
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        format!(
            "error: {}: cannot open database: Read-only file system (os error 30)",
            db.display()
        )
    );
}
