//! The user table and the API key table, in SQLite.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use auth_actix::api_key::{ApiKeyStore, KeyGenError, KeyHash, NewApiKey, StoredKey};
use auth_actix::password::{hash_password, PasswordError, PasswordVerifier};
use auth_actix::{AuthError, Credentials};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Account, Visitor};

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
    Hash(PasswordError),
    /// No random bytes for a new API key.
    KeyGen(KeyGenError),
    /// A stored API key hash is not 64 hex digits.
    CorruptKeyHash,
    /// A scope to grant is empty or holds whitespace or control characters.
    InvalidScope,
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Pool(err) => write!(f, "connection pool: {err}"),
            StoreError::Sqlite(err) => write!(f, "sqlite: {err}"),
            StoreError::Hash(err) => write!(f, "password hash: {err}"),
            StoreError::KeyGen(err) => write!(f, "API key: {err}"),
            StoreError::CorruptKeyHash => f.write_str("a stored API key hash is corrupt"),
            StoreError::InvalidScope => f.write_str("a scope is empty or holds whitespace"),
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

impl From<PasswordError> for StoreError {
    fn from(err: PasswordError) -> Self {
        StoreError::Hash(err)
    }
}

impl From<KeyGenError> for StoreError {
    fn from(err: KeyGenError) -> Self {
        StoreError::KeyGen(err)
    }
}

/// One API key as listed to admins: never its secret nor its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiKeyInfo {
    /// The key id, the part of the key before its secret.
    pub id: String,
    /// The user the key acts as.
    pub owner: String,
    /// The scopes the key grants (at most its owner's).
    pub scopes: Vec<String>,
    /// Whether the key was revoked.
    pub revoked: bool,
    /// When the key was created, in UTC (`2026-01-31T12:00:00Z`); `None` for keys created
    /// before the demo recorded it.
    pub created: Option<String>,
}

/// Users with their argon2 password hashes, and API keys with their SHA-256 hashes, behind a
/// connection pool.
#[derive(Clone)]
pub struct UserStore {
    pub(super) pool: r2d2::Pool<SqliteConnectionManager>,
    // Verifies against a decoy when the username is unknown, so that a wrong username takes
    // as long as a wrong password.
    passwords: Arc<PasswordVerifier>,
}

impl UserStore {
    /// Opens (creating if needed) the database at `path`, seeding [`DEMO_USERS`] (and the
    /// demo's notes) when empty.
    ///
    /// # Errors
    ///
    /// When the file cannot be opened or written.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let manager = SqliteConnectionManager::file(path).with_init(|conn| {
            conn.execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
            )
        });
        let pool = r2d2::Pool::builder().max_size(4).build(manager)?;
        let store = Self {
            pool,
            passwords: Arc::new(PasswordVerifier::new()?),
        };
        store.migrate()?;
        store.migrate_notes()?;
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
             );
             CREATE TABLE IF NOT EXISTS api_keys (
                 id TEXT PRIMARY KEY NOT NULL,
                 secret_hash TEXT NOT NULL,
                 owner TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
                 scopes TEXT NOT NULL,
                 revoked INTEGER NOT NULL DEFAULT 0,
                 created TEXT
             )",
        )?;
        // Databases from before keys had a creation time gain the column; their keys show none.
        let has_created: bool = tx.query_row(
            "SELECT COUNT(*) > 0 FROM pragma_table_info('api_keys') WHERE name = 'created'",
            [],
            |row| row.get(0),
        )?;
        if !has_created {
            tx.execute_batch("ALTER TABLE api_keys ADD COLUMN created TEXT")?;
        }
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

        let hash = row.as_ref().map(|(hash, _)| hash.as_str());
        let matches = self.passwords.verify(password, hash)?;

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

    /// Generates an API key for `owner` granting `scopes`, stores its hash and returns it;
    /// the plaintext exists only in the returned value.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidScope`] for a scope that [`is_valid_scope`] refuses; otherwise
    /// when the owner does not exist or the database cannot be written.
    pub fn create_api_key(&self, owner: &str, scopes: &[String]) -> Result<NewApiKey, StoreError> {
        if !scopes.iter().all(|scope| is_valid_scope(scope)) {
            return Err(StoreError::InvalidScope);
        }

        let issued = NewApiKey::generate()?;
        self.pool.get()?.execute(
            "INSERT INTO api_keys (id, secret_hash, owner, scopes, created)
             VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            params![issued.id(), issued.hash().to_hex(), owner, scopes.join(" ")],
        )?;
        Ok(issued)
    }

    /// Every API key, ordered by owner and id.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub fn list_api_keys(&self) -> Result<Vec<ApiKeyInfo>, StoreError> {
        let conn = self.pool.get()?;
        let mut statement = conn.prepare(
            "SELECT id, owner, scopes, revoked, created FROM api_keys ORDER BY owner, id",
        )?;
        let rows = statement.query_map([], |row| {
            let scopes: String = row.get(2)?;
            Ok(ApiKeyInfo {
                id: row.get(0)?,
                owner: row.get(1)?,
                scopes: split_scopes(&scopes),
                revoked: row.get(3)?,
                created: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes the API key `id`; `false` when there is no such key.
    ///
    /// # Errors
    ///
    /// When the database cannot be written.
    pub fn revoke_api_key(&self, id: &str) -> Result<bool, StoreError> {
        let changed = self
            .pool
            .get()?
            .execute("UPDATE api_keys SET revoked = 1 WHERE id = ?1", [id])?;
        Ok(changed > 0)
    }

    /// The API key `id` with its owner; it grants only those of its scopes the owner still
    /// holds, so taking a scope from a user takes it from their keys too.
    ///
    /// # Errors
    ///
    /// When the database cannot be read or holds a corrupt hash.
    pub fn find_api_key(&self, id: &str) -> Result<Option<StoredKey<Visitor>>, StoreError> {
        let row: Option<(String, String, String, bool, String, String)> = self
            .pool
            .get()?
            .query_row(
                "SELECT k.secret_hash, k.owner, k.scopes, k.revoked, u.scopes, u.password_hash
                 FROM api_keys AS k JOIN users AS u ON u.username = k.owner
                 WHERE k.id = ?1",
                [id],
                |row| {
                    Ok((
                        row.get(0)?,
                        row.get(1)?,
                        row.get(2)?,
                        row.get(3)?,
                        row.get(4)?,
                        row.get(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((hash, owner, key_scopes, revoked, owner_scopes, password_hash)) = row else {
            return Ok(None);
        };

        let hash = KeyHash::from_hex(&hash).ok_or(StoreError::CorruptKeyHash)?;
        let owner_scopes = split_scopes(&owner_scopes);
        let granted = key_scopes
            .split_whitespace()
            .filter(|scope| owner_scopes.iter().any(|held| held == scope));
        let scopes = Credentials::from_iter(granted);
        let account = Account {
            username: owner,
            scopes: owner_scopes,
            password_hash,
        };
        Ok(Some(
            StoredKey::new(hash, Visitor::Account(account), scopes).with_revoked(revoked),
        ))
    }
}

impl ApiKeyStore for UserStore {
    type User = Visitor;

    async fn find(&self, id: &str) -> Result<Option<StoredKey<Visitor>>, AuthError> {
        let store = self.clone();
        let id = id.to_owned();

        // SQLite blocks: the lookup runs on the blocking pool.
        let found = actix_web::web::block(move || store.find_api_key(&id)).await;

        let unavailable = || AuthError::unavailable("the API key store is unavailable");
        match found {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(err)) => Err(unavailable().with_source(err)),
            Err(err) => Err(unavailable().with_source(err)),
        }
    }
}

/// Whether `scope` can be granted: not empty, no whitespace, no control characters.
pub fn is_valid_scope(scope: &str) -> bool {
    !scope.is_empty()
        && !scope
            .chars()
            .any(|ch| ch.is_whitespace() || ch.is_control())
}

fn split_scopes(scopes: &str) -> Vec<String> {
    scopes.split_whitespace().map(str::to_owned).collect()
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

/// A 503 for a handler whose store call failed: the cause is logged, never sent.
pub(super) fn unavailable(err: impl fmt::Display) -> actix_web::Error {
    tracing::error!(error = %err, "the user store is unavailable");
    actix_web::error::ErrorServiceUnavailable("the user store is unavailable")
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

    // Pins that a wrong username does the same password work as a wrong password, by
    // counting argon2 verifications instead of timing them.
    #[test]
    fn store_unknown_user_costs_one_verification_like_a_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path().join("users.sqlite3")).unwrap();

        let start = store.passwords.verifications();
        let unknown = store.check_password("nobody", "admin-secret").unwrap();
        let after_unknown = store.passwords.verifications();
        let wrong = store.check_password("admin", "wrong").unwrap();
        let after_wrong = store.passwords.verifications();

        assert!(unknown.is_none());
        assert!(wrong.is_none());
        assert_eq!(after_unknown - start, 1);
        assert_eq!(after_wrong - after_unknown, 1);
    }

    fn open_store() -> (UserStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = UserStore::open(dir.path().join("users.sqlite3")).unwrap();
        (store, dir)
    }

    fn scopes(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn store_api_key_is_found_by_id_until_revoked() {
        let (store, _dir) = open_store();
        let issued = store
            .create_api_key("admin", &scopes(&["authenticated"]))
            .unwrap();

        let found = store.find_api_key(issued.id()).unwrap().expect("the key");
        let revoked = store.revoke_api_key(issued.id()).unwrap();
        let after = store.find_api_key(issued.id()).unwrap().expect("the key");

        assert_eq!(found.hash, *issued.hash());
        assert!(found.scopes.contains("authenticated"));
        assert!(!found.revoked);
        assert!(revoked);
        assert!(after.revoked);
        assert!(!store.revoke_api_key("0000000000000000").unwrap());
        assert!(store.find_api_key("0000000000000000").unwrap().is_none());
    }

    #[test]
    fn store_api_key_grants_only_scopes_its_owner_still_holds() {
        let (store, _dir) = open_store();
        let issued = store
            .create_api_key("alice", &scopes(&["authenticated", "admin"]))
            .unwrap();

        let found = store.find_api_key(issued.id()).unwrap().expect("the key");

        assert!(found.scopes.contains("authenticated"));
        assert!(!found.scopes.contains("admin"));
    }

    #[test]
    fn store_api_key_listing_never_shows_secrets() {
        let (store, _dir) = open_store();
        let issued = store.create_api_key("alice", &[]).unwrap();

        let mut listed = store.list_api_keys().unwrap();
        let created = listed[0].created.take().expect("a creation time");

        assert_eq!(
            listed,
            [ApiKeyInfo {
                id: issued.id().to_owned(),
                owner: "alice".to_owned(),
                scopes: Vec::new(),
                revoked: false,
                created: None,
            }]
        );
        assert_eq!(created.len(), "2026-01-31T12:00:00Z".len());
        assert!(
            created.starts_with("20") && created.ends_with('Z'),
            "{created}"
        );
    }

    #[test]
    fn store_adds_the_creation_time_to_an_older_key_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.sqlite3");
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE users (username TEXT PRIMARY KEY NOT NULL,
                 password_hash TEXT NOT NULL, scopes TEXT NOT NULL);
             INSERT INTO users VALUES ('alice', 'x', 'authenticated');
             CREATE TABLE api_keys (id TEXT PRIMARY KEY NOT NULL, secret_hash TEXT NOT NULL,
                 owner TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
                 scopes TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
             INSERT INTO api_keys VALUES ('ffffffffffffffff', '00', 'alice', '', 0);",
        )
        .unwrap();
        drop(old);

        let store = UserStore::open(&path).unwrap();
        let issued = store.create_api_key("alice", &[]).unwrap();
        let listed = store.list_api_keys().unwrap();

        // Listed by id: the new key's random id sorts before the old one's.
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].id, issued.id());
        assert!(listed[0].created.is_some());
        assert_eq!(listed[1].id, "ffffffffffffffff");
        assert_eq!(listed[1].created, None);
    }

    #[test]
    fn store_api_key_refuses_bad_scopes_and_unknown_owners() {
        let (store, _dir) = open_store();

        for bad in [&[""][..], &["two words"], &["tab\there"], &["bell\u{7}"]] {
            let err = store.create_api_key("admin", &scopes(bad)).unwrap_err();
            assert!(matches!(err, StoreError::InvalidScope), "{bad:?}");
        }
        let err = store.create_api_key("mallory", &[]).unwrap_err();
        assert!(matches!(err, StoreError::Sqlite(_)), "{err}");
        assert!(store.list_api_keys().unwrap().is_empty());
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
