//! Reads you can stop (issue 11): Ctrl-C (SIGINT) and `--timeout` interrupt the SQLite
//! statement a read command is running (`sqlite3_interrupt`, through rusqlite's
//! `InterruptHandle`), so a runaway recursive CTE stops at once instead of running on.
//! Ctrl-C ends the command with status 130; a timeout with status 124 (as GNU `timeout`).
//! The handler is installed explicitly, so Ctrl-C also reaches a read started in the
//! background of a script, where the shell would otherwise have it ignore SIGINT.

use rusqlite::{Connection, InterruptHandle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Exit status after Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;
/// Exit status after `--timeout` (as GNU `timeout`).
pub const EXIT_TIMEOUT: i32 = 124;
/// Time the command gets to wind down after Ctrl-C (when it is printing, not in SQLite)
/// before the process exits anyway.
const GRACE: Duration = Duration::from_secs(1);

static CTRL_C: AtomicBool = AtomicBool::new(false);
static TIMED_OUT: AtomicBool = AtomicBool::new(false);
static HANDLE: Mutex<Option<InterruptHandle>> = Mutex::new(None);

/// Why a read was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    CtrlC,
    Timeout,
}

/// Was the command stopped, and how?
pub fn stopped() -> Option<Stopped> {
    if CTRL_C.load(Ordering::SeqCst) {
        Some(Stopped::CtrlC)
    } else if TIMED_OUT.load(Ordering::SeqCst) {
        Some(Stopped::Timeout)
    } else {
        None
    }
}

fn interrupt() {
    if let Some(handle) = HANDLE.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        handle.interrupt();
    }
}

/// While the returned guard lives, Ctrl-C and (with `timeout`) the clock interrupt `conn`.
pub fn watch(conn: &Connection, timeout: Option<Duration>) -> Watch {
    *HANDLE.lock().unwrap_or_else(|e| e.into_inner()) = Some(conn.get_interrupt_handle());
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        // Fails only when a handler is already installed (an ingest in the same process).
        let _ = ctrlc::set_handler(|| {
            CTRL_C.store(true, Ordering::SeqCst);
            interrupt();
            // SQLite returns at once; a command busy printing rows gets a moment to stop.
            std::thread::sleep(GRACE);
            std::process::exit(EXIT_INTERRUPTED);
        });
    });
    let timer = timeout.map(|limit| {
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(limit) {
                TIMED_OUT.store(true, Ordering::SeqCst);
                interrupt();
            }
        });
        stop
    });
    Watch { _timer: timer }
}

/// Ends the watch: dropping it stops the timer.
pub struct Watch {
    _timer: Option<mpsc::Sender<()>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        *HANDLE.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// `--timeout SECONDS`: a positive number of seconds, fractions allowed.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 1e9) {
        return Err(format!("{s:?}: give a positive number of seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_timeout("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("ten").is_err());
    }

    #[test]
    fn the_clock_interrupts_a_runaway_statement() {
        let conn = Connection::open_in_memory().unwrap();
        let watch = watch(&conn, Some(Duration::from_millis(200)));
        let result: rusqlite::Result<i64> = conn.query_row(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT max(i) FROM n",
            [],
            |r| r.get(0),
        );
        drop(watch);
        let e = result.unwrap_err();
        assert_eq!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::OperationInterrupted),
            "{e}"
        );
        assert_eq!(stopped(), Some(Stopped::Timeout));
    }
}
