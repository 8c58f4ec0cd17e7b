//! The user table, in SQLite.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{params, OptionalExtension};

use super::Account;

/// The users seeded into a new database: username, password and scopes.
pub const DEMO_USERS: [(&str, &str, &str); 2] = [
    ("admin", "admin-secret", "authenticated admin"),
    ("alice", "alice-secret", "authenticated"),
];

/// Why the user store could not answer.
#[derive(Debug)]
pub enum StoreError {
    /// No connection could be taken from the pool.
    Pool(r2d2::Error),
    /// SQLite refused a statement.
    Sqlite(rusqlite::Error),
    /// A stored hash could not be produced or read.
    Hash(argon2::password_hash::Error),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Pool(err) => write!(f, "connection pool: {err}"),
            StoreError::Sqlite(err) => write!(f, "sqlite: {err}"),
            StoreError::Hash(err) => write!(f, "password hash: {err}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<r2d2::Error> for StoreError {
    fn from(err: r2d2::Error) -> Self {
        StoreError::Pool(err)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Sqlite(err)
    }
}

impl From<argon2::password_hash::Error> for StoreError {
    fn from(err: argon2::password_hash::Error) -> Self {
        StoreError::Hash(err)
    }
}

/// Users and their argon2 password hashes, behind a connection pool.
#[derive(Clone)]
pub struct UserStore {
    pool: r2d2::Pool<SqliteConnectionManager>,
    // Verified against when the username is unknown, so that a wrong username takes as long
    // as a wrong password.
    decoy_hash: Arc<str>,
}

impl UserStore {
    /// Opens (creating if needed) the database at `path`, seeding [`DEMO_USERS`] when empty.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or written.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let manager = SqliteConnectionManager::file(path).with_init(|conn| {
            conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;")
        });
        let pool = r2d2::Pool::builder().max_size(4).build(manager)?;
        let store = Self {
            pool,
            decoy_hash: hash_password("decoy password")?.into(),
        };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.get()?;
        let tx = conn.transaction()?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS users (
                 username TEXT PRIMARY KEY NOT NULL,
                 password_hash TEXT NOT NULL,
                 scopes TEXT NOT NULL
             )",
        )?;
        let count: i64 = tx.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0))?;
        if count == 0 {
            for (username, password, scopes) in DEMO_USERS {
                tx.execute(
                    "INSERT INTO users (username, password_hash, scopes) VALUES (?1, ?2, ?3)",
                    params![username, hash_password(password)?, scopes],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The account whose password is `password`, `None` for a wrong username or password.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub fn check_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<Account>, StoreError> {
        let row: Option<(String, String)> = self
            .pool
            .get()?
            .query_row(
                "SELECT password_hash, scopes FROM users WHERE username = ?1",
                [username],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;

        let hash = row
            .as_ref()
            .map_or(&*self.decoy_hash, |(hash, _)| hash.as_str());
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &PasswordHash::new(hash)?)
            .is_ok();

        Ok(row
            .filter(|_| matches)
            .map(|(password_hash, scopes)| account(username.to_owned(), &scopes, password_hash)))
    }

    /// The account named `username`, `None` when there is none.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub fn find(&self, username: &str) -> Result<Option<Account>, StoreError> {
        let found = self
            .pool
            .get()?
            .query_row(
                "SELECT password_hash, scopes FROM users WHERE username = ?1",
                [username],
                |row| Ok((row.get(0)?, row.get::<_, String>(1)?)),
            )
            .optional()?;
        Ok(found
            .map(|(password_hash, scopes)| account(username.to_owned(), &scopes, password_hash)))
    }

    /// Sets the password of `username`, which ends that user's sessions; whether it exists.
    ///
    /// # Errors
    ///
    /// When the database cannot be written.
    pub fn set_password(&self, username: &str, password: &str) -> Result<bool, StoreError> {
        let changed = self.pool.get()?.execute(
            "UPDATE users SET password_hash = ?1 WHERE username = ?2",
            params![hash_password(password)?, username],
        )?;
        Ok(changed == 1)
    }

    /// Every account, ordered by username.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub fn list(&self) -> Result<Vec<Account>, StoreError> {
        let conn = self.pool.get()?;
        let mut statement =
            conn.prepare("SELECT username, scopes, password_hash FROM users ORDER BY username")?;
        let rows = statement.query_map([], |row| {
            let scopes: String = row.get(1)?;
            Ok(account(row.get(0)?, &scopes, row.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl fmt::Debug for UserStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserStore").finish_non_exhaustive()
    }
}

/// An account from the columns of its row.
fn account(username: String, scopes: &str, password_hash: String) -> Account {
    Account {
        username,
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        password_hash,
    }
}

/// An argon2id PHC string for `password`, with a fresh random salt.
fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_checks_seeded_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path().join("users.sqlite3")).unwrap();

        let admin = store
            .check_password("admin", "admin-secret")
            .unwrap()
            .unwrap();

        assert_eq!(admin.scopes, ["authenticated", "admin"]);
        assert!(store.check_password("admin", "wrong").unwrap().is_none());
        assert!(store
            .check_password("nobody", "admin-secret")
            .unwrap()
            .is_none());
    }

    #[test]
    fn store_finds_accounts_and_changes_passwords() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path().join("users.sqlite3")).unwrap();
        let before = store.find("alice").unwrap().unwrap();

        assert!(store.set_password("alice", "new-secret").unwrap());

        let after = store.find("alice").unwrap().unwrap();
        assert_ne!(after.password_hash, before.password_hash);
        assert!(store
            .check_password("alice", "new-secret")
            .unwrap()
            .is_some());
        assert!(store.find("nobody").unwrap().is_none());
        assert!(!store.set_password("nobody", "x").unwrap());
    }

    #[test]
    fn store_seeds_only_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.sqlite3");

        drop(UserStore::open(&path).unwrap());
        let store = UserStore::open(&path).unwrap();

        assert_eq!(store.list().unwrap().len(), DEMO_USERS.len());
    }
}
