//! A Redis session store that works again as soon as Redis does.

use std::time::Duration;

use actix_session::storage::RedisSessionStore;
use deadpool_redis::{Config, PoolConfig, Runtime, Timeouts};

use super::TimeoutStore;

/// Connects a Redis session store to `url` that survives Redis outages, each call to it
/// bounded by `deadline`.
///
/// `RedisSessionStore::new(url)` talks through a single connection manager that, after a
/// call made while Redis was down, can stay stuck reconnecting long after Redis is back, so
/// every request carrying a session cookie fails until the process restarts. The store made
/// here takes a connection from a pool for each call instead: an idle connection is checked
/// with `PING` before it is reused and replaced when broken, so sessions work again with the
/// first call after Redis answers. While Redis is unreachable, calls fail within `deadline`
/// (see [`TimeoutStore`]) and `SessionMiddleware` answers 500.
///
/// # Errors
///
/// `url` is not a Redis URL, or Redis does not answer within `deadline` now: an application
/// should not start without its session store.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
///
/// use actix_web::cookie::Key;
/// use auth_actix::session::{redis_store, SessionMiddleware};
///
/// # async fn run() -> anyhow::Result<()> {
/// let store = redis_store("redis://127.0.0.1:6379", Duration::from_secs(2)).await?;
/// let middleware = SessionMiddleware::new(store, Key::generate());
/// # let _ = middleware;
/// # Ok(())
/// # }
/// ```
pub async fn redis_store(
    url: &str,
    deadline: Duration,
) -> anyhow::Result<TimeoutStore<RedisSessionStore>> {
    let mut config = Config::from_url(url);
    config.pool = Some(PoolConfig {
        timeouts: Timeouts {
            wait: Some(deadline),
            create: Some(deadline),
            recycle: Some(deadline),
        },
        ..PoolConfig::default()
    });
    let pool = config.create_pool(Some(Runtime::Tokio1))?;
    // One connection now, so that a wrong URL or an absent server stops the start.
    drop(pool.get().await?);

    let store = RedisSessionStore::new_pooled(pool).await?;
    Ok(TimeoutStore::new(store, deadline))
}
