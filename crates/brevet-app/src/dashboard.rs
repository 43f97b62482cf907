//! What only the dashboard reads: the choice list of the award form (the organisation's
//! achievements that can still be awarded, by name).

use brevet_store::achievements;
use serde::Serialize;

use crate::{App, AppError, Principal};

/// An achievement the award form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AchievementChoice {
    pub id: String,
    pub name: String,
    pub achievement_type: String,
}

impl App {
    /// The organisation's unarchived achievements, newest first (any role).
    pub async fn achievement_choices(
        &self,
        principal: &Principal,
    ) -> Result<Vec<AchievementChoice>, AppError> {
        let mut conn = self.store().read().await?;
        Ok(achievements::list(&mut conn, &principal.org_id, false)
            .await?
            .into_iter()
            .map(|record| AchievementChoice {
                id: record.id,
                name: record.name,
                achievement_type: record.achievement_type,
            })
            .collect())
    }
}
