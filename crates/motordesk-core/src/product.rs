//! The catalog: products and services a shop sells.

use crate::invoice::{SaleLine, Unit};
use crate::tax::TaxAffectation;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub category: String,
    pub unit: Unit,
    /// IGV-inclusive price.
    pub price: Decimal,
    pub affectation: TaxAffectation,
    /// Shown as a big quick key on the sales screen.
    pub quick_key: bool,
    /// For oils and filters: km until the next change.
    pub change_every_km: Option<u32>,
    pub active: bool,
}

impl Product {
    pub fn line(&self, quantity: Decimal) -> SaleLine {
        SaleLine {
            product_id: Some(self.id),
            code: self.code.clone(),
            description: self.name.clone(),
            unit: self.unit,
            quantity,
            unit_price: self.price,
            discount: Decimal::ZERO,
            affectation: self.affectation,
        }
    }
}
