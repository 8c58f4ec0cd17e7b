//! A test binary's whole `tracing` log, for tests whose server runs on other threads.

use std::io;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::Level;

/// Every `tracing` event of this test binary, at debug level and above, whichever thread
/// emitted it.
#[derive(Clone, Debug, Default)]
pub struct Log(Arc<Mutex<Vec<u8>>>);

impl Log {
    /// The binary's log, installed as the global subscriber on first use (tests that install
    /// a subscriber of their own for their thread keep it).
    ///
    /// # Panics
    ///
    /// When another global subscriber was installed first.
    pub fn get() -> &'static Log {
        static LOG: OnceLock<Log> = OnceLock::new();
        LOG.get_or_init(|| {
            let log = Log::default();
            let writer = log.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(Level::DEBUG)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
            log
        })
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().expect("an unpoisoned log").clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Whether one line holds every one of `parts`.
    pub fn has_line(&self, parts: &[&str]) -> bool {
        self.text()
            .lines()
            .any(|line| parts.iter().all(|part| line.contains(part)))
    }
}

impl io::Write for Log {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("an unpoisoned log")
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
