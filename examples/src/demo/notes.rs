//! The notes table, and the object check that lets only a note's owner (or an admin) read it.

use actix_web::{error, web, HttpRequest};
use auth_actix::{AuthUser, Credentials};
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::{Scope, StoreError, UserStore, Visitor};

/// The notes seeded into a new database: owner and text.
pub const DEMO_NOTES: [(&str, &str); 2] = [("alice", "buy milk"), ("admin", "rotate the keys")];

/// One row of the notes table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The note's id, as used in `/notes/{id}`.
    pub id: i64,
    /// The username of the account that wrote it.
    pub owner: String,
    /// What it says.
    pub text: String,
}

impl UserStore {
    /// Creates the notes table and seeds [`DEMO_NOTES`] when it is empty.
    pub(super) fn migrate_notes(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.get()?;
        let tx = conn.transaction()?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS notes (
                 id INTEGER PRIMARY KEY,
                 owner TEXT NOT NULL,
                 text TEXT NOT NULL
             )",
        )?;
        let count: i64 = tx.query_row("SELECT COUNT(*) FROM notes", [], |row| row.get(0))?;
        if count == 0 {
            for (owner, text) in DEMO_NOTES {
                tx.execute(
                    "INSERT INTO notes (owner, text) VALUES (?1, ?2)",
                    [owner, text],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The note with this id, if there is one.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub fn note(&self, id: i64) -> Result<Option<Note>, StoreError> {
        let note = self
            .pool
            .get()?
            .query_row(
                "SELECT id, owner, text FROM notes WHERE id = ?1",
                [id],
                |row| {
                    Ok(Note {
                        id: row.get(0)?,
                        owner: row.get(1)?,
                        text: row.get(2)?,
                    })
                },
            )
            .optional()?;
        Ok(note)
    }

    /// The notes `owner` wrote, by id.
    ///
    /// # Errors
    ///
    /// When the database cannot be read.
    pub fn notes_of(&self, owner: &str) -> Result<Vec<Note>, StoreError> {
        let conn = self.pool.get()?;
        let mut statement =
            conn.prepare("SELECT id, owner, text FROM notes WHERE owner = ?1 ORDER BY id")?;
        let rows = statement.query_map([owner], |row| {
            Ok(Note {
                id: row.get(0)?,
                owner: row.get(1)?,
                text: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Reads the note in the request's path: 404 when the id is not a number or no such note
/// exists, 503 when the store cannot answer.
pub(super) async fn note_in_path(req: &HttpRequest) -> Result<Note, actix_web::Error> {
    let id: i64 = req
        .match_info()
        .get("id")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| error::ErrorNotFound("no such note"))?;
    let store = req
        .app_data::<web::Data<UserStore>>()
        .ok_or_else(|| error::ErrorInternalServerError("the user store is not configured"))?
        .clone();

    web::block(move || store.note(id))
        .await?
        .map_err(super::store::unavailable)?
        .ok_or_else(|| error::ErrorNotFound("no such note"))
}

/// The object check of `/notes/{id}`: the note's owner and admins may read it.
///
/// An unknown note is a 404 and a store that is down a 503, before the handler runs.
pub(super) async fn owns_note(
    req: &HttpRequest,
    visitor: &Visitor,
    credentials: &Credentials,
) -> Result<bool, actix_web::Error> {
    let note = note_in_path(req).await?;
    Ok(note.owner == visitor.identity() || credentials.contains_scope(Scope::Admin))
}
